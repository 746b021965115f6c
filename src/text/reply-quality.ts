/**
 * Reply quality (答复意见评价): how well a department's reply answers a citizen's message, as a score
 * from 0 to 100 with its parts and the reasons behind it in Chinese and English, so a supervisor can read
 * the weakest replies first. Pure: the same message and reply always get the same judgement.
 *
 * score = 100 × (0.30 relevance + 0.40 completeness + 0.15 timeliness + 0.15 readability)
 *
 * Completeness weighs most because a reply exists to say what was checked and what was done; relevance
 * next, because a generic template answers nobody. Timeliness and readability matter, but a late or
 * clumsy reply that resolves the problem still serves the citizen better than a prompt empty one. When
 * the reply time is unknown, timeliness is left out and the other weights are scaled up to sum to 1.
 */
import { WorkingCalendar } from '../calendar/index.ts';
import { normaliseText } from './normalise.ts';
import { STOP_WORDS } from './stop-words.ts';
import { tokenize } from './tokenizer.ts';

export interface ReplyInput {
  title: string;
  detail: string;
  writtenAt: Date;
  reply: string;
  repliedAt?: Date;
}

/** The parts of a complete reply, in the order a good one usually gives them. */
export const REPLY_ELEMENTS = ['acknowledges', 'checked', 'action', 'when', 'contact'] as const;
export type ReplyElement = (typeof REPLY_ELEMENTS)[number];

export interface ElementFinding {
  found: boolean;
  /** The words of the reply that showed it (normalised, at most ~40 characters), or null. */
  evidence: string | null;
}

export interface ReplyJudgement {
  /** 0–100, one decimal. */
  score: number;
  /** Each 0–1; timeliness is null when the reply time is unknown. */
  parts: { relevance: number; completeness: number; timeliness: number | null; readability: number };
  elements: Record<ReplyElement, ElementFinding>;
  /** Working days from message to reply, one decimal; null when the reply time is unknown. */
  workingDays: number | null;
  /** Whether the calendar had public holidays for the years counted, or only knew Monday–Friday. */
  holidaysCounted: boolean;
  /** Shortfalls first (largest loss of score first), then strengths; zh[i] and en[i] say the same. */
  reasons: { zh: string[]; en: string[] };
}

/** Inverse document frequency of each word in a corpus of texts. */
export interface IdfTable {
  documents: number;
  weights: ReadonlyMap<string, number>;
}

export interface JudgeOptions {
  /** Word weights learned from the city's messages and replies; without it every word weighs the same. */
  idf?: IdfTable;
  /** Defaults to Monday–Friday in China time with no public holidays. */
  calendar?: WorkingCalendar;
}

const WEIGHTS = { relevance: 0.3, completeness: 0.4, timeliness: 0.15, readability: 0.15 } as const;

// Checking and acting are what the citizen asked for; when and whom to call make the reply usable; the
// courtesy costs nothing, so it earns little.
const ELEMENT_WEIGHTS: Record<ReplyElement, number> = {
  acknowledges: 0.1,
  checked: 0.25,
  action: 0.35,
  when: 0.15,
  contact: 0.15,
};

const MONDAY_TO_FRIDAY = new WorkingCalendar({ timeZone: 'Asia/Shanghai', days: [] });

/** Builds word weights from a corpus (each text one document): ln((N+1)/(df+1)) + 1, so no word weighs 0. */
export function buildIdf(texts: Iterable<string>): IdfTable {
  const documentFrequency = new Map<string, number>();
  let documents = 0;
  for (const text of texts) {
    documents++;
    for (const term of new Set(termsOf(text))) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  const weights = new Map<string, number>();
  for (const [word, df] of documentFrequency) weights.set(word, Math.log((documents + 1) / (df + 1)) + 1);
  return { documents, weights };
}

/**
 * Judges one reply to one message. Pass `idf` (buildIdf over the city's messages and replies) so that
 * relevance weighs rare words, such as places and subjects, above words every message uses.
 */
export function judgeReply(input: ReplyInput, options: JudgeOptions = {}): ReplyJudgement {
  const reply = normaliseText(input.reply);
  const content = withoutBoilerplate(reply);
  // A preamble such as "现将调查核实情况答复如下" promises a check, and "已转交街道核实处理" passes one
  // on: only the rest of the reply can show that something was checked or done, or that it is on topic.
  const substance = content.replace(FORWARDED, (m) => ' '.repeat(m.length));
  const forwarded = substance !== content;
  const elements = findElements(reply, substance);
  const relevance = relevanceOf(input, substance, options.idf);
  const completeness = REPLY_ELEMENTS.reduce((sum, e) => sum + (elements[e].found ? ELEMENT_WEIGHTS[e] : 0), 0);
  const calendar = options.calendar ?? MONDAY_TO_FRIDAY;
  const workingDays = input.repliedAt ? workingDaysBetween(calendar, input.writtenAt, input.repliedAt) : null;
  const timeliness = workingDays === null ? null : timelinessOf(workingDays);
  const readability = readabilityOf(reply, content);

  const weighted =
    WEIGHTS.relevance * relevance.score +
    WEIGHTS.completeness * completeness +
    WEIGHTS.readability * readability.score +
    (timeliness === null ? 0 : WEIGHTS.timeliness * timeliness);
  const weightUsed = 1 - (timeliness === null ? WEIGHTS.timeliness : 0);
  return {
    score: round(100 * (weighted / weightUsed), 1),
    parts: {
      relevance: round(relevance.score, 3),
      completeness: round(completeness, 3),
      timeliness: timeliness === null ? null : round(timeliness, 3),
      readability: round(readability.score, 3),
    },
    elements,
    workingDays: workingDays === null ? null : round(workingDays, 1),
    holidaysCounted: input.repliedAt ? coversYears(calendar, input.writtenAt, input.repliedAt) : false,
    reasons: reasonsFor({ relevance, elements, forwarded, workingDays, timeliness, readability }),
  };
}

export interface RankedReply<T> {
  record: T;
  judgement: ReplyJudgement;
}

/**
 * Judges every record that has a reply (the others have nothing to judge and are left out), with word
 * weights learned from the records' own messages and replies, weakest first; equal scores keep file order.
 */
export function rankReplies<T extends Omit<ReplyInput, 'reply'> & { reply?: string }>(
  records: readonly T[],
  options: Omit<JudgeOptions, 'idf'> = {},
): RankedReply<T>[] {
  const replied = records.filter((r): r is T & { reply: string } => Boolean(r.reply));
  const idf = buildIdf(replied.flatMap((r) => [`${r.title} ${r.detail}`, r.reply]));
  return replied
    .map((record) => ({ record, judgement: judgeReply(record, { ...options, idf }) }))
    .sort((a, b) => a.judgement.score - b.judgement.score);
}

// ——— Boilerplate ———————————————————————————————————————————————————————————————————————————————————
// Patterns run on normalised text, where full-width commas, colons and exclamation marks are half-width.

/** Formulas every reply may carry: greetings, thanks, "the reply follows", the date it was signed. */
const BOILERPLATE: RegExp[] = [
  // The date a reply was signed, at its end or where a second reply follows it in the same text.
  /(\d{4}年)?\d{1,2}月\d{1,2}日(?=\s*(网友|尊敬|乘客|市民|“|"|您好|你好))/g,
  /网友[^,:!。]{0,20}?[:,!]?\s*(您好|你好)?[!,:]?/g,
  /(您好|你好)[!,:]?/g,
  /(您|你)?(的|所)?(留言|来信|来电|意见|建议|问题|反映的[^,。!]{0,40}?问题)?(已)?收悉[,。!]?/g,
  /(首先|再次|最后)?[,]?(衷心|非常|十分)?(感谢|谢谢)(您|你)?(对|给予)[^。!]{0,40}?(关心|关注|信任|支持|理解|监督|厚爱)[^。!]{0,12}?[。!]/g,
  /(再次|最后)?(感谢|谢谢)(您|你)?(的)?(关心|关注|理解|支持|来信)?[。!]/g,
  /现(将|就)[^。]{0,120}?(答复|回复|函复)如下[:,。]?/g,
  /(特此|专此)(答复|回复|函复)[。!]?/g,
  /祝(您|你)[^。!]{0,12}[。!]?/g,
  /欢迎[^。!]{0,30}?(监督|关注|建议)[^。!]{0,10}[。!]?/g,
  /(\d{4}年)?\d{1,2}月\d{1,2}日[。\s]*$/g,
];

/** The reply with its formulas blanked out (replaced by spaces, so positions and clause breaks survive). */
function withoutBoilerplate(reply: string): string {
  let content = reply;
  for (const pattern of BOILERPLATE) content = content.replace(pattern, (m) => ' '.repeat(m.length));
  return content;
}

// ——— Elements ——————————————————————————————————————————————————————————————————————————————————————

/**
 * "Passed to the department concerned" and "being handled": news of where the message went, not of what
 * was checked or done, and "已转区城管局核查处理" must not read as a check or an action. A bare 转 or 交
 * counts only after a word that makes it a hand-over (已, 将, 并) and before a body, so "转变" does not.
 */
const FORWARDED =
  /(转交|转至|转给|转送|转办|转到|交由|交办|移交|(?<=(已|将|现|迅速|并)[^,。;!]{0,20})[转交])[^,。;!]{0,20}?(部门|单位|局|委|办|街道|政府|公司|中心|镇|乡|社区|所|队|院|市|区|县|科室)[^,。;!]{0,12}|正在(积极)?(调查)?(办理|处理|协调处理|核实|调查)(中|当中)?/g;

/** What a department does about a message, done or promised. */
const ACTION_VERBS =
  '安排|责令|要求|督促|组织|完成|修复|维修|修缮|清理|清运|清除|拆除|整改|整治|处理|处置|解决|协调|立案|查处|' +
  '开展|落实|纳入|启动|制定|出台|下发|印发|开通|调整|增设|设置|安装|更换|恢复|取缔|罚款|处罚|约谈|暂停|停止|' +
  '批复|审批|办理|发放|补发|退还|退回|支付|兑现|施工|铺设|疏通|补种|撤销|关停|查封|扣押|签订|派出|派员|联系|' +
  '上报|报送|申报|召开|告知|通知|下达|核发|受理|登记|审核|核查|督办|建设|改造|扩建|新增|实施|硬化|打击|劝离|' +
  '没收|移送|列入|成立|增开|延伸|报案|退款|加大|加强|完善|推进|督查|巡查|检查|监管|沟通|解释|回访|约见|道歉|致歉|采纳|报备|备案';

/** A date or deadline, unless it only repeats when the citizen wrote ("您于7月25日来信"). */
const DATE =
  /(?<!您于|您在|网友于)(\d{4}年\d{1,2}月(\d{1,2}[日号])?|\d{1,2}月\d{1,2}[日号]|\d{1,2}月(底|中旬|上旬|下旬|初))(?![^,。;]{0,12}?(来信|留言|发帖|来电|反映|网友|尊敬|您在|您通过))/g;

/**
 * Each element's patterns, strongest evidence first: the first pattern that matches gives the evidence.
 * Global, so that a negated match ("无法核实") can be passed over for a later one.
 */
const ELEMENT_PATTERNS: Record<ReplyElement, RegExp[]> = {
  acknowledges: [/感谢(您|你)?[^,。!]{0,20}|(您|你)?(的)?(留言|来信|来电|帖文|投诉|问题)?(已)?收悉|您好|你好|网友/g],
  checked: [
    // Not "经济", "经开区", nor the conditional "一经查实".
    /(?<!一)经(?!济|开|营|费|历|理|常)[^,。;]{0,12}?(调查|核实|核查|查实|清查|审查|检查|研究|了解|排查|走访|查勘|勘查|查看|调阅|摸底|统计|测算|检测|监测|沟通)|(?<!一)经查/g,
    /据(调查|查|核实|统计|了解)|了解到|调查(发现|核实|了解|显示)|核实(发现|情况)?|进行(了)?(调查|核实|核查|检查|排查)/g,
    /(到|赴|前往|深入)[^,。;]{0,15}?(了解|调查|核实|查看|检查|勘查|查勘)|(现场|实地)(查看|查勘|勘查|勘察|核查|调查|检查|察看|踏勘|走访|检测)|走访|排查|调阅/g,
  ],
  action: [
    new RegExp(`(已经?|已于[^,。;]{0,14}?|现已|均已|正在|立即|马上|随即)[^,。;]{0,12}?(${ACTION_VERBS})`, 'g'),
    new RegExp(`(责令|责成|督促|要求|令其|让其)[^,。;]{0,20}?(${ACTION_VERBS}|停止|改正|规范|检讨|反省|说明)`, 'g'),
    new RegExp(`(对|就)[^,。;]{0,20}?进行(了)?(${ACTION_VERBS})|经[^,。;]{0,8}?(解释|沟通|协调|调解)`, 'g'),
    // "会" alone is too common a character ("社会", "会议") to mark a promise.
    new RegExp(`(将|我们会|我局会|我办会|计划|拟|准备|争取|下一步)(于|在)?[^,。;]{0,15}?(${ACTION_VERBS})`, 'g'),
    new RegExp(`(${ACTION_VERBS})了`, 'g'),
    // A decision or finding: what the department concluded about the matter.
    /(研究)?决定|不建议|不具备|不具有|无权|(不)?属实|(并)?不相符|与事实不符|不存在[^,。;]{0,10}?(问题|违规|违法|行为|情况)|未发现|不予|暂不|不属于|不符合|符合[^,。;]{0,6}?(条件|规定|要求|规范|标准)/g,
    /予以(处罚|查处|取缔|拆除|办理|受理|补偿|退还|解决|整改|纠正|采纳|考虑|立案|登记|审批|批准)/g,
    // The answer to a question: the rule that applies, or how to go about it.
    /(根据|依据|按照)[^,。;]{0,30}?(《[^》]{2,40}》|规定|政策|办法|文件|标准)|按(照)?(规定|政策|程序)/g,
    /(可|可以|需|需要|应|应当|须|请)(持|携带|提供|提交|向|到|前往|在|通过|登录)[^,。;]{0,25}?(申请|办理|咨询|提交|查询|缴纳|领取|登记|投递|递交)/g,
    /(办理|申请|办事)(流程|程序|材料|条件|时限)|所需材料/g,
  ],
  when: [
    /\d+个?(工作日|日|天|周|月)(内|之内|以内)|\d+个工作日|\d{4}年(底|内|末|初|上半年|下半年)|年底前|月底前|\d{1,2}月(底|中旬|上旬|下旬|初)前?/g,
    /预计|计划于|近期|近日|(?<!\d)日前|目前|下一步[,:]|即将|年内|本月|下月|本周|下周/g,
    DATE,
  ],
  contact: [
    /(联系人|联系电话|咨询电话|服务热线|热线电话|办公电话|值班电话|举报电话|监督电话|投诉电话|电话[:为是])[^,。;]{0,20}/g,
    /(致电|拨打|来电咨询|电话咨询)[^,。;]{0,30}/g,
    // A phone number, but not a masked account name such as "网友0000-00000000".
    /(?<!网友|用户|编号|uu|[\d-])(0\d{2,3}(-\d{3,8}){1,2}|1[3-9]\d{9})(?![\d-])/g,
    /(到|前往|至)[^,。;]{0,20}?(窗口|服务中心|办事大厅|服务大厅|政务中心)|地址[:为是]|办公地点/g,
  ],
};

/** Only the words themselves: a greeting's sentence says nothing more. */
const EVIDENCE_IS_MATCH: ReadonlySet<ReplyElement> = new Set(['acknowledges']);

/** Greetings and contacts are looked for in the whole reply, the rest in its substance. */
function findElements(reply: string, substance: string): Record<ReplyElement, ElementFinding> {
  const textOf: Record<ReplyElement, string> = {
    acknowledges: reply,
    checked: substance,
    action: substance,
    when: substance,
    contact: reply,
  };
  return Object.fromEntries(
    REPLY_ELEMENTS.map((e) => [e, finding(textOf[e], ELEMENT_PATTERNS[e], EVIDENCE_IS_MATCH.has(e))]),
  ) as Record<ReplyElement, ElementFinding>;
}

const EVIDENCE_LENGTH = 40;

/** "无法核实", "尚未处理": the words of a check or an action, saying it did not happen. */
const NEGATED = /(无法|不能|未能|没法|难以|无从|尚未|没有)[^,。;!?]{0,10}$/;

/**
 * The first pattern that matches (not negated), with the rest of its sentence (up to EVIDENCE_LENGTH) as
 * evidence. Patterns are tried in order, each over the whole text, so the strongest kind of evidence wins.
 */
function finding(text: string, patterns: readonly RegExp[], matchOnly: boolean): ElementFinding {
  for (const pattern of patterns) {
    const match = firstAffirmed(text, pattern);
    if (!match) continue;
    const rest = text.slice(match.index, match.index + Math.max(EVIDENCE_LENGTH, match[0].length));
    const sentenceEnd = rest.slice(match[0].length).search(/[。!?;]/);
    const evidence = matchOnly ? match[0] : sentenceEnd < 0 ? rest : rest.slice(0, match[0].length + sentenceEnd);
    return { found: true, evidence: evidence.replace(/\s+/g, ' ').trim() };
  }
  return { found: false, evidence: null };
}

function firstAffirmed(text: string, pattern: RegExp): RegExpExecArray | undefined {
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (!NEGATED.test(text.slice(Math.max(0, match.index - 16), match.index))) return match;
  }
  return undefined;
}

// ——— Relevance —————————————————————————————————————————————————————————————————————————————————————

/** The title says what the message is about in a few words, so each of its words counts twice. */
const TITLE_WEIGHT = 2;
/** How many of the message's most telling words (its places and subjects) are looked for in the reply. */
const SPECIFIC_TERMS = 5;
/**
 * Cosine at which the wording counts as fully on topic. A reply explains, so it brings many terms of its
 * own: on the 2,816 replies of the TipDM Cup 2020 set, replies that say what was checked or done have a
 * median cosine of about 0.16 and a 75th percentile of about 0.2, while the same replies set against
 * another message stay below 0.05 in 99 cases out of 100.
 */
const COSINE_FOR_FULL_MARKS = 0.2;

interface Relevance {
  score: number;
  cosine: number;
  /** Share of the message's specific terms the reply names. */
  coverage: number;
  missing: string[];
}

function relevanceOf(input: ReplyInput, substance: string, idf: IdfTable | undefined): Relevance {
  const titleWords = tokenize(input.title);
  const detailWords = tokenize(input.detail);
  const counts = new Map<string, number>();
  for (const term of [...titleWords, ...bigramsOf(input.title)]) {
    counts.set(term, (counts.get(term) ?? 0) + TITLE_WEIGHT);
  }
  for (const term of [...detailWords, ...bigramsOf(input.detail)]) counts.set(term, (counts.get(term) ?? 0) + 1);
  const answer = withoutTitleEchoes(substance, normaliseText(input.title));
  const replyCounts = new Map<string, number>();
  for (const term of termsOf(answer)) replyCounts.set(term, (replyCounts.get(term) ?? 0) + 1);

  const weigh = (term: string) => (idf ? (idf.weights.get(term) ?? Math.log(idf.documents + 1) + 1) : 1);
  const cosine = cosineOf(vector(counts, weigh), vector(replyCounts, weigh));
  const specific = specificTerms(titleWords, detailWords, weigh);
  const missing = specific.filter((word) => !answer.includes(word));
  const coverage = specific.length === 0 ? 1 : 1 - missing.length / specific.length;
  const score = 0.6 * Math.min(1, cosine / COSINE_FOR_FULL_MARKS) + 0.4 * coverage;
  return { score, cosine, coverage, missing };
}

/**
 * A text's terms: its meaningful words, and each pair of adjacent Chinese characters that is not itself a
 * stop word (marked apart from the words), which still match when jieba cuts the message and the reply
 * differently ("菜市场" and "市场", "违建" and "违法建设" share no word but share pairs).
 */
function termsOf(text: string): string[] {
  return [...tokenize(text), ...bigramsOf(text)];
}

const BIGRAM = '\u0002';

function bigramsOf(text: string): string[] {
  const bigrams: string[] = [];
  for (const run of normaliseText(text).match(/\p{Script=Han}{2,}/gu) ?? []) {
    for (let i = 0; i + 1 < run.length; i++) {
      const pair = run.slice(i, i + 2);
      if (!STOP_WORDS.has(pair)) bigrams.push(`${BIGRAM}${pair}`);
    }
  }
  return bigrams;
}

/**
 * The places and subjects a reply should name: the message's most heavily weighted words among those of
 * its title and those its detail repeats (a word said once in passing is rarely what the message is
 * about). Only words with Chinese characters: Latin and digit fragments are mostly codes.
 */
function specificTerms(titleWords: string[], detailWords: string[], weigh: (word: string) => number): string[] {
  const counts = new Map<string, number>();
  for (const word of titleWords) counts.set(word, (counts.get(word) ?? 0) + TITLE_WEIGHT);
  for (const word of detailWords) counts.set(word, (counts.get(word) ?? 0) + 1);
  return [...counts]
    .filter(([word, count]) => count >= 2 && word.length >= 2 && /\p{Script=Han}/u.test(word))
    .map(([word, count]) => ({ word, weight: (1 + Math.log(count)) * weigh(word) }))
    .sort((a, b) => b.weight - a.weight)
    .slice(0, SPECIFIC_TERMS)
    .map(({ word }) => word);
}

/**
 * Replies often open by quoting the title ("您反映的'XX小区噪音扰民'问题已收悉"). Quoting it shows the
 * reply was filed against the right message, not that it answers it, so a quote that is mostly the
 * title's characters does not count towards relevance.
 */
function withoutTitleEchoes(text: string, title: string): string {
  const titleChars = new Set(title);
  return text.replace(/["“'‘《]([^"”'’》]{4,80})["”'’》]/g, (quote, inner: string) => {
    const chars = [...inner].filter((c) => /[\p{Script=Han}a-z0-9]/u.test(c));
    const shared = chars.filter((c) => titleChars.has(c)).length;
    return chars.length > 0 && shared / chars.length >= 0.8 ? ' '.repeat(quote.length) : quote;
  });
}

/** Sublinear term frequency × word weight: a word said ten times is not ten times as telling. */
function vector(counts: Map<string, number>, weigh: (word: string) => number): Map<string, number> {
  const weighted = new Map<string, number>();
  for (const [word, count] of counts) weighted.set(word, (1 + Math.log(count)) * weigh(word));
  return weighted;
}

function cosineOf(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0;
  for (const [word, weight] of a) dot += weight * (b.get(word) ?? 0);
  const norm = (v: Map<string, number>) => Math.sqrt([...v.values()].reduce((sum, w) => sum + w * w, 0));
  const denominator = norm(a) * norm(b);
  return denominator === 0 ? 0 : dot / denominator;
}

// ——— Timeliness ————————————————————————————————————————————————————————————————————————————————————

/**
 * 12345 platforms commonly give a department 15 working days to reply. Within 5 (one working week) is
 * prompt: full marks. Up to the 15-day limit the score eases to 0.7, because a reply within the limit is
 * acceptable; after it, it falls to 0 at 30 working days, when the reply is late by as long again as
 * the whole time allowed.
 */
const PROMPT_DAYS = 5;
const LIMIT_DAYS = 15;
const WORTHLESS_DAYS = 30;
const AT_LIMIT = 0.7;

function timelinessOf(workingDays: number): number {
  if (workingDays <= PROMPT_DAYS) return 1;
  if (workingDays <= LIMIT_DAYS) return 1 - ((1 - AT_LIMIT) * (workingDays - PROMPT_DAYS)) / (LIMIT_DAYS - PROMPT_DAYS);
  return Math.max(0, (AT_LIMIT * (WORTHLESS_DAYS - workingDays)) / (WORTHLESS_DAYS - LIMIT_DAYS));
}

function workingDaysBetween(calendar: WorkingCalendar, from: Date, to: Date): number {
  return calendar.workingMinutesBetween(from, to) / calendar.minutesPerWorkingDay;
}

/** The platforms' times are China time (UTC+8, see parsePlatformTime), so their years are read there. */
function coversYears(calendar: WorkingCalendar, from: Date, to: Date): boolean {
  const yearOf = (d: Date) => new Date(d.getTime() + 8 * 3600_000).getUTCFullYear();
  for (let year = yearOf(from); year <= yearOf(to); year++) if (!calendar.years.includes(year)) return false;
  return true;
}

// ——— Readability ———————————————————————————————————————————————————————————————————————————————————

/** Below this many characters a reply cannot say what was checked and done ("已转相关部门处理" is 8). */
const SHORT_REPLY = 60;
/** From this many characters up, a reply has room for the whole answer. */
const FULL_REPLY = 150;
/** Beyond this, a reply with no numbered points is a wall of text. */
const LONG_REPLY = 1500;
/** Chinese official prose runs long; over 80 characters a sentence gets hard to follow, over 150 very. */
const EASY_SENTENCE = 80;
const HARD_SENTENCE = 150;

/** How much each sign weighs in readability. */
const READABILITY_SHARES = { length: 0.4, sentences: 0.3, boilerplate: 0.3 } as const;

interface Readability {
  score: number;
  length: number;
  lengthScore: number;
  sentenceScore: number;
  boilerplateShare: number;
  boilerplateScore: number;
}

function readabilityOf(reply: string, content: string): Readability {
  const length = countChars(reply);
  const sentences = reply
    .split(/[。!?;]/)
    .map(countChars)
    .filter((n) => n > 0);
  const meanSentence = sentences.length === 0 ? 0 : length / sentences.length;
  const boilerplateShare = length === 0 ? 1 : 1 - countChars(content) / length;
  const numbered = /(^|[\s。:;])(一、|二、|[1-9][、.](?!\d)|\([1-9一二三]\)|第[一二三]点)/.test(reply);

  let lengthScore = 1;
  if (length < FULL_REPLY) lengthScore = Math.max(0.1, length / FULL_REPLY);
  else if (length > LONG_REPLY && !numbered) lengthScore = 0.8;
  const sentenceScore =
    meanSentence <= EASY_SENTENCE
      ? 1
      : Math.max(0.3, 1 - (0.7 * (meanSentence - EASY_SENTENCE)) / (HARD_SENTENCE - EASY_SENTENCE));
  // Courtesy is expected; a reply that is mostly courtesy is not an answer.
  const boilerplateScore = 1 - clamp((boilerplateShare - 0.3) / 0.5);
  return {
    score:
      READABILITY_SHARES.length * lengthScore +
      READABILITY_SHARES.sentences * sentenceScore +
      READABILITY_SHARES.boilerplate * boilerplateScore,
    length,
    lengthScore,
    sentenceScore,
    boilerplateShare,
    boilerplateScore,
  };
}

/** Characters that carry text: Han, Latin letters and digits (spaces and punctuation left out). */
function countChars(text: string): number {
  return text.match(/[\p{Script=Han}a-z0-9]/gu)?.length ?? 0;
}

// ——— Reasons ———————————————————————————————————————————————————————————————————————————————————————

interface Reason {
  zh: string;
  en: string;
  /** Score points this shortfall costs (0 for strengths). */
  cost: number;
}

const ELEMENT_MISSING: Record<ReplyElement, [string, string]> = {
  acknowledges: ['未致意或确认收悉', 'does not greet or acknowledge the message'],
  checked: ['未说明核查情况', 'does not say what was checked'],
  action: ['未说明办理结果', 'does not say what was done'],
  when: ['未给出时间或进度', 'gives no date or timeline'],
  contact: ['未留联系方式', 'gives no contact'],
};

/**
 * Below this, the reply's words have little to do with the message's: on the TipDM Cup 2020 set, 95 % of
 * replies set against another message score below 0.13, and 95 % of substantive replies above 0.17.
 */
const LOW_RELEVANCE = 0.2;
const HIGH_RELEVANCE = 0.75;
/** The shortfalls a reader needs; a reply missing everything would otherwise list nine. */
const MAX_SHORTFALLS = 4;

function reasonsFor(judged: {
  relevance: Relevance;
  elements: Record<ReplyElement, ElementFinding>;
  forwarded: boolean;
  workingDays: number | null;
  timeliness: number | null;
  readability: Readability;
}): { zh: string[]; en: string[] } {
  const { relevance, elements, forwarded, workingDays, timeliness, readability } = judged;
  const shortfalls: Reason[] = [];
  const strengths: Reason[] = [];
  const lose = (zh: string, en: string, cost: number) => shortfalls.push({ zh, en, cost });
  const gain = (zh: string, en: string) => strengths.push({ zh, en, cost: 0 });
  const elementCost = (e: ReplyElement) => 100 * WEIGHTS.completeness * ELEMENT_WEIGHTS[e];
  const relevanceCost = 100 * WEIGHTS.relevance * (1 - relevance.score);
  const substantive = REPLY_ELEMENTS.filter((e) => e !== 'acknowledges');

  if (relevance.score < LOW_RELEVANCE && substantive.every((e) => !elements[e].found)) {
    // One reason says it all: listing each missing part of an empty reply would hide the others.
    const cost = relevanceCost + substantive.reduce((sum, e) => sum + elementCost(e), 0);
    if (forwarded)
      lose('仅称已转交或正在处理，无实质答复', 'only says it was passed on or is being handled; no answer', cost);
    else lose('无实质答复内容', 'says nothing about the matter', cost);
  } else {
    if (relevance.score < LOW_RELEVANCE) {
      const names = relevance.missing.slice(0, 3).join('、');
      lose(
        `答复与留言内容关联度低${names ? `（未提及${names}）` : ''}`,
        `barely addresses the message${names ? ` (does not mention ${names})` : ''}`,
        relevanceCost,
      );
    } else if (relevance.score >= HIGH_RELEVANCE) gain('紧扣留言内容', 'addresses the message directly');
    for (const element of substantive) {
      if (elements[element].found) continue;
      if (element === 'action' && forwarded) {
        lose(
          '仅称已转交或正在处理，未说明办理结果',
          'only says it was passed on or is being handled, not what was done',
          elementCost(element),
        );
      } else lose(...ELEMENT_MISSING[element], elementCost(element));
    }
    if (elements.checked.found && elements.action.found)
      gain('说明了核查情况和处理结果', 'says what was checked and done');
  }
  if (!elements.acknowledges.found) lose(...ELEMENT_MISSING.acknowledges, elementCost('acknowledges'));

  if (workingDays === null || timeliness === null) {
    lose('无答复时间，未评时效', 'no reply time, so timeliness is not scored', 0);
  } else if (workingDays > LIMIT_DAYS) {
    const days = round(workingDays, 1);
    lose(
      `超过15个工作日才答复（${days}个工作日）`,
      `replied after ${days} working days, over the 15-day limit`,
      100 * WEIGHTS.timeliness * (1 - timeliness),
    );
  } else if (workingDays <= PROMPT_DAYS) {
    const days = round(workingDays, 1);
    gain(`答复及时（${days}个工作日）`, `prompt reply (${days} working day${days === 1 ? '' : 's'})`);
  }

  const readabilityCost = (share: number, score: number) => 100 * WEIGHTS.readability * share * (1 - score);
  const lengthCost = readabilityCost(READABILITY_SHARES.length, readability.lengthScore);
  if (readability.length < SHORT_REPLY) lose('答复过短', 'reply is too short', lengthCost);
  else if (readability.length < FULL_REPLY) lose('答复偏短', 'reply is brief', lengthCost);
  else if (readability.lengthScore < 1) lose('篇幅过长且未分条', 'very long with no numbered points', lengthCost);
  if (readability.boilerplateShare > 0.5) {
    lose(
      '套话占一半以上',
      'more than half of it is formulas',
      readabilityCost(READABILITY_SHARES.boilerplate, readability.boilerplateScore),
    );
  }
  if (readability.sentenceScore < 1) {
    lose('句子过长', 'sentences are long', readabilityCost(READABILITY_SHARES.sentences, readability.sentenceScore));
  }

  // An unknown reply time costs nothing but must always be said, so it is kept past the cut.
  const ranked = shortfalls.sort((a, b) => b.cost - a.cost);
  const shown = [
    ...ranked.filter((r) => r.cost > 0).slice(0, MAX_SHORTFALLS),
    ...ranked.filter((r) => r.cost === 0),
    ...strengths,
  ];
  return { zh: shown.map((r) => r.zh), en: shown.map((r) => r.en) };
}

function clamp(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function round(x: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(x * factor) / factor;
}
