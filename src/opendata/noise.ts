import { randomBytes } from 'node:crypto';

/**
 * Differentially private noise. Each case is counted in exactly one cell of a release's table, so adding
 * or removing one case changes the table by 1 in one cell (L1 sensitivity 1), and noise of scale 1/ε in
 * every interior cell makes the whole table ε-differentially private. Margins are sums of the noisy
 * cells, and clamping negative cells to 0, suppression and rounding are post-processing: they spend
 * nothing more.
 */

/** Uniform numbers in [0, 1). Production draws them from the operating system (crypto); tests seed their own. */
export interface RandomSource {
  next(): number;
}

/** 53 random bits from the operating system's generator for each number: every double in [0, 1) on the grid of 2⁻⁵³. */
export const cryptoRandom: RandomSource = {
  next() {
    const bytes = randomBytes(8);
    const high = bytes.readUInt32BE(0) >>> 5; // 27 bits
    const low = bytes.readUInt32BE(4) >>> 6; // 26 bits
    return (high * 2 ** 26 + low) / 2 ** 53;
  },
};

/** A uniform number in (0, 1]: a logarithm's argument that is never 0. */
const openAtZero = (random: RandomSource) => 1 - random.next();

/**
 * The two-sided geometric distribution (the discrete Laplace, Ghosh–Roughgarden–Sundararajan 2009):
 * P(k) = (1 − α) / (1 + α) · α^|k| for every integer k, α = exp(−ε / sensitivity). It is the difference of
 * two geometric variables on {0, 1, …} with success probability 1 − α, each drawn by inversion. For counts
 * it is the natural choice: the output stays an integer, and there is no floating-point Laplace sample
 * whose low bits leak the true value (Mironov 2012).
 */
export function twoSidedGeometric(epsilon: number, random: RandomSource, sensitivity = 1): number {
  if (!(epsilon > 0)) throw new Error('ε must be positive');
  const logAlpha = -epsilon / sensitivity;
  const geometric = () => Math.floor(Math.log(openAtZero(random)) / logAlpha);
  return geometric() - geometric();
}

/** P(k) of the two-sided geometric distribution, for the goodness-of-fit test and the documentation. */
export function twoSidedGeometricProbability(k: number, epsilon: number, sensitivity = 1): number {
  const alpha = Math.exp(-epsilon / sensitivity);
  return ((1 - alpha) / (1 + alpha)) * alpha ** Math.abs(k);
}

/**
 * Laplace noise of scale sensitivity / ε, for real values, by inversion of its distribution function. The
 * published value is rounded (to 0.1 in releases), which coarsens the low bits Mironov's attack reads.
 */
export function laplace(epsilon: number, random: RandomSource, sensitivity = 1): number {
  if (!(epsilon > 0)) throw new Error('ε must be positive');
  const scale = sensitivity / epsilon;
  let r = random.next();
  while (r === 0) r = random.next(); // u = −0.5 would give an infinite sample
  const u = r - 0.5;
  return -scale * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
}

/** The Laplace distribution function with location 0 and scale sensitivity / ε. */
export function laplaceCdf(x: number, epsilon: number, sensitivity = 1): number {
  const scale = sensitivity / epsilon;
  return x < 0 ? 0.5 * Math.exp(x / scale) : 1 - 0.5 * Math.exp(-x / scale);
}
