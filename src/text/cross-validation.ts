import { seededRandom, shuffle } from './random.ts';

/**
 * Assigns each example to one of `folds` folds so every class is spread evenly over them (stratified
 * k-fold, as scikit-learn's StratifiedKFold): a rare category is then in every test fold, not only one.
 */
export function stratifiedFolds(labels: readonly string[], folds: number, seed = 1): number[] {
  const byClass = new Map<string, number[]>();
  labels.forEach((label, i) => {
    const members = byClass.get(label) ?? [];
    members.push(i);
    byClass.set(label, members);
  });
  const random = seededRandom(seed);
  const assignment = new Array<number>(labels.length).fill(0);
  let next = 0;
  for (const label of [...byClass.keys()].sort()) {
    const members = byClass.get(label) as number[];
    shuffle(members, random);
    // Continue the round-robin across classes so fold sizes stay equal too.
    for (const i of members) assignment[i] = next++ % folds;
  }
  return assignment;
}

export interface ClassificationScores {
  examples: number;
  accuracy: number;
  macroF1: number;
  /** F1 of each class that occurs in the truth or the predictions. */
  perClass: Record<string, { precision: number; recall: number; f1: number; support: number }>;
}

/** Accuracy and macro-averaged F1 (each class counts the same, however rare: what a dispatcher feels). */
export function scoreClassification(truth: readonly string[], predicted: readonly string[]): ClassificationScores {
  const classes = [...new Set([...truth, ...predicted])].sort();
  const perClass: ClassificationScores['perClass'] = {};
  let f1Sum = 0;
  for (const c of classes) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    truth.forEach((t, i) => {
      const p = predicted[i];
      if (p === c && t === c) tp++;
      else if (p === c) fp++;
      else if (t === c) fn++;
    });
    const precision = tp + fp ? tp / (tp + fp) : 0;
    const recall = tp + fn ? tp / (tp + fn) : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[c] = { precision, recall, f1, support: tp + fn };
    f1Sum += f1;
  }
  const correct = truth.filter((t, i) => t === predicted[i]).length;
  return {
    examples: truth.length,
    accuracy: truth.length ? correct / truth.length : 0,
    macroF1: classes.length ? f1Sum / classes.length : 0,
    perClass,
  };
}

/**
 * Expected calibration error of the top suggestion: in ten bins of stated probability, how far the stated
 * probability is from how often it was right, weighted by the bin's size. 0 is perfectly calibrated.
 */
export function expectedCalibrationError(topProbabilities: readonly number[], correct: readonly boolean[]): number {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, confidence: 0, hits: 0 }));
  topProbabilities.forEach((p, i) => {
    const bin = bins[Math.min(9, Math.floor(p * 10))] as (typeof bins)[number];
    bin.n++;
    bin.confidence += p;
    if (correct[i]) bin.hits++;
  });
  const total = topProbabilities.length || 1;
  return bins.reduce((sum, b) => (b.n ? sum + (b.n / total) * Math.abs(b.confidence / b.n - b.hits / b.n) : sum), 0);
}
