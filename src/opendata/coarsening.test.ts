import { describe, expect, it } from 'vitest';
import { centroidOf } from './coarsening.ts';

describe('centroidOf', () => {
  it('should put a square cell’s centroid at its centre, whichever way its ring is wound', () => {
    const ring = [
      [112.99, 28.19],
      [113.0, 28.19],
      [113.0, 28.2],
      [112.99, 28.2],
      [112.99, 28.19],
    ];
    expect(centroidOf({ type: 'Polygon', coordinates: [ring] })).toEqual([112.995, 28.195]);
    expect(centroidOf({ type: 'Polygon', coordinates: [[...ring].reverse()] })).toEqual([112.995, 28.195]);
  });

  it('should weigh a multipolygon’s parts by area and take holes away', () => {
    const square = (x: number, y: number, side: number) => [
      [x, y],
      [x + side, y],
      [x + side, y + side],
      [x, y + side],
      [x, y],
    ];
    // A 2 × 2 square at the origin and a 1 × 1 at x = 3: (4·(1, 1) + 1·(3.5, 0.5)) / 5.
    expect(centroidOf({ type: 'MultiPolygon', coordinates: [[square(0, 0, 2)], [square(3, 0, 1)]] })).toEqual([
      1.5, 0.9,
    ]);
    // A 4 × 4 square with a 2 × 2 hole in its left half: the centroid moves right.
    const [x] = centroidOf({ type: 'Polygon', coordinates: [square(0, 0, 4), square(0, 1, 2)] });
    expect(x).toBeCloseTo((16 * 2 - 4 * 1) / 12, 6);
  });
});
