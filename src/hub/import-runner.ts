import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Clock } from '../lib/clock.ts';
import { csvForExcel } from '../lib/csv.ts';
import { type BatchOutcome, type CaseHistoryDeps, CategoryMapper, writeHistoricalCases } from './case-history.ts';
import {
  createDatastoreTable,
  datastoreTable,
  inferColumns,
  type PreparedReferenceRows,
  prepareReferenceRows,
  ROWS_FOR_TYPES,
  writeReferenceRows,
} from './datastore.ts';
import { badFile, datasetNotFound, missingColumns, unknownTemplate } from './hub.errors.ts';
import type { DatasetColumn } from './hub.tables.ts';
import { openFile, type SourceRow } from './readers.ts';
import { CASE_HISTORY_TEMPLATES, type CaseHistoryMapping } from './templates.ts';

export interface ImportDeps extends CaseHistoryDeps {
  clock: Clock;
}

/** What to import and where: a case-history source (a template or a saved mapping), or reference data. */
export type ImportTarget =
  | { kind: 'case_history'; source: string }
  | {
      kind: 'reference';
      dataset: { slug: string; titleZh: string; titleEn: string; description?: string; licence?: string };
      /** The column holding each row's own id; without one, a row is known by its content. */
      keyColumn?: string;
    };

export interface ImportOptions {
  path: string;
  target: ImportTarget;
  userId: string;
  /** Rows per transaction: a crash loses at most the batch in flight, and a resumed import starts after the last one. */
  batchSize?: number;
  headerRows?: number;
  onProgress?(progress: { rows: number; bytes: number; totalBytes: number }): void;
  /** The file's name as its sender called it (an upload is stored under another). */
  fileName?: string;
  /** Told the import's id once the file is known to be readable and the import is under way. */
  onStarted?(importId: string): void;
}

export interface ImportSummary {
  importId: string;
  dataset: string;
  format: string;
  encoding: string | null;
  /** The row a resumed import started after (0 for a fresh one). */
  resumedAfterRow: number;
  read: number;
  imported: number;
  unchanged: number;
  unplaced: number;
  unplacedByReason: Record<string, number>;
  rejected: number;
  rejectedByReason: Record<string, number>;
}

/** The import's unplaced counts by reason, with a batch's added (in SQL, so the row lock orders them). */
function addCounts(batch: Record<string, number>) {
  return sql<string>`(
    select coalesce(jsonb_object_agg(key, total), '{}'::jsonb)::text from (
      select key, sum(value::int) as total from (
        select * from jsonb_each_text(dataset_imports.unplaced_reasons)
        union all select * from jsonb_each_text(${JSON.stringify(batch)}::jsonb)
      ) as counts group by key
    ) as sums)::jsonb`;
}

const DEFAULT_BATCH = 1000;

export async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A case-history mapping by its key: a shipped template, or one saved in `import_sources`. */
export async function caseHistoryMapping(db: Db, key: string): Promise<CaseHistoryMapping> {
  const shipped = CASE_HISTORY_TEMPLATES[key];
  if (shipped) return shipped;
  const saved = await db.selectFrom('import_sources').select('mapping').where('key', '=', key).executeTakeFirst();
  if (saved) return saved.mapping as CaseHistoryMapping;
  const others = await db.selectFrom('import_sources').select('key').execute();
  throw unknownTemplate(key, [...Object.keys(CASE_HISTORY_TEMPLATES), ...others.map((o) => o.key)]);
}

/**
 * Imports a file, streaming it in batches; each batch commits its rows, its rejections and the import's
 * position together, so after a crash the same command resumes after the last committed batch and ends
 * where an uninterrupted run would. Re-importing a file already imported changes nothing (rows are keyed
 * on the source's own id).
 */
export async function runImport(deps: ImportDeps, options: ImportOptions): Promise<ImportSummary> {
  const info = await stat(options.path).catch(() => {
    throw badFile(`there is no file ${options.path}`);
  });
  if (!info.isFile()) throw badFile(`${options.path} is not a file`);
  const digest = await fileDigest(options.path);
  const opened = await openFile(options.path, { headerRows: options.headerRows });
  const mapping =
    options.target.kind === 'case_history' ? await caseHistoryMapping(deps.db, options.target.source) : null;
  const sourceKey = options.target.kind === 'case_history' ? options.target.source : options.target.dataset.slug;
  const timeZone = mapping?.timeZone ?? deps.cityTimeZone;
  const now = deps.clock.now();

  const rows = opened.rows[Symbol.asyncIterator]();
  // Reference data without a schema yet: its types are read off the first rows, which are then imported.
  const buffered: SourceRow[] = [];
  // A file that is not the source's is refused before anything is made for it.
  if (mapping) {
    const next = await rows.next();
    if (!next.done) buffered.push(next.value);
    checkColumns(mapping, buffered);
  }
  const dataset = await ensureDataset(deps.db, options.target, mapping, now, async () => {
    while (buffered.length < ROWS_FOR_TYPES) {
      const next = await rows.next();
      if (next.done) break;
      buffered.push(next.value);
    }
    return inferColumns(buffered, timeZone);
  });

  const keyColumn = options.target.kind === 'reference' ? (options.target.keyColumn ?? null) : null;
  if (keyColumn && !dataset.columns.some((c) => c.name === keyColumn)) throw missingColumns([keyColumn]);
  if (dataset.kind === 'reference') await createDatastoreTable(deps.db, dataset.slug, dataset.columns);

  const run = await claimImport(deps.db, {
    datasetId: dataset.id,
    sourceKey,
    fileName: options.fileName ?? basename(options.path),
    digest,
    bytes: info.size,
    format: opened.format,
    encoding: opened.encoding,
    userId: options.userId,
    now,
  });
  const categories = mapping ? new CategoryMapper(sourceKey, mapping) : null;
  options.onStarted?.(run.id);

  let position = run.committedRow;
  let read = 0;
  const reference = { slug: dataset.slug, columns: dataset.columns, keyColumn, timeZone, importId: run.id };
  const writeBatch = async (batch: SourceRow[], prepared: PreparedReferenceRows | null) => {
    const last = batch.at(-1)?.rowNumber ?? position;
    await deps.db.transaction().execute(async (trx) => {
      const outcome: BatchOutcome =
        mapping && categories
          ? await writeHistoricalCases(
              trx,
              deps,
              { sourceKey, mapping, categories, importId: run.id, userId: options.userId, now },
              batch,
            )
          : await writeReferenceRows(trx, reference, prepared ?? prepareReferenceRows(reference, batch));
      if (outcome.rejected.length) {
        await trx
          .insertInto('import_rejections')
          .values(
            outcome.rejected.map((r) => ({
              import_id: run.id,
              row_number: r.rowNumber,
              column_name: r.column,
              reason: r.reason,
              value: r.value?.slice(0, 500) ?? null,
            })),
          )
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      // Moves only from where this run found it: a second run of the same import cannot interleave.
      const moved = await trx
        .updateTable('dataset_imports')
        .set((eb) => ({
          committed_row: last,
          rows_read: eb('rows_read', '+', batch.length),
          rows_imported: eb('rows_imported', '+', outcome.imported),
          rows_unchanged: eb('rows_unchanged', '+', outcome.unchanged),
          rows_unplaced: eb('rows_unplaced', '+', outcome.unplaced),
          unplaced_reasons: addCounts(outcome.unplacedByReason ?? {}),
          rows_rejected: eb('rows_rejected', '+', new Set(outcome.rejected.map((r) => r.rowNumber)).size),
        }))
        .where('id', '=', run.id)
        .where('committed_row', '=', position)
        .where('status', '=', 'running')
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) throw badFile('another run of this import is in progress');
    });
    position = last;
  };

  // One batch is written while the next is read and typed: the file and the database work at once.
  let writing: Promise<void> | null = null;
  const submit = async (batch: SourceRow[]) => {
    const prepared = mapping ? null : prepareReferenceRows(reference, batch);
    if (writing) await writing;
    writing = writeBatch(batch, prepared);
    writing.catch(() => {}); // awaited (and thrown) at the next submit or at the end
  };
  try {
    let batch: SourceRow[] = [];
    const size = options.batchSize ?? DEFAULT_BATCH;
    const all = (async function* () {
      yield* buffered;
      for (let next = await rows.next(); !next.done; next = await rows.next()) yield next.value;
    })();
    for await (const row of all) {
      read++;
      if (row.rowNumber <= run.committedRow) continue; // committed by the run that crashed
      batch.push(row);
      if (batch.length >= size) {
        await submit(batch);
        batch = [];
        options.onProgress?.({ rows: read, bytes: opened.bytesRead(), totalBytes: info.size });
      }
    }
    if (batch.length) await submit(batch);
    if (writing) await writing;
    options.onProgress?.({ rows: read, bytes: info.size, totalBytes: info.size });
  } catch (error) {
    // A file that cannot be read on is a failed import; a crash leaves it running, to be resumed.
    await deps.db
      .updateTable('dataset_imports')
      .set({
        status: 'failed',
        error: error instanceof Error ? error.message : String(error),
        finished_at: deps.clock.now(),
      })
      .where('id', '=', run.id)
      .where('status', '=', 'running')
      .execute();
    throw error;
  }
  return finishImport(deps, run.id, dataset, run.committedRow);
}

function checkColumns(mapping: CaseHistoryMapping, first: readonly SourceRow[]) {
  const row = first[0];
  if (!row) return;
  const { columns } = mapping;
  const needed = [columns.id, columns.createdAt, ...columns.title];
  const missing = needed.filter((c) => !(c in row.values));
  if (missing.length) throw missingColumns(missing);
}

interface CatalogueEntry {
  id: string;
  slug: string;
  kind: 'case_history' | 'reference' | 'platform';
  columns: DatasetColumn[];
}

async function ensureDataset(
  db: Db,
  target: ImportTarget,
  mapping: CaseHistoryMapping | null,
  now: Date,
  inferred: () => Promise<DatasetColumn[]>,
): Promise<CatalogueEntry> {
  const slug = mapping ? mapping.dataset.slug : target.kind === 'reference' ? target.dataset.slug : '';
  const found = await db
    .selectFrom('datasets')
    .select(['id', 'slug', 'kind', 'columns'])
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (found?.columns.length) return found;
  if (found && found.kind === 'reference') {
    const columns = await inferred();
    await db
      .updateTable('datasets')
      .set({ columns: JSON.stringify(columns) })
      .where('id', '=', found.id)
      .execute();
    return { ...found, columns };
  }
  if (found) return found;
  if (!/^[a-z0-9][a-z0-9_-]{1,99}$/.test(slug))
    throw badFile(`"${slug}" is not a dataset name (lower-case letters, digits, - and _)`);
  const columns: DatasetColumn[] = mapping ? caseHistoryColumns() : await inferred();
  const base = mapping
    ? {
        kind: 'case_history' as const,
        title_zh: mapping.dataset.titleZh,
        title_en: mapping.dataset.titleEn,
        description: mapping.dataset.description,
        licence: mapping.dataset.licence,
        spatial_coverage: mapping.dataset.coverage,
        // Historical cases hold what residents wrote: personal data until masked and reviewed.
        personal: 'personal' as const,
        level: 'important' as const,
      }
    : {
        kind: 'reference' as const,
        title_zh: target.kind === 'reference' ? target.dataset.titleZh : slug,
        title_en: target.kind === 'reference' ? target.dataset.titleEn : slug,
        description: target.kind === 'reference' ? (target.dataset.description ?? '') : '',
        licence: target.kind === 'reference' ? (target.dataset.licence ?? '') : '',
      };
  const created = await db
    .insertInto('datasets')
    .values({
      ...base,
      slug,
      columns: JSON.stringify(columns),
      owner_body_id: null,
      temporal_start: null,
      temporal_end: null,
      quality: null,
      created_at: now,
      modified_at: now,
    })
    .onConflict((oc) => oc.column('slug').doNothing())
    .returning(['id', 'slug', 'kind', 'columns'])
    .executeTakeFirst();
  if (created) return created;
  const raced = await db
    .selectFrom('datasets')
    .select(['id', 'slug', 'kind', 'columns'])
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (!raced) throw datasetNotFound(slug);
  return raced;
}

/** What an imported historical case is, column by column, for the catalogue. */
function caseHistoryColumns(): DatasetColumn[] {
  return [
    { name: 'case_number', type: 'text', description: 'Case number given on import' },
    { name: 'category', type: 'text', description: 'Category, mapped from the source’s own' },
    { name: 'title', type: 'text', personal: 'personal', description: 'Title (personal data masked)' },
    { name: 'created_at', type: 'timestamp' },
    { name: 'closed_at', type: 'timestamp' },
    { name: 'status', type: 'text' },
    { name: 'grid_code', type: 'text', description: 'The grid area the point lies in' },
    { name: 'longitude', type: 'number', unit: '°' },
    { name: 'latitude', type: 'number', unit: '°' },
  ];
}

async function claimImport(
  db: Db,
  run: {
    datasetId: string;
    sourceKey: string;
    fileName: string;
    digest: string;
    bytes: number;
    format: string;
    encoding: string | null;
    userId: string;
    now: Date;
  },
): Promise<{ id: string; committedRow: number }> {
  const unfinished = () =>
    db
      .selectFrom('dataset_imports')
      .select(['id', 'committed_row'])
      .where('dataset_id', '=', run.datasetId)
      .where('file_sha256', '=', run.digest)
      .where('status', '=', 'running')
      .executeTakeFirst();
  const resumed = await unfinished();
  if (resumed) return { id: resumed.id, committedRow: Number(resumed.committed_row) };
  const created = await db
    .insertInto('dataset_imports')
    .values({
      dataset_id: run.datasetId,
      source_key: run.sourceKey,
      file_name: run.fileName,
      file_sha256: run.digest,
      file_bytes: run.bytes,
      format: run.format,
      encoding: run.encoding,
      status: 'running',
      error: null,
      started_by_user_id: run.userId,
      started_at: run.now,
      finished_at: null,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  if (created) return { id: created.id, committedRow: 0 };
  const other = await unfinished();
  if (!other) throw badFile('the import could not be started; try again');
  return { id: other.id, committedRow: Number(other.committed_row) };
}

/** Ends the import, and records a new version of the dataset (its lineage) when it changed anything. */
async function finishImport(
  deps: ImportDeps,
  importId: string,
  dataset: CatalogueEntry,
  resumedAfterRow: number,
): Promise<ImportSummary> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const run = await trx
      .updateTable('dataset_imports')
      .set({ status: 'completed', finished_at: now })
      .where('id', '=', importId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const coverage =
      dataset.kind === 'case_history'
        ? await trx
            .selectFrom('case_sources')
            .innerJoin('cases', 'cases.id', 'case_sources.case_id')
            .select((eb) => [
              eb.fn.countAll<string>().as('rows'),
              eb.fn.min('cases.created_at').as('start'),
              eb.fn.max('cases.created_at').as('end'),
            ])
            .where('case_sources.source_key', '=', run.source_key)
            .executeTakeFirstOrThrow()
        : await sql<{ rows: string; start: null; end: null }>`
            select count(*) as rows, null as start, null as "end" from datastore.${sql.id(datastoreTable(dataset.slug))}`
            .execute(trx)
            .then((r) => r.rows[0] as { rows: string; start: null; end: null });
    const changed = Number(run.rows_imported);
    if (changed > 0) {
      const last = await trx
        .selectFrom('dataset_versions')
        .select((eb) => eb.fn.max('version').as('version'))
        .where('dataset_id', '=', dataset.id)
        .executeTakeFirst();
      await trx
        .insertInto('dataset_versions')
        .values({
          dataset_id: dataset.id,
          version: (last?.version ?? 0) + 1,
          import_id: importId,
          made_by: `import of ${run.file_name}`,
          row_count: Number(coverage.rows),
          rows_changed: changed,
          created_at: now,
        })
        .execute();
      await trx
        .updateTable('datasets')
        .set({
          row_count: Number(coverage.rows),
          modified_at: now,
          temporal_start: coverage.start ? new Date(coverage.start) : null,
          temporal_end: coverage.end ? new Date(coverage.end) : null,
        })
        .where('id', '=', dataset.id)
        .execute();
    }
    return {
      importId,
      dataset: dataset.slug,
      format: run.format,
      encoding: run.encoding,
      resumedAfterRow,
      read: Number(run.rows_read),
      imported: changed,
      unchanged: Number(run.rows_unchanged),
      unplaced: Number(run.rows_unplaced),
      unplacedByReason: run.unplaced_reasons,
      rejected: Number(run.rows_rejected),
      rejectedByReason: await rejectedByReason(trx, importId),
    };
  });
}

/** An import's rejected rows counted by reason (a row rejected for two columns counts once per reason). */
export async function rejectedByReason(db: Db, importId: string): Promise<Record<string, number>> {
  const reasons = await db
    .selectFrom('import_rejections')
    .select(['reason', (eb) => eb.fn.count<number>('row_number').distinct().as('rows')])
    .where('import_id', '=', importId)
    .groupBy('reason')
    .execute();
  return Object.fromEntries(reasons.map((r) => [r.reason, Number(r.rows)]));
}

/** The rejected rows of an import as CSV: row number, column, reason and the value, in file order. */
export async function rejectionsCsv(db: Db, importId: string): Promise<string> {
  const rows = await db
    .selectFrom('import_rejections')
    .select(['row_number', 'column_name', 'reason', 'value'])
    .where('import_id', '=', importId)
    .orderBy('row_number')
    .execute();
  return csvForExcel([
    ['row', 'column', 'reason', 'value'],
    ...rows.map((r) => [Number(r.row_number), r.column_name, r.reason, r.value]),
  ]);
}
