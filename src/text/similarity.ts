import { tokenize } from './tokenizer.ts';

/** How often each meaningful word occurs in a text (what word similarity compares). */
export function wordCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of tokenize(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

/**
 * How alike two texts are in the words they use: the cosine of their word counts, 0–1. Tokenised words,
 * so "路灯不亮" and "路灯晚上不亮" share 路灯 and 不亮 whatever the characters between them.
 */
export function cosineOfWords(x: ReadonlyMap<string, number>, y: ReadonlyMap<string, number>): number {
  let dot = 0;
  for (const [w, n] of x) dot += n * (y.get(w) ?? 0);
  if (dot === 0) return 0;
  const norm = (m: ReadonlyMap<string, number>) => Math.sqrt([...m.values()].reduce((s, n) => s + n * n, 0));
  return dot / (norm(x) * norm(y));
}
