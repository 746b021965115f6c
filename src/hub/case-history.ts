import type { Transaction } from 'kysely';
import { reserveCaseNumbers, yearIn } from '../cases/case-number.ts';
import type { CaseAction, CaseStatus } from '../cases/lifecycle.ts';
import type { Database, Db } from '../db/database.ts';
import type { Placement } from '../grid/index.ts';
import { type Keyring, maskPersonalData, recordCasePersonalItems } from '../privacy/index.ts';
import type { CellValue, SourceRow } from './readers.ts';
import type { CaseHistoryMapping } from './templates.ts';
import { parseInstant, parseNumber, textOf } from './values.ts';

export interface Rejection {
  rowNumber: number;
  column: string;
  reason: string;
  value: string | null;
}

export interface BatchOutcome {
  imported: number;
  unchanged: number;
  unplaced: number;
  /** Why the unplaced ones are: no point, a 0,0 point, a point outside every area. */
  unplacedByReason?: Record<string, number>;
  rejected: Rejection[];
}

export interface CaseHistoryDeps {
  db: Db;
  keyring: Keyring;
  /** The city's placement of a WGS-84 point (cases outside every area stay unplaced). */
  locateArea(longitude: number, latitude: number): Placement | null;
  /** The city's time zone: case numbers are per year in it. */
  cityTimeZone: string;
}

/** A source record read into what a historical case needs, or the reason it cannot be one. */
interface HistoricalRecord {
  rowNumber: number;
  sourceId: string;
  createdAt: Date;
  closedAt: Date | null;
  categoryValue: string;
  title: string;
  description: string;
  address: string | null;
  point: [number, number] | null;
  /** Why there is no point to place, when there is none. */
  pointProblem: string | null;
}

const TITLE_MAX = 200;

function joined(values: Record<string, CellValue>, columns: readonly string[] | undefined, separator: string) {
  const parts = (columns ?? []).map((c) => textOf(values[c])).filter((t): t is string => t !== null);
  return [...new Set(parts)].join(separator);
}

/** Reads one row through the mapping: a record, a rejection, or null for a status that is skipped. */
export function readHistoricalRow(mapping: CaseHistoryMapping, row: SourceRow): HistoricalRecord | Rejection | null {
  const { columns } = mapping;
  const v = row.values;
  const reject = (column: string, reason: string, value?: CellValue): Rejection => ({
    rowNumber: row.rowNumber,
    column,
    reason,
    value: textOf(value) ?? null,
  });
  if (typeof v.__error === 'string') return reject('', v.__error);
  if (row.extraFields) return reject('', `the row has ${row.extraFields} more fields than the header`);
  const sourceId = textOf(v[columns.id]);
  if (!sourceId) return reject(columns.id, 'no id');
  const status = (columns.status ? textOf(v[columns.status]) : null)?.toLowerCase() ?? null;
  if (status && mapping.skippedStatuses?.includes(status)) return null;
  const createdAt = parseInstant(v[columns.createdAt], mapping.timeZone);
  if (!createdAt) return reject(columns.createdAt, 'not a date or time in a known format', v[columns.createdAt]);
  const closedText = columns.closedAt ? textOf(v[columns.closedAt]) : null;
  const closedAt =
    closedText && columns.closedAt ? (parseInstant(v[columns.closedAt], mapping.timeZone) ?? null) : null;
  if (closedText && !closedAt)
    return reject(columns.closedAt ?? '', 'not a date or time in a known format', closedText);
  const closed = columns.status ? status !== null && mapping.closedStatuses.includes(status) : closedAt !== null;
  if (closed && !closedAt)
    return reject(columns.closedAt ?? columns.status ?? '', 'closed in the source, with no closure time');
  if (closedAt && closedAt < createdAt) {
    return reject(columns.closedAt ?? '', 'closed before it was created', closedText);
  }
  const title = joined(v, columns.title, ' · ');
  if (!title) return reject(columns.title.join(' · '), 'no title');
  const latitude = columns.latitude ? parseNumber(v[columns.latitude]) : undefined;
  const longitude = columns.longitude ? parseNumber(v[columns.longitude]) : undefined;
  const pointProblem =
    latitude === undefined || longitude === undefined
      ? 'no point'
      : latitude === 0 && longitude === 0
        ? 'a 0,0 point'
        : Math.abs(latitude) > 90 || Math.abs(longitude) > 180
          ? 'a point off the globe'
          : null;
  const usable = pointProblem === null;
  return {
    rowNumber: row.rowNumber,
    sourceId,
    createdAt,
    closedAt: closed ? closedAt : null,
    categoryValue: joined(v, columns.category, ' / '),
    title: title.length > TITLE_MAX ? `${title.slice(0, TITLE_MAX - 1)}…` : title,
    description: joined(v, columns.description, '\n') || title,
    address: columns.address ? textOf(v[columns.address]) : null,
    point: usable && longitude !== undefined && latitude !== undefined ? [longitude, latitude] : null,
    pointProblem,
  };
}

/**
 * The categories a source's values map to: the mapping table first; a value seen for the first time is
 * mapped by the template's rules (the first that matches, else the fallback) and the choice saved.
 */
export class CategoryMapper {
  private readonly known = new Map<string, string>();
  private paths: Map<string, string> | null = null;

  constructor(
    private readonly sourceKey: string,
    private readonly mapping: CaseHistoryMapping,
  ) {}

  async categoryFor(trx: Transaction<Database>, value: string, now: Date): Promise<string> {
    const cached = this.known.get(value);
    if (cached) return cached;
    const saved = await trx
      .selectFrom('category_mappings')
      .select('category_id')
      .where('source_key', '=', this.sourceKey)
      .where('source_value', '=', value)
      .executeTakeFirst();
    const categoryId = saved?.category_id ?? (await this.byRules(trx, value));
    if (!saved) {
      await trx
        .insertInto('category_mappings')
        .values({
          source_key: this.sourceKey,
          source_value: value,
          category_id: categoryId,
          decided_by: 'template',
          updated_at: now,
        })
        .onConflict((oc) => oc.columns(['source_key', 'source_value']).doNothing())
        .execute();
    }
    this.known.set(value, categoryId);
    return categoryId;
  }

  private async byRules(trx: Transaction<Database>, value: string): Promise<string> {
    this.paths ??= await leafPaths(trx);
    for (const rule of this.mapping.categoryRules) {
      const pattern = new RegExp(rule.match, 'i');
      if (!pattern.test(value)) continue;
      const id = this.paths.get(value.replace(pattern, rule.category));
      if (id) return id;
      const direct = this.paths.get(rule.category);
      if (direct) return direct;
    }
    const fallback = this.paths.get(this.mapping.fallbackCategory);
    if (!fallback) throw new Error(`The city's taxonomy has no category ${this.mapping.fallbackCategory}`);
    return fallback;
  }
}

/** Every leaf category by its path of Chinese names ("环境保护/环境污染/噪音污染"). */
async function leafPaths(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom('categories').select(['id', 'parent_id', 'name_zh']).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const parents = new Set(rows.map((r) => r.parent_id));
  const paths = new Map<string, string>();
  for (const row of rows) {
    if (parents.has(row.id)) continue;
    const names: string[] = [];
    for (let at: typeof row | undefined = row; at; at = at.parent_id ? byId.get(at.parent_id) : undefined) {
      names.unshift(at.name_zh);
    }
    paths.set(names.join('/'), row.id);
  }
  return paths;
}

/**
 * Writes a batch of source rows as historical cases, in the caller's transaction: cases with their own
 * times, a report event and, for those the source closed, a `record_closure` event at its closure time.
 * A record already imported (same source and id) is left as it is, unless the source has since closed
 * it, which records that closure. Points are placed on the grid; missing, 0,0 and outside-the-city
 * points are counted as unplaced.
 */
export async function writeHistoricalCases(
  trx: Transaction<Database>,
  deps: CaseHistoryDeps,
  context: {
    sourceKey: string;
    mapping: CaseHistoryMapping;
    categories: CategoryMapper;
    importId: string;
    userId: string;
    now: Date;
  },
  rows: readonly SourceRow[],
): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { imported: 0, unchanged: 0, unplaced: 0, rejected: [] };
  const records: HistoricalRecord[] = [];
  const firstRowOf = new Map<string, number>();
  for (const row of rows) {
    const read = readHistoricalRow(context.mapping, row);
    if (read === null) continue;
    if ('reason' in read) {
      outcome.rejected.push(read);
      continue;
    }
    const earlier = firstRowOf.get(read.sourceId);
    if (earlier !== undefined) {
      outcome.rejected.push({
        rowNumber: read.rowNumber,
        column: context.mapping.columns.id,
        reason: `the same id as row ${earlier}`,
        value: read.sourceId,
      });
      continue;
    }
    firstRowOf.set(read.sourceId, read.rowNumber);
    records.push(read);
  }
  if (!records.length) return outcome;

  const existing = await trx
    .selectFrom('case_sources')
    .innerJoin('cases', 'cases.id', 'case_sources.case_id')
    .select(['case_sources.source_id', 'cases.id', 'cases.status', 'cases.event_count'])
    .where('case_sources.source_key', '=', context.sourceKey)
    .where(
      'case_sources.source_id',
      'in',
      records.map((r) => r.sourceId),
    )
    .execute();
  const already = new Map(existing.map((e) => [e.source_id, e]));
  // An id imported by an earlier run of this same file (a resumed import) is also "already there".
  const fresh: HistoricalRecord[] = [];
  for (const record of records) {
    const found = already.get(record.sourceId);
    if (!found) {
      fresh.push(record);
      continue;
    }
    if (record.closedAt && found.status !== 'closed' && found.status !== 'cancelled' && found.status !== 'merged') {
      await recordClosure(trx, found, record.closedAt, context.userId);
      outcome.imported++;
    } else {
      outcome.unchanged++;
    }
  }
  if (!fresh.length) return outcome;

  const numbers = await caseNumbersFor(
    trx,
    fresh.map((r) => yearIn(deps.cityTimeZone, r.createdAt)),
  );
  const values = [];
  const personal: { index: number; found: ReturnType<typeof maskPersonalData>['found'] }[] = [];
  for (const [i, record] of fresh.entries()) {
    const placement = record.point ? deps.locateArea(record.point[0], record.point[1]) : null;
    if (!placement) {
      outcome.unplaced++;
      const reason = record.pointProblem ?? 'a point outside every area';
      outcome.unplacedByReason ??= {};
      outcome.unplacedByReason[reason] = (outcome.unplacedByReason[reason] ?? 0) + 1;
    }
    const title = maskPersonalData(record.title);
    const description = maskPersonalData(record.description);
    const found = [...title.found, ...description.found];
    if (found.length) personal.push({ index: i, found });
    values.push({
      case_number: numbers[i] as string,
      title: title.masked,
      description: description.masked,
      category_id: await context.categories.categoryFor(trx, record.categoryValue, context.now),
      longitude: record.point?.[0] ?? null,
      latitude: record.point?.[1] ?? null,
      address: record.address ? maskPersonalData(record.address).masked : null,
      grid_code: placement?.code ?? null,
      outside_jurisdiction: record.point !== null && placement === null,
      placement_snapped_metres: placement?.snappedMetres ?? null,
      channel: 'import' as const,
      priority: 'normal' as const,
      status: record.closedAt ? ('closed' as const) : ('reported' as const),
      assigned_body_id: null,
      reporter_person_id: null,
      reported_by_user_id: context.userId,
      event_count: record.closedAt ? 2 : 1,
      created_at: record.createdAt,
      updated_at: record.closedAt ?? record.createdAt,
      closed_at: record.closedAt,
    });
  }
  const created = await trx.insertInto('cases').values(values).returning('id').execute();
  const events = fresh.flatMap((record, i) => {
    const caseId = created[i]?.id as string;
    const report = {
      case_id: caseId,
      seq: 1,
      action: 'report' as CaseAction,
      from_status: null as CaseStatus | null,
      to_status: 'reported' as CaseStatus,
      actor_user_id: context.userId,
      actor_role: 'admin',
      note: null,
      details: JSON.stringify({ source: context.sourceKey, sourceId: record.sourceId }),
      created_at: record.createdAt,
    };
    if (!record.closedAt) return [report];
    return [
      report,
      {
        ...report,
        seq: 2,
        action: 'record_closure' as CaseAction,
        from_status: 'reported' as CaseStatus,
        to_status: 'closed' as CaseStatus,
        details: '{}',
        created_at: record.closedAt,
      },
    ];
  });
  await trx.insertInto('case_events').values(events).execute();
  await trx
    .insertInto('case_sources')
    .values(
      fresh.map((r, i) => ({
        case_id: created[i]?.id as string,
        source_key: context.sourceKey,
        source_id: r.sourceId,
        import_id: context.importId,
      })),
    )
    .execute();
  for (const { index, found } of personal) {
    await recordCasePersonalItems(trx, deps.keyring, created[index]?.id as string, found);
  }
  outcome.imported += fresh.length;
  return outcome;
}

async function recordClosure(
  trx: Transaction<Database>,
  found: { id: string; status: CaseStatus; event_count: number },
  closedAt: Date,
  userId: string,
) {
  await trx
    .insertInto('case_events')
    .values({
      case_id: found.id,
      seq: found.event_count + 1,
      action: 'record_closure',
      from_status: found.status,
      to_status: 'closed',
      actor_user_id: userId,
      actor_role: 'admin',
      note: null,
      details: '{}',
      created_at: closedAt,
    })
    .execute();
  await trx
    .updateTable('cases')
    .set({ status: 'closed', closed_at: closedAt, updated_at: closedAt, event_count: found.event_count + 1 })
    .where('id', '=', found.id)
    .where('event_count', '=', found.event_count)
    .execute();
}

/** Case numbers for a batch, in its order: one counter step per year rather than one per case. */
async function caseNumbersFor(trx: Transaction<Database>, years: readonly number[]): Promise<string[]> {
  const counts = new Map<number, number>();
  for (const year of years) counts.set(year, (counts.get(year) ?? 0) + 1);
  const reserved = new Map<number, string[]>();
  for (const [year, count] of counts) reserved.set(year, await reserveCaseNumbers(trx, year, count));
  return years.map((year) => reserved.get(year)?.shift() as string);
}
