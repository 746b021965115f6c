import { describe, expect, it } from 'vitest';
import { auditTable, exposedCells } from '../../test/suppression-audit.ts';
import { extendTable, flatIndex, suppressTable } from './suppression.ts';

/** A 2-D table from its rows. */
const table2 = (rows: number[][]) => ({ shape: [rows.length, rows[0]!.length], values: rows.flat() });

/** The extended table with exactly these interior cells suppressed (by row and column) and every margin published. */
function naivePattern(rows: number[][], cells: [number, number][]) {
  const { extendedShape, values } = extendTable(table2(rows));
  const suppressed = values.map(() => false);
  for (const [r, c] of cells) suppressed[flatIndex(extendedShape, [r, c])] = true;
  return { extendedShape, values, suppressed };
}

describe('the audit solver', () => {
  it('should recover a cell suppressed alone in its row (the classic counterexample)', () => {
    const rows = [
      [2, 10, 12],
      [9, 8, 15],
      [11, 7, 20],
    ];
    const [interval] = auditTable(naivePattern(rows, [[0, 0]]));
    expect(interval).toMatchObject({ value: 2, min: 2, max: 2 });
  });

  it('should recover two cells suppressed in the same row when each is alone in its column', () => {
    const rows = [
      [3, 1, 12],
      [9, 8, 15],
      [11, 7, 20],
    ];
    const intervals = auditTable(
      naivePattern(rows, [
        [0, 0],
        [0, 1],
      ]),
    );
    expect(intervals.map(({ min, max }) => [min, max])).toEqual([
      [3, 3],
      [1, 1],
    ]);
  });

  it('should leave a 2 × 2 block of suppressed cells open by its smallest corners', () => {
    const rows = [
      [3, 6, 12],
      [9, 8, 15],
      [11, 7, 20],
    ];
    const intervals = auditTable(
      naivePattern(rows, [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ]),
    );
    // x00 + t, x01 − t, x10 − t, x11 + t: t from −3 (x00) to +6 (x01).
    expect(intervals[0]).toMatchObject({ value: 3, min: 0, max: 9 });
  });
});

describe('suppressTable', () => {
  it('should suppress counts 1 to 4 and publish zeros and counts from 5', () => {
    const result = suppressTable(
      table2([
        [0, 7, 30, 12],
        [4, 9, 25, 20],
        [6, 15, 40, 18],
      ]),
    );
    const at = (r: number, c: number) => flatIndex(result.extendedShape, [r, c]);
    expect(result.primary[at(1, 0)]).toBe(true);
    expect(result.suppressed[at(0, 0)] && result.primary[at(0, 0)]).toBe(false);
    expect(result.values.filter((v, i) => v > 0 && v < 5 && !result.suppressed[i])).toEqual([]);
    expect(exposedCells(result, result.protectionMargin)).toEqual([]);
  });

  it('should protect a row holding a single small cell by suppressing another in its row and column', () => {
    const rows = [
      [2, 10, 12],
      [9, 8, 15],
      [11, 7, 20],
    ];
    const result = suppressTable(table2(rows));
    const intervals = auditTable(result);
    expect(intervals.length).toBeGreaterThanOrEqual(4);
    for (const interval of intervals) expect(interval.max - interval.min).toBeGreaterThanOrEqual(5);
    // The published zero-information cost: the cheapest protection is a 2 × 2 block of interior cells.
    expect(result.suppressed.filter(Boolean)).toHaveLength(4);
  });

  it('should protect two small cells in one row that are alone in their columns', () => {
    const rows = [
      [3, 1, 12, 30],
      [9, 8, 15, 22],
      [11, 7, 20, 16],
    ];
    const result = suppressTable(table2(rows));
    expect(exposedCells(result, 5)).toEqual([]);
  });

  it('should publish a row whose total is 0 (all zeros) and protect its neighbours all the same', () => {
    const rows = [
      [0, 0, 0],
      [1, 8, 15],
      [11, 7, 20],
    ];
    const result = suppressTable(table2(rows));
    const at = (r: number, c: number) => flatIndex(result.extendedShape, [r, c]);
    for (const c of [0, 1, 2, 3]) expect(result.suppressed[at(0, c)]).toBe(false);
    expect(exposedCells(result, 5)).toEqual([]);
  });

  it('should suppress a small total with cells to protect it, up to the grand total when it must', () => {
    // Row 0 adds up to 3: its total is small itself, and every cell of it too.
    const rows = [
      [1, 2, 0],
      [9, 8, 15],
      [11, 7, 20],
    ];
    const result = suppressTable(table2(rows));
    const rowTotal = flatIndex(result.extendedShape, [0, 3]);
    expect(result.primary[rowTotal]).toBe(true);
    expect(exposedCells(result, 5)).toEqual([]);
    // A grand total below the threshold: the whole table is small, and nothing small is left published.
    const tiny = suppressTable(
      table2([
        [1, 0],
        [0, 2],
      ]),
    );
    expect(tiny.suppressed[tiny.values.length - 1]).toBe(true);
    expect(exposedCells(tiny, 5)).toEqual([]);
  });

  it('should protect a three-dimensional table (category × area × month) over reals and over integers', () => {
    const shape = [3, 4, 3];
    const values = [
      0, 12, 7, 3, 9, 14, 22, 1, 8, 6, 5, 30, 2, 0, 11, 17, 4, 9, 13, 10, 6, 1, 19, 25, 8, 7, 3, 16, 0, 12, 9, 2, 21,
      14, 5, 6,
    ];
    const result = suppressTable({ shape, values });
    expect(result.values.filter((v, i) => v > 0 && v < 5 && !result.suppressed[i])).toEqual([]);
    expect(exposedCells(result, 5)).toEqual([]);
    expect(exposedCells(result, 5, { integer: true })).toEqual([]);
  });

  it('should honour another threshold and a wider protection margin', () => {
    const rows = [
      [2, 10, 12, 40],
      [9, 8, 15, 33],
      [11, 7, 20, 27],
    ];
    const result = suppressTable(table2(rows), { threshold: 10, protectionMargin: 15 });
    expect(result.values.filter((v, i) => v > 0 && v < 10 && !result.suppressed[i])).toEqual([]);
    expect(exposedCells(result, 15)).toEqual([]);
  });
});
