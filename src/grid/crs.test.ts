import { describe, expect, it } from 'vitest';
import { convertPoint } from './crs.ts';

/** Ground distance in metres between two nearby points (equirectangular; exact enough below a kilometre). */
function meters([x1, y1]: [number, number], [x2, y2]: [number, number]): number {
  const k = 111_320;
  return Math.hypot((x1 - x2) * k * Math.cos((((y1 + y2) / 2) * Math.PI) / 180), (y1 - y2) * k);
}

// Published reference pairs: the test vectors of the eviltransform project (used by its Go, C, JS, PHP,
// Python and C# ports), given there as (lat, lng); here as [longitude, latitude].
const WGS84_GCJ02: Array<{ place: string; wgs84: [number, number]; gcj02: [number, number] }> = [
  { place: 'Shanghai', wgs84: [121.5272106, 31.1774276], gcj02: [121.531541859215, 31.17530398364597] },
  { place: 'Shenzhen', wgs84: [113.912316, 22.543847], gcj02: [113.9171764808363, 22.540796131694766] },
  { place: 'Beijing', wgs84: [116.377817, 39.911954], gcj02: [116.38404722455657, 39.91334545536069] },
];
// BD-09 ↔ GCJ-02: the published outputs in the test of the wandergis/coordtransform project, for the
// point (116.404, 39.915) in each direction. (eviltransform also lists two BD-09 → WGS-84 pairs near
// Hangzhou; the standard BD-09 conversion every library uses, ours included, lands 10 m and 41 m from
// them, so those pairs probably came from Baidu's own service rather than the formula.)
const BD09_GCJ02: Array<{ from: 'bd09' | 'gcj02'; input: [number, number]; expected: [number, number] }> = [
  { from: 'bd09', input: [116.404, 39.915], expected: [116.39762729119315, 39.90865673957631] },
  { from: 'gcj02', input: [116.404, 39.915], expected: [116.41036949371029, 39.92133699351021] },
];

describe('coordinate systems', () => {
  it.each(WGS84_GCJ02)('should convert WGS-84 to GCJ-02 within 1 m in $place', ({ wgs84, gcj02 }) => {
    expect(meters(convertPoint(wgs84, 'wgs84', 'gcj02'), gcj02)).toBeLessThan(1);
  });

  it.each(WGS84_GCJ02)('should convert GCJ-02 back to WGS-84 within 1 m in $place', ({ wgs84, gcj02 }) => {
    expect(meters(convertPoint(gcj02, 'gcj02'), wgs84)).toBeLessThan(1);
  });

  it.each(BD09_GCJ02)(
    'should convert $from $input between BD-09 and GCJ-02 within 1 m',
    ({ from, input, expected }) => {
      expect(meters(convertPoint(input, from, from === 'bd09' ? 'gcj02' : 'bd09'), expected)).toBeLessThan(1);
    },
  );

  it('should take BD-09 to WGS-84 and back within 1 m', () => {
    const wgs84: [number, number] = [112.9823, 28.1941];
    expect(meters(convertPoint(convertPoint(wgs84, 'wgs84', 'bd09'), 'bd09'), wgs84)).toBeLessThan(1);
  });

  it('should leave WGS-84 alone and shift Chinese map coordinates by hundreds of metres', () => {
    expect(convertPoint([112.98, 28.19], 'wgs84')).toEqual([112.98, 28.19]);
    const shift = meters(convertPoint([112.98, 28.19], 'gcj02'), [112.98, 28.19]);
    expect(shift).toBeGreaterThan(100);
    expect(shift).toBeLessThan(1000);
  });
});
