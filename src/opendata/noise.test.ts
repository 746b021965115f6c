import { chiSquaredDistributionTable } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import {
  cryptoRandom,
  laplace,
  laplaceCdf,
  type RandomSource,
  twoSidedGeometric,
  twoSidedGeometricProbability,
} from './noise.ts';

/**
 * The noise follows the distribution the releases state, tested for goodness of fit at the 1% level with
 * a fixed seed (so the verdict is the same on every run): the two-sided geometric by Pearson's χ², the
 * Laplace by Kolmogorov–Smirnov. Each test also shows it has the power to tell: noise drawn for another
 * ε fails it.
 */

/** sfc32 (Doty-Humphrey's small fast counter), two outputs to a 53-bit double: a seeded source for tests. */
function seededRandom(seed: number): RandomSource {
  let [a, b, c, d] = [0x9e3779b9, 0x243f6a88, 0xb7e15162, seed >>> 0];
  const next32 = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 15; i++) next32();
  return { next: () => ((next32() >>> 5) * 2 ** 26 + (next32() >>> 6)) / 2 ** 53 };
}

const SAMPLES = 20_000;

/** Pearson's χ² of integer samples against P(k), over bins each expecting at least 5 (tails pooled). */
function chiSquared(samples: number[], probability: (k: number) => number) {
  let limit = 0;
  while (limit < 14 && SAMPLES * probability(limit + 1) >= 5) limit++;
  const observed = new Map<number, number>();
  for (const s of samples) {
    const bin = Math.max(-limit - 1, Math.min(limit + 1, s));
    observed.set(bin, (observed.get(bin) ?? 0) + 1);
  }
  let inside = 0;
  for (let k = -limit; k <= limit; k++) inside += probability(k);
  const tail = (1 - inside) / 2;
  let statistic = 0;
  for (let bin = -limit - 1; bin <= limit + 1; bin++) {
    const expected = SAMPLES * (Math.abs(bin) === limit + 1 ? tail : probability(bin));
    statistic += ((observed.get(bin) ?? 0) - expected) ** 2 / expected;
  }
  return { statistic, degreesOfFreedom: 2 * limit + 2 };
}

/** The χ² critical value at 1% for the degrees of freedom (the table's next row up: a stricter test). */
function criticalChiSquared(df: number): number {
  const rows = Object.keys(chiSquaredDistributionTable).map(Number);
  const row = rows.find((r) => r >= df) ?? rows[rows.length - 1]!;
  return chiSquaredDistributionTable[row as keyof typeof chiSquaredDistributionTable][0.01];
}

/** The Kolmogorov–Smirnov statistic of samples against a continuous distribution function. */
function kolmogorovSmirnov(samples: number[], cdf: (x: number) => number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  let d = 0;
  sorted.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, (i + 1) / sorted.length - f, f - i / sorted.length);
  });
  return d;
}

/** The asymptotic 1% critical value of the KS statistic. */
const KS_CRITICAL_1_PERCENT = 1.628 / Math.sqrt(SAMPLES);

describe('two-sided geometric noise', () => {
  it.each([0.1, 0.5, 1, 2])('should follow P(k) = (1 − α)/(1 + α) α^|k| for ε = %s (χ² at 1%)', (epsilon) => {
    const random = seededRandom(20261205);
    const samples = Array.from({ length: SAMPLES }, () => twoSidedGeometric(epsilon, random));
    const { statistic, degreesOfFreedom } = chiSquared(samples, (k) => twoSidedGeometricProbability(k, epsilon));
    expect(statistic).toBeLessThan(criticalChiSquared(degreesOfFreedom));
    expect(samples.every(Number.isInteger)).toBe(true);
  });

  it('should fail the same test against the distribution of another ε', () => {
    const random = seededRandom(7);
    const samples = Array.from({ length: SAMPLES }, () => twoSidedGeometric(0.5, random));
    const { statistic, degreesOfFreedom } = chiSquared(samples, (k) => twoSidedGeometricProbability(k, 0.6));
    expect(statistic).toBeGreaterThan(criticalChiSquared(degreesOfFreedom));
  });
});

describe('Laplace noise', () => {
  it.each([0.1, 0.5, 1, 2])(
    'should follow the Laplace distribution of scale 1/ε for ε = %s (Kolmogorov–Smirnov at 1%)',
    (epsilon) => {
      const random = seededRandom(20261205);
      const samples = Array.from({ length: SAMPLES }, () => laplace(epsilon, random));
      expect(kolmogorovSmirnov(samples, (x) => laplaceCdf(x, epsilon))).toBeLessThan(KS_CRITICAL_1_PERCENT);
    },
  );

  it('should fail the same test against the distribution of another ε', () => {
    const random = seededRandom(11);
    const samples = Array.from({ length: SAMPLES }, () => laplace(1, random));
    expect(kolmogorovSmirnov(samples, (x) => laplaceCdf(x, 1.1))).toBeGreaterThan(KS_CRITICAL_1_PERCENT);
  });
});

describe('the production random source', () => {
  it('should give numbers in [0, 1) that pass the same test as the seeded ones', () => {
    const samples = Array.from({ length: SAMPLES }, () => cryptoRandom.next());
    expect(samples.every((u) => u >= 0 && u < 1)).toBe(true);
    // Uniform: KS against F(u) = u (an unseeded check, so at a level that fails once in 10⁶ runs).
    expect(kolmogorovSmirnov(samples, (u) => u)).toBeLessThan(2.63 / Math.sqrt(SAMPLES));
  });
});
