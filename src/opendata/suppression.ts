/**
 * Small-cell suppression of a table of counts published with all its margins (row, column and grand
 * totals; in three dimensions every two- and one-way margin too), so that no one's case can be singled
 * out from a published aggregate.
 *
 * The table is handled in its *extended* form: every dimension gets one more index, its total, and a
 * margin is a cell like any other. Every line of the extended table (all indices fixed but one) then
 * obeys one equation, "the interior cells of the line add up to its total cell", and those equations are
 * everything a reader can combine.
 *
 * Primary suppression: a cell (interior or margin) whose value v is 0 < v < threshold. Zeros are
 * published: "no case of this kind here this month" tells nothing about anyone, and a suppressed zero
 * would only cost information (the audit below still treats published zeros as known, so they cannot
 * weaken the protection of the cells around them).
 *
 * Complementary suppression by the hypercube method (Repsilber's GHMITER, as in τ-ARGUS): each primary
 * cell is protected by a hypercube of the extended table, 2 × 2 in two dimensions, 2 × 2 × 2 in three,
 * with the cell at one corner and every corner suppressed. Adding +t at the corners of one parity and −t
 * at the others keeps every line's equation true (a corner on a total moves *with* the interior corner of
 * its line, not against it), so any t for which no corner goes negative gives another table agreeing with
 * everything published: the cell can then be anything from v − D to v + U, where D and U are the
 * smallest values of the corners moving down and up. We keep a hypercube only if U + D ≥ the protection
 * margin; suppressing more cells later only removes equations, so every protection found stays valid. A
 * hypercube always exists: the one whose other corners are all totals moves every corner the same way
 * (U is unbounded), at the price of suppressing margins. Of the candidates, the one whose newly
 * suppressed cells hold the fewest cases (plus one per cell) wins: that is the information lost.
 *
 * Why this method, and not an LP-based one (Fischetti–Salazar's optimal model, or iterating an LP audit
 * and adding cells): it needs no solver in the server (GLPK, the robust LP solver on npm as glpk.js, is
 * GPL-3.0, which this Apache-2.0 server does not ship; the tests use it), it takes a quarter of a second for 20 categories × 9 districts
 * × 12 months, and its guarantee holds by construction, for non-negative reals and for integers alike (the
 * shift moves whole units). It suppresses somewhat more than an optimal pattern would. The guarantee is
 * checked independently by an LP solver (glpk) in suppression.test.ts and suppression.property.test.ts.
 *
 * The protection margin (default: the threshold) is the narrowest interval a reader may pin a suppressed
 * cell to from what is published: with a margin equal to the threshold, every suppressed cell's interval
 * reaches the threshold, so a reader cannot even tell that it is a small cell. It holds for every
 * suppressed cell, primary or complementary, since every corner of a hypercube moves by the same t. The
 * audit assumes the reader knows counts are non-negative, not the suppression rule itself.
 */

export interface CountTable {
  /** Each dimension's size (interior indices only), two or three dimensions. */
  shape: readonly number[];
  /** The interior values, row-major over `shape` (the last dimension varies fastest). */
  values: readonly number[];
}

export interface SuppressionOptions {
  /** Values 0 < v < threshold are suppressed (default 5: counts 1 to 4). */
  threshold?: number;
  /** The narrowest interval a suppressed cell may be narrowed to (default: the threshold). */
  protectionMargin?: number;
}

export interface SuppressedTable {
  /** `shape` with one more index in each dimension: the last index of a dimension is its total. */
  extendedShape: number[];
  /** Every cell of the extended table, row-major; a margin is the sum of the interior cells it covers. */
  values: number[];
  suppressed: boolean[];
  /** Below the threshold (suppressed for itself, not to protect another cell). */
  primary: boolean[];
  threshold: number;
  protectionMargin: number;
}

export const DEFAULT_THRESHOLD = 5;

/** The values of the extended table: every interior cell, and every margin as the sum it stands for. */
export function extendTable(table: CountTable): { extendedShape: number[]; values: number[] } {
  const { shape } = table;
  if (shape.length < 1 || shape.length > 3) throw new Error('A table has one to three dimensions');
  const expected = shape.reduce((a, b) => a * b, 1);
  if (table.values.length !== expected) throw new Error(`A ${shape.join(' × ')} table has ${expected} values`);
  const extendedShape = shape.map((n) => n + 1);
  const values = new Array<number>(extendedShape.reduce((a, b) => a * b, 1)).fill(0);
  const indices = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < expected; i++) {
    let rest = i;
    for (let k = shape.length - 1; k >= 0; k--) {
      indices[k] = rest % shape[k]!;
      rest = Math.floor(rest / shape[k]!);
    }
    const value = table.values[i]!;
    if (!(value >= 0) || !Number.isFinite(value)) throw new Error('Counts are finite and non-negative');
    // Add the value to every extended cell covering it: each subset of dimensions replaced by its total.
    for (let mask = 0; mask < 1 << shape.length; mask++) {
      values[
        flatIndex(
          extendedShape,
          indices.map((index, k) => (mask & (1 << k) ? shape[k]! : index)),
        )
      ]! += value;
    }
  }
  return { extendedShape, values };
}

export function flatIndex(shape: readonly number[], indices: readonly number[]): number {
  let flat = 0;
  for (let k = 0; k < shape.length; k++) flat = flat * shape[k]! + indices[k]!;
  return flat;
}

export function unflatIndex(shape: readonly number[], flat: number): number[] {
  const indices = new Array<number>(shape.length);
  for (let k = shape.length - 1; k >= 0; k--) {
    indices[k] = flat % shape[k]!;
    flat = Math.floor(flat / shape[k]!);
  }
  return indices;
}

export function suppressTable(table: CountTable, options: SuppressionOptions = {}): SuppressedTable {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const protectionMargin = options.protectionMargin ?? threshold;
  if (!(threshold >= 1)) throw new Error('The threshold is at least 1');
  if (!(protectionMargin > 0)) throw new Error('The protection margin is positive');
  const { extendedShape, values } = extendTable(table);
  const primary = values.map((v) => v > 0 && v < threshold);
  const suppressed = [...primary];
  // Smallest first: they need the widest protection relative to their value, and the hypercubes chosen
  // for them are often reused (at no cost) by the larger ones after.
  const order = values
    .map((value, cell) => ({ value, cell }))
    .filter(({ cell }) => primary[cell])
    .sort((a, b) => a.value - b.value || a.cell - b.cell);
  // Typed copies for the search, the hot loop of a release.
  const search = { values: Float64Array.from(values), suppressed: Uint8Array.from(suppressed, Number) };
  for (const { cell } of order) {
    for (const corner of bestHypercube(extendedShape, search.values, search.suppressed, cell, protectionMargin)) {
      search.suppressed[corner] = 1;
      suppressed[corner] = true;
    }
  }
  return { extendedShape, values, suppressed, primary, threshold, protectionMargin };
}

/**
 * The cheapest hypercube through `cell` that protects it by at least `margin`: its corners' cells. One
 * always exists (the one whose other corners are all totals is unbounded upwards), so this never fails.
 */
function bestHypercube(
  shape: readonly number[],
  values: Float64Array,
  suppressed: Uint8Array,
  cell: number,
  margin: number,
): number[] {
  const d = shape.length;
  const at = unflatIndex(shape, cell);
  const strides = shape.map((_, k) => shape.slice(k + 1).reduce((a, b) => a * b, 1));
  const isTotal = (k: number, index: number) => index === shape[k]! - 1;
  const corners = 1 << d;
  let best: { corners: number[]; cost: number; width: number } | null = null;
  const other = new Array<number>(d).fill(0);
  // Per dimension, for the current other index: the step from the cell's flat index to the corner's,
  // and the corner's direction factor: −1 for taking the other index, −1 more where exactly one of the
  // two indices is a total (a total moves with its line's interior cell, not against it).
  const step = new Array<number>(d).fill(0);
  const flip = new Array<number>(d).fill(1);
  const flat = new Array<number>(corners).fill(cell);
  const move = new Array<number>(corners).fill(1);
  const start = (k: number) => (at[k] === 0 ? 1 : 0);
  for (let k = 0; k < d; k++) other[k] = start(k);
  // Enumerate the choice of the other index in each dimension, as an odometer over `other`.
  for (;;) {
    for (let k = 0; k < d; k++) {
      step[k] = (other[k]! - at[k]!) * strides[k]!;
      flip[k] = isTotal(k, other[k]!) === isTotal(k, at[k]!) ? -1 : 1;
    }
    let cost = 0;
    for (let mask = 1; mask < corners; mask++) {
      // Built from the corner without the lowest set bit: one step and one factor more.
      const k = 31 - Math.clz32(mask & -mask);
      const from = mask & (mask - 1);
      flat[mask] = flat[from]! + step[k]!;
      move[mask] = move[from]! * flip[k]!;
      if (!suppressed[flat[mask]!]) cost += values[flat[mask]!]! + 1;
    }
    // Only a hypercube at most as costly as the best so far can replace it.
    if (best === null || cost <= best.cost) {
      let down = Infinity;
      let up = Infinity;
      for (let mask = 0; mask < corners; mask++) {
        const value = values[flat[mask]!]!;
        if (move[mask] === 1) down = Math.min(down, value);
        else up = Math.min(up, value);
      }
      const width = up + down;
      if (width >= margin && (best === null || cost < best.cost || width > best.width)) {
        best = { corners: [...flat], cost, width };
      }
    }
    // Next choice of other indices.
    let k = d - 1;
    for (; k >= 0; k--) {
      let next = other[k]! + 1;
      if (next === at[k]) next++;
      if (next < shape[k]!) {
        other[k] = next;
        break;
      }
      other[k] = start(k);
    }
    if (k < 0) break;
  }
  if (!best) throw new Error('No hypercube protects the cell; the all-totals one always should');
  return best.corners;
}
