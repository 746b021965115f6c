import { normaliseText } from './normalise.ts';
import { tokenize } from './tokenizer.ts';

/** A class the classifier predicts and the names of the taxonomy under it (its own and its sub-categories'). */
export interface ClassNames {
  label: string;
  names: string[];
}

export interface TaxonomyTermsJson {
  labels: string[];
  /** [term, index into labels] */
  terms: [string, number][];
}

// Words that name a kind of work in every branch of a taxonomy ("…管理", "…问题", "其他"): they say nothing
// about which branch a message belongs to.
const GENERIC_WORDS = new Set([
  '管理',
  '其他',
  '问题',
  '政策',
  '服务',
  '建设',
  '监管',
  '纠纷',
  '权益',
  '保障',
  '工作',
  '发展',
]);

/**
 * What the taxonomy itself says about a title: "传销", "特种设备", "商标" and "食品安全" are sub-category names
 * of exactly one first-level category, and a title containing one is very likely in it (90 % on the TipDM
 * messages, where a few hundred labelled examples rarely show such words). The classifier reads one score
 * per class and learns from the labelled messages how far to trust it.
 *
 * A term is a category name or one of its jieba words, of two or more characters, found under one class
 * only; it matches anywhere in the normalised title, so "邮政局" matches "邮政".
 */
export class TaxonomyTerms {
  private constructor(
    readonly labels: string[],
    private readonly terms: [string, number][],
  ) {}

  static fromNames(classes: ClassNames[]): TaxonomyTerms {
    const labels = classes.map((c) => c.label);
    const classesOfTerm = new Map<string, Set<number>>();
    classes.forEach((c, index) => {
      for (const name of c.names) {
        const normalised = normaliseText(name);
        for (const term of new Set([normalised, ...tokenize(normalised)])) {
          if ([...term].length < 2 || GENERIC_WORDS.has(term)) continue;
          classesOfTerm.set(term, (classesOfTerm.get(term) ?? new Set()).add(index));
        }
      }
    });
    const terms = [...classesOfTerm]
      .filter(([, owners]) => owners.size === 1)
      .map(([term, owners]): [string, number] => [term, [...owners][0] as number])
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return new TaxonomyTerms(labels, terms);
  }

  static fromJSON(json: TaxonomyTermsJson): TaxonomyTerms {
    return new TaxonomyTerms(json.labels, json.terms);
  }

  toJSON(): TaxonomyTermsJson {
    return { labels: this.labels, terms: this.terms };
  }

  get size(): number {
    return this.terms.length;
  }

  /** Per class (in `labels` order): ln(1 + how many of its terms the title contains). */
  scores(title: string): Float32Array {
    const text = normaliseText(title);
    const counts = new Float32Array(this.labels.length);
    for (const [term, index] of this.terms) if (text.includes(term)) counts[index] = (counts[index] ?? 0) + 1;
    return counts.map(Math.log1p);
  }
}
