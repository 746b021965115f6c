import { createRequire } from 'node:module';

/**
 * Profanity filter for text the public sees (the public portal, Open311, RSS feeds): each profane word
 * becomes full-width asterisks, one per character, so a Chinese text keeps its length and layout.
 *
 * The words come from the LDNOOBW lists (package naughty-words, CC-BY-4.0), less what residents must be
 * able to write to their government (ORDINARY below), plus a few common insults the lists lack (EXTRA).
 *
 * How a word is found:
 * - Chinese has no word boundaries, so a Chinese word matches anywhere as a substring, also when spaces,
 *   symbols or zero-width characters were put between its characters (傻 逼, 傻*逼, 傻\u200b逼).
 * - A word that begins or ends with a Latin letter or a digit (all English words, also 卖B or SB) matches
 *   only where no Latin letter or digit touches that end: "assess", "Scunthorpe" and "cocktail" stay.
 *   English roots in INFLECTED also match with their suffixes (fucking, fucked, shits).
 * - Case and full-width forms do not matter (ＦＵＣＫ, ＳＢ). Traditional and simplified spellings are
 *   found as the lists have them (雞巴 and 鸡巴, 白癡 and 白痴); nothing is converted, since OpenCC converts
 *   whole phrases and offsets into the text could then no longer be mapped back one for one.
 */

export type ProfanityMatch = {
  /** UTF-16 offsets into the text given, end exclusive; the range may hold the separators put between. */
  start: number;
  end: number;
  /** The dictionary word that matched (the root for an inflected English word: "fuck" for "fucking"). */
  word: string;
};

const MASK = '＊';

/**
 * Words of the lists that are not insults but what residents write to report a problem, or ordinary words
 * and phrases that contain a listed word (路口交通 holds 口交). Each group says why.
 * Single Chinese characters (奶, 性, 淫, 逼, 乳 …) are all dropped by rule: each is part of hundreds of
 * ordinary words (牛奶, 性别, 淫雨, 逼迫).
 */
export const ORDINARY: ReadonlySet<string> = new Set([
  // Crimes and vice that residents report and the law names: a report of a brothel in the building must
  // reach the public page as written.
  ...['卖淫', '嫖娼', '嫖客', '妓女', '妓院', '招妓', '军妓', '色情', '淫秽', '淫乱', '强奸', '轮奸', '鸡奸'],
  ...['迷药', 'rape', 'raping', 'rapist', 'date rape', 'daterape', 'grope', 'incest', 'pedophile'],
  ...['paedophile', 'voyeur', 'upskirt', 'pornography'],
  // Body, sex and health in plain or clinical words: hospitals, period leave, public urination, breeding.
  ...['月经', '乳房', '乳头', '小乳头', '阴道', '阴唇', '阴户', '阴核', '阴毛', '阴茎', '陰莖', '阴部', '外阴'],
  ...['精子', '卵子', '包皮', '处女', '射精', '性交', '性器', '性无能', '阳萎', '阳具', '龟头', '花柳', '交配'],
  ...['撒尿', 'anal', 'anus', 'rectum', 'genitals', 'penis', 'vagina', 'vulva', 'nipple', 'nipples', 'semen'],
  ...['ejaculation', 'clitoris', 'intercourse', 'sex', 'sexual', 'sexually', 'sexuality', 'nude', 'nudity'],
  ...['masturbate', 'masturbating', 'masturbation'],
  // Ordinary words: 成人教育, 激情, 老祖宗, 私服 (plain clothes), 刚度 (stiffness), 老二 (second child),
  // 老母 (old mother), 屁股, 后庭 (back court), 吹箫 (playing the flute), 放荡不羁, 扒光, 野鸡车
  // (unlicensed taxi), 座椅靠背, 贝肉 (shellfish), 粉腸 (sausage), 硬膠 (hard plastic), 肥西 (a county),
  // 九游 (a games site: spam, not profanity); English ones with a civic use (police escort, cigarette butts,
  // bag snatching, a swastika sprayed on a wall, traffic tied up) or a snack (twinkie).
  ...['成人', '激情', '祖宗', '私服', '刚度', '老二', '老母', '屁股', '后庭', '吹箫', '放荡', '扒光', '野鸡'],
  ...['靠背', '贝肉', '粉腸', '硬膠', '肥西', '九游', 'escort', 'butt', 'snatch', 'domination', 'hard core'],
  ...['hardcore', 'big black', 'huge fat', 'girl on', 'tied up', 'tight white', 'taste my', 'tongue in a'],
  ...['strip club', 'topless', 'suck', 'sucks', 'swastika', 'how to kill', 'how to murder', 'viagra'],
  ...['cialis', 'twinkie', 'jelly donut'],
  // Substrings of ordinary phrases, or pairs that span two ordinary words; most were found in the 4.2
  // million characters of the TipDM messages and replies: 路口交通 (口交), 门口肯定 (口肯), 奸淫妇女 (淫妇),
  // 天性爱攀爬 and 个性爱好 (性爱), 刚刚度过 (刚度), 水乳交融 (乳交), 感情色彩 (情色), 12日批复 (日批),
  // 今日你们 (日你), 干你们的 (干你), 注射你 (射你), 飞机八点 (机八), 鸡八元一斤 (鸡八, 鸡8), 土鸡鸡蛋 (鸡鸡),
  // 买卖比例 (卖比), 我妈比我 (妈比), 牢骚比较 (骚比), 注册那天 (册那), 西瓜批发 (瓜批), 腐烂货物 (烂货),
  // 牛肉棒 (肉棒), 混杂种植 and 杂种优势 (杂种; 狗杂种 is in EXTRA), 叫做爱心 (做爱), 靠北边 (靠北),
  // 靠爸妈 (靠爸), 靠母亲 (靠母), 养狗 日夜 (狗日; 狗日的 is in EXTRA), 老味道 (老味).
  ...['口交', '口肯', '淫妇', '性爱', '乳交', '情色', '日批', '日你', '干你', '射你', '机八', '鸡八', '鸡8'],
  ...['鸡鸡', '卖比', '妈比', '骚比', '册那', '瓜批', '烂货', '肉棒', '杂种', '做爱', '靠北', '靠爸', '靠母'],
  ...['狗日', '老味'],
  // Kinship words that the insults are built on, plain by themselves: 其他妈妈 (他妈), 他奶奶 (his
  // grandmother), 他娘, 你妈, 你娘, 祝你全家, 妈妈的, 我妈的医保 (妈的), 姑娘的 (娘的), 你老母亲,
  // 你老闆 (your boss). 他妈的, 操你妈 and the like stay.
  ...['他妈', '他奶奶', '他娘', '你妈', '你娘', '你全家', '妈妈的', '妈的', '娘的', '你老母', '你老闆'],
  // Numbers and clock times: 13. and 13点 are on the list as a Shanghainese insult (十三点).
  ...['13.', '13点', '十三点'],
  // Placeholders for names that were taken out of a text (XX小区, xxx路).
  ...['xx', 'xxx'],
]);

/**
 * Common insults the lists lack, and three of the lists' single characters taken back because they are
 * never anything but vulgar (屄, 肏, 閪).
 * 尼玛 is left out on purpose: it is a common Tibetan given name (尼玛次仁) and a county (尼玛县).
 */
export const EXTRA: { readonly zh: readonly string[]; readonly en: readonly string[] } = {
  zh: [
    ...['草泥马', '狗娘养的', '去死吧', '滚犊子', '傻叉', '傻B', '煞笔', '脑残', '混蛋', '人渣', '狗日的', '卧槽'],
    ...['操蛋', '妈了个逼', '狗杂种', 'SB', '屄', '肏', '閪'],
  ],
  en: ['motherfucking'],
};

/**
 * English roots that also match inflected, with the suffixes that make no ordinary word: fuck and fucker,
 * but not cock → cocker (spaniel), tit → titer, spic → spices or cum → cumin, which get no suffix at all.
 */
const INFLECTED: ReadonlyMap<string, readonly string[]> = new Map([
  ['fuck', ['s', 'ed', 'er', 'ers', 'ing', 'in', 'head', 'heads', 'wit', 'wits']],
  ['shit', ['s', 'ted', 'ting', 'ty', 'head', 'heads', 'hole', 'holes', 'bag', 'bags']],
  ['bitch', ['es', 'ed', 'ing', 'y']],
  ['motherfucker', ['s']],
  ['asshole', ['s']],
  ['bastard', ['s']],
  ['cunt', ['s']],
  ['twat', ['s']],
  ['whore', ['s']],
  ['slut', ['s', 'ty']],
  ['wank', ['s', 'ed', 'er', 'ers', 'ing']],
  ['dildo', ['s']],
  ['faggot', ['s']],
  ['nigger', ['s']],
  ['nigga', ['s', 'z']],
]);

/**
 * What may not follow a word for it to count. SB/T and SB 10720 are the prefix of China's commerce-ministry
 * standards (SB/T 10720-2012), which citizens quote; sb as an insult is not followed by a slash or a number
 * (nor by a mask, which may hide a number).
 */
const NOT_FOLLOWED_BY: ReadonlyMap<string, RegExp> = new Map([['sb', /\s?[/\d＊]/y]]);

type Lists = { zh: readonly string[]; en: readonly string[] };
const LISTS = createRequire(import.meta.url)('naughty-words') as Lists;

const HAN = /\p{Script=Han}/u;
// Latin letters and digits: the characters that make a Latin word go on, so none may touch an English match.
const WORD_CHAR = /[\p{Script=Latin}\p{Nd}]/u;
// Invisible characters: dropped wherever they stand (zero-width space and joiners, word joiner, BOM,
// soft hyphen, direction marks).
const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/u;
// What is put between two Chinese characters to hide a word: whitespace and symbols. The punctuation that
// ends a clause (，。、；：！？ and the brackets and quotes) is not among them, since 养狗，日夜 must not read
// as 狗日. The full-width asterisk is not either: it is our own mask, and masks must not join up the text
// on their two sides into a new match (filterProfanity would not be idempotent).
const SEPARATOR = /[\s*.\-_~=+#@^`'"|/\\·•・‧∙⋅°※★☆○●◎◇◆□■△▲▽▼♡♥…～—–－]/u;

/** Lower-case ASCII and half-width forms, one code point for one, so offsets stay easy to map back. */
function fold(ch: string): string {
  const code = ch.codePointAt(0)!;
  if (code === 0x3000) return ' ';
  // Full-width ASCII (ＡＢＣ, ｓｂ) but not the full-width asterisk: see SEPARATOR.
  if (code >= 0xff01 && code <= 0xff5e && code !== 0xff0a) return String.fromCharCode(code - 0xfee0).toLowerCase();
  if (code >= 0x41 && code <= 0x5a) return String.fromCharCode(code + 32);
  return ch;
}

type Entry = {
  word: string;
  /** The folded spelling that is searched for. */
  pattern: string;
  boundedStart: boolean;
  boundedEnd: boolean;
  suffixes: readonly string[];
  notFollowedBy: RegExp | undefined;
  /**
   * A Chinese insult spelt in Latin letters (SB) counts only next to a Chinese character, spaces aside: in
   * English text SB is southbound (CROSS ISLAND PARKWAY SB in New York's 311 data), a senate bill or a name.
   */
  nextToHan: boolean;
};

function isWordChar(unit: string | undefined): boolean {
  return unit !== undefined && WORD_CHAR.test(unit);
}

function entry(word: string, chinese: boolean): Entry {
  const pattern = [...word].map(fold).join('');
  return {
    word,
    pattern,
    boundedStart: isWordChar(pattern[0]),
    boundedEnd: isWordChar(pattern[pattern.length - 1]),
    // Longest first, so "fuckers" wins over "fucker".
    suffixes: [...(INFLECTED.get(pattern) ?? [])].sort((a, b) => b.length - a.length),
    notFollowedBy: NOT_FOLLOWED_BY.get(pattern),
    nextToHan: chinese && !HAN.test(word),
  };
}

function build(list: readonly string[]): string[] {
  return [...new Set(list)].filter((word) => !ORDINARY.has(word));
}

/** The dictionary, built once at load: reviewable as data, and counted by the tests. */
export const PROFANITY_WORDS: { readonly zh: readonly string[]; readonly en: readonly string[] } = {
  zh: build([...LISTS.zh.filter((w) => [...w].length > 1), ...EXTRA.zh]),
  en: build([...LISTS.en, ...EXTRA.en]),
};

/*
 * Aho–Corasick rather than one RegExp alternation of all words sorted longest first. V8 tries the
 * alternatives one after another at every position, so an alternation costs text length × word count
 * (about 550 words here) and grows with every word a city adds; the automaton reads each character of the
 * text once whatever the number of words, and reports every word ending at a position, overlapping ones
 * included, which the masking needs (see filterProfanity). The boundary and suffix rules of English words
 * are checked on each hit, so English shares the one pass.
 */
type Automaton = {
  next: Map<number, number>[];
  fail: Int32Array;
  /** Entries ending at a node, its own and those of its suffix links, flattened when built. */
  out: number[][];
};

const ENTRIES: readonly Entry[] = [
  ...PROFANITY_WORDS.zh.map((w) => entry(w, true)),
  ...PROFANITY_WORDS.en.map((w) => entry(w, false)),
];
const AUTOMATON = buildAutomaton(ENTRIES);

function buildAutomaton(entries: readonly Entry[]): Automaton {
  const next: Map<number, number>[] = [new Map()];
  const out: number[][] = [[]];
  entries.forEach((e, index) => {
    let node = 0;
    for (let i = 0; i < e.pattern.length; i++) {
      const unit = e.pattern.charCodeAt(i);
      let child = next[node]!.get(unit);
      if (child === undefined) {
        child = next.length;
        next.push(new Map());
        out.push([]);
        next[node]!.set(unit, child);
      }
      node = child;
    }
    out[node]!.push(index);
  });
  const fail = new Int32Array(next.length);
  const queue: number[] = [...next[0]!.values()];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (const [unit, child] of next[node]!) {
      let f = fail[node]!;
      while (f !== 0 && !next[f]!.has(unit)) f = fail[f]!;
      const target = next[f]!.get(unit);
      fail[child] = target !== undefined && target !== child ? target : 0;
      out[child]!.push(...out[fail[child]!]!);
      queue.push(child);
    }
  }
  return { next, fail, out };
}

/** Whether the first character other than a space before start or from end on is Chinese. */
function hanBeside(s: string, start: number, end: number): boolean {
  let before = start;
  while (s[before - 1] === ' ') before--;
  let after = end;
  while (s[after] === ' ') after++;
  const previous = s.codePointAt(before - 2);
  const last = previous !== undefined && previous > 0xffff ? String.fromCodePoint(previous) : s[before - 1];
  const next = s.codePointAt(after);
  return (last !== undefined && HAN.test(last)) || (next !== undefined && HAN.test(String.fromCodePoint(next)));
}

type Normalised = {
  text: string;
  /** For each UTF-16 unit of text, the offsets in the original of the code point it came from. */
  from: Int32Array;
  to: Int32Array;
};

/**
 * The text as it is searched: folded, invisible characters dropped, separators between two Chinese
 * characters dropped, and runs of whitespace elsewhere one space (so "god  damn" is found too).
 */
function normalise(original: string): Normalised {
  let text = '';
  const from: number[] = [];
  const to: number[] = [];
  const push = (s: string, start: number, end: number) => {
    text += s;
    for (let k = 0; k < s.length; k++) {
      from.push(start);
      to.push(end);
    }
  };
  // Separators seen since the last kept character, held back until the next one tells whether to keep them.
  let pending: { s: string; start: number; end: number }[] = [];
  let lastKeptHan = false;
  let i = 0;
  for (const ch of original) {
    const start = i;
    i += ch.length;
    if (INVISIBLE.test(ch)) continue;
    const folded = fold(ch);
    if (SEPARATOR.test(folded)) {
      pending.push({ s: /\s/u.test(folded) ? ' ' : folded, start, end: i });
      continue;
    }
    const han = HAN.test(ch);
    if (!(han && lastKeptHan)) {
      for (const [k, p] of pending.entries()) {
        if (p.s !== ' ' || pending[k - 1]?.s !== ' ') push(p.s, p.start, p.end);
      }
    }
    pending = [];
    push(folded, start, i);
    lastKeptHan = han;
  }
  for (const p of pending) push(p.s, p.start, p.end);
  return { text, from: Int32Array.from(from), to: Int32Array.from(to) };
}

/**
 * Every profane word in the text, by start; a word inside a longer one found at the same place is left out
 * (操你妈 and not also 操你), words that only overlap are both given.
 */
export function findProfanity(text: string): ProfanityMatch[] {
  const norm = normalise(text);
  const s = norm.text;
  const { next, fail, out } = AUTOMATON;
  const found: { start: number; end: number; index: number; inflected: boolean }[] = [];
  let node = 0;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    while (node !== 0 && !next[node]!.has(unit)) node = fail[node]!;
    node = next[node]!.get(unit) ?? 0;
    for (const index of out[node]!) {
      const e = ENTRIES[index]!;
      const start = i + 1 - e.pattern.length;
      if (e.boundedStart && isWordChar(s[start - 1])) continue;
      let end = i + 1;
      if (e.boundedEnd && isWordChar(s[end])) {
        const suffix = e.suffixes.find((x) => s.startsWith(x, end) && !isWordChar(s[end + x.length]));
        if (suffix === undefined) continue;
        end += suffix.length;
      }
      if (e.nextToHan && !hanBeside(s, start, end)) continue;
      if (e.notFollowedBy) {
        e.notFollowedBy.lastIndex = end;
        if (e.notFollowedBy.test(s)) continue;
      }
      found.push({ start, end, index, inflected: end !== i + 1 });
    }
  }
  // Longest first where two start together, and of two words on the same span the one listed as it stands
  // (fucking rather than fuck + ing).
  found.sort((a, b) => a.start - b.start || b.end - a.end || Number(a.inflected) - Number(b.inflected));
  const matches: ProfanityMatch[] = [];
  let reach = -1;
  for (const f of found) {
    if (f.end <= reach) continue;
    reach = f.end;
    matches.push({ start: norm.from[f.start]!, end: norm.to[f.end - 1]!, word: ENTRIES[f.index]!.word });
  }
  return matches;
}

/**
 * The text with every character of every profane word, and whatever was put between its characters, as
 * ＊; everything else unchanged. Overlapping words are masked as their union, so no part of either shows
 * and a second pass finds nothing new.
 */
export function filterProfanity(text: string): string {
  const matches = findProfanity(text);
  if (matches.length === 0) return text;
  const masked = new Uint8Array(text.length);
  for (const m of matches) masked.fill(1, m.start, m.end);
  let result = '';
  let i = 0;
  for (const ch of text) {
    result += masked[i] ? MASK : ch;
    i += ch.length;
  }
  return result;
}
