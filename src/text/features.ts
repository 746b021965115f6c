import { normaliseText } from './normalise.ts';
import { tokenize } from './tokenizer.ts';

/** Which kinds of feature a text gives: jieba words, word pairs, and runs of 2–3 characters. */
export interface FeatureSet {
  words: boolean;
  wordPairs: boolean;
  characters: boolean;
}

export const ALL_FEATURES: FeatureSet = { words: true, wordPairs: true, characters: true };

/** What a classifier reads of a message: its title (which says most in fewest words) and its body. */
export interface TextInput {
  title: string;
  body: string;
}

const HAN_OR_WORD = /[\p{Script=Han}a-z0-9]+/gu;

/**
 * The features of one text, each a string with a kind prefix. Character n-grams catch what word
 * segmentation misses (new place names, typos, names jieba splits) and words catch meaning; the classifier
 * uses words only by default (see DEFAULT_CLASSIFIER_OPTIONS), the others are there to be measured.
 */
export function featuresOf(input: TextInput, set: FeatureSet): string[] {
  const features: string[] = [];
  for (const [prefix, text] of [
    ['t', input.title],
    ['d', input.body],
  ] as const) {
    const words = set.words || set.wordPairs ? tokenize(text) : [];
    if (set.words) for (const w of words) features.push(`w:${w}`);
    if (set.wordPairs) for (let i = 1; i < words.length; i++) features.push(`p:${words[i - 1]}|${words[i]}`);
    if (set.characters) {
      for (const run of normaliseText(text).match(HAN_OR_WORD) ?? []) {
        for (let n = 2; n <= 3; n++) {
          for (let i = 0; i + n <= run.length; i++) features.push(`c:${run.slice(i, i + n)}`);
        }
      }
    }
    // The title's words once more under their own name: a title word says more than a body word.
    if (prefix === 't' && set.words) for (const w of words) features.push(`t:${w}`);
  }
  return features;
}

/** A text as weights over the vocabulary's columns (sorted column indices). */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

export interface VocabularyJson {
  terms: string[];
  idf: number[];
}

/**
 * TF-IDF over a fixed vocabulary: sublinear term frequency (1 + ln tf), smoothed IDF, and unit length,
 * which is what linear models on text want (a long message is not "more" of its category).
 */
export class Vocabulary {
  private readonly index: Map<string, number>;

  private constructor(
    readonly terms: string[],
    readonly idf: Float32Array,
  ) {
    this.index = new Map(terms.map((t, i) => [t, i]));
  }

  get size(): number {
    return this.terms.length;
  }

  /** Learns the vocabulary from documents' features: terms in at least `minDocuments`, the commonest `maxTerms`. */
  static fit(
    documents: string[][],
    options: {
      minDocuments?: number;
      maxTerms?: number;
      /** More documents that only count for the IDF (the city's unlabelled messages): a rarer word weighs more. */
      background?: string[][];
    } = {},
  ): Vocabulary {
    const minDocuments = options.minDocuments ?? 1;
    const documentFrequency = new Map<string, number>();
    for (const features of documents) {
      for (const term of new Set(features)) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    }
    let kept = [...documentFrequency].filter(([, df]) => df >= minDocuments);
    if (options.maxTerms && kept.length > options.maxTerms) {
      kept = kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, options.maxTerms);
    }
    kept.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const background = options.background ?? [];
    if (background.length > 0) {
      const keptTerms = new Map(kept);
      for (const features of background) {
        for (const term of new Set(features)) {
          const df = keptTerms.get(term);
          if (df !== undefined) keptTerms.set(term, df + 1);
        }
      }
      kept = kept.map(([term]) => [term, keptTerms.get(term) as number]);
    }
    const n = documents.length + background.length;
    const idf = Float32Array.from(kept, ([, df]) => Math.log((1 + n) / (1 + df)) + 1);
    return new Vocabulary(
      kept.map(([t]) => t),
      idf,
    );
  }

  static fromJSON(json: VocabularyJson): Vocabulary {
    return new Vocabulary(json.terms, Float32Array.from(json.idf));
  }

  toJSON(): VocabularyJson {
    return { terms: this.terms, idf: Array.from(this.idf, (v) => Math.round(v * 1e5) / 1e5) };
  }

  vectorise(features: string[]): SparseVector {
    const counts = new Map<number, number>();
    for (const f of features) {
      const i = this.index.get(f);
      if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    const indices = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
    const values = new Float32Array(indices.length);
    let norm = 0;
    indices.forEach((column, k) => {
      const weight = (1 + Math.log(counts.get(column) ?? 1)) * (this.idf[column] ?? 0);
      values[k] = weight;
      norm += weight * weight;
    });
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let k = 0; k < values.length; k++) values[k] = (values[k] ?? 0) * scale;
    }
    return { indices, values };
  }
}
