/**
 * Finds the full names of people that citizens write into free text: `实名举报人: 彭乔松`, `我叫周群艳`,
 * `联系人:胡喆`, `局长李鸿`, `刘清静同志`.
 *
 * jieba's part-of-speech tags alone do not do it. Its dictionary tags as `nr` (person name) many ordinary
 * words and places (高峰, 阳光, 谢谢, 王府井, 步步高, 胡书记), and the names that matter are not in any
 * dictionary: jieba's HMM finds them as unknown words, tagged `x` like every other unknown word (宜思必,
 * 任江押 in 任江押镇). So a name is read only where something says a person is named there:
 * - after a cue that introduces a name (实名举报人, 我叫, 名叫, 姓名, 联系人) or a role held by a person
 *   (负责人, 法人, 局长, 经理, 校长…), or before a form of address (同志, 先生, 女士, 书记…);
 * - and it starts with a known Chinese surname and is 2–3 characters long (4 with a compound surname);
 * - and it is not a dictionary word other than a name (a cue followed by 张贴 or 高峰期 is not a name),
 *   nor the start of a place or organisation (任江押镇, 王府井商业街).
 * Without a cue, only an unknown 3-character word that starts with one of the most common surnames is
 * taken (肖江玲, 何伟明): in the TipDM messages about three in four of those are names, and the rest are
 * mostly places that a last character (路, 岭, 村) or a 家 in the middle gives away (杨峰路, 丁家岭). Two
 * characters without a cue are too often something else (林权, 金帆, 杨美), as are dictionary words tagged
 * nr. Names listed next to a name found (罗明、刘楠、林雨果) are names too.
 * A surname followed by a form of address alone (胡书记, 高女士, 王师傅) is not a full name: its mask would
 * keep the surname anyway, and it stays as written. bench/masking.ts measures the false masks on the TipDM
 * messages; src/privacy/fixtures/person-names.tsv is the hand-labelled set precision and recall are
 * measured on.
 */
import { tagWords } from '../text/tokenizer.ts';
import { COMPOUND_SURNAMES } from './masking.ts';

export interface FoundName {
  value: string;
  start: number;
  end: number;
}

/**
 * Common Chinese surnames, about 300 of the most frequent. Those that are far more often a word of their
 * own are left out (和, 但, 由, 都, 时, 向, 在, 把, 从, 车, 师, 连, 房, 管, 安, 楚), since a cue followed by
 * `在…` or `和…` would otherwise read as a name, and 连办案, 房内, 管床, 安居梦, 楚天 were.
 */
const SURNAMES = new Set(
  Array.from(
    '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗于郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤常温康施文牛樊葛邢齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝游辛靳柴蒙鲍华喻祁蒲滕屈饶解牟艾尤阳穆农司卓古吉缪简项芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬卞姬仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池麻苑迟邝谈匡鞠惠荆冀郁胥储栗燕鄢谌奚皮粟冼蔺楼闻厉伊仝郜阚帅屠朴练廉禹祖漆巴丰卿狄索宣晋扈晁芮阙戈伏鹿薄邸雍辜羊乌裘亓邰赫杭况宿逯隆茹诸慕危亢嵇湛戎茅揭尉冶檀昝衡尧',
  ),
);
/**
 * The surnames a name without a cue may start with: the most common ones, without those that often start
 * an ordinary word, a number or a place (万, 成, 安, 金, 高, 石, 江, 华, 方, 文…), or a brand's
 * transliteration (艾瑞弗).
 */
const BARE_SURNAMES = new Set(
  Array.from(
    '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范廖贾夏韦付傅邹孟熊秦邱尹薛闫段雷侯史陶黎贺顾郝龚邵钱覃戴莫孔汤樊葛邢乔伍庞颜倪庄聂章鲁岳翟殷詹欧耿焦俞柳祝符舒阮柯纪童凌毕季裴霍涂苗翁冉骆辛靳柴鲍喻祁蒲滕屈饶牟尤',
  ),
);
/** Characters a name does not have: numerals, and the last characters of places and job titles. */
const NOT_IN_BARE_NAME =
  /[一二三四五六七八九十百千万零〇壹贰叁肆伍陆柒捌玖拾佰仟]|[镇村乡组路街巷区县市省州湖山塘桥坡湾岭冲港园苑府城店厂馆所院司局队站楼栋号家氏坳坪洲堂汇口井湘员长]$|^.家/;
/** Function characters jieba sometimes glues to the start of a name (为费志刚). */
const LEADING_FUNCTION = /^[为是和与给向被对把让找]/;
/** Function characters jieba sometimes glues to the end of a name (苏翔于2019年, 廖永及质安办人员, 毛浚时). */
const TRAILING_FUNCTION = /[于及和与在等的是说也就把被向对从给让将已都时用来俩]$/;
/** What joins the names of a list: 罗明、刘楠、林雨果 and 张三和李四. */
const LIST_JOIN = new Set(['、', '和', '与', '及', ',', '，']);

/**
 * Words after which a name follows: who is reporting or to be contacted (实名举报人: 彭乔松, 我叫周群艳,
 * 联系人:胡喆), and roles held by one person, written before the name (局长李鸿, 总经理侯奇亚, 法人张耀照).
 * The longest cue is tried first (实名举报人 before 举报人). Bare 叫 is not one: 我叫停车, 叫他们过来.
 */
const CUES_BEFORE = [
  '实名举报人',
  '举报人',
  '控告人',
  '投诉人',
  '信访人',
  '反映人',
  '当事人',
  '我叫',
  '本人叫',
  '真名叫',
  '名叫',
  '姓名',
  '联系人',
  '负责人',
  '法人代表',
  '法定代表人',
  '法人',
  '业主',
  '户主',
  '董事长',
  '总经理',
  '经理',
  '局长',
  '副局长',
  '镇长',
  '副镇长',
  '村长',
  '书记',
  '主任',
  '校长',
  '所长',
  '队长',
  '站长',
  '院长',
  '主席',
  '民警',
  '警官',
  '律师',
  '会计',
  '老师',
  '教练',
  '医生',
  '村民',
  '销售顾问',
  '工作人员',
];
/** What may stand between a cue and the name: 联系人：, 姓名为, 我叫 (with a space), 负责人是. */
const CUE_JOIN = /^[\s:：,，]*(?:为|是)?[\s:：]*/;
/** Forms of address written after a name (刘清静同志, 胡华衡书记, 王建国先生). */
const TITLES_AFTER = [
  '同志',
  '先生',
  '女士',
  '小姐',
  '书记',
  '局长',
  '镇长',
  '村长',
  '校长',
  '主任',
  '老师',
  '师傅',
  '经理',
  '律师',
  '警官',
  '民警',
  '医生',
  '等人',
  '所长',
  '院长',
  '科长',
  '市长',
  '县长',
  '处长',
  '行长',
  '部长',
  '站长',
  '队长',
];
/** A surname with one of these is a form of address, not a name (王先生, 胡书记): they never end a name. */
const ADDRESS_WORDS = new Set([
  ...TITLES_AFTER,
  '某',
  '某某',
  '姓',
  '总',
  '姐',
  '哥',
  '叔',
  '姨',
  '伯',
  '爷',
  '奶',
  '婆',
  '嫂',
  // 刘男, 肖两: a surname with the person's sex or a count (李、肖两警官).
  '男',
  '女',
  '两',
  '俩',
]);
/**
 * Characters that end a place or an organisation, or a word that continues it: 任江押镇, 王府井商业街,
 * 杨家冲社区, 胡记粉店. A candidate followed by one is not a name.
 */
const PLACE_OR_ORGANISATION =
  /^(?:[镇村乡组路街巷区县市省州湖山塘桥坡湾岭冲港园苑府城店厂馆所院司局队站楼栋号家氏坝郡社]|公司|小区|超市|餐厅|酒店|宾馆|广场|花园|大道|中学|小学|学校|幼儿园)/;
/**
 * What a name does not end with: the last characters of a village, a town, a road or an area (高源村
 * after the cue 街道), of a temple or a brand (陶公庙, 雷丁牌), of a job (任兽医, 连教师), of a group
 * (杨三人); what a given name does not hold anywhere (杜路花, a road's name reversed; 谢谢您); and a
 * shop's X记 (黄记炖菜).
 */
const NOT_A_NAME = /[村镇乡郡社区县市省庙牌医师员工人]$|^.+[路街巷坝您你我他她]|^.记/;
/**
 * Characters that as the given name of a 2-character word are a verb or a function word after a surname
 * (举报人曾到该校: "once went to", not 曾到; 村民曾于2013年), or that start an adverb or a rank (钱不应, 刘副主任,
 * 章未盖, 何时能, 余人靠).
 */
const NOT_A_GIVEN_NAME =
  /^[到在于是的了被把对从向和与及等说也就都已将给让得之其此该这那们个中上下里后前时来去过]$|^[不没很还再又才只副未时人]/;
/**
 * jieba tags of dictionary words that are person names. A 2-character dictionary word is taken for a
 * name only if jieba did not know it (tag x): its dictionary tags 晋升, 高峰 and 金山 as names.
 */
const NAME_TAGS = new Set(['nr', 'nrt', 'nrfg']);
/**
 * jieba tags of a word that is not a given name after a surname jieba cut off (申|报, 张|贴, 姜|进军 is
 * one): adverbs, prepositions, conjunctions, particles, pronouns, directions, numbers, time; and for one
 * character, verbs.
 */
const NOT_GIVEN_NAME = new Set(['d', 'p', 'c', 'u', 'uj', 'ul', 'uz', 'ug', 'uv', 'r', 'f', 'm', 'q', 't', 'y', 'e']);
const HAN = /^\p{Script=Han}+$/u;
const HAN_ANYWHERE = /\p{Script=Han}/u;

interface Word {
  word: string;
  tag: string;
  start: number;
  end: number;
}

/**
 * The full names of people in a text, sorted by start and non-overlapping; offsets are string offsets.
 */
export function findPersonNames(text: string): FoundName[] {
  if (!HAN_ANYWHERE.test(text)) return [];
  const cues = cuePositions(text);
  const words = wordsOf(text);
  const startsAt = new Map(words.map((w, i) => [w.start, i]));
  const endsAt = new Map(words.map((w, i) => [w.end, i]));
  const names = new Map<number, FoundName>();
  for (const position of cues.after) {
    const name = nameStartingAt(words, startsAt.get(position));
    if (name) names.set(name.start, name);
  }
  for (const position of cues.before) {
    const name = nameEndingAt(words, endsAt.get(position));
    if (name && !names.has(name.start)) names.set(name.start, name);
  }
  words.forEach((word, i) => {
    const name = bareName(word, words[i + 1]) ?? firstOfList(words, i);
    if (name && !names.has(name.start)) names.set(name.start, name);
  });
  for (const name of [...names.values()]) {
    const [first, last] = [startsAt.get(name.start), endsAt.get(name.end)];
    if (first === undefined || last === undefined) continue;
    for (const listed of listedWith(words, endsAt, first, last)) {
      if (!names.has(listed.start)) names.set(listed.start, listed);
    }
  }
  // A name found once is the same name where it comes again without a cue (肖威 … 肖威的联系方式).
  const found = new Set([...names.values()].map((n) => n.value));
  words.forEach((word, i) => {
    const name = found.has(word.word) && !names.has(word.start) ? asName([word], words[i + 1]) : null;
    if (name) names.set(name.start, name);
  });
  const sorted = [...names.values()].sort((a, b) => a.start - b.start);
  return sorted.filter((name, i) => i === 0 || name.start >= sorted[i - 1]!.end);
}

/** Where a name may start (just after a cue) and where one may end (just before a form of address). */
function cuePositions(text: string): { after: number[]; before: number[] } {
  const after: number[] = [];
  const before: number[] = [];
  for (const match of text.matchAll(CUE_PATTERN)) {
    const end = match.index + match[0].length;
    after.push(end + (CUE_JOIN.exec(text.slice(end, end + 6))?.[0].length ?? 0));
  }
  for (const match of text.matchAll(TITLE_PATTERN)) before.push(match.index);
  return { after, before };
}

const byLength = (a: string, b: string) => b.length - a.length;
const CUE_PATTERN = new RegExp(CUES_BEFORE.sort(byLength).join('|'), 'g');
const TITLE_PATTERN = new RegExp(TITLES_AFTER.sort(byLength).join('|'), 'g');

/** jieba's words with their offsets; the text's own characters, so offsets are the text's. */
function wordsOf(text: string): Word[] {
  const words: Word[] = [];
  let at = 0;
  for (const { word, tag } of tagWords(text)) {
    const start = text.indexOf(word, at);
    if (start < 0) continue;
    at = start + word.length;
    words.push({ word, tag, start, end: at });
  }
  return words;
}

/**
 * The name that starts with word i: a word that is a name (彭乔松, 王纳), or a surname jieba cut off and
 * the given name after it (刘|清静, 杨彪|虎 where jieba took the last character for a word).
 */
function nameStartingAt(words: Word[], i: number | undefined): FoundName | null {
  const first = i === undefined ? undefined : words[i];
  if (i === undefined || !first) return null;
  const next = words[i + 1];
  const afterNext = words[i + 2];
  // A 2-character name and one more character before punctuation or the end: 杨彪|虎，.
  if (
    next &&
    first.word.length === 2 &&
    next.word.length === 1 &&
    isGivenName(next) &&
    !HAN.test(afterNext?.word ?? '')
  ) {
    return asName([first, next], afterNext);
  }
  if (isName(first.word, first.tag)) return asName([first], next);
  if (next && isSurnameOnly(first.word) && isGivenName(next)) return asName([first, next], afterNext);
  return null;
}

/** The name that ends with word i, before a form of address (刘清静|同志, 胡华衡|书记). */
function nameEndingAt(words: Word[], i: number | undefined): FoundName | null {
  if (i === undefined) return null;
  const last = words[i]!;
  const before = words[i - 1];
  if (before && isSurnameOnly(before.word) && isGivenName(last)) {
    return asName([before, last], undefined);
  }
  // What follows is the form of address, which may start like an organisation (李舜|局长).
  if (isName(last.word, last.tag)) return asName([last], undefined);
  return null;
}

function asName(parts: Word[], following: Word | undefined): FoundName | null {
  let value = parts.map((p) => p.word).join('');
  if (value.length === 3 && TRAILING_FUNCTION.test(value) && hasNameShape(value.slice(0, 2))) {
    value = value.slice(0, 2);
  } else if (following && PLACE_OR_ORGANISATION.test(following.word)) {
    return null;
  }
  if (!hasNameShape(value)) return null;
  return { value, start: parts[0]!.start, end: parts[0]!.start + value.length };
}

/**
 * An unknown 3-character word that, with no cue, is most likely a name (see the comment at the top), also
 * where jieba glued a function character before it (发起人为费志刚 cut as 为费志刚).
 */
function bareName(word: Word, following: Word | undefined): FoundName | null {
  if (word.tag !== 'x') return null;
  const glued = word.word.length === 4 && LEADING_FUNCTION.test(word.word) ? 1 : 0;
  const value = word.word.slice(glued);
  if (value.length !== 3 || !BARE_SURNAMES.has(value[0]!) || NOT_IN_BARE_NAME.test(value)) return null;
  return asName([{ ...word, word: value, start: word.start + glued }], following);
}

/**
 * Two unknown name-shaped words joined by 、 start a list of names (罗明、刘楠), where each alone is too
 * short to be taken without a cue; the rest of the list is found by listedWith.
 */
function firstOfList(words: Word[], i: number): FoundName | null {
  const [word, join, second] = [words[i]!, words[i + 1], words[i + 2]];
  if (join?.word !== '、' || !second || word.tag !== 'x' || second.tag !== 'x') return null;
  // Places are listed too (白沙、春华、高桥): both must start with a surname common enough to go bare.
  if (!BARE_SURNAMES.has(word.word[0]!) || !BARE_SURNAMES.has(second.word[0]!)) return null;
  const name = asName([word], join);
  return name && name.end === word.end && asName([second], words[i + 3]) ? name : null;
}

/** The names listed after and before the name of words first..last: 罗明、刘楠、林|雨果. */
function listedWith(words: Word[], endsAt: Map<number, number>, first: number, last: number): FoundName[] {
  const listed: FoundName[] = [];
  for (let i: number | undefined = last; i !== undefined && LIST_JOIN.has(words[i + 1]?.word ?? ''); ) {
    const name = nameStartingAt(words, i + 2);
    if (!name) break;
    listed.push(name);
    i = endsAt.get(name.end);
  }
  for (let i = first; LIST_JOIN.has(words[i - 1]?.word ?? ''); i -= 2) {
    const word = words[i - 2];
    const name = word && isName(word.word, word.tag) ? asName([word], words[i - 1]) : null;
    if (!name || name.end !== word!.end) break;
    listed.push(name);
  }
  return listed;
}

/** A word jieba did not know, or a dictionary name of 3 characters or more, with the shape of a name. */
function isName(word: string, tag: string): boolean {
  return (tag === 'x' || (NAME_TAGS.has(tag) && word.length > 2)) && hasNameShape(word);
}

/** A word that can be the given name after a surname jieba cut off (see NOT_GIVEN_NAME). */
function isGivenName({ word, tag }: Word): boolean {
  return HAN.test(word) && word.length <= 2 && !NOT_GIVEN_NAME.has(tag) && !(word.length === 1 && tag.startsWith('v'));
}

function isSurnameOnly(word: string): boolean {
  return SURNAMES.has(word) || COMPOUND_SURNAMES.has(word);
}

/** A known surname and a given name of 1–2 characters that is not a form of address. */
function hasNameShape(value: string): boolean {
  if (!HAN.test(value)) return false;
  const surname = COMPOUND_SURNAMES.has(value.slice(0, 2)) ? 2 : SURNAMES.has(value[0]!) ? 1 : 0;
  if (!surname) return false;
  const given = value.slice(surname);
  return (
    given.length >= 1 &&
    given.length <= 2 &&
    !ADDRESS_WORDS.has(given) &&
    !ADDRESS_WORDS.has(given[0]!) &&
    !NOT_A_GIVEN_NAME.test(given) &&
    !NOT_A_NAME.test(value)
  );
}
