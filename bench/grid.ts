/**
 * Point → unit grid placement. 1,000,000 random points (BENCH_POINTS) against the 100 m unit grids of
 * 长沙's five central districts (about 124,000 cells, generated here with the product's own generator):
 *  - ours: PlacementIndex (a bucket grid per level + point-in-polygon on packed typed arrays), one core,
 *    on the random points and again on points that all fall inside a cell (every lookup a full test);
 *  - naive: a linear scan of every cell's bounding box, then @turf/boolean-point-in-polygon on the
 *    candidates (timed on a sample, it is slow);
 *  - Flatbush + turf: our R-tree with turf's point-in-polygon, to show what each half buys;
 *  - PostGIS: ST_Contains over a GiST index on the local PostgreSQL, as one batch query joining a table
 *    of all the points. The benchmark installs Debian's postgresql-15-postgis-3 if the server lacks it
 *    (the product never needs PostGIS); if that fails, the row is skipped, saying so.
 * The baseline for the ratios is the PostGIS batch, measured in the same run. Every method's answers are
 * checked against ours on a sample. Prints a table; writes bench/results/grid.json.
 *   npx tsx bench/grid.ts           (BENCH_POINTS=100000 for a quick look)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import Flatbush from 'flatbush';
import pg from 'pg';
import { convertGeometry } from '../src/grid/crs.ts';
import { boundingBox, PlacementIndex } from '../src/grid/placement.ts';
import { squareCells } from '../src/grid/square-cells.ts';

const POINTS = Number(process.env.BENCH_POINTS ?? 1_000_000);
const NAIVE_SAMPLE = 2_000;
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CENTRAL = ['430102', '430103', '430104', '430105', '430111'];

interface Row {
  method: string;
  lookups: number;
  seconds: number;
  lookupsPerSecond: number;
  note: string;
}

function time<T>(work: () => T): { value: T; seconds: number } {
  const start = process.hrtime.bigint();
  const value = work();
  return { value, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

// Reproducible random points (a 32-bit LCG is enough to scatter points; no library needed).
function randomPoints(count: number, [minX, minY, maxX, maxY]: number[]): Float64Array {
  const points = new Float64Array(count * 2);
  let seed = 20261124;
  const random = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  for (let i = 0; i < count; i++) {
    points[2 * i] = minX! + random() * (maxX! - minX!);
    points[2 * i + 1] = minY! + random() * (maxY! - minY!);
  }
  return points;
}

async function main() {
  const districts = JSON.parse(
    fs.readFileSync('src/demo/fixtures/changsha-districts.geojson', 'utf8'),
  ) as GeoJSON.FeatureCollection<GeoJSON.MultiPolygon, { adcode: number }>;
  console.log('Generating 100 m unit grids over 芙蓉 天心 岳麓 开福 雨花 …');
  const cells: Array<{ code: string; geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon }> = [];
  for (const feature of districts.features.filter((f) => CENTRAL.includes(String(f.properties.adcode)))) {
    const generated = squareCells(convertGeometry(feature.geometry, 'gcj02'), 100);
    for (const [i, cell] of generated.entries()) {
      cells.push({ code: `${feature.properties.adcode}${String(i + 1).padStart(9, '0')}`, geometry: cell.geometry });
    }
  }
  const index = PlacementIndex.build(cells.map((c) => ({ code: c.code, depth: 0, geometry: c.geometry })));
  const boxes = cells.map((c) => boundingBox(c.geometry));
  const extent = boxes.reduce(
    (e: number[], b) => [Math.min(e[0]!, b[0]), Math.min(e[1]!, b[1]), Math.max(e[2]!, b[2]), Math.max(e[3]!, b[3])],
    [Infinity, Infinity, -Infinity, -Infinity],
  );
  const points = randomPoints(POINTS, extent);
  console.log(`${cells.length} cells, ${POINTS} points in their bounding box`);
  const rows: Row[] = [];

  // Ours.
  const ours = time(() => {
    const found: (string | null)[] = new Array(POINTS);
    for (let i = 0; i < POINTS; i++) found[i] = index.locate(points[2 * i]!, points[2 * i + 1]!);
    return found;
  });
  const placed = ours.value.filter((c) => c !== null).length;
  rows.push({
    method: 'ours: bucket grid + packed point-in-polygon',
    lookups: POINTS,
    seconds: ours.seconds,
    lookupsPerSecond: POINTS / ours.seconds,
    note: `${placed} points fell in a cell`,
  });

  // Ours again, on points that all lie in some cell: each a random point in a random cell's box.
  const inside = new Float64Array(POINTS * 2);
  for (let i = 0, seed = 7; i < POINTS; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const b = boxes[seed % boxes.length]!;
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const u = seed / 4294967296;
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    inside[2 * i] = b[0] + u * (b[2] - b[0]);
    inside[2 * i + 1] = b[1] + (seed / 4294967296) * (b[3] - b[1]);
  }
  const dense = time(() => {
    let hits = 0;
    for (let i = 0; i < POINTS; i++) if (index.locate(inside[2 * i]!, inside[2 * i + 1]!) !== null) hits++;
    return hits;
  });
  rows.push({
    method: 'ours, points inside the cells',
    lookups: POINTS,
    seconds: dense.seconds,
    lookupsPerSecond: POINTS / dense.seconds,
    note: `${dense.value} points fell in a cell`,
  });

  // Naive: linear bounding-box scan + turf, on a sample.
  const naive = time(() => {
    const found: (string | null)[] = [];
    for (let i = 0; i < NAIVE_SAMPLE; i++) {
      const x = points[2 * i]!;
      const y = points[2 * i + 1]!;
      let hit: string | null = null;
      for (let c = 0; c < cells.length && !hit; c++) {
        const b = boxes[c]!;
        if (x < b[0] || x > b[2] || y < b[1] || y > b[3]) continue;
        if (booleanPointInPolygon([x, y], cells[c]!.geometry, { ignoreBoundary: true })) hit = cells[c]!.code;
      }
      found.push(hit);
    }
    return found;
  });
  rows.push({
    method: 'naive: linear bbox scan + turf',
    lookups: NAIVE_SAMPLE,
    seconds: naive.seconds,
    lookupsPerSecond: NAIVE_SAMPLE / naive.seconds,
    note: `sample of ${NAIVE_SAMPLE}`,
  });

  // Flatbush + turf.
  const tree = new Flatbush(cells.length);
  for (const b of boxes) tree.add(b[0], b[1], b[2], b[3]);
  tree.finish();
  const sample = Math.min(POINTS, 200_000);
  const treeTurf = time(() => {
    const found: (string | null)[] = [];
    for (let i = 0; i < sample; i++) {
      const x = points[2 * i]!;
      const y = points[2 * i + 1]!;
      let hit: string | null = null;
      for (const c of tree.search(x, y, x, y)) {
        if (booleanPointInPolygon([x, y], cells[c]!.geometry, { ignoreBoundary: true })) {
          hit = cells[c]!.code;
          break;
        }
      }
      found.push(hit);
    }
    return found;
  });
  rows.push({
    method: 'Flatbush + turf point-in-polygon',
    lookups: sample,
    seconds: treeTurf.seconds,
    lookupsPerSecond: sample / treeTurf.seconds,
    note: `first ${sample} points`,
  });

  const mismatches = (other: (string | null)[]) => other.filter((code, i) => code !== ours.value[i]).length;
  console.log(
    `agreement with ours: naive ${NAIVE_SAMPLE - mismatches(naive.value)}/${NAIVE_SAMPLE}, Flatbush+turf ${sample - mismatches(treeTurf.value)}/${sample}`,
  );

  // PostGIS.
  const postgis = await benchPostgis(cells, points, ours.value);
  if (postgis) rows.push(postgis);

  const baseline = rows.find((r) => r.method.startsWith('PostGIS'));
  console.table(
    rows.map((r) => ({
      method: r.method,
      lookups: r.lookups,
      seconds: r.seconds.toFixed(3),
      'lookups/s': Math.round(r.lookupsPerSecond).toLocaleString('en'),
      'vs PostGIS': baseline ? (r.lookupsPerSecond / baseline.lookupsPerSecond).toFixed(1) : 'n/a',
      note: r.note,
    })),
  );
  fs.mkdirSync('bench/results', { recursive: true });
  fs.writeFileSync(
    'bench/results/grid.json',
    `${JSON.stringify(
      {
        benchmark: 'grid',
        date: new Date().toISOString(),
        cells: cells.length,
        points: POINTS,
        machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
        results: rows,
      },
      null,
      2,
    )}\n`,
  );
  console.log('wrote bench/results/grid.json');
}

async function benchPostgis(
  cells: Array<{ code: string; geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon }>,
  points: Float64Array,
  ours: (string | null)[],
): Promise<Row | null> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const name = `civicgrid_bench_grid_${Date.now()}`;
  await admin.query(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  try {
    try {
      await db.query('create extension postgis');
    } catch {
      // The benchmark's own set-up: PostGIS from Debian (the product never needs it).
      console.log('PostGIS is not installed; installing postgresql-15-postgis-3 from Debian …');
      const install = spawnSync(
        'sh',
        ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15-postgis-3'],
        {
          stdio: 'inherit',
        },
      );
      try {
        if (install.status !== 0) throw new Error(`apt-get exited ${install.status}`);
        await db.query('create extension postgis');
      } catch (error) {
        console.warn(`PostGIS row skipped: ${(error as Error).message}`);
        return null;
      }
    }
    console.log('Loading cells and points into PostGIS …');
    await db.query('create table cells (code text primary key, geom geometry(Geometry, 4326) not null)');
    for (let i = 0; i < cells.length; i += 2000) {
      const batch = cells.slice(i, i + 2000);
      await db.query(
        'insert into cells select code, ST_SetSRID(ST_GeomFromGeoJSON(g), 4326) from unnest($1::text[], $2::text[]) as t(code, g)',
        [batch.map((c) => c.code), batch.map((c) => JSON.stringify(c.geometry))],
      );
    }
    await db.query('create index cells_geom on cells using gist (geom)');
    await db.query('create table points (id integer primary key, geom geometry(Point, 4326) not null)');
    const count = points.length / 2;
    for (let i = 0; i < count; i += 100_000) {
      const n = Math.min(100_000, count - i);
      const xs = Array.from(points.subarray(2 * i, 2 * (i + n)).filter((_, k) => k % 2 === 0));
      const ys = Array.from(points.subarray(2 * i, 2 * (i + n)).filter((_, k) => k % 2 === 1));
      await db.query(
        'insert into points select $1::int + ordinality - 1, ST_SetSRID(ST_MakePoint(x, y), 4326) from unnest($2::float8[], $3::float8[]) with ordinality as t(x, y, ordinality)',
        [i, xs, ys],
      );
    }
    await db.query('analyze cells; analyze points');
    const start = process.hrtime.bigint();
    const result = await db.query<{ id: number; code: string }>(
      'select p.id, c.code from points p join cells c on ST_Contains(c.geom, p.geom)',
    );
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const theirs = new Map(result.rows.map((r) => [r.id, r.code]));
    let agree = 0;
    for (let i = 0; i < count; i++) if ((theirs.get(i) ?? null) === ours[i]) agree++;
    console.log(`agreement with ours: PostGIS ${agree}/${count} (points exactly on a shared edge may differ)`);
    return {
      method: 'PostGIS ST_Contains + GiST, one batch query (baseline)',
      lookups: count,
      seconds,
      lookupsPerSecond: count / seconds,
      note: `${result.rows.length} points in a cell`,
    };
  } finally {
    await db.end();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

await main();
