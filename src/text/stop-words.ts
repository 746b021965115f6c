import { eng, zho } from 'stopword';

/**
 * Words that say nothing about what a message is about: the stopword package's Chinese and English lists,
 * plus the formulas every message to a government carries (greetings, "please handle", "the relevant
 * department") which would otherwise be the most frequent words of every category.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  ...zho,
  ...eng,
  ...['您好', '你好', '请问', '希望', '请求', '恳请', '相关', '有关', '部门', '领导', '问题', '反映', '反应'],
  ...['谢谢', '感谢', '能否', '是否', '一下', '我们', '他们', '现在', '已经', '目前', '情况', '进行', '这个'],
  ...['那个', '没有', '一个', '还是', '可以', '如何', '怎么', '为什么', '什么', '但是', '而且', '因为', '所以'],
  ...['的', '了', '在', '是', '和', '与', '及', '或', '等', '也', '都', '就', '还', '又', '被', '把', '对', '从'],
]);
