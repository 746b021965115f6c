import { dict } from '@node-rs/jieba/dict.js';
import { normaliseText } from './normalise.ts';
import { STOP_WORDS } from './stop-words.ts';
import { segment } from './tokenizer.ts';

/**
 * Places read out of a message's text: the city's own area names (districts, street offices, communities,
 * unit grids, from the grid) and the names citizens write that no grid knows — roads, estates, villages,
 * towns and landmarks — found by their suffixes (…路, …小区, …村, …镇, …医院). A message is then placed in
 * the most specific area its text supports, with a confidence, so that a case or an old message without
 * coordinates can still be counted in the right district.
 */

export type GazetteerLevel = 'district' | 'street' | 'community' | 'grid';

/** An area of the city's grid under the names people write it with. */
export interface GazetteerEntry {
  name: string;
  areaCode: string;
  level: GazetteerLevel;
  /** Other names for the same area, e.g. the anonymised `A1区` or an old name. */
  aliases?: string[];
  /** The enclosing area's code, so that a street office mentioned in a text places it in its district. */
  parentCode?: string;
}

/**
 * A road, estate or village name the city's history ties to one district: messages naming it were placed
 * in `areaCode` (a district) `purity` of the `count` times it was seen there.
 */
export interface LearnedPlaceName {
  name: string;
  areaCode: string;
  count: number;
  purity: number;
}

export type PlaceKind =
  | 'district'
  | 'street'
  | 'community'
  | 'grid'
  | 'road'
  | 'estate'
  | 'village'
  | 'town'
  | 'landmark';

/** A place named in a text; `start`/`end` are offsets into that text, `areaCode` when the name is known. */
export interface PlaceMention {
  text: string;
  kind: PlaceKind;
  start: number;
  end: number;
  areaCode?: string;
}

interface KnownName {
  /** The name as it appears in folded text (see foldText). */
  folded: string;
  areaCode: string;
  kind: PlaceKind;
  learned?: LearnedPlaceName;
}

interface KnownArea {
  level: GazetteerLevel;
  parentCode: string | undefined;
}

/** The names a text can be matched against, indexed for matching; build it with buildGazetteer. */
export interface Gazetteer {
  /** Known names by their first character, longest first, so that the longest name wins. */
  readonly namesByFirstChar: ReadonlyMap<string, readonly KnownName[]>;
  readonly areas: ReadonlyMap<string, KnownArea>;
}

/** The kinds of place the grid itself names (the others are found by patterns or learned). */
const GRID_KINDS: ReadonlySet<PlaceKind> = new Set(['district', 'street', 'community', 'grid']);

const LEVEL_KIND: Record<GazetteerLevel, PlaceKind> = {
  district: 'district',
  street: 'street',
  community: 'community',
  grid: 'grid',
};

/**
 * The gazetteer of the city's areas and the place names learned from its history. A city has a few
 * hundred to a few thousand names, a handful per first character, so an index on the first character
 * finds every match with a few `startsWith` per character of text; an Aho-Corasick automaton would
 * save little at that size and cost a library or a page of code.
 */
export function buildGazetteer(
  entries: readonly GazetteerEntry[],
  learned: readonly LearnedPlaceName[] = [],
): Gazetteer {
  const areas = new Map<string, KnownArea>();
  const names: KnownName[] = [];
  for (const entry of entries) {
    areas.set(entry.areaCode, { level: entry.level, parentCode: entry.parentCode });
    for (const name of [entry.name, ...(entry.aliases ?? [])]) {
      names.push({ folded: foldName(name), areaCode: entry.areaCode, kind: LEVEL_KIND[entry.level] });
    }
  }
  const areaNames = new Set(names.map((n) => n.folded));
  for (const place of learned) {
    const folded = foldName(place.name);
    // The grid's own name for an area beats a name learned from messages.
    if (areaNames.has(folded)) continue;
    names.push({ folded, areaCode: place.areaCode, kind: kindOfName(folded), learned: place });
  }
  const namesByFirstChar = new Map<string, KnownName[]>();
  for (const name of names) {
    if (name.folded.length === 0) continue;
    const first = name.folded[0]!;
    const list = namesByFirstChar.get(first) ?? [];
    list.push(name);
    namesByFirstChar.set(first, list);
  }
  for (const list of namesByFirstChar.values()) list.sort((a, b) => b.folded.length - a.folded.length);
  return { namesByFirstChar, areas };
}

// ── Folding ────────────────────────────────────────────────────────────────────────────────────────────

const foldedChars = new Map<string, string>();

/**
 * The text in normaliseText's spelling (NFKC, simplified, lower-case), one character for one, so that an
 * offset in the folded text is the same offset in the original and mentions can point into what the
 * citizen wrote. Characters whose normal form is longer or empty (spaces, ㎡) are kept as they are.
 */
export function foldText(text: string): string {
  let folded = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    let f = foldedChars.get(c);
    if (f === undefined) {
      const code = c.charCodeAt(0);
      const normal = code >= 0xd800 && code <= 0xdfff ? c : normaliseText(c);
      f = normal.length === 1 ? normal : c;
      foldedChars.set(c, f);
    }
    folded += f;
  }
  return folded;
}

function foldName(name: string): string {
  return normaliseText(name).replace(/\s+/g, '');
}

// ── Patterns for names no gazetteer holds ──────────────────────────────────────────────────────────────

/** Suffixes of Chinese place names and the kind of place each makes; longer ones first in matching. */
const SUFFIX_KINDS: Record<string, PlaceKind> = {
  路: 'road',
  公路: 'road',
  铁路: 'road',
  街: 'road',
  大道: 'road',
  巷: 'road',
  小区: 'estate',
  花园: 'estate',
  家园: 'estate',
  公寓: 'estate',
  大厦: 'estate',
  广场: 'estate',
  苑: 'estate',
  园: 'estate',
  城: 'estate',
  社区: 'community',
  村: 'village',
  镇: 'town',
  乡: 'town',
  街道: 'town',
  学校: 'landmark',
  中学: 'landmark',
  小学: 'landmark',
  幼儿园: 'landmark',
  大学: 'landmark',
  学院: 'landmark',
  医院: 'landmark',
  公园: 'landmark',
  市场: 'landmark',
  站: 'landmark',
};

const SUFFIXES_LONGEST_FIRST = Object.keys(SUFFIX_KINDS).sort((a, b) => b.length - a.length);
const SUFFIX_PATTERN = new RegExp(SUFFIXES_LONGEST_FIRST.join('|'), 'g');

/**
 * A suffix followed by one of these characters is part of another word: 城市, 城管, 站在, 市场监管,
 * 乡村, 园区, 广场舞, 村干部, 社区医院 (the hospital is the place there).
 */
const NOT_FOLLOWED_BY: Record<string, string> = {
  城: '市管区乡镇际建中投关墙',
  路: '线费况径由程人子数演',
  街: '坊',
  站: '在着起岗长点稳队立出满',
  村: '级干支',
  乡: '村镇下亲愁间里',
  镇: '压定静痛住',
  园: '区林艺丁',
  广场: '舞',
  社区: '医卫服',
  市场: '监化价经主营准需份行',
};

/**
 * Characters a name never runs back over: the administrative units that end the name before it (A市,
 * A3区, A7县, 西地省), 的, and digits (dates and house numbers: 2019年春双河村, 366号裕园大厦). Other
 * function characters are judged as jieba's words (see isNameWord), since as characters they also occur
 * inside names: 和平路, 向阳路, 将军路, 未来城.
 */
const STOP_CHARS = new Set('市区县省的0123456789'.split(''));

/** One-character words that end a name where they stand: function words, pronouns, measure words. */
const SINGLE_STOPS = new Set(
  '在到从往向于至和与及对给把被让由将是有为去来住近沿过进出回我你他她它这那该本此各每某其个座栋号楼条段附旁边里内处等或也都就还又了着请原线而即问借遭且可经要走像查送转入找修临用如现称成时无想挨堵挡封带拦占'.split(
    '',
  ),
);

/** One-character words that may stand inside a name but do not start one: 一洞井路 is 洞井路, 远大一路 stays. */
const LEADING_SINGLES = new Set('一上下前后'.split(''));

/** Words a name does not start with: verbs and phrases of the messages that come before a place. */
const LEADING_WORDS = new Set([
  ...[...STOP_WORDS].filter((w) => w.length > 1),
  ...['位于', '地处', '坐落', '座落', '家住', '居住', '关于', '靠近', '经过', '路过', '通往', '前往', '去往', '到达'],
  ...['投诉', '举报', '咨询', '建议', '要求', '强烈', '紧急', '严重', '解决', '整治', '治理', '处理', '关注'],
  ...['申请', '办理', '呼吁', '位置', '地址', '地点', '本人', '业主', '居民', '市民', '村民', '购买', '入住'],
  ...['门口', '对面', '周边', '周围', '附近', '距离', '修建', '新建', '建设', '开发', '原来', '隔壁', '整个', '以及'],
  ...['导致', '造成', '影响', '占用', '占道', '堵塞', '拥堵', '噪音', '扰民', '违规', '违法', '私自', '擅自'],
  ...['很多', '许多', '众多', '上述', '整条', '代表', '报告', '想问', '分流', '途经', '大部分', '所在', '优化'],
  ...['核定', '直通', '属地', '紧挨', '孩子', '房子', '普通', '公益性', '普惠制', '距', '离', '临近', '毗邻'],
]);

/**
 * What comes before a suffix in names that name no particular place: 水泥路, 公交站, 农贸市场, 步行街,
 * 搅拌站, 居民小区. Found by reading the most frequent names the patterns pulled out of the 4,326
 * TipDM Cup messages.
 */
const GENERIC_PREFIXES = new Set([
  ...['水泥', '道路', '马路', '公路', '铁路', '高速', '主干', '乡村', '农村', '城市', '县城', '老城', '新城'],
  ...['步行', '商业', '小吃', '美食', '公交', '地铁', '火车', '汽车', '高铁', '客运', '加油', '充电', '搅拌'],
  ...['垃圾', '中转', '转运', '污水', '变电', '收费', '派出', '农贸', '菜市', '批发', '居民', '住宅', '安置'],
  ...['商品房', '小区', '周边', '附近', '整个', '我们', '该', '各', '本', '学区', '民办', '公办', '私立'],
  ...['公立', '人民', '市中心', '中心', '社区', '街道', '乡镇', '城乡', '城区', '产业', '工业', '科技', '幼儿'],
  ...['这个', '那个', '一个', '这条', '那条', '一条', '这所', '那所', '一所', '所在', '当地', '本地', '外地'],
  ...['网', '全', '进', '出', '回', '城管', '政府', '国家', '停车', '卫生', '服务', '物流', '回迁', '拆迁'],
  ...['新建', '在建', '高档', '老旧', '新', '老', '旧', '大型', '附属', '定点', '三甲', '私人', '公共', '商住'],
  ...['配套', '普惠', '普惠性', '实验', '外国语', '特殊教育', '公交车', '房地产', '终点', '全体', '十字', '综合'],
  ...['专科', '城际', '高铁站', '大', '小', '东', '西', '南', '北', '中', '户外'],
  ...['通信', '移动', '联通', '电信', '信号', '摊贩', '流动'],
]);

/** Words that end in a suffix but name no place: 道路, 马路, 线路, 套路, 网站, 校园. */
const GENERIC_ENDINGS = new Set([
  ...['道路', '马路', '线路', '电路', '套路', '跑路', '弯路', '之路', '门路', '出路', '小路', '岔路', '网站', '基站'],
  ...['校园', '古城', '全城', '进城'],
]);

const NAME_CHAR = /[\p{Script=Han}a-z0-9]/u;
const HAN = /\p{Script=Han}/u;
/** Most place names have 2–8 characters before their suffix; longer runs are sentences. */
const MAX_PREFIX = 8;
const VILLAGE_GROUP = /^[0-9一二三四五六七八九十]+组/;

/**
 * The places named in a text: the gazetteer's names and aliases (longest first), then names found by
 * their suffixes, in the order they appear. Overlaps are resolved in favour of the gazetteer.
 */
export function extractPlaces(text: string, gazetteer: Gazetteer): PlaceMention[] {
  const folded = foldText(text);
  const known = matchKnownNames(folded, gazetteer);
  const found = matchSuffixNames(folded, known);
  return [...known, ...found]
    .sort((a, b) => a.start - b.start)
    .map((m) => ({ ...m, text: text.slice(m.start, m.end) }));
}

function matchKnownNames(folded: string, gazetteer: Gazetteer): PlaceMention[] {
  const mentions: PlaceMention[] = [];
  for (let i = 0; i < folded.length; i++) {
    const candidates = gazetteer.namesByFirstChar.get(folded[i]!);
    if (!candidates) continue;
    const match = candidates.find((n) => folded.startsWith(n.folded, i) && standsAlone(folded, i, n.folded.length));
    if (!match) continue;
    let end = i + match.folded.length;
    // A3区大道, A1区南路, A1区广场, A3区山, A9市河: a road, square, hill or river named after its
    // district (岳麓大道, 芙蓉南路, 芙蓉广场, 岳麓山, 浏阳河), which may lie in others; but A7县山水湾
    // is in A7县.
    const feature = match.kind === 'district' ? NAMED_AFTER_DISTRICT.exec(folded.slice(end))?.[0] : undefined;
    if (feature) {
      end += feature.length;
      const kind = /[路街道]$/.test(feature) ? 'road' : 'landmark';
      mentions.push({ text: folded.slice(i, end), kind, start: i, end });
    } else {
      mentions.push({ text: match.folded, kind: match.kind, start: i, end, areaCode: match.areaCode });
    }
    i = end - 1;
  }
  return mentions;
}

const NAMED_AFTER_DISTRICT = /^([东南西北中]?(大道|路|街(?!道))|广场|山(?!水)|河(?![东西南北]))/;
const LATIN_OR_DIGIT = /[a-z0-9]/;

/** `a1区` must not match inside `ba1区`, nor `a9` inside `a91`: Latin and digit names need edges. */
function standsAlone(folded: string, start: number, length: number): boolean {
  const end = start + length;
  const before = folded[start - 1];
  const after = folded[end];
  if (before && LATIN_OR_DIGIT.test(folded[start]!) && LATIN_OR_DIGIT.test(before)) return false;
  if (after && LATIN_OR_DIGIT.test(folded[end - 1]!) && LATIN_OR_DIGIT.test(after)) return false;
  return true;
}

function matchSuffixNames(folded: string, known: readonly PlaceMention[]): PlaceMention[] {
  const mentions: PlaceMention[] = [];
  const insideKnown = (at: number) => known.some((m) => at >= m.start && at < m.end);
  // Where the name before the next suffix may start at the earliest: the end of the last place.
  let floor = 0;
  const suffixes = [...folded.matchAll(SUFFIX_PATTERN)];
  for (const [index, match] of suffixes.entries()) {
    const suffix = match[0];
    const s = match.index;
    const e = s + suffix.length;
    if (insideKnown(s)) continue;
    for (const m of known) if (m.end <= s) floor = Math.max(floor, m.end);
    const after = folded[e];
    if ((after && NOT_FOLLOWED_BY[suffix]?.includes(after)) || GENERIC_ENDINGS.has(folded.slice(s - 1, e))) {
      floor = e;
      continue;
    }
    // 丽发新城小区, 学院路, 长城小区: a suffix right before another is part of the longer name
    // (but 金鼎村村民 is 金鼎村 and villagers).
    const next = suffixes[index + 1];
    if (next?.index === e && next[0] !== suffix) continue;
    const lowest = floor;
    floor = e;
    let start = s;
    while (start > lowest && s - start < MAX_PREFIX * 2) {
      const c = folded[start - 1]!;
      if (!NAME_CHAR.test(c) || STOP_CHARS.has(c)) break;
      start--;
    }
    start = s - namePrefixLength(folded.slice(start, s));
    const prefix = folded.slice(start, s);
    if (!isSpecificPrefix(prefix)) continue;
    let end = e;
    const kind = SUFFIX_KINDS[suffix]!;
    if (kind === 'village') end += VILLAGE_GROUP.exec(folded.slice(e))?.[0].length ?? 0;
    mentions.push({ text: folded.slice(start, end), kind, start, end });
    floor = end;
  }
  return mentions;
}

/**
 * How much of the characters before a suffix belongs to the name, as a length back from the suffix.
 * jieba cuts the run into words; the name is the longest run of name-like words that ends at the suffix
 * (a verb, adverb, preposition or pronoun ends it: 觉得医院, 政府重视小区, 以确保小区, 位于书院路), at
 * most MAX_PREFIX characters.
 */
function namePrefixLength(run: string): number {
  if (run.length === 0) return 0;
  const words = segment(run);
  let first = words.length;
  let length = 0;
  while (first > 0) {
    const word = words[first - 1]!;
    if (length + word.length > MAX_PREFIX || !isNameWord(word)) break;
    length += word.length;
    first--;
  }
  while (first < words.length && LEADING_SINGLES.has(words[first]!)) length -= words[first++]!.length;
  // jieba's guesses glue a function word to an unknown name (在川河路, 以凉塘路, 到麓谷工业园); a word
  // the dictionary holds (和平路, 向阳路) keeps its first character.
  const word = words[first];
  if (word && word.length > 1 && isStopChar(word[0]!) && !dictionaryWords().stopLed.has(word)) length--;
  return length;
}

function isStopChar(c: string): boolean {
  return SINGLE_STOPS.has(c) || LEADING_SINGLES.has(c);
}

function isNameWord(word: string): boolean {
  // jieba's tags on single characters are too often wrong to go by (观 vg, 晚 tg, 问 n).
  if (word.length === 1) return !SINGLE_STOPS.has(word);
  return !LEADING_WORDS.has(word) && !dictionaryWords().nonName.has(word);
}

/**
 * jieba's dictionary tags: verbs, adverbs, prepositions, conjunctions, pronouns, particles, time and
 * direction words, idioms and set phrases never make a place's name (verbal nouns do: 劳动路, 实验小学),
 * nor do counted quantities (一条, 两个, 大部分). Read once, on first use.
 */
const NON_NAME_TAGS = new Set('v vd vi vg d ad p c r rr rz rg t tg f i l'.split(' '));
// 万家丽路 keeps 万家: only small counts and pointers (一条, 两个, 几所, 这条) are quantities.
const COUNTED = /^(m|mq)$/;
const MEASURE_CHARS = /^[一二两三四五六七八九十几数多每这那哪该此各]+[条座所个家栋号段位名次些部]$/;
let dictionary: { nonName: Set<string>; stopLed: Set<string> } | undefined;

function dictionaryWords(): { nonName: Set<string>; stopLed: Set<string> } {
  if (dictionary) return dictionary;
  const nonName = new Set<string>();
  const stopLed = new Set<string>();
  for (const line of new TextDecoder().decode(dict).split('\n')) {
    const [word, , tag] = line.split(' ');
    if (!word || !tag) continue;
    const counted = COUNTED.test(tag) && MEASURE_CHARS.test(word);
    if (NON_NAME_TAGS.has(tag) || /^[uyeo]/.test(tag) || counted) nonName.add(word);
    if (isStopChar(word[0]!)) stopLed.add(word);
  }
  dictionary = { nonName, stopLed };
  return dictionary;
}

function isSpecificPrefix(prefix: string): boolean {
  if (prefix.length < 2 || !HAN.test(prefix)) return false;
  return !GENERIC_PREFIXES.has(prefix);
}

/** The kind of a place name by its suffix (a learned name keeps the kind it was found as). */
function kindOfName(folded: string): PlaceKind {
  const suffix = SUFFIXES_LONGEST_FIRST.find((s) => folded.endsWith(s));
  if (suffix) return SUFFIX_KINDS[suffix]!;
  if (VILLAGE_GROUP.test(folded.replace(/^.*?村/, ''))) return 'village';
  return 'landmark';
}

// ── Learning place names from the city's history ───────────────────────────────────────────────────────

/** A message or case from the city's history: its text and, when known, the area it was placed in. */
export interface PlaceHistoryItem {
  text: string;
  /** The area the case was placed in; without it, the one district the text names (if it names one). */
  areaCode?: string;
}

/**
 * Seen at least twice: a name met once may be a typo or a phrase the patterns misread, and one sighting
 * is no evidence of where it lies. Pure at 70 %: long roads cross district borders (万家丽路 runs through
 * three), and a name split between districts cannot place a message; 70 % still keeps a name with one
 * stray sighting in four, since citizens sometimes name the district they live in, not the one the
 * problem is in.
 */
export const LEARNING_THRESHOLDS = { minCount: 2, minPurity: 0.7 } as const;

/**
 * Road, estate, village, town and landmark names that the city's history ties to one district: every name
 * the patterns find in a text placed in a single district counts for that district.
 */
export function learnPlaceNames(
  history: Iterable<PlaceHistoryItem>,
  gazetteer: Gazetteer,
  thresholds: { minCount: number; minPurity: number } = LEARNING_THRESHOLDS,
): LearnedPlaceName[] {
  const seen = new Map<string, Map<string, number>>();
  for (const item of history) {
    const mentions = extractPlaces(item.text, gazetteer);
    const district = item.areaCode ? districtOf(gazetteer, item.areaCode) : onlyDistrictNamed(mentions, gazetteer);
    if (!district) continue;
    const names = new Set(mentions.filter((m) => !GRID_KINDS.has(m.kind)).map((m) => foldName(m.text)));
    for (const name of names) {
      const districts = seen.get(name) ?? new Map<string, number>();
      districts.set(district, (districts.get(district) ?? 0) + 1);
      seen.set(name, districts);
    }
  }
  const learned: LearnedPlaceName[] = [];
  for (const [name, districts] of seen) {
    let count = 0;
    let best: [string, number] = ['', 0];
    for (const entry of districts) {
      count += entry[1];
      if (entry[1] > best[1]) best = entry;
    }
    const purity = best[1] / count;
    if (count >= thresholds.minCount && purity >= thresholds.minPurity) {
      learned.push({ name, areaCode: best[0], count, purity });
    }
  }
  return learned.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

function onlyDistrictNamed(mentions: readonly PlaceMention[], gazetteer: Gazetteer): string | undefined {
  const districts = new Set<string>();
  for (const m of mentions) {
    if (m.areaCode && GRID_KINDS.has(m.kind)) districts.add(districtOf(gazetteer, m.areaCode));
  }
  return districts.size === 1 ? [...districts][0] : undefined;
}

/**
 * The district an area lies in, up its parents. An area the gazetteer does not know (a learned name's
 * district) is a district; one whose parents it does not know stands for its own district.
 */
function districtOf(gazetteer: Gazetteer, areaCode: string): string {
  let code = areaCode;
  // Bounded by the number of areas, so that a cycle in bad parent codes cannot hang a placement.
  for (let hops = 0; hops < gazetteer.areas.size; hops++) {
    const area = gazetteer.areas.get(code);
    if (!area || area.level === 'district' || !area.parentCode) return code;
    code = area.parentCode;
  }
  return code;
}

// ── Placing a text ─────────────────────────────────────────────────────────────────────────────────────

/** Where a text is placed: the most specific area its places support, and how sure that is. */
export interface Placement {
  areaCode: string;
  level: GazetteerLevel;
  /** The district the area lies in (the area itself when it is a district). */
  district: string;
  /** 0–1; see placeText. */
  confidence: number;
  /** The mentions that support the placement (offsets into the title, a line break, then the detail). */
  evidence: PlaceMention[];
}

/** A message as a title and a detail: a place named in the title says more than one in passing below. */
export interface TitledText {
  title: string;
  detail: string;
}

/**
 * How far one mention can be trusted to name the area the text is about. A district or street named in
 * the title almost always is; in the detail it is sometimes where the writer lives or a road passing by.
 */
const RELIABILITY = { gridNameInTitle: 0.95, gridNameInDetail: 0.8, learnedInDetail: 0.9 } as const;

/**
 * The most specific area a text can be placed in, at least a district, or null when nothing in it
 * supports a placement.
 *
 * Each distinct name supports its district with a reliability r: a grid name (district, street office,
 * community, grid) r = 0.95 in the title and 0.8 in the detail; a learned name r = purity × n/(n+1)
 * (n its count, so a name seen twice counts for two thirds of its purity, one seen 20 times for nearly
 * all), × 0.9 in the detail. A district's support is the noisy-OR of its names, P(d) = 1 − Π(1 − r), and
 *
 *   confidence = P(best) × P(best) / Σ P(d)
 *
 * so one clear mention gives about its reliability, more mentions of the same district raise it, and
 * mentions of other districts share it out. Within the chosen district the deepest area named (a
 * community before a street office) is the placement.
 */
export function placeText(text: string | TitledText, gazetteer: Gazetteer): Placement | null {
  const parts = typeof text === 'string' ? [{ text, inTitle: false, offset: 0 }] : titledParts(text);
  const names = new Map<string, { district: string; reliability: number; mentions: PlaceMention[] }>();
  for (const part of parts) {
    for (const mention of extractPlaces(part.text, gazetteer)) {
      if (!mention.areaCode) continue;
      const district = districtOf(gazetteer, mention.areaCode);
      const reliability = mentionReliability(mention, part.inTitle, gazetteer);
      const key = `${mention.areaCode}|${foldName(mention.text)}`;
      const shifted = { ...mention, start: mention.start + part.offset, end: mention.end + part.offset };
      const name = names.get(key);
      if (name) {
        name.reliability = Math.max(name.reliability, reliability);
        name.mentions.push(shifted);
      } else {
        names.set(key, { district, reliability, mentions: [shifted] });
      }
    }
  }
  if (names.size === 0) return null;
  const doubt = new Map<string, number>();
  for (const { district, reliability } of names.values()) {
    doubt.set(district, (doubt.get(district) ?? 1) * (1 - reliability));
  }
  let best = '';
  let bestSupport = -1;
  let totalSupport = 0;
  for (const [district, d] of doubt) {
    totalSupport += 1 - d;
    if (1 - d > bestSupport) [best, bestSupport] = [district, 1 - d];
  }
  const evidence = [...names.values()].filter((n) => n.district === best);
  let area = best;
  let depth = 0;
  for (const { mentions } of evidence) {
    const code = mentions[0]!.areaCode!;
    const level = gazetteer.areas.get(code)?.level;
    const levelDepth = level ? LEVEL_DEPTH[level] : 0;
    if (levelDepth > depth) [area, depth] = [code, levelDepth];
  }
  return {
    areaCode: area,
    level: gazetteer.areas.get(area)?.level ?? 'district',
    district: best,
    confidence: round3((bestSupport * bestSupport) / totalSupport),
    evidence: evidence.flatMap((n) => n.mentions).sort((a, b) => a.start - b.start),
  };
}

const LEVEL_DEPTH: Record<GazetteerLevel, number> = { district: 0, street: 1, community: 2, grid: 3 };

function titledParts({ title, detail }: TitledText) {
  return [
    { text: title, inTitle: true, offset: 0 },
    { text: detail, inTitle: false, offset: title.length + 1 },
  ];
}

function mentionReliability(mention: PlaceMention, inTitle: boolean, gazetteer: Gazetteer): number {
  if (GRID_KINDS.has(mention.kind)) return inTitle ? RELIABILITY.gridNameInTitle : RELIABILITY.gridNameInDetail;
  const learned = learnedName(gazetteer, mention.text);
  if (!learned) return 0;
  const trust = learned.purity * (learned.count / (learned.count + 1));
  return inTitle ? trust : trust * RELIABILITY.learnedInDetail;
}

function learnedName(gazetteer: Gazetteer, text: string): LearnedPlaceName | undefined {
  const folded = foldName(text);
  return gazetteer.namesByFirstChar.get(folded[0] ?? '')?.find((n) => n.folded === folded)?.learned;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
