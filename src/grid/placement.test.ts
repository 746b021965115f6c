import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { PLACEMENT_SNAP_METRES, PlacementIndex } from './placement.ts';

const square = (x0: number, y0: number, size: number): GeoJSON.Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, y0],
      [x0 + size, y0],
      [x0 + size, y0 + size],
      [x0, y0 + size],
      [x0, y0],
    ],
  ],
});

describe('PlacementIndex', () => {
  const index = PlacementIndex.build([
    { code: '1', depth: 0, geometry: square(0, 0, 2) },
    { code: '11', depth: 1, geometry: square(0, 0, 1) },
    { code: '12', depth: 1, geometry: square(1, 0, 1) },
    {
      code: '13',
      depth: 1,
      geometry: {
        type: 'Polygon',
        coordinates: [square(0, 1, 2).coordinates[0]!, square(0.5, 1.25, 0.5).coordinates[0]!],
      },
    },
  ]);

  it('should give a point the finest area holding it', () => {
    expect(index.locate(0.5, 0.5)).toBe('11');
    expect(index.locate(1.5, 0.5)).toBe('12');
    expect(index.locate(1.5, 1.5)).toBe('13');
  });

  it('should leave a hole to the area around it', () => {
    expect(index.locate(0.75, 1.5)).toBe('1');
  });

  it('should put a point on a shared edge in exactly one area, the same one every time', () => {
    const onEdge = index.locate(1, 0.5);
    expect(['11', '12']).toContain(onEdge);
    for (let i = 0; i < 5; i++)
      expect(
        PlacementIndex.build([...[3, 2, 1]].map(() => ({ code: 'x', depth: 0, geometry: square(9, 9, 1) }))).locate(
          1,
          0.5,
        ),
      ).toBeNull();
    expect(index.locate(1, 0.5)).toBe(onEdge);
  });

  it('should place nothing outside every area, and survive nonsense coordinates', () => {
    expect(index.locate(5, 5)).toBeNull();
    expect(index.locate(Number.NaN, 0)).toBeNull();
    expect(PlacementIndex.build([]).locate(0, 0)).toBeNull();
    expect(PlacementIndex.build([]).place(0, 0, PLACEMENT_SNAP_METRES)).toBeNull();
    expect(index.place(Number.NaN, 0, PLACEMENT_SNAP_METRES)).toBeNull();
  });
});

describe('placement of a point just outside every area', () => {
  // A district at 28° N (about 1.1 km by 1 km) cut into two unit grids, west and east.
  const LATITUDE = 28;
  const metresPerDegreeLongitude = 111_320 * Math.cos((LATITUDE * Math.PI) / 180);
  const westOf = (longitude: number, metres: number) => longitude - metres / metresPerDegreeLongitude;
  const index = PlacementIndex.build([
    { code: '430102', depth: 1, geometry: square(113, LATITUDE, 0.01) },
    {
      code: '430102000000001',
      depth: 4,
      geometry: {
        type: 'Polygon',
        coordinates: [square(113, LATITUDE, 0.01).coordinates[0]!.map(([x, y]) => [x === 113.01 ? 113.005 : x!, y!])],
      },
    },
    { code: '430102000000002', depth: 4, geometry: square(113.005, LATITUDE, 0.01) },
  ]);

  it('should give a point inside an area that area, not marked as snapped', () => {
    expect(index.place(113.002, LATITUDE + 0.005, PLACEMENT_SNAP_METRES)).toEqual({
      code: '430102000000001',
      snappedMetres: null,
    });
  });

  it('should place a point 30 m outside on the finest nearest area, marked as snapped 30 m', () => {
    expect(PLACEMENT_SNAP_METRES).toBeGreaterThanOrEqual(30);
    expect(index.place(westOf(113, 30), LATITUDE + 0.005, PLACEMENT_SNAP_METRES)).toEqual({
      code: '430102000000001',
      snappedMetres: 30,
    });
  });

  it('should leave a point beyond the tolerance outside the jurisdiction, and snap nothing at a tolerance of 0', () => {
    expect(index.place(westOf(113, PLACEMENT_SNAP_METRES + 5), LATITUDE + 0.005, PLACEMENT_SNAP_METRES)).toBeNull();
    expect(index.place(westOf(113, 30), LATITUDE + 0.005, 0)).toBeNull();
  });
});

// Real-data agreement: NYC 311 rows (with their own Community Board) placed on the NYC community
// districts. Fixtures: src/grid/fixtures/README.md.
describe('placement agrees with NYC 311 community boards', () => {
  const BOROUGHS: Record<string, number> = { MANHATTAN: 1, BRONX: 2, BROOKLYN: 3, QUEENS: 4, 'STATEN ISLAND': 5 };
  const districts = JSON.parse(
    fs.readFileSync(new URL('./fixtures/nyc-community-districts.geojson', import.meta.url), 'utf8'),
  ) as GeoJSON.FeatureCollection<GeoJSON.Polygon | GeoJSON.MultiPolygon, { BoroCD: number }>;
  const rows = parse(fs.readFileSync(new URL('./fixtures/nyc-311-located.csv', import.meta.url)), {
    columns: true,
  }) as Array<{
    unique_key: string;
    community_board: string;
    latitude: string;
    longitude: string;
  }>;
  // NYC has 59 community districts (BoroCD x01–x18). The file's other features (x26–x28, x55, x56, x64,
  // x80–x84, x95) are Joint Interest Areas: large parks, airports and the like that belong to no district,
  // and that no row scored here names, so they are left out. A point is placed as the product places a
  // case (PlacementIndex.place, which AreaLocator runs at intake): the district holding it, else the
  // nearest one within PLACEMENT_SNAP_METRES (a point on a park's edge, the shore, a pier), marked as
  // snapped; beyond that it is outside the jurisdiction and counts as a disagreement.
  const communityDistricts = districts.features.filter((f) => f.properties.BoroCD % 100 <= 18);
  const index = PlacementIndex.build(
    communityDistricts.map((f) => ({ code: String(f.properties.BoroCD), depth: 0, geometry: f.geometry })),
  );
  const place = (longitude: number, latitude: number) => index.place(longitude, latitude, PLACEMENT_SNAP_METRES);

  it('should agree with the Community Board column for at least 99 % of the rows that name one', () => {
    const named = rows
      .map((r) => {
        const match = /^(\d\d) (.+)$/.exec(r.community_board);
        const borough = match ? BOROUGHS[match[2]!] : undefined;
        // Only a number 01–18 names a community district; "27 BRONX" or "56 BROOKLYN" name an interest area.
        const names = match && borough && Number(match[1]) <= 18;
        return { ...r, expected: names ? String(borough * 100 + Number(match[1])) : null };
      })
      .filter((r) => r.expected !== null);
    // A point within a metre of the boundary between districts (311 geocodes many reports to a street
    // intersection, and district boundaries run along street centre lines) lies in each of them; it
    // agrees when the named district is one of those. Strict agreement is reported beside it.
    const ON_BOUNDARY_METERS = 1;
    const placed = named.map((r) => {
      const longitude = Number(r.longitude);
      const latitude = Number(r.latitude);
      const placement = place(longitude, latitude);
      const touching = index.touching(longitude, latitude, ON_BOUNDARY_METERS);
      return {
        key: r.unique_key,
        board: r.community_board,
        expected: r.expected,
        placed: placement?.code ?? null,
        snappedMetres: placement?.snappedMetres ?? null,
        touching,
      };
    });
    const snapped = placed.filter((r) => r.snappedMetres !== null);
    const outside = placed.filter((r) => r.placed === null);
    const strictMisses = placed.filter((r) => r.placed !== r.expected);
    const disagreements = strictMisses.filter((r) => !(r.touching.length > 1 && r.touching.includes(r.expected!)));
    const agreement = 1 - disagreements.length / named.length;
    console.log(
      `NYC 311: ${named.length} rows name a community district. Placement (snapping within ` +
        `${PLACEMENT_SNAP_METRES} m) agrees on ${(agreement * 100).toFixed(2)} % (${disagreements.length} ` +
        `disagreements); strictly, one district per point, on ${((1 - strictMisses.length / named.length) * 100).toFixed(2)} % ` +
        `(${strictMisses.length - disagreements.length} more points lie on the boundary of the named district and the ` +
        `one placed). ${snapped.length} points were snapped (${snapped.map((r) => `${r.snappedMetres} m`).join(', ')}), ` +
        `${snapped.filter((r) => r.placed === r.expected).length} of them to the named district; ${outside.length} left ` +
        `outside. Disagreements: ${JSON.stringify(disagreements)}`,
    );
    expect(named.length).toBeGreaterThan(1300);
    // The points on a park's edge or the shore are snapped into the product's placement, none left outside.
    expect(outside).toEqual([]);
    expect(snapped.length).toBeGreaterThanOrEqual(5);
    expect(snapped.every((r) => r.snappedMetres! <= PLACEMENT_SNAP_METRES)).toBe(true);
    // The one disagreement today is Columbus Circle (19942040): the point lies on Central Park's corner, 1 m
    // outside 105 and snapped to it, and 311 files it under 104.
    expect(1 - strictMisses.length / named.length).toBeGreaterThanOrEqual(0.985);
    expect(agreement).toBeGreaterThanOrEqual(0.99);
  });
});
