import { tokenize } from './tokenizer.ts';

/**
 * How alike two texts are in the words they use: cosine of their word counts after tokenisation (so
 * "路灯不亮" and "路灯晚上不亮" share 路灯 and 不亮 whatever the characters between), 0–1.
 */
export function wordSimilarity(a: string, b: string): number {
  const count = (text: string) => {
    const counts = new Map<string, number>();
    for (const w of tokenize(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
    return counts;
  };
  const x = count(a);
  const y = count(b);
  let dot = 0;
  for (const [w, n] of x) dot += n * (y.get(w) ?? 0);
  if (dot === 0) return 0;
  const norm = (m: Map<string, number>) => Math.sqrt([...m.values()].reduce((s, n) => s + n * n, 0));
  return dot / (norm(x) * norm(y));
}
