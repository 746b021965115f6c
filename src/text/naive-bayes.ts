/**
 * Multinomial Naive Bayes over word counts with Laplace smoothing: the textbook baseline every text
 * classifier is measured against (the published TipDM Cup baseline is TF-IDF + Naive Bayes). Kept only as
 * that yardstick; a dozen lines, so no library.
 */
export class MultinomialNaiveBayes {
  private constructor(
    private readonly logPriors: number[],
    private readonly logLikelihoods: Map<string, number>[],
    private readonly logUnseen: number[],
  ) {}

  static train(documents: string[][], labels: number[], classes: number, alpha = 1): MultinomialNaiveBayes {
    const counts = Array.from({ length: classes }, () => new Map<string, number>());
    const totals = new Array<number>(classes).fill(0);
    const documentsPerClass = new Array<number>(classes).fill(0);
    const vocabulary = new Set<string>();
    documents.forEach((words, i) => {
      const y = labels[i] as number;
      documentsPerClass[y] = (documentsPerClass[y] ?? 0) + 1;
      const classCounts = counts[y] as Map<string, number>;
      for (const w of words) {
        classCounts.set(w, (classCounts.get(w) ?? 0) + 1);
        totals[y] = (totals[y] ?? 0) + 1;
        vocabulary.add(w);
      }
    });
    const v = vocabulary.size;
    const logLikelihoods = counts.map((classCounts, y) => {
      const denominator = Math.log((totals[y] ?? 0) + alpha * v);
      return new Map([...classCounts].map(([w, c]) => [w, Math.log(c + alpha) - denominator]));
    });
    const logUnseen = totals.map((total) => Math.log(alpha) - Math.log(total + alpha * v));
    const logPriors = documentsPerClass.map((n) => Math.log((n + 1) / (documents.length + classes)));
    return new MultinomialNaiveBayes(logPriors, logLikelihoods, logUnseen);
  }

  predict(words: string[]): number {
    let best = 0;
    let bestScore = Number.NEGATIVE_INFINITY;
    this.logPriors.forEach((prior, y) => {
      const likelihoods = this.logLikelihoods[y] as Map<string, number>;
      const unseen = this.logUnseen[y] ?? 0;
      let score = prior;
      for (const w of words) score += likelihoods.get(w) ?? unseen;
      if (score > bestScore) {
        bestScore = score;
        best = y;
      }
    });
    return best;
  }
}
