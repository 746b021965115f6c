import { describe, expect, it } from 'vitest';
import { LatentSemantics } from './latent-semantics.ts';

// Two topics whose documents share no word across topics; within a topic, each document uses a few of
// the topic's words, so two words of a topic often never meet in one document.
const TOPICS = [
  ['电梯', '维保', '特种设备', '困人', '年检', '轿厢'],
  ['工资', '欠薪', '社保', '劳动合同', '加班费', '仲裁'],
];

function documents(): string[][] {
  const out: string[][] = [];
  for (const words of TOPICS) {
    for (let i = 0; i < 40; i++) out.push([0, 1, 2].map((k) => `w:${words[(i + k * (1 + (i % 2))) % words.length]}`));
  }
  return out;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let c = 0; c < a.length; c++) dot += (a[c] ?? 0) * (b[c] ?? 0);
  return dot;
}

describe('LatentSemantics', () => {
  it('should put words of one topic near each other and far from the other topic, even words that never met', () => {
    const latent = LatentSemantics.fit(documents(), 2);
    expect(latent.dimensions).toBe(2);
    const lift = latent.embed(['w:电梯']);
    const cage = latent.embed(['w:轿厢']);
    const wages = latent.embed(['w:工资']);
    expect(cosine(lift, cage)).toBeGreaterThan(0.9);
    expect(Math.abs(cosine(lift, wages))).toBeLessThan(0.2);
    // Unit length, and a text of unknown words is the zero vector, not NaN.
    expect(cosine(lift, lift)).toBeCloseTo(1, 5);
    expect([...latent.embed(['w:从未见过'])]).toEqual([0, 0]);
  });

  it('should embed the same after a round trip through JSON (one byte per number)', () => {
    const latent = LatentSemantics.fit(documents(), 2);
    const copy = LatentSemantics.fromJSON(JSON.parse(JSON.stringify(latent.toJSON())));
    const text = ['w:年检', 'w:维保', 'w:仲裁'];
    const a = latent.embed(text);
    const b = copy.embed(text);
    expect(cosine(a, b)).toBeGreaterThan(0.999);
  });

  it('should learn nothing, without failing, from too few texts', () => {
    expect(LatentSemantics.fit([['w:一']], 100).dimensions).toBe(0);
    expect(LatentSemantics.fit([], 100).embed(['w:一'])).toHaveLength(0);
  });
});
