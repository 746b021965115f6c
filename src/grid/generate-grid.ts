import area from '@turf/area';
import difference from '@turf/difference';
import { featureCollection } from '@turf/helpers';
import { sql, type Transaction } from 'kysely';
import type { Database, Db } from '../db/database.ts';
import { likePrefix } from '../lib/like.ts';
import type { Actor } from '../organizations/index.ts';
import { mayDo } from '../policy/index.ts';
import { markGridChanged } from './areas.ts';
import { cannotHoldCells, cellsAssigned, cellsExist, gridAdminOnly, unknownArea } from './grid.errors.ts';
import type { AreaLevel } from './grid.tables.ts';
import { h3Cells } from './h3-cells.ts';
import { PlacementIndex } from './placement.ts';
import { squareCells } from './square-cells.ts';

/** Unit-grid codes have 15 digits: county (6, GB/T 2260) + street (3) + community (3) + grid (3). */
export const GRID_CODE_LENGTH = 15;
type AreaGeometry = GeoJSON.Polygon | GeoJSON.MultiPolygon;
const INSERT_BATCH = 500;

/** Square cells of a size in metres (万米单元网格: 100), or H3 hexagons of a resolution (0–15). */
export type CellShape = { kind: 'square'; meters: number } | { kind: 'h3'; resolution: number };

export interface GenerateGridOptions {
  within: string;
  shape: CellShape;
  /** Delete the area's existing unit grid cells first. */
  replace?: boolean;
  onProgress?: (stage: 'cutting' | 'saving', done: number, total: number) => void;
}

export interface GeneratedGridReport {
  within: string;
  cells: number;
  clipped: number;
  firstCode: string | null;
  lastCode: string | null;
}

/**
 * The code of the n-th cell (1-based) of an area. In a community (12 digits) it is the 3-digit grid
 * number (Beijing DB11 style). Generated straight into a street or a district, which have no finer
 * boundaries, the missing street and community segments are "000" — a code no real street or community
 * has — so such cells can never be mistaken for, or collide with, the cells of a real community:
 * district 430102 → 430102 000 000571 (up to 999,999 cells); street 430102001 → 430102001 000 571 (up to 999).
 */
export function cellCode(parentCode: string, sequence: number): string {
  const [filler, digits] =
    parentCode.length === 6
      ? ['000', 6]
      : parentCode.length === 9
        ? ['000', 3]
        : parentCode.length === 12
          ? ['', 3]
          : [null, 0];
  if (filler === null) throw cannotHoldCells(parentCode, 'its code is not that of a district, street or community');
  if (sequence < 1 || sequence >= 10 ** digits) {
    throw cannotHoldCells(
      parentCode,
      `more than ${10 ** digits - 1} cells; import its ${parentCode.length === 9 ? 'communities' : 'streets or communities'} first`,
    );
  }
  return `${parentCode}${filler}${String(sequence).padStart(digits, '0')}`;
}

/**
 * Generates square unit grids over an area, clipped to it and numbered in reading order, and stores them
 * (all or nothing, in one transaction). Refuses if the area has cells already, unless told to replace.
 */
export async function generateGrid(db: Db, actor: Actor, options: GenerateGridOptions): Promise<GeneratedGridReport> {
  if (!mayDo(actor, 'grid.edit')) throw gridAdminOnly('generate unit grids');
  const parent = await db
    .selectFrom('grid_areas')
    .select(['code', 'level', 'geometry'])
    .where('code', '=', options.within)
    .executeTakeFirst();
  if (!parent) throw unknownArea(options.within);
  if (!['district', 'street', 'community'].includes(parent.level)) {
    throw cannotHoldCells(parent.code, `it is a ${parent.level}; unit grids go in a district, street or community`);
  }
  const existing = await db
    .selectFrom('grid_areas')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('level', '=', 'grid')
    .where('code', 'like', likePrefix(parent.code))
    .executeTakeFirstOrThrow();
  if (Number(existing.n) > 0 && !options.replace) throw cellsExist(parent.code, Number(existing.n));
  if (Number(existing.n) > 0) {
    // New cells reuse the old codes for other ground: people and bodies assigned to old cells must be
    // moved to areas that last (or taken off) first, or they would silently cover the wrong streets.
    const assigned: string[] = [];
    for (const table of ['user_jurisdictions', 'area_responsibilities'] as const) {
      const rows = await db
        .selectFrom(table)
        .select('area_code')
        .where('area_code', 'like', likePrefix(parent.code))
        .where(sql<number>`length(area_code)`, '=', GRID_CODE_LENGTH)
        .execute();
      assigned.push(...rows.map((r) => r.area_code));
    }
    if (assigned.length) throw cellsAssigned(parent.code, [...new Set(assigned)].sort());
  }

  // A unit grid never straddles two communities: where the area has communities, each gets its own
  // cells, numbered within it; otherwise the area itself is cut.
  const communities =
    parent.level === 'community'
      ? []
      : await db
          .selectFrom('grid_areas')
          .select(['code', 'level', 'geometry'])
          .where('level', '=', 'community')
          .where('code', 'like', likePrefix(parent.code))
          .orderBy('code')
          .execute();
  const holders = communities.length ? [...communities, ...uncovered(parent, communities)] : [parent];
  const rows: Array<{
    code: string;
    parent_code: string;
    level: 'grid';
    name_zh: string;
    name_en: string;
    geometry: string;
  }> = [];
  let clipped = 0;
  for (const [h, holder] of holders.entries()) {
    const progress = (done: number, total: number) =>
      options.onProgress?.('cutting', h * 1000 + Math.round((done / total) * 1000), holders.length * 1000);
    const cells =
      options.shape.kind === 'square'
        ? squareCells(holder.geometry, options.shape.meters, progress)
        : h3Cells(holder.geometry, options.shape.resolution, progress);
    clipped += cells.filter((c) => c.clipped).length;
    for (const [i, cell] of cells.entries()) {
      rows.push({
        code: cellCode(holder.code, i + 1),
        parent_code: holder.code,
        level: 'grid' as const,
        name_zh: `${holder.code} 第${i + 1}号网格`,
        name_en: `${holder.code} grid ${i + 1}`,
        geometry: JSON.stringify(cell.geometry),
      });
    }
  }

  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('grid_areas')
      .where('level', '=', 'grid')
      .where('code', 'like', likePrefix(parent.code))
      .execute();
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      await trx
        .insertInto('grid_areas')
        .values(rows.slice(i, i + INSERT_BATCH))
        .execute();
      options.onProgress?.('saving', Math.min(i + INSERT_BATCH, rows.length), rows.length);
    }
    await replaceCases(trx, parent.code, rows);
    await markGridChanged(trx);
  });
  return {
    within: parent.code,
    cells: rows.length,
    clipped,
    firstCode: rows[0]?.code ?? null,
    lastCode: rows.at(-1)?.code ?? null,
  };
}

/**
 * Puts every located case in the area on the new cells (or on the area itself where no cell holds it),
 * in the generating transaction, so no case keeps a code that now names other ground.
 */
async function replaceCases(
  trx: Transaction<Database>,
  parentCode: string,
  rows: Array<{ code: string; geometry: string }>,
) {
  const index = PlacementIndex.build(rows.map((r) => ({ code: r.code, depth: 0, geometry: JSON.parse(r.geometry) })));
  const cases = await trx
    .selectFrom('cases')
    .select(['id', 'longitude', 'latitude', 'grid_code'])
    .where('grid_code', 'like', likePrefix(parentCode))
    .where('longitude', 'is not', null)
    .execute();
  for (const c of cases) {
    const code = index.locate(c.longitude!, c.latitude!) ?? parentCode;
    if (code !== c.grid_code) await trx.updateTable('cases').set({ grid_code: code }).where('id', '=', c.id).execute();
  }
}

/**
 * The part of an area that none of its communities covers, as one more holder of cells (coded under the
 * area itself), so every point of the area still lands on a unit grid. Empty when the communities tile it.
 */
function uncovered(
  parent: { code: string; level: AreaLevel; geometry: AreaGeometry },
  communities: Array<{ geometry: AreaGeometry }>,
): Array<{ code: string; level: AreaLevel; geometry: AreaGeometry }> {
  const rest = difference(
    featureCollection<AreaGeometry>(
      [parent, ...communities].map((a) => ({ type: 'Feature', properties: {}, geometry: a.geometry })),
    ),
  );
  // Less than a square metre left is rounding along shared edges, not land.
  return rest && area(rest) > 1 ? [{ code: parent.code, level: parent.level, geometry: rest.geometry }] : [];
}
