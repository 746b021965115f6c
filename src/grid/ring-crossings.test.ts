import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ringCrossing } from './ring-crossings.ts';

type Ring = [number, number][];
const closed = (ring: Ring): Ring => [...ring, ring[0]!];
const polygon = (...rings: Ring[]): GeoJSON.Polygon => ({ type: 'Polygon', coordinates: rings.map(closed) });
const multi = (...parts: Ring[][]): GeoJSON.MultiPolygon => ({
  type: 'MultiPolygon',
  coordinates: parts.map((rings) => rings.map(closed)),
});
const square = (x: number, y: number, size = 1): Ring => [
  [x, y],
  [x + size, y],
  [x + size, y + size],
  [x, y + size],
];

describe('ringCrossing', () => {
  it('should pass the parts of a MultiPolygon that touch at a single vertex', () => {
    expect(ringCrossing(multi([square(0, 0)], [square(1, 1)]))).toBeNull();
    // Three parts meeting at one point.
    const wedge: Ring = [
      [1, 1],
      [2, 0.5],
      [2, 0.9],
    ];
    expect(ringCrossing(multi([square(0, 0)], [square(1, 1)], [wedge]))).toBeNull();
  });

  it("should pass a part whose vertex lies on another part's edge, a hair to either side", () => {
    for (const x of [1, 1 + 1e-12, 1 - 1e-12]) {
      expect(
        ringCrossing(
          multi(
            [square(0, 0)],
            [
              [
                [x, 0.5],
                [2, 0],
                [2, 1],
              ],
            ],
          ),
        ),
      ).toBeNull();
    }
  });

  it('should pass a hole that touches its outer ring at one point', () => {
    const hole: Ring = [
      [0, 0.5],
      [0.5, 0.25],
      [0.5, 0.75],
    ];
    expect(ringCrossing(polygon(square(0, 0), hole))).toBeNull();
  });

  it('should refuse a bow-tie, naming where it crosses itself', () => {
    const bowTie: Ring = [
      [0, 0],
      [1, 1],
      [1, 0],
      [0, 1],
    ];
    expect(ringCrossing(polygon(bowTie))).toBe('the outer ring crosses itself near 0.500000, 0.500000');
    expect(ringCrossing(multi([square(5, 5)], [bowTie]))).toBe('polygon 2 crosses itself near 0.500000, 0.500000');
  });

  it('should refuse parts that cross, run along the same edge, or cross through a shared vertex', () => {
    expect(ringCrossing(multi([square(0, 0)], [square(0.5, 0.5)]))).toMatch(/^polygon 1 and polygon 2 cross near/);
    expect(ringCrossing(multi([square(0, 0)], [square(1, 0)]))).toMatch(
      /polygon 1 and polygon 2 run along the same edge/,
    );
    // The diamond's only contacts with the square are two of its corners, but it passes into the square there.
    const diamond: Ring = [
      [0, 0],
      [1, -1],
      [2, 0],
      [1, 1],
    ];
    expect(ringCrossing(multi([square(0, 0, 2)], [diamond]))).toMatch(
      /^polygon 1 and polygon 2 cross at a shared point near (0|2)\.000000, 0\.000000$/,
    );
  });

  it('should refuse a ring that touches itself, and a hole crossing its outer ring', () => {
    const figureEight: Ring = [
      [0, 0],
      [1, 0],
      [1, 1],
      [2, 1],
      [2, 2],
      [1, 2],
      [1, 1],
      [0, 1],
    ];
    expect(ringCrossing(polygon(figureEight))).toMatch(/^the outer ring touches itself near 1\.000000, 1\.000000/);
    expect(ringCrossing(polygon(square(0, 0), square(0.5, 0.5)))).toMatch(/^the outer ring and hole 1 cross near/);
  });

  it('should pass the official NYC districts whose parts touch at vertices (356 and 410)', () => {
    const districts = JSON.parse(
      fs.readFileSync(new URL('./fixtures/nyc-community-districts.geojson', import.meta.url), 'utf8'),
    ) as GeoJSON.FeatureCollection<GeoJSON.Polygon | GeoJSON.MultiPolygon, { BoroCD: number }>;
    // Only these two: rounding the fixture to 6 decimals folded a tight curve of 407 onto itself, which the
    // official file (imported whole by `civicgrid grid import`, README) does not do.
    const touching = districts.features.filter((f) => [356, 410].includes(f.properties.BoroCD));
    expect(touching.map((f) => f.geometry.type)).toEqual(['MultiPolygon', 'MultiPolygon']);
    expect(touching.map((f) => ringCrossing(f.geometry))).toEqual([null, null]);
  });
});
