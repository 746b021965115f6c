import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Clock } from '../lib/clock.ts';
import { datastoreTable } from './datastore.ts';
import { datasetNotFound } from './hub.errors.ts';
import type { DatasetQuality } from './hub.tables.ts';

/** Above this many rows, uniqueness is read off a sample (counting distinct values sorts every column). */
const EXACT_UNIQUENESS_ROWS = 100_000;
const SAMPLE_ROWS = 10_000;

const share = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 1);

/**
 * Measures a dataset's quality and keeps it in the catalogue: per column, completeness (the share of rows
 * with a value), validity (the share of the last import's rows not rejected for that column) and
 * uniqueness (distinct values over values present); for the dataset, timeliness (days from its newest
 * record to the measurement) and, for case histories, the share of cases placed on the grid. Analyses read
 * these to say when a conclusion rests on thin or skewed data.
 */
export async function measureQuality(db: Db, clock: Clock, slug: string): Promise<DatasetQuality> {
  const dataset = await db
    .selectFrom('datasets')
    .select(['id', 'kind', 'columns', 'temporal_end', 'modified_at'])
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (!dataset) throw datasetNotFound(slug);
  const lastImport = await db
    .selectFrom('dataset_imports')
    .select(['id', 'rows_read', 'rows_rejected'])
    .where('dataset_id', '=', dataset.id)
    .where('status', '=', 'completed')
    .orderBy('finished_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const rejectedByColumn = new Map<string, number>();
  if (lastImport) {
    const rows = await db
      .selectFrom('import_rejections')
      .select(['column_name', (eb) => eb.fn.countAll<number>().as('rows')])
      .where('import_id', '=', lastImport.id)
      .groupBy('column_name')
      .execute();
    for (const row of rows) rejectedByColumn.set(row.column_name, Number(row.rows));
  }
  const read = lastImport?.rows_read ?? 0;
  const now = clock.now();
  const columns: DatasetQuality['columns'] = {};
  let rows = 0;
  let placedShare: number | undefined;

  if (dataset.kind === 'reference') {
    const table = sql`datastore.${sql.id(datastoreTable(slug))}`;
    const total = await sql<{ rows: number }>`select count(*)::int as rows from ${table}`.execute(db);
    rows = total.rows[0]?.rows ?? 0;
    const source = rows > EXACT_UNIQUENESS_ROWS ? sql`(select * from ${table} limit ${SAMPLE_ROWS})` : table;
    const names = dataset.columns.map((c) => c.name);
    if (names.length) {
      const distinct = await sql<Record<string, number>>`
        select count(*)::int as _rows,
          ${sql.join(names.map((n, i) => sql`count(${sql.id(n)})::int as ${sql.id(`p${i}`)}, count(distinct ${sql.id(n)}${dataset.columns[i]?.type === 'geometry' ? sql`::text` : sql``})::int as ${sql.id(`d${i}`)}`))}
        from ${source} as t`.execute(db);
      const present = await sql<Record<string, number>>`
        select ${sql.join(names.map((n, i) => sql`count(${sql.id(n)})::int as ${sql.id(`p${i}`)}`))} from ${table}`.execute(
        db,
      );
      const inSample = distinct.rows[0] ?? {};
      const inTable = present.rows[0] ?? {};
      dataset.columns.forEach((column, i) => {
        columns[column.name] = {
          completeness: share(Number(inTable[`p${i}`] ?? 0), rows),
          validity: share(read - (rejectedByColumn.get(column.source ?? column.name) ?? 0), read),
          uniqueness: share(Number(inSample[`d${i}`] ?? 0), Number(inSample[`p${i}`] ?? 0)),
        };
      });
    }
  } else if (dataset.kind === 'case_history') {
    const sourceKey = await db
      .selectFrom('dataset_imports')
      .select('source_key')
      .where('dataset_id', '=', dataset.id)
      .limit(1)
      .executeTakeFirst();
    const counts = await db
      .selectFrom('case_sources')
      .innerJoin('cases', 'cases.id', 'case_sources.case_id')
      .select((eb) => [
        eb.fn.countAll<number>().as('rows'),
        eb.fn.count<number>('cases.longitude').as('points'),
        eb.fn.count<number>('cases.grid_code').as('placed'),
        eb.fn.count<number>('cases.closed_at').as('closed'),
        eb.fn.count<number>('cases.address').as('addresses'),
      ])
      .where('case_sources.source_key', '=', sourceKey?.source_key ?? '')
      .executeTakeFirstOrThrow();
    rows = Number(counts.rows);
    const valid = share(read - [...rejectedByColumn.values()].reduce((a, b) => a + b, 0), read);
    const column = (present: number) => ({ completeness: share(present, rows), validity: valid, uniqueness: 1 });
    columns.case_number = column(rows);
    columns.created_at = column(rows);
    columns.point = column(Number(counts.points));
    columns.grid_code = column(Number(counts.placed));
    columns.closed_at = column(Number(counts.closed));
    columns.address = column(Number(counts.addresses));
    placedShare = share(Number(counts.placed), rows);
  }
  const newest = dataset.temporal_end ?? dataset.modified_at;
  const quality: DatasetQuality = {
    measuredAt: now.toISOString(),
    rows,
    columns,
    rejectedShare: share(lastImport?.rows_rejected ?? 0, read),
    timelinessDays: Math.max(0, Math.floor((now.getTime() - newest.getTime()) / 86_400_000)),
    ...(placedShare === undefined ? {} : { placedShare }),
  };
  await db
    .updateTable('datasets')
    .set({ quality: JSON.stringify(quality) })
    .where('id', '=', dataset.id)
    .execute();
  return quality;
}
