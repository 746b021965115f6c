import { csvForExcel } from '../lib/csv.ts';
import { disjointSets } from './disjoint-sets.ts';
import type { MessageRecord } from './message-files.ts';
import { extractPlaces, foldText, type Gazetteer, type PlaceKind, placeText } from './places.ts';
import { tokenize } from './tokenizer.ts';

/**
 * Hot-issue mining (热点问题挖掘): messages about the same problem at the same place over the same weeks
 * — one estate's complaints about a mixing plant's noise, one developer's bundled parking spaces — are
 * grouped into an issue, and the issues ranked by how hot they are (heatOf).
 *
 * Method, chosen by reading the 4,326 TipDM Cup messages and by planting issues among 100,000 synthetic
 * ones (bench/hot-issues.ts):
 * - A message is two TF-IDF vectors of its words (tokenize): title and detail with the title's words
 *   counted three times, and the title alone. Their similarity is the mean of the two cosines: titles
 *   state the problem (五矿万境's messages: 0.66 at the median by title, 0.27 by whole text) but are short;
 *   whole texts carry the rest. The words of a place's name count a third in the first vector and not at
 *   all in the title vector, so that the vectors say what the problem is and the place is asked apart.
 * - Candidates come from an inverted index over each message's eight heaviest words and its places: the
 *   latest 200 messages per word or place within the window, those sharing two words or a place, the 64
 *   sharing most. Never all pairs (the bench measures all pairs on 5,000 messages).
 * - Two messages at different places are never one issue. At the same place they are linked from a mean
 *   cosine of 0.15 if their titles share a word besides the place, 0.25 if not; when either names no
 *   place, from 0.4. Tried first: connected components of such links, which chained 丽发新城's mixing
 *   plant into its road works and water cuts (one message naming two problems bridges two issues), and
 *   a 0.4 link across different places, which grouped the same complaint about many estates. So a
 *   message joins the cluster of a linked earlier message only if it is as close to that cluster's
 *   centroid as a linked message would be (centroidThreshold), in time order (leader–centroid
 *   clustering); then clusters that time order started twice are merged (mergeClusters).
 * - Clusters of one message are not issues.
 */

/** A message as mining reads it: an export's record, or a case (author = its reporter, supports = "me too"s). */
export type HotIssueMessage = Pick<
  MessageRecord,
  'id' | 'author' | 'title' | 'detail' | 'writtenAt' | 'supports' | 'oppositions'
>;

export interface HotIssueOptions {
  /** Two messages further apart than this are not linked (days; default 90). */
  windowDays?: number;
  /**
   * Similarity from which two messages at the same place, whose titles share a word besides the place,
   * are linked (default 0.15); see linkThreshold and centroidThreshold.
   */
  placeSimilarity?: number;
  /** Similarity from which two messages are linked when either names no place (default 0.4). */
  strongSimilarity?: number;
  /** Called now and then with the messages done, twice over: reading them, then clustering. */
  onProgress?: (done: number, total: number) => void;
}

const DEFAULTS = { windowDays: 90, placeSimilarity: 0.15, strongSimilarity: 0.4 };
/** At the same place, with titles that share no word besides the place: see linkThreshold. */
const SAME_PLACE_OTHER_TITLE = 0.25;
const TITLE_WEIGHT = 3;
/**
 * The words of a place's name count this much in the whole-text vectors (and not at all in the title
 * vectors): whether two messages are at the same place is asked on its own (placeRelation), and the
 * vectors should say what the problem is — with names at full weight, 丽发新城's road works and its
 * mixing plant looked alike. On the planted issues 0.25 gave purer issues that held fewer of their
 * messages, 0.5 the reverse; 0.35 lies between.
 */
const PLACE_WORD_WEIGHT = 0.35;
/** Words kept in a message's vector: enough for its cosine, few enough for speed at 100,000 messages. */
const VECTOR_TERMS = 40;
/** Words of a message in the inverted index. */
const INDEXED_TERMS = 8;
/** A word in more than this share of the messages is not indexed (but still counts in cosines). */
const MAX_INDEXED_SHARE = 0.02;
/**
 * Earlier messages compared with each message, at most: where hundreds of messages share its words, the
 * first of them already show which clusters it may join.
 */
const MAX_NEIGHBOURS = 64;
/** The latest messages with a word or place that are looked at: the cost per message stays bounded. */
const MAX_POSTINGS_SCANNED = 200;
/** Candidates must share this many indexed words, unless they share a place. */
const MIN_SHARED_TERMS = 2;
const DAY_MS = 86_400_000;

/** What makes an issue hot, each part of the heat (see heatOf). */
export interface HeatParts {
  reporters: number;
  repeats: number;
  engagement: number;
  intensity: number;
  growth: number;
}

/**
 * Where an issue is: the specific place most members name, as most write it, or, when they name none,
 * their district as written (empty when only learned names place them).
 */
export interface HotIssuePlace {
  text: string;
  kind: PlaceKind;
  /** The district most members are placed in (by placeText, weighted by confidence), when they are placed. */
  district?: string;
}

export interface HotIssue {
  rank: number;
  heat: number;
  heatParts: HeatParts;
  /** The title of the member closest to the issue's centroid. */
  title: string;
  representativeId: string;
  place: HotIssuePlace | null;
  from: Date;
  to: Date;
  memberIds: string[];
  /** Distinct authors. */
  reporters: number;
  supports: number;
  oppositions: number;
  keywords: string[];
}

/** A sparse unit vector: term ids ascending, their weights. */
interface Vector {
  ids: Int32Array;
  weights: Float64Array;
}

/** A message read for clustering. */
interface Prepared {
  message: HotIssueMessage;
  time: number;
  /** Title and detail, the title's words counted TITLE_WEIGHT times. */
  full: Vector;
  /** The title alone: short, but where writers state the problem in the fewest words. */
  title: Vector;
  /** The words it is found by in the inverted index. */
  indexed: number[];
  /** Keys of its specific places (see placeKey). */
  places: string[];
  placeMentions: { key: string; text: string; kind: PlaceKind }[];
}

/** The sum of its members' unit vectors, with the sum's squared length kept up to date. */
interface Centroid {
  sums: Map<number, number>;
  normSquared: number;
}

interface Cluster {
  members: number[];
  full: Centroid;
  title: Centroid;
  places: Map<string, number>;
  first: number;
  last: number;
}

/**
 * Groups messages about the same problem at the same place into issues, ranked by heat. Pure: the same
 * messages and options give the same issues.
 */
export function mineHotIssues(
  messages: readonly HotIssueMessage[],
  gazetteer: Gazetteer,
  options: HotIssueOptions = {},
): HotIssue[] {
  const settings = { ...DEFAULTS, ...options };
  const ordered = [...messages].sort((a, b) => a.writtenAt.getTime() - b.writtenAt.getTime() || cmp(a.id, b.id));
  const total = ordered.length * 2;
  const { prepared, terms } = prepare(ordered, gazetteer, (done) => options.onProgress?.(done, total));
  const clusters = cluster(prepared, settings, (done) => options.onProgress?.(ordered.length + done, total));
  const issues = mergeClusters(clusters, settings)
    .filter((c) => c.members.length > 1)
    .map((c) => describe(c, prepared, terms, gazetteer))
    .sort((a, b) => b.heat - a.heat || a.from.getTime() - b.from.getTime() || cmp(a.memberIds[0]!, b.memberIds[0]!));
  options.onProgress?.(total, total);
  return issues.map((issue, i) => ({ ...issue, rank: i + 1 }));
}

// ── Vectors ────────────────────────────────────────────────────────────────────────────────────────────

const SPECIFIC_KINDS: ReadonlySet<PlaceKind> = new Set(['road', 'estate', 'village', 'landmark', 'community']);

/**
 * One key for the ways citizens write one place: 丽发新城小区 and 丽发新城 are the same estate. Keys are
 * compared by containment (丽发小区 → 丽发, inside 丽发新城), see sharesPlace.
 */
function placeKey(text: string): string {
  const folded = foldText(text);
  const bare = folded.replace(/(小区|社区)$/, '');
  return bare.length >= 2 ? bare : folded;
}

function prepare(ordered: readonly HotIssueMessage[], gazetteer: Gazetteer, progress: (done: number) => void) {
  const vocabulary = new Map<string, number>();
  const terms: string[] = [];
  const idOf = (term: string) => {
    let id = vocabulary.get(term);
    if (id === undefined) {
      id = terms.length;
      vocabulary.set(term, id);
      terms.push(term);
    }
    return id;
  };
  const count = (
    counts: Map<number, number>,
    words: readonly string[],
    weight: number,
    places: string,
    placeWeight = PLACE_WORD_WEIGHT,
  ) => {
    for (const word of words) {
      const share = places.includes(word) ? placeWeight : 1;
      if (share > 0) counts.set(idOf(word), (counts.get(idOf(word)) ?? 0) + weight * share);
    }
  };
  const read: { full: Map<number, number>; title: Map<number, number>; places: Prepared['placeMentions'] }[] = [];
  const documentFrequency: number[] = [];
  for (const [i, message] of ordered.entries()) {
    const mentions = [...extractPlaces(message.title, gazetteer), ...extractPlaces(message.detail, gazetteer)];
    const places = mentions
      .filter((m) => SPECIFIC_KINDS.has(m.kind))
      .map((m) => ({ key: placeKey(m.text), text: m.text, kind: m.kind }));
    const placeWords = mentions.map((m) => foldText(m.text)).join('|');
    const titleWords = tokenize(message.title);
    const title = new Map<number, number>();
    count(title, titleWords, 1, placeWords, 0);
    const full = new Map<number, number>();
    count(full, titleWords, TITLE_WEIGHT, placeWords);
    count(full, tokenize(message.detail), 1, placeWords);
    for (const id of full.keys()) documentFrequency[id] = (documentFrequency[id] ?? 0) + 1;
    read.push({ full, title, places });
    if (i % 1000 === 0) progress(i);
  }
  const n = ordered.length;
  const idf = (id: number) => Math.log((n + 1) / (documentFrequency[id]! + 1));
  const maxIndexed = Math.max(10, n * MAX_INDEXED_SHARE);
  const prepared = ordered.map((message, i): Prepared => {
    const { full, title, places } = read[i]!;
    const fullWeights = weigh(full, idf);
    return {
      message,
      time: message.writtenAt.getTime(),
      full: unitVector(fullWeights),
      title: unitVector(weigh(title, idf)),
      indexed: fullWeights
        .filter(([id]) => documentFrequency[id]! > 1 && documentFrequency[id]! <= maxIndexed)
        .slice(0, INDEXED_TERMS)
        .map(([id]) => id),
      places: [...new Set(places.map((p) => p.key))],
      placeMentions: places,
    };
  });
  return { prepared, terms };
}

/** TF-IDF weights (sublinear counts), heaviest first, at most VECTOR_TERMS of them. */
function weigh(counts: Map<number, number>, idf: (id: number) => number): [number, number][] {
  const weighted = [...counts].map(([id, tf]): [number, number] => [id, (1 + Math.log(tf)) * idf(id)]);
  weighted.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return weighted.slice(0, VECTOR_TERMS).filter(([, w]) => w > 0);
}

function unitVector(weights: readonly [number, number][]): Vector {
  const sorted = [...weights].sort((a, b) => a[0] - b[0]);
  const norm = Math.sqrt(sum(sorted.map(([, w]) => w * w))) || 1;
  return { ids: Int32Array.from(sorted, ([id]) => id), weights: Float64Array.from(sorted, ([, w]) => w / norm) };
}

function cosine(a: Vector, b: Vector): number {
  let i = 0;
  let j = 0;
  let dot = 0;
  while (i < a.ids.length && j < b.ids.length) {
    const x = a.ids[i]!;
    const y = b.ids[j]!;
    if (x === y) dot += a.weights[i++]! * b.weights[j++]!;
    else if (x < y) i++;
    else j++;
  }
  return dot;
}

/**
 * How alike two messages are: the mean of the cosines of their whole texts and of their titles. Titles
 * alone tell 五矿万境's many messages apart from its neighbours' better than whole texts do (0.66 against
 * 0.27 at the median), whole texts do better where titles are short or vague; the mean kept the same
 * problem's pairs furthest from other problems at the same place in the TipDM Cup messages.
 */
function similarity(p: Prepared, q: Prepared): number {
  return (cosine(p.full, q.full) + cosine(p.title, q.title)) / 2;
}

function centroidCosine(v: Vector, c: Centroid): number {
  let dot = 0;
  for (let k = 0; k < v.ids.length; k++) dot += v.weights[k]! * (c.sums.get(v.ids[k]!) ?? 0);
  return c.normSquared > 0 ? dot / Math.sqrt(c.normSquared) : 0;
}

function centroidSimilarity(p: Prepared, c: Cluster): number {
  return (centroidCosine(p.full, c.full) + centroidCosine(p.title, c.title)) / 2;
}

function centroidsCosine(a: Centroid, b: Centroid): number {
  const [small, large] = a.sums.size <= b.sums.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [id, w] of small.sums) dot += w * (large.sums.get(id) ?? 0);
  return a.normSquared > 0 && b.normSquared > 0 ? dot / Math.sqrt(a.normSquared * b.normSquared) : 0;
}

function sharesPlace(a: Iterable<string>, b: Iterable<string>): boolean {
  const bs = [...b];
  for (const x of a) for (const y of bs) if (x === y || x.includes(y) || y.includes(x)) return true;
  return false;
}

/**
 * Whether two messages (or clusters) are at the same place: `same` when they share one, `unknown` when
 * either names none, `different` when both name places and none is shared — then they are never one issue,
 * however alike their words: the same complaint about two estates is two issues.
 */
function placeRelation(a: readonly string[] | Map<string, number>, b: readonly string[] | Map<string, number>) {
  const [as, bs] = [Array.isArray(a) ? a : [...a.keys()], Array.isArray(b) ? b : [...b.keys()]];
  if (as.length === 0 || bs.length === 0) return 'unknown';
  return sharesPlace(as, bs) ? 'same' : 'different';
}

// ── Clustering ─────────────────────────────────────────────────────────────────────────────────────────

function cluster(prepared: readonly Prepared[], settings: typeof DEFAULTS, progress: (done: number) => void) {
  const window = settings.windowDays * DAY_MS;
  /** Earlier messages by indexed word or place, in time order. */
  const postings = new Map<number | string, number[]>();
  const clusterOf = new Int32Array(prepared.length);
  const clusters: Cluster[] = [];
  const shared = new Map<number, number>();
  const viaPlace = new Set<number>();
  for (const [i, p] of prepared.entries()) {
    shared.clear();
    viaPlace.clear();
    const collect = (key: number | string, byPlace: boolean) => {
      const list = postings.get(key);
      if (!list) return;
      const oldest = Math.max(0, list.length - MAX_POSTINGS_SCANNED);
      for (let k = list.length - 1; k >= oldest; k--) {
        const j = list[k]!;
        if (p.time - prepared[j]!.time > window) break;
        shared.set(j, (shared.get(j) ?? 0) + 1);
        if (byPlace) viaPlace.add(j);
      }
    };
    for (const id of p.indexed) collect(id, false);
    for (const key of p.places) collect(key, true);

    // The clusters of linked earlier messages are the candidates, each judged by its centroid. Of the
    // earlier messages found, those at the same place and sharing most words are compared first.
    const neighbours = [...shared]
      .filter(([j, count]) => count >= MIN_SHARED_TERMS || viaPlace.has(j))
      .map(([j, count]) => [j, count + (viaPlace.has(j) ? INDEXED_TERMS : 0)] as const)
      .sort((a, b) => b[1] - a[1] || b[0] - a[0])
      .slice(0, MAX_NEIGHBOURS);
    const candidates = new Set<number>();
    for (const [j] of neighbours) {
      const q = prepared[j]!;
      const relation = placeRelation(p.places, q.places);
      if (relation === 'different') continue;
      if (similarity(p, q) >= linkThreshold(relation, cosine(p.title, q.title) > 0, settings)) {
        candidates.add(clusterOf[j]!);
      }
    }
    let chosen = -1;
    let best = 0;
    for (const c of candidates) {
      const candidate = clusters[c]!;
      const relation = placeRelation(p.places, candidate.places);
      if (relation === 'different') continue;
      const pairwise = linkThreshold(relation, centroidCosine(p.title, candidate.title) > 0, settings);
      const margin = centroidSimilarity(p, candidate) - centroidThreshold(pairwise, candidate.members.length);
      if (margin >= 0 && margin >= best) [chosen, best] = [c, margin];
    }
    if (chosen < 0) {
      chosen = clusters.length;
      clusters.push(emptyCluster(p.time));
    }
    join(clusters[chosen]!, i, p);
    clusterOf[i] = chosen;

    for (const id of p.indexed) append(postings, id, i);
    for (const key of p.places) append(postings, key, i);
    if (i % 1000 === 0) progress(i);
  }
  return clusters;
}

/**
 * How alike two messages must be to be linked. At the same place, little (placeSimilarity) when their
 * titles share a word besides the place's name, more (SAME_PLACE_OTHER_TITLE) when they share none —
 * one estate's water cuts and its parking are both "at 桂花苑", and the titles are where the difference
 * shows. Where either names no place, much more (strongSimilarity).
 */
function linkThreshold(relation: 'same' | 'unknown', titlesShareWords: boolean, settings: typeof DEFAULTS): number {
  if (relation === 'unknown') return settings.strongSimilarity;
  return titlesShareWords ? settings.placeSimilarity : SAME_PLACE_OTHER_TITLE;
}

/**
 * The cosine to a cluster's centroid that a message has when it is `pairwise` similar to each of the
 * cluster's n members and they to each other: pairwise·√n / √(1 + (n−1)·pairwise). It is `pairwise` for
 * one member and rises towards √pairwise, since a centroid averages away what members do not share; one
 * fixed threshold would either refuse the second message or let anything join a large cluster.
 */
function centroidThreshold(pairwise: number, n: number): number {
  return (pairwise * Math.sqrt(n)) / Math.sqrt(1 + (n - 1) * pairwise);
}

function emptyCluster(time: number): Cluster {
  const centroid = () => ({ sums: new Map<number, number>(), normSquared: 0 });
  return { members: [], full: centroid(), title: centroid(), places: new Map(), first: time, last: time };
}

function join(c: Cluster, index: number, p: Prepared) {
  c.members.push(index);
  add(c.full, p.full);
  add(c.title, p.title);
  for (const key of p.places) c.places.set(key, (c.places.get(key) ?? 0) + 1);
  c.first = Math.min(c.first, p.time);
  c.last = Math.max(c.last, p.time);
}

function add(c: Centroid, v: Vector) {
  for (let k = 0; k < v.ids.length; k++) {
    const id = v.ids[k]!;
    const before = c.sums.get(id) ?? 0;
    const after = before + v.weights[k]!;
    c.sums.set(id, after);
    c.normSquared += after * after - before * before;
  }
}

function append<K>(map: Map<K, number[]>, key: K, value: number) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Clusters found by one word or place, at most, for merging. */
const MAX_MERGE_CANDIDATES = 50;
/**
 * Two clusters whose centroids are this alike (the mean of the whole-text and title cosines) are one
 * issue that clustering in time order started twice. At the same place 0.25 is enough: centroids are
 * averages, and title centroids carry no place words, so two clusters about different problems at one
 * estate stay near 0 by title; at 0.3, 丽发新城's 搅拌厂 messages stayed apart from its 搅拌站 ones, and
 * the planted issues were found 10 points less completely (82 % against 91 %) at about the same purity.
 */
const MERGE_SIMILARITY = { samePlace: 0.25, unknownPlace: 0.65 };

/**
 * Leader clustering in time order can start one issue twice (丽发新城's 搅拌站 and 搅拌厂 messages
 * began two clusters the same fortnight); clusters close in time, at the same place (or where one names
 * none) and alike by MERGE_SIMILARITY are merged. Candidates share a place, or for clusters without
 * one, a heavy word.
 */
function mergeClusters(clusters: readonly Cluster[], settings: typeof DEFAULTS): Cluster[] {
  const groups = clusters.filter((c) => c.members.length > 1);
  const window = settings.windowDays * DAY_MS;
  const byKey = new Map<number | string, number[]>();
  for (const [i, c] of groups.entries()) {
    for (const key of c.places.keys()) append(byKey, key, i);
    if (c.places.size > 0) continue;
    const heaviest = [...c.full.sums].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, INDEXED_TERMS);
    for (const [id] of heaviest) append(byKey, id, i);
  }
  const sets = disjointSets(groups.length);
  const tried = new Set<number>();
  for (const members of byKey.values()) {
    // A word at the top of hundreds of clusters says nothing about which of them are one issue.
    if (members.length > MAX_MERGE_CANDIDATES) continue;
    for (const [x, a] of members.entries()) {
      for (const b of members.slice(x + 1)) {
        if (tried.has(a * groups.length + b)) continue;
        tried.add(a * groups.length + b);
        const [ca, cb] = [groups[a]!, groups[b]!];
        if (ca.first - cb.last > window || cb.first - ca.last > window) continue;
        const relation = placeRelation(ca.places, cb.places);
        if (relation === 'different') continue;
        const alike = (centroidsCosine(ca.full, cb.full) + centroidsCosine(ca.title, cb.title)) / 2;
        if (alike >= (relation === 'same' ? MERGE_SIMILARITY.samePlace : MERGE_SIMILARITY.unknownPlace)) {
          sets.join(a, b);
        }
      }
    }
  }
  const merged = new Map<number, Cluster>();
  for (const [i, c] of groups.entries()) {
    const r = sets.root(i);
    const into = merged.get(r);
    if (!into) {
      merged.set(r, c);
      continue;
    }
    into.members.push(...c.members);
    for (const [from, to] of [
      [c.full, into.full],
      [c.title, into.title],
    ] as const) {
      for (const [id, w] of from.sums) to.sums.set(id, (to.sums.get(id) ?? 0) + w);
      to.normSquared = sum([...to.sums.values()].map((w) => w * w));
    }
    for (const [key, n] of c.places) into.places.set(key, (into.places.get(key) ?? 0) + n);
    into.first = Math.min(into.first, c.first);
    into.last = Math.max(into.last, c.last);
  }
  return [...merged.values()];
}

// ── Describing an issue ────────────────────────────────────────────────────────────────────────────────

function describe(c: Cluster, prepared: readonly Prepared[], terms: readonly string[], gazetteer: Gazetteer) {
  // Prepared messages are in time order, and so are the members by their index.
  const members = [...c.members].sort((a, b) => a - b).map((i) => prepared[i]!);
  let representative = members[0]!;
  let closest = -1;
  for (const m of members) {
    const alike = centroidSimilarity(m, c);
    if (alike > closest) [representative, closest] = [m, alike];
  }
  const times = members.map((m) => m.time);
  const [from, to] = [times[0]!, times.at(-1)!];
  const reporters = new Set(members.map((m) => m.message.author)).size;
  const supports = sum(members.map((m) => m.message.supports));
  const oppositions = sum(members.map((m) => m.message.oppositions));
  const heatParts = heatOf({ count: members.length, reporters, supports, oppositions, times });
  const keywords = [...c.full.sums]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, 5)
    .map(([id]) => terms[id]!);
  return {
    rank: 0,
    heat: round2(10 * sum(Object.values(heatParts))),
    heatParts,
    title: representative.message.title,
    representativeId: representative.message.id,
    place: commonPlace(members, gazetteer),
    from: new Date(from),
    to: new Date(to),
    memberIds: members.map((m) => m.message.id),
    reporters,
    supports,
    oppositions,
    keywords,
  } satisfies HotIssue;
}

/** The specific place most members name (by its key), written as most of them write it, and its district. */
function commonPlace(members: readonly Prepared[], gazetteer: Gazetteer): HotIssuePlace | null {
  const byKey = new Map<string, { members: number; spellings: Map<string, number>; kind: PlaceKind }>();
  for (const m of members) {
    for (const key of m.places) {
      const entry = byKey.get(key) ?? { members: 0, spellings: new Map(), kind: 'landmark' as PlaceKind };
      entry.members++;
      byKey.set(key, entry);
    }
    for (const mention of m.placeMentions) {
      const entry = byKey.get(mention.key)!;
      entry.spellings.set(mention.text, (entry.spellings.get(mention.text) ?? 0) + 1);
      entry.kind = mention.kind;
    }
  }
  const [top] = [...byKey.values()].sort((a, b) => b.members - a.members);
  // The district by the members' placements, each counted by its confidence, and how they wrote it.
  const districts = new Map<string, { weight: number; written: string }>();
  for (const m of members) {
    const placement = placeText({ title: m.message.title, detail: m.message.detail }, gazetteer);
    if (!placement) continue;
    const entry = districts.get(placement.district) ?? { weight: 0, written: '' };
    entry.weight += placement.confidence;
    entry.written ||= placement.evidence.find((e) => e.kind === 'district')?.text ?? '';
    districts.set(placement.district, entry);
  }
  const [district, { written } = { written: '' }] = [...districts].sort((a, b) => b[1].weight - a[1].weight)[0] ?? [];
  if (!top) return district ? { text: written, kind: 'district', district } : null;
  const [text] = [...top.spellings].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length)[0]!;
  return { text, kind: top.kind, ...(district ? { district } : {}) };
}

/**
 * The heat of an issue, as parts that add up (heat = 10 × their sum):
 * - reporters = ln(1 + distinct authors): people affected, the core of heat;
 * - repeats = 0.25 × ln(1 + messages − authors): writing again shows urgency, but one person is one voice;
 * - engagement = 0.5 × ln(1 + supports + oppositions / 2): citizens who read the messages and agreed (or
 *   cared enough to disagree); logarithmic, since a few messages gather thousands of supports;
 * - intensity = 0.3 × ln(1 + messages per week over the issue's span, at least one week): a burst is
 *   hotter than the same number spread over a season;
 * - growth = 0.3 × ln((later + 1) / (earlier + 1)), the messages in the later and earlier half of the
 *   span (0 for spans under two weeks): a rising issue is hotter than a fading one, and a fading one
 *   loses some heat.
 */
export function heatOf(issue: {
  count: number;
  reporters: number;
  supports: number;
  oppositions: number;
  times: readonly number[];
}): HeatParts {
  const from = issue.times.reduce((a, b) => Math.min(a, b));
  const to = issue.times.reduce((a, b) => Math.max(a, b));
  const spanDays = (to - from) / DAY_MS;
  const perWeek = issue.count / Math.max(1, spanDays / 7);
  let growth = 0;
  if (spanDays >= 14) {
    const middle = (from + to) / 2;
    const later = issue.times.filter((t) => t > middle).length;
    growth = Math.log((later + 1) / (issue.count - later + 1));
  }
  return {
    reporters: round3(Math.log(1 + issue.reporters)),
    repeats: round3(0.25 * Math.log(1 + issue.count - issue.reporters)),
    engagement: round3(0.5 * Math.log(1 + issue.supports + issue.oppositions / 2)),
    intensity: round3(0.3 * Math.log(1 + perWeek)),
    growth: round3(0.3 * growth),
  };
}

// ── CSV ────────────────────────────────────────────────────────────────────────────────────────────────

const CSV_COLUMNS = [
  'rank',
  'heat',
  'title',
  'place',
  'district',
  'from',
  'to',
  'count',
  'reporters',
  'supports',
  'oppositions',
  'member_ids',
];

/** The issues as CSV for Excel (lib/csv.ts); dates are the city's (UTC+8) calendar days. */
export function toCsv(issues: readonly HotIssue[], districtNames: ReadonlyMap<string, string> = new Map()): string {
  const rows = issues.map((issue) => [
    String(issue.rank),
    issue.heat.toFixed(2),
    issue.title,
    issue.place?.text ?? '',
    issue.place?.district ? (districtNames.get(issue.place.district) ?? issue.place.district) : '',
    cityDay(issue.from),
    cityDay(issue.to),
    String(issue.memberIds.length),
    String(issue.reporters),
    String(issue.supports),
    String(issue.oppositions),
    issue.memberIds.join(';'),
  ]);
  return csvForExcel([CSV_COLUMNS, ...rows]);
}

const CITY_OFFSET_MS = 8 * 3_600_000;

/** YYYY-MM-DD in the city's time (UTC+8, no daylight saving). */
export function cityDay(instant: Date): string {
  return new Date(instant.getTime() + CITY_OFFSET_MS).toISOString().slice(0, 10);
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
