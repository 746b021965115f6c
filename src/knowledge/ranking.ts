import { featuresOf, type LatentSemantics, tokenize } from '../text/index.ts';

/** What the ranking reads of an article: its title and its answer. */
export interface RankedText {
  id: string;
  title: string;
  body: string;
}

/** What is asked: a question's (or a case's) title and its description. */
export interface Query {
  title: string;
  body: string;
}

export interface RankingOptions {
  /** How many times a title word counts against a body word, in articles and in questions. */
  titleBoost: number;
  /** How much the latent-semantic cosine counts beside the BM25 score (normalised to the best article's). */
  latentWeight: number;
  /** Query words past this many (a long letter repeats itself) are not read. */
  maxQueryWords: number;
}

/** BM25's usual constants (Robertson & Zaragoza 2009): term-frequency saturation and length normalisation. */
const K1 = 1.2;
const B = 0.75;

/**
 * The settings chosen on the 78 labelled questions (bench/knowledge.ts prints the whole grid and a held-out
 * check). Reading only a question's first 60 words (its title and opening: the ask, before the story) and
 * adding the latent semantics lifts top-3 from 0.91 to 0.96; top-1 stays within a question or two of plain
 * BM25 (bench/RESULTS.md). A title boost did not help on these questions.
 */
export const DEFAULT_RANKING: RankingOptions = { titleBoost: 1, latentWeight: 1, maxQueryWords: 60 };

/** Plain BM25 over title + body, every word once: the baseline the ranking is measured against. */
export const PLAIN_BM25: RankingOptions = { titleBoost: 1, latentWeight: 0, maxQueryWords: Number.POSITIVE_INFINITY };

/** The words of a text as BM25 counts them: the title's words `titleBoost` times, then the body's. */
function weightedWords(title: string, body: string, titleBoost: number): string[] {
  const titleWords = tokenize(title);
  const words: string[] = [];
  for (let i = 0; i < titleBoost; i++) words.push(...titleWords);
  words.push(...tokenize(body));
  return words;
}

function countsOf(words: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

export interface Scored {
  id: string;
  score: number;
}

/**
 * Ranks articles for a question: BM25 over the articles' words (title words boosted), plus, when the city's
 * latent semantics are known, the cosine of the question and the article in that space, so an article can be
 * found by words it shares no literal form with (落户 / 户口迁入, 公积金 / 住房贷款). Built once per set of
 * articles; ranking a question takes well under a millisecond per article.
 */
export class KnowledgeRanking {
  private readonly documents: Array<{ id: string; counts: Map<string, number>; length: number }>;
  private readonly documentFrequency = new Map<string, number>();
  private readonly averageLength: number;
  private readonly embeddings: Float32Array[];

  constructor(
    articles: readonly RankedText[],
    private readonly options: RankingOptions = DEFAULT_RANKING,
    private readonly latent?: LatentSemantics,
  ) {
    this.documents = articles.map((a) => {
      const words = weightedWords(a.title, a.body, options.titleBoost);
      return { id: a.id, counts: countsOf(words), length: words.length };
    });
    for (const d of this.documents) {
      for (const w of d.counts.keys()) this.documentFrequency.set(w, (this.documentFrequency.get(w) ?? 0) + 1);
    }
    this.averageLength = this.documents.reduce((s, d) => s + d.length, 0) / Math.max(1, this.documents.length);
    this.embeddings = latent && options.latentWeight > 0 ? articles.map((a) => this.embed(a)) : [];
  }

  get size(): number {
    return this.documents.length;
  }

  /** The best `top` articles for the question, best first; articles that share nothing with it are left out. */
  rank(query: Query, top = 3): Scored[] {
    const words = weightedWords(query.title, query.body, this.options.titleBoost).slice(0, this.options.maxQueryWords);
    const queryCounts = countsOf(words);
    const n = this.documents.length;
    const lexical = this.documents.map((d) => {
      let score = 0;
      for (const [w, qf] of queryCounts) {
        const tf = d.counts.get(w);
        if (!tf) continue;
        const df = this.documentFrequency.get(w) ?? 0;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        // A question word said twice (in its title and its body) counts more, with the same saturation.
        const queryWeight = (qf * (K1 + 1)) / (qf + K1);
        score += queryWeight * idf * ((tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * d.length) / this.averageLength)));
      }
      return score;
    });
    const best = Math.max(0, ...lexical);
    let semantic: number[] = [];
    if (this.embeddings.length > 0) {
      const q = this.embed(query);
      semantic = this.embeddings.map((e) => Math.max(0, dot(q, e)));
    }
    return this.documents
      .map((d, i) => {
        const words = best > 0 ? (lexical[i] ?? 0) / best : 0;
        const meaning = semantic[i] ?? 0;
        return { id: d.id, score: words + this.options.latentWeight * meaning, lexical: lexical[i] ?? 0, meaning };
      })
      .filter((s) => s.lexical > 0 || s.meaning > 0)
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
      .slice(0, top)
      .map(({ id, score }) => ({ id, score: Math.round(score * 1000) / 1000 }));
  }

  private embed(text: Query): Float32Array {
    // The latent semantics were learned from the classifier's features (title and body words).
    return (this.latent as LatentSemantics).embed(
      featuresOf({ title: text.title, body: text.body }, { words: true, wordPairs: false, characters: false }),
    );
  }
}

function dot(x: Float32Array, y: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] ?? 0) * (y[i] ?? 0);
  return s;
}
