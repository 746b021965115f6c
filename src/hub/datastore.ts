import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Database, Db } from '../db/database.ts';
import type { BatchOutcome, Rejection } from './case-history.ts';
import type { ColumnType, DatasetColumn } from './hub.tables.ts';
import type { CellValue, SourceRow } from './readers.ts';
import { parseInstant, parseNumber, textOf, typedValue } from './values.ts';

/**
 * Reference data (population by area, facilities, weather…) lives in a typed table of its own per dataset,
 * in the `datastore` schema, so it can be joined in SQL like any table (CKAN's DataStore, on the same
 * database). `_row_key` is the source's own id when the dataset names a key column, else a hash of the
 * row, so importing the same file again changes nothing.
 */
/** Each column type's PostgreSQL type in a datastore table (and the cast a value read for it takes). */
export const SQL_TYPES: Record<ColumnType, string> = {
  text: 'text',
  integer: 'bigint',
  number: 'double precision',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamptz',
  geometry: 'jsonb',
};

export function datastoreTable(slug: string): string {
  return slug.replaceAll('-', '_');
}

/** Rows a new reference dataset's column types are read off. */
export const ROWS_FOR_TYPES = 500;
/** A day with no time of day (2026-07-01, 2026/7/1, 2026年7月1日): a date column, not a timestamp. */
const DATE_ONLY = /^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?$/;

/** A column's name as the source writes it, trimmed to what PostgreSQL keeps (63 bytes). */
function columnName(source: string): string {
  let name = source.trim();
  while (Buffer.byteLength(name) > 63) name = name.slice(0, -1);
  return name;
}

/** The narrowest type every sampled value of a column fits: integer, number, timestamp, else text. */
export function inferColumns(sample: readonly SourceRow[], timeZone: string): DatasetColumn[] {
  const names = [...new Set(sample.flatMap((row) => Object.keys(row.values)))].filter((n) => !n.startsWith('__'));
  return names.map((source) => {
    const values = sample.map((r) => r.values[source]).filter((v) => textOf(v) !== null);
    const every = (test: (v: CellValue | undefined) => boolean) => values.length > 0 && values.every(test);
    const type: ColumnType =
      source === 'geometry' && every((v) => typeof v === 'object' && v !== null && !(v instanceof Date))
        ? 'geometry'
        : every((v) => Number.isInteger(parseNumber(typeof v === 'number' ? v : (textOf(v) ?? ''))))
          ? 'integer'
          : every((v) => parseNumber(typeof v === 'number' ? v : (textOf(v) ?? '')) !== undefined)
            ? 'number'
            : every((v) => typeof v === 'string' && DATE_ONLY.test(v.trim()) && parseInstant(v, timeZone) !== undefined)
              ? 'date'
              : every((v) => v instanceof Date || (typeof v === 'string' && parseInstant(v, timeZone) !== undefined))
                ? 'timestamp'
                : 'text';
    return { name: columnName(source), source, type };
  });
}

export async function createDatastoreTable(db: Db, slug: string, columns: readonly DatasetColumn[]): Promise<void> {
  const definitions = columns.map((c) => sql`${sql.id(c.name)} ${sql.raw(SQL_TYPES[c.type])}`);
  await sql`
    create table if not exists datastore.${sql.id(datastoreTable(slug))} (
      _row_key text primary key,
      ${sql.join(definitions)},
      _import_id uuid
    )`.execute(db);
}

/**
 * Writes a batch into the dataset's table: a row whose key is new is inserted, one whose values changed
 * is updated, an identical one is left alone (and counted unchanged); a value that does not fit its
 * column's type rejects the row, with the column and the reason.
 */
export interface ReferenceContext {
  slug: string;
  columns: readonly DatasetColumn[];
  keyColumn: string | null;
  timeZone: string;
  importId: string;
}

/** A batch typed and keyed, ready to write: the CPU half of a batch, done while the last one is written. */
export interface PreparedReferenceRows {
  /** The rows as one JSON array, with `_row_key`. */
  json: string;
  count: number;
  rejected: Rejection[];
}

export function prepareReferenceRows(context: ReferenceContext, rows: readonly SourceRow[]): PreparedReferenceRows {
  const rejected: Rejection[] = [];
  const records = new Map<string, Record<string, unknown>>();
  for (const row of rows) {
    if (typeof row.values.__error === 'string') {
      rejected.push({ rowNumber: row.rowNumber, column: '', reason: row.values.__error, value: null });
      continue;
    }
    const record: Record<string, unknown> = {};
    let skip = false;
    for (const column of context.columns) {
      const typed = typedValue(row.values[column.source ?? column.name], column.type, context.timeZone);
      if (!typed.ok) {
        rejected.push({
          rowNumber: row.rowNumber,
          column: column.source ?? column.name,
          reason: typed.reason,
          value: textOf(row.values[column.source ?? column.name]),
        });
        skip = true;
        break;
      }
      record[column.name] = typed.value;
    }
    if (skip) continue;
    const key = context.keyColumn
      ? String(record[context.keyColumn] ?? '')
      : createHash('sha1').update(JSON.stringify(record)).digest('hex');
    if (!key) {
      rejected.push({
        rowNumber: row.rowNumber,
        column: context.keyColumn ?? '',
        reason: 'no id',
        value: null,
      });
      continue;
    }
    if (records.has(key)) {
      rejected.push({
        rowNumber: row.rowNumber,
        column: context.keyColumn ?? '',
        reason: 'the same id as an earlier row',
        value: key,
      });
      continue;
    }
    records.set(key, record);
  }
  const json = JSON.stringify([...records].map(([key, record]) => ({ ...record, _row_key: key })));
  return { json, count: records.size, rejected };
}

/**
 * Writes a prepared batch into the dataset's table: a row whose key is new is inserted, one whose values
 * changed is updated, an identical one is left alone (and counted unchanged).
 */
export async function writeReferenceRows(
  trx: Transaction<Database>,
  context: ReferenceContext,
  prepared: PreparedReferenceRows,
): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { imported: 0, unchanged: 0, unplaced: 0, rejected: prepared.rejected };
  if (!prepared.count) return outcome;
  const table = sql`datastore.${sql.id(datastoreTable(context.slug))}`;
  const names = context.columns.map((c) => sql.id(c.name));
  // The batch travels as one JSON parameter, typed by json_to_recordset: one statement and one parameter
  // whatever the width, far cheaper than a placeholder per value (and no 65,535-placeholder cap).
  const definitions = [
    sql`_row_key text`,
    ...context.columns.map((c) => sql`${sql.id(c.name)} ${sql.raw(SQL_TYPES[c.type])}`),
  ];
  const changed = await sql<{ _row_key: string }>`
    insert into ${table} (_row_key, ${sql.join(names)}, _import_id)
    select r._row_key, ${sql.join(names.map((n) => sql`r.${n}`))}, ${context.importId}::uuid
    from json_to_recordset(${prepared.json}::json) as r(${sql.join(definitions)})
    on conflict (_row_key) do update
      set ${sql.join(names.map((n) => sql`${n} = excluded.${n}`))}, _import_id = excluded._import_id
      where (${sql.join(names.map((n) => sql`${table}.${n}`))}) is distinct from (${sql.join(names.map((n) => sql`excluded.${n}`))})
    returning _row_key`.execute(trx);
  outcome.imported = changed.rows.length;
  outcome.unchanged = prepared.count - changed.rows.length;
  return outcome;
}
