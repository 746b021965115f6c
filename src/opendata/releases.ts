import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Actor } from '../organizations/index.ts';
import { authorize } from '../policy/policy.ts';
import { centroidOf, PointCoarsener } from './coarsening.ts';
import { cryptoRandom, laplace, type RandomSource, twoSidedGeometric } from './noise.ts';
import { badPeriod, noAreas, releaseNotFound, tableTooLarge } from './opendata.errors.ts';
import type {
  DimensionMember,
  Mechanism,
  ReleaseArea,
  ReleaseAreaLevel,
  ReleaseDimensions,
} from './opendata.tables.ts';
import { MICRO, spendBudget, toMicroepsilon } from './privacy-budget.ts';
import { DEFAULT_THRESHOLD, suppressTable } from './suppression.ts';

/** The only dataset releases count, for now: the city's cases. Imported datasets get budgets of their own. */
export const CASES_DATASET = 'cases';

/**
 * The largest table (interior cells) a release may have. The hypercube search runs in the request, and
 * its time grows with the square of the cells (each small cell tries every hypercube through it): on the
 * 2-core development machine, 20 categories × 9 districts × 12 months (2,160 cells) suppress in 0.27 s,
 * 3,840 cells in 0.9 s and 9,600 in 3.3 s. 4,000 cells is the most a request may hold the server for; a
 * larger table is refused, to be asked for by a shorter period or coarser areas.
 */
export const MAX_RELEASE_CELLS = 4_000;

/** Laplace noise gives real counts: published to one decimal, and suppressed on the same grid of tenths. */
const LAPLACE_DECIMALS = 10;

export interface ReleaseRequest {
  title: string;
  areaLevel: ReleaseAreaLevel;
  /** Months, YYYY-MM, both included. */
  from: string;
  to: string;
  threshold?: number;
  protectionMargin?: number;
  /** With ε, the counts get differentially private noise and ε is spent from the cases' budget. */
  epsilon?: number;
  mechanism?: Mechanism;
}

export interface ReleaseSummary {
  id: string;
  dataset: string;
  title: string;
  areaLevel: ReleaseAreaLevel;
  from: string;
  to: string;
  threshold: number;
  protectionMargin: number;
  mechanism: Mechanism | null;
  epsilon: number | null;
  categories: number;
  areas: number;
  periods: number;
  suppressedCells: number;
  publishedAt: Date;
}

export interface Release extends ReleaseSummary {
  dimensions: ReleaseDimensions;
  /** The extended table (each dimension ends with its total), row-major; null where suppressed. */
  cells: (number | null)[];
}

export interface ReleaseDeps {
  db: Db;
  timeZone: string;
  /** The operating system's generator in production; tests give a seeded one. */
  random?: RandomSource;
}

/** The months from `from` to `to`, both included; null if that is not a period of 1 to 36 months. */
function monthsBetween(from: string, to: string): string[] | null {
  const [fy, fm] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  const count = (ty! - fy!) * 12 + (tm! - fm!) + 1;
  if (!(count >= 1 && count <= 36)) return null;
  return Array.from({ length: count }, (_, i) => {
    const month = fm! - 1 + i;
    return `${fy! + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
  });
}

/**
 * Counts the cases by top-level category × area × month (of reporting, in the city's time zone), adds
 * noise if asked (spending ε), suppresses small cells with their complements, and stores the result as
 * published. Merged duplicates and cancelled cases are not counted, nor the cases of reporters who
 * withdrew their consent to anonymised statistics and open data; nor cases outside every area of the
 * level (or, for unit cells, without a point in a cut cell).
 */
export async function publishRelease(
  deps: ReleaseDeps,
  actor: Actor,
  request: ReleaseRequest,
  now: Date,
): Promise<ReleaseSummary> {
  authorize(actor, 'opendata.publish');
  const periods = monthsBetween(request.from, request.to);
  if (!periods) throw badPeriod(request.from, request.to);
  const threshold = request.threshold ?? DEFAULT_THRESHOLD;
  const protectionMargin = request.protectionMargin ?? threshold;
  const mechanism = request.epsilon === undefined ? null : (request.mechanism ?? 'geometric');

  return deps.db.transaction().execute(async (trx) => {
    const { categories, categoryOf } = await topCategories(trx);
    const cases = await countedCases(trx, deps.timeZone, request.from, request.to);
    const { areas, areaOf } = await releaseAreas(trx, request.areaLevel, cases);
    const shape = [categories.length, areas.length, periods.length];
    const size = shape.reduce((a, b) => a * b, 1);
    if (size > MAX_RELEASE_CELLS) throw tableTooLarge(size, MAX_RELEASE_CELLS);
    const counts = new Array<number>(size).fill(0);
    const periodIndex = new Map(periods.map((p, i) => [p, i]));
    for (const c of cases) {
      const category = categoryOf.get(c.category_id);
      const area = areaOf(c);
      const period = periodIndex.get(c.month);
      if (category === undefined || area === undefined || period === undefined) continue;
      counts[(category * areas.length + area) * periods.length + period]!++;
    }

    // Noise in every interior cell (each case is in one: sensitivity 1), then clamped at 0: post-processing.
    const random = deps.random ?? cryptoRandom;
    const scale = mechanism === 'laplace' ? LAPLACE_DECIMALS : 1;
    const noisy = counts.map((count) => {
      if (mechanism === null) return count;
      const noise =
        mechanism === 'geometric' ? twoSidedGeometric(request.epsilon!, random) : laplace(request.epsilon!, random);
      return Math.max(0, Math.round((count + noise) * scale));
    });
    const table = suppressTable(
      { shape, values: noisy },
      { threshold: threshold * scale, protectionMargin: protectionMargin * scale },
    );
    const cells = table.values.map((v, i) => (table.suppressed[i] ? null : v / scale));
    const suppressedCells = table.suppressed.filter(Boolean).length;
    const dimensions: ReleaseDimensions = { categories, areas, periods };

    const row = await trx
      .insertInto('open_data_releases')
      .values({
        dataset: CASES_DATASET,
        title: request.title,
        area_level: request.areaLevel,
        period_from: request.from,
        period_to: request.to,
        threshold,
        protection_margin: protectionMargin,
        mechanism,
        microepsilon: request.epsilon === undefined ? null : toMicroepsilon(request.epsilon),
        dimensions: JSON.stringify(dimensions),
        cells: JSON.stringify(cells),
        suppressed_cells: suppressedCells,
        published_by_user_id: actor.userId,
        published_at: now,
      })
      .returning(['id'])
      .executeTakeFirstOrThrow();
    if (mechanism !== null) {
      await spendBudget(trx, {
        dataset: CASES_DATASET,
        microepsilon: toMicroepsilon(request.epsilon!),
        releaseId: row.id,
        mechanism,
        query: `cases by top-level category × ${request.areaLevel} × month, ${request.from} to ${request.to}`,
        userId: actor.userId,
        at: now,
      });
    }
    return summaryOf({
      id: row.id,
      dataset: CASES_DATASET,
      title: request.title,
      area_level: request.areaLevel,
      period_from: request.from,
      period_to: request.to,
      threshold,
      protection_margin: protectionMargin,
      mechanism,
      microepsilon: request.epsilon === undefined ? null : toMicroepsilon(request.epsilon),
      dimensions,
      suppressed_cells: suppressedCells,
      published_at: now,
    });
  });
}

async function topCategories(db: Db) {
  const rows = await db
    .selectFrom('categories')
    .select(['id', 'code', 'parent_id', 'name_zh', 'name_en'])
    .orderBy('code')
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const top = rows.filter((r) => r.parent_id === null);
  const indexOfTop = new Map(top.map((r, i) => [r.id, i]));
  const categoryOf = new Map<string, number>();
  for (const row of rows) {
    let at = row;
    for (let depth = 0; at.parent_id !== null && depth < 8; depth++) at = byId.get(at.parent_id) ?? at;
    const index = indexOfTop.get(at.id);
    if (index !== undefined) categoryOf.set(row.id, index);
  }
  const categories: DimensionMember[] = top.map((r) => ({ code: r.code, nameZh: r.name_zh, nameEn: r.name_en }));
  return { categories, categoryOf };
}

interface CountedCase {
  category_id: string;
  grid_code: string | null;
  longitude: number | null;
  latitude: number | null;
  month: string;
}

async function countedCases(db: Db, timeZone: string, from: string, to: string): Promise<CountedCase[]> {
  const month = sql<string>`to_char(cases.created_at at time zone ${timeZone}, 'YYYY-MM')`;
  return db
    .selectFrom('cases')
    .leftJoin('persons', 'persons.id', 'cases.reporter_person_id')
    .select(['cases.category_id', 'cases.grid_code', 'cases.longitude', 'cases.latitude', month.as('month')])
    .where('cases.status', 'not in', ['merged', 'cancelled'])
    .where((eb) => eb.or([eb('persons.id', 'is', null), eb('persons.statistics_consent', '=', true)]))
    .where(month, '>=', from)
    .where(month, '<=', to)
    .execute();
}

/**
 * The areas counted by: every district or street (zeros included), or the unit cells that hold a case
 * (a cell absent from the release held none: zeros are published, so leaving them out tells nothing
 * more, and keeps a table over thousands of cells small). Unit cells are found by coarsening each case's
 * point; districts and streets by the case's area code, whose prefix names them.
 */
async function releaseAreas(db: Db, level: ReleaseAreaLevel, cases: CountedCase[]) {
  if (level === 'grid') {
    const coarsener = await PointCoarsener.load(db);
    const cellOf = cases.map((c) =>
      c.longitude === null || c.latitude === null ? null : coarsener.coarsen(c.longitude, c.latitude),
    );
    const used = [...new Set(cellOf.filter((c) => c !== null).map((c) => c.code))].sort();
    if (used.length === 0 && !(await hasLevel(db, 'grid'))) throw noAreas(level);
    const names = used.length
      ? await db.selectFrom('grid_areas').select(['code', 'name_zh', 'name_en']).where('code', 'in', used).execute()
      : [];
    const nameOf = new Map(names.map((n) => [n.code, n]));
    const index = new Map(used.map((code, i) => [code, i]));
    const centroids = new Map(cellOf.filter((c) => c !== null).map((c) => [c.code, c.centroid]));
    const areas: ReleaseArea[] = used.map((code) => ({
      code,
      nameZh: nameOf.get(code)?.name_zh ?? code,
      nameEn: nameOf.get(code)?.name_en ?? code,
      centroid: centroids.get(code)!,
    }));
    const caseIndex = new Map(cases.map((c, i) => [c, i]));
    return {
      areas,
      areaOf: (c: CountedCase) => {
        const cell = cellOf[caseIndex.get(c)!];
        return cell ? index.get(cell.code) : undefined;
      },
    };
  }
  const rows = await db
    .selectFrom('grid_areas')
    .select(['code', 'name_zh', 'name_en', 'geometry'])
    .where('level', '=', level)
    .orderBy('code')
    .execute();
  if (rows.length === 0) throw noAreas(level);
  const areas: ReleaseArea[] = rows.map((r) => ({
    code: r.code,
    nameZh: r.name_zh,
    nameEn: r.name_en,
    centroid: centroidOf(r.geometry),
  }));
  const index = new Map(rows.map((r, i) => [r.code, i]));
  const lengths = [...new Set(rows.map((r) => r.code.length))];
  return {
    areas,
    areaOf: (c: CountedCase) => {
      if (c.grid_code === null) return undefined;
      for (const length of lengths) {
        const found = index.get(c.grid_code.slice(0, length));
        if (found !== undefined) return found;
      }
      return undefined;
    },
  };
}

async function hasLevel(db: Db, level: 'grid'): Promise<boolean> {
  return (
    (await db.selectFrom('grid_areas').select('code').where('level', '=', level).limit(1).executeTakeFirst()) !==
    undefined
  );
}

type ReleaseRow = {
  id: string;
  dataset: string;
  title: string;
  area_level: ReleaseAreaLevel;
  period_from: string;
  period_to: string;
  threshold: number;
  protection_margin: number;
  mechanism: Mechanism | null;
  microepsilon: number | null;
  dimensions: ReleaseDimensions;
  suppressed_cells: number;
  published_at: Date;
};

function summaryOf(row: ReleaseRow): ReleaseSummary {
  return {
    id: row.id,
    dataset: row.dataset,
    title: row.title,
    areaLevel: row.area_level,
    from: row.period_from,
    to: row.period_to,
    threshold: row.threshold,
    protectionMargin: row.protection_margin,
    mechanism: row.mechanism,
    epsilon: row.microepsilon === null ? null : row.microepsilon / MICRO,
    categories: row.dimensions.categories.length,
    areas: row.dimensions.areas.length,
    periods: row.dimensions.periods.length,
    suppressedCells: row.suppressed_cells,
    publishedAt: row.published_at,
  };
}

const SUMMARY_COLUMNS = [
  'id',
  'dataset',
  'title',
  'area_level',
  'period_from',
  'period_to',
  'threshold',
  'protection_margin',
  'mechanism',
  'microepsilon',
  'dimensions',
  'suppressed_cells',
  'published_at',
] as const;

export async function listReleases(db: Db): Promise<ReleaseSummary[]> {
  const rows = await db
    .selectFrom('open_data_releases')
    .select(SUMMARY_COLUMNS)
    .orderBy('published_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(summaryOf);
}

export async function getRelease(db: Db, id: string): Promise<Release> {
  const row = await db
    .selectFrom('open_data_releases')
    .select([...SUMMARY_COLUMNS, 'cells'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw releaseNotFound(id);
  return { ...summaryOf(row), dimensions: row.dimensions, cells: row.cells };
}
