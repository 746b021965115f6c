import { useI18n } from '../i18n.ts';

/** The knowledge base's words (知识库), in zh-CN and English. */
const zh = {
  title: '知识库',
  intro: '政策答复、办事流程和联系方式。受理时可直接按知识库答复，计入一次办结率。',
  searchPlaceholder: '输入问题，例如：研究生落户买房有补贴吗',
  search: '搜索',
  clear: '清除',
  allCategories: '全部主题',
  reviewDue: '只看到期待复核',
  noArticles: '没有符合条件的条目',
  newArticle: '新建条目',
  edit: '修订',
  history: '历史版本',
  version: '版本 {n}',
  owner: '责任单位',
  category: '主题',
  validity: '有效期',
  validFrom: '生效日期',
  validUntil: '失效日期',
  always: '长期有效',
  validSince: '自 {date} 起长期有效',
  validTill: '有效至 {date}',
  reviewBy: '复核日期',
  overdueReview: '已到复核日期',
  public: '公开（市民可查）',
  internal: '仅内部',
  sources: '依据与来源（每行一条）',
  sourcesHeading: '依据与来源',
  articleTitle: '问题（标题）',
  articleBody: '答复内容',
  changeNote: '修订说明',
  save: '保存',
  cancel: '取消',
  saved: '已保存为版本 {n}',
  proposed: '建议答复（知识库）',
  proposedHint: '根据本案标题和描述从知识库匹配，未必切题：请先核对，可修改答复内容后直接答复并办结。',
  noProposals: '知识库中没有匹配的条目',
  reply: '答复内容（将发送给诉求人）',
  answerNow: '直接答复',
  answered: '已直接答复并办结',
  readMore: '展开',
  readLess: '收起',
  by: '修订人',
  changedAt: '修订时间',
};

const en: typeof zh = {
  title: 'Knowledge base',
  intro:
    'Policy answers, procedures and contacts. The desk answers from them at first contact; such answers count as first-contact resolution.',
  searchPlaceholder: 'Type a question, e.g. 研究生落户买房有补贴吗',
  search: 'Search',
  clear: 'Clear',
  allCategories: 'All topics',
  reviewDue: 'Only due for review',
  noArticles: 'No articles match',
  newArticle: 'New article',
  edit: 'Revise',
  history: 'History',
  version: 'version {n}',
  owner: 'Owner body',
  category: 'Topic',
  validity: 'Valid',
  validFrom: 'Valid from',
  validUntil: 'Valid until',
  always: 'no end date',
  validSince: 'from {date}, no end date',
  validTill: 'until {date}',
  reviewBy: 'Review by',
  overdueReview: 'review date reached',
  public: 'Public (residents may search it)',
  internal: 'Internal only',
  sources: 'Basis and sources (one per line)',
  sourcesHeading: 'Basis and sources',
  articleTitle: 'Question (title)',
  articleBody: 'Answer',
  changeNote: 'What changed',
  save: 'Save',
  cancel: 'Cancel',
  saved: 'Saved as version {n}',
  proposed: 'Proposed answers (knowledge base)',
  proposedHint:
    "Matched from this case's title and description; edit the reply if needed, then answer and close the case.",
  noProposals: 'No article in the knowledge base matches',
  reply: 'Reply (sent to the reporter)',
  answerNow: 'Answer now',
  answered: 'Answered at first contact and closed',
  readMore: 'More',
  readLess: 'Less',
  by: 'Changed by',
  changedAt: 'Changed at',
};

export type KnowledgeTextKey = keyof typeof zh;

/** The knowledge base's words in the console's language; `{name}` placeholders filled from `values`. */
export function useKnowledgeText() {
  const { language } = useI18n();
  const messages = language === 'zh-CN' ? zh : en;
  return (key: KnowledgeTextKey, values: Record<string, string | number> = {}) =>
    messages[key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}
