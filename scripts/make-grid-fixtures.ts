/**
 * Builds the grid test fixtures from ../shared/data (real public data; see src/grid/fixtures/README.md):
 * - nyc-community-districts.geojson: NYC community districts, BoroCD only, coordinates rounded to 6
 *   decimals (about 0.1 m);
 * - nyc-311-located.csv: the NYC 311 rows that have coordinates, with only the columns placement needs.
 *   npx tsx scripts/make-grid-fixtures.ts [path/to/shared/data]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';

const dataDir = process.argv[2] ?? path.resolve('../shared/data');
const out = path.resolve('src/grid/fixtures');

type Coordinates = number | Coordinates[];
const round = (c: Coordinates): Coordinates => (typeof c === 'number' ? Math.round(c * 1e6) / 1e6 : c.map(round));

const districts = JSON.parse(fs.readFileSync(path.join(dataDir, 'geo/nyc_community_districts.geojson'), 'utf8'));
for (const feature of districts.features) {
  feature.properties = { BoroCD: feature.properties.BoroCD };
  feature.geometry.coordinates = round(feature.geometry.coordinates);
}
fs.writeFileSync(path.join(out, 'nyc-community-districts.geojson'), JSON.stringify(districts));

const rows: Array<Record<string, string>> = parse(fs.readFileSync(path.join(dataDir, 'us311/nyc_311_2000.csv')), {
  columns: true,
});
const located = rows.filter((r) => r.Latitude && r.Longitude);
const lines = ['unique_key,community_board,latitude,longitude'];
for (const r of located) lines.push([r['Unique Key'], r['Community Board'], r.Latitude, r.Longitude].join(','));
fs.writeFileSync(path.join(out, 'nyc-311-located.csv'), `${lines.join('\n')}\n`);
console.log(`${districts.features.length} districts, ${located.length} located 311 rows`);
