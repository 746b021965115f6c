import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { listReleases } from '../opendata/index.ts';
import { type CatalogueColumn, type DatasetSummary, listDatasets } from './catalogue.ts';
import { datastoreTable, SQL_TYPES } from './datastore.ts';
import type { ColumnType, DatasetQuality } from './hub.tables.ts';

/**
 * The public part of the catalogue, as the open-data boundary (CKAN's action API, DCAT) sees it: public
 * datasets only, each with its distributions (a reference dataset's datastore table, an open-data
 * release's downloads, the grid's GeoJSON). The open-data releases are the resources of the `case-counts`
 * dataset, so publishing a release changes that dataset for a harvester.
 */

export interface Distribution {
  /** Stable across runs: derived from what it distributes, so a harvester can key on it. */
  id: string;
  titleZh: string;
  titleEn: string;
  format: 'CSV' | 'JSON' | 'GeoJSON';
  mediaType: string;
  /** Path on this server; the boundary makes it absolute. */
  path: string;
  /** Set for a dataset's datastore table: `datastore_search` reads it by this id or its alias. */
  datastore: { table: string; alias: string } | null;
  issued: Date;
  modified: Date;
}

export interface PublicDataset extends DatasetSummary {
  columns: CatalogueColumn[];
  quality: DatasetQuality | null;
  distributions: Distribution[];
}

/** The dataset the open-data releases belong to (registered by registerPlatformDatasets). */
export const RELEASES_DATASET = 'case-counts';

const FORMATS = [
  { extension: 'csv', format: 'CSV', mediaType: 'text/csv' },
  { extension: 'json', format: 'JSON', mediaType: 'application/json' },
  { extension: 'geojson', format: 'GeoJSON', mediaType: 'application/geo+json' },
] as const;

/** A UUID (version 5 layout) named by its parts, so a resource keeps its id without a table of its own. */
export function derivedId(...parts: string[]): string {
  const hex = createHash('sha1').update(parts.join('\u0000')).digest('hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Every public dataset with its distributions; `modifiedAt` is the latest change to either. */
export async function publicDatasets(db: Db): Promise<PublicDataset[]> {
  const datasets = await listDatasets(db, { publicOnly: true });
  const releases = datasets.some((d) => d.slug === RELEASES_DATASET) ? await listReleases(db) : [];
  return datasets.map((dataset) => {
    const distributions: Distribution[] = [];
    if (dataset.kind === 'reference') {
      const table = datastoreTable(dataset.slug);
      distributions.push({
        id: derivedId(dataset.id, 'datastore'),
        titleZh: `${dataset.titleZh}（数据表）`,
        titleEn: `${dataset.titleEn} (datastore table)`,
        format: 'JSON',
        mediaType: 'application/json',
        path: `/api/3/action/datastore_search?resource_id=${derivedId(dataset.id, 'datastore')}`,
        datastore: { table, alias: table },
        issued: dataset.createdAt,
        modified: dataset.modifiedAt,
      });
    }
    if (dataset.slug === 'grid-areas') {
      distributions.push({
        id: derivedId(dataset.id, 'geojson'),
        titleZh: '网格区域边界',
        titleEn: 'Grid area boundaries',
        format: 'GeoJSON',
        mediaType: 'application/geo+json',
        path: '/api/v1/grid/areas.geojson',
        datastore: null,
        issued: dataset.createdAt,
        modified: dataset.modifiedAt,
      });
    }
    let modifiedAt = dataset.modifiedAt;
    let rowCount = dataset.rowCount;
    if (dataset.slug === RELEASES_DATASET) {
      for (const release of releases) {
        for (const { extension, format, mediaType } of FORMATS) {
          distributions.push({
            id: derivedId(release.id, extension),
            titleZh: `${release.title}（${release.from}—${release.to}，${format}）`,
            titleEn: `${release.title} (${release.from} to ${release.to}, ${format})`,
            format,
            mediaType,
            path: `/api/v1/public/open-data/releases/${release.id}/data.${extension}`,
            datastore: null,
            issued: release.publishedAt,
            modified: release.publishedAt,
          });
        }
        if (release.publishedAt > modifiedAt) modifiedAt = release.publishedAt;
      }
      rowCount = releases.length;
    }
    return { ...dataset, modifiedAt, rowCount, distributions };
  });
}

/** A public datastore table by its resource id or alias (the table's name), with its dataset. */
export async function findDatastore(db: Db, idOrAlias: string) {
  for (const dataset of await publicDatasets(db)) {
    const distribution = dataset.distributions.find(
      (d) => d.datastore && (d.id === idOrAlias || d.datastore.alias === idOrAlias),
    );
    if (distribution?.datastore) return { dataset, distribution, table: distribution.datastore.table };
  }
  return null;
}

export interface DatastoreQuery {
  /** Column → value (or values, any of which matches), ANDed. */
  filters: Record<string, string | number | boolean | null | (string | number | boolean | null)[]>;
  /** Text anywhere in the row (case-insensitive). */
  q: string | null;
  limit: number;
  offset: number;
  sort: { column: string; descending: boolean }[];
  fields: string[];
}

/** A value a column of this type can hold, checked before the query so a wrong one is the caller's error. */
const FITS: Record<ColumnType, (value: string | number | boolean) => boolean> = {
  text: () => true,
  integer: (v) => /^-?\d{1,18}$/.test(String(v)),
  number: (v) => String(v).trim() !== '' && Number.isFinite(Number(v)),
  boolean: (v) => ['true', 'false'].includes(String(v)),
  date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(String(v)) && Number.isFinite(Date.parse(String(v))),
  timestamp: (v) => Number.isFinite(Date.parse(String(v))),
  geometry: () => false,
};

/** A caller's mistake in a datastore query (an unknown column, a value its column cannot hold). */
export class InvalidDatastoreQuery extends Error {
  constructor(
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${where}: ${problem}`);
  }
}

/**
 * Reads a datastore table. Every column named by the caller (filters, sort, fields) must be one of the
 * dataset's own: they are checked against its schema, then written as quoted identifiers, and every value
 * is a bound parameter, so nothing a caller sends becomes SQL.
 */
export async function searchDatastore(
  db: Db,
  table: string,
  columns: readonly CatalogueColumn[],
  query: DatastoreQuery,
) {
  const known = new Map(columns.map((c) => [c.name, c]));
  const check = (where: string, names: string[]) => {
    const unknown = names.filter((n) => !known.has(n));
    if (unknown.length)
      throw new InvalidDatastoreQuery(where, `no such field ${unknown.map((c) => `"${c}"`).join(', ')}`);
  };
  check('filters', Object.keys(query.filters));
  check(
    'sort',
    query.sort.map((s) => s.column),
  );
  check('fields', query.fields);
  for (const [name, wanted] of Object.entries(query.filters)) {
    const type = known.get(name)!.type;
    const wrong = [wanted].flat().filter((v) => v !== null && !FITS[type](v));
    if (wrong.length)
      throw new InvalidDatastoreQuery('filters', `"${name}" (${type}) cannot be ${JSON.stringify(wrong[0])}`);
  }
  const source = sql`datastore.${sql.id(table)}`;
  const conditions = Object.entries(query.filters).map(([name, wanted]) => {
    const type = SQL_TYPES[known.get(name)!.type];
    const values = [wanted].flat();
    const column = sql`${sql.id(name)}`;
    const alternatives = values.map((v) =>
      v === null ? sql`${column} is null` : sql`${column} = cast(${String(v)} as ${sql.raw(type)})`,
    );
    return sql`(${sql.join(alternatives, sql` or `)})`;
  });
  if (query.q) {
    const everything = sql.join(
      columns.map((c) => sql`coalesce(${sql.id(c.name)}::text, '')`),
      sql` || ' ' || `,
    );
    conditions.push(sql`strpos(lower(${everything}), lower(${query.q})) > 0`);
  }
  const where = conditions.length ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;
  const chosen = query.fields.length ? query.fields : columns.map((c) => c.name);
  const order = [
    ...query.sort.map((s) => sql`${sql.id(s.column)} ${sql.raw(s.descending ? 'desc' : 'asc')} nulls last`),
    sql`_row_key`,
  ];
  const [records, total] = await Promise.all([
    sql<Record<string, unknown>>`
      select ${sql.join(chosen.map((name) => sql.id(name)))} from ${source} ${where}
      order by ${sql.join(order)} limit ${query.limit} offset ${query.offset}`.execute(db),
    sql<{ total: string }>`select count(*) as total from ${source} ${where}`.execute(db),
  ]);
  return {
    fields: chosen.map((name) => ({ id: name, type: known.get(name)!.type })),
    records: records.rows,
    total: Number(total.rows[0]?.total ?? 0),
  };
}
