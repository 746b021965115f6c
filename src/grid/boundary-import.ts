import type { Db } from '../db/database.ts';
import { AppError } from '../lib/app-error.ts';
import type { Actor } from '../organizations/index.ts';
import { mayDo } from '../policy/index.ts';
import { markGridChanged } from './areas.ts';
import {
  areaOutside,
  type BoundaryProblem,
  OUTSIDE_PARENT_TOLERANCE,
  OVERLAP_TOLERANCE,
  problem,
  ringProblems,
  sharedArea,
  squareMeters,
  withStandardWinding,
} from './boundary-checks.ts';
import { type CoordinateSystem, convertGeometry } from './crs.ts';
import { gridAdminOnly } from './grid.errors.ts';
import { AREA_LEVELS, type AreaLevel } from './grid.tables.ts';
import { ringCrossing } from './ring-crossings.ts';

type AreaGeometry = GeoJSON.Polygon | GeoJSON.MultiPolygon;

export interface AreaFeatureMapping {
  level: AreaLevel;
  codeProperty: string;
  nameProperty: string;
  /** The area the imported ones lie in; they must not stick out of it. */
  parentCode?: string;
  /** The coordinate system of the file (DataV boundaries are GCJ-02); stored as WGS-84. */
  crs: CoordinateSystem;
}

export interface BoundaryImportReport {
  imported: number;
  /** Problems fixed or tolerated (rings rewound to the standard winding, slivers of overlap). */
  warnings: BoundaryProblem[];
}

interface Candidate {
  index: number;
  code: string;
  name: string;
  geometry: AreaGeometry;
}

/**
 * Loads administrative areas from a GeoJSON FeatureCollection. Every feature is checked first: code and
 * name present (or no names in the whole file: areas are then named by their codes) and codes unique, a
 * Polygon or MultiPolygon (holes allowed) with closed rings of real coordinates, no ring crossing itself
 * or another (parts touching at a point are valid), no overlap with its siblings (in the file or already
 * stored under the same parent), and no part outside its parent. Any error stops the import with a report
 * listing every problem feature (400 GRID_ERR_INVALID_BOUNDARIES) and nothing is written; otherwise all
 * areas are written in one transaction, converted to WGS-84 with the standard ring winding.
 */
export async function importAreas(
  db: Db,
  actor: Actor,
  collection: GeoJSON.FeatureCollection,
  mapping: AreaFeatureMapping,
  englishNames: Record<string, string> = {},
): Promise<BoundaryImportReport> {
  if (!mayDo(actor, 'grid.edit')) throw gridAdminOnly('import boundaries');
  const problems: BoundaryProblem[] = [];
  const candidates: Candidate[] = [];
  const seen = new Map<string, number>();
  const features = collection.features ?? [];
  const nameOf = (feature: GeoJSON.Feature | null) => {
    const name = feature?.properties?.[mapping.nameProperty];
    return name === undefined || name === null ? null : String(name).trim() || null;
  };
  // Some official files carry codes only (the NYC community districts have just BoroCD). Such a file is
  // imported with every area named by its code, said once; a file where some features have a name and
  // others not is broken, and each unnamed feature is an error.
  const namedByCode = features.length > 0 && features.every((f) => nameOf(f) === null);
  if (namedByCode) {
    problems.push(
      problem(
        -1,
        null,
        null,
        'named_by_code',
        `no feature has a "${mapping.nameProperty}" property: each area is named by its code (import the file again with --name-property to name them)`,
      ),
    );
  }

  for (const [index, feature] of features.entries()) {
    const properties = feature?.properties ?? {};
    const rawCode = properties[mapping.codeProperty];
    const code = rawCode === undefined || rawCode === null ? null : String(rawCode).trim();
    const name = namedByCode ? code : nameOf(feature);
    const report = (kind: Parameters<typeof problem>[3], detail: string) =>
      problems.push(problem(index, code, name, kind, detail));
    if (!code) report('missing_code', `no "${mapping.codeProperty}" property`);
    else if (!/^\d{1,15}$/.test(code)) report('bad_code', `"${code}" is not an area code (up to 15 digits)`);
    else if (seen.has(code)) report('duplicate_code', `the same code as feature ${seen.get(code)}`);
    if (code) seen.set(code, index);
    if (!name) report('missing_name', `no "${mapping.nameProperty}" property`);
    const geometry = feature?.geometry;
    if (!geometry || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')) {
      report('not_a_polygon', `a ${geometry?.type ?? 'missing geometry'}, not a Polygon or MultiPolygon`);
      continue;
    }
    const broken = ringProblems(geometry);
    if (broken) {
      report(broken.includes('longitude') ? 'bad_coordinates' : 'bad_ring', broken);
      continue;
    }
    const crossing = ringCrossing(geometry);
    if (crossing) {
      report('self_intersection', crossing);
      continue;
    }
    const wound = withStandardWinding(convertGeometry(geometry, mapping.crs));
    if (wound.changed) report('rewound', 'rings rewound to the standard winding (outer counter-clockwise)');
    if (code && name) candidates.push({ index, code, name, geometry: wound.geometry });
  }

  await checkAgainstNeighbours(db, candidates, mapping, problems);

  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    throw new AppError(
      'GRID_ERR_INVALID_BOUNDARIES',
      400,
      `${errors.length} problem(s) in ${new Set(errors.map((e) => e.feature)).size} feature(s); nothing was imported`,
      { problems },
    );
  }

  await db.transaction().execute(async (trx) => {
    for (const candidate of candidates) {
      const row = {
        code: candidate.code,
        parent_code: mapping.parentCode ?? null,
        level: mapping.level,
        name_zh: candidate.name,
        name_en: englishNames[candidate.name] ?? candidate.name,
        geometry: JSON.stringify(candidate.geometry),
      };
      await trx
        .insertInto('grid_areas')
        .values(row)
        .onConflict((oc) =>
          oc.column('code').doUpdateSet({ name_zh: row.name_zh, name_en: row.name_en, geometry: row.geometry }),
        )
        .execute();
    }
    await markGridChanged(trx);
  });
  return { imported: candidates.length, warnings: problems };
}

/** Overlaps with siblings (in the file and stored under the same parent) and parts outside the parent. */
async function checkAgainstNeighbours(
  db: Db,
  candidates: Candidate[],
  mapping: AreaFeatureMapping,
  problems: BoundaryProblem[],
) {
  let parent: AreaGeometry | null = null;
  if (mapping.parentCode) {
    const row = await db
      .selectFrom('grid_areas')
      .select(['geometry', 'level'])
      .where('code', '=', mapping.parentCode)
      .executeTakeFirst();
    if (!row) {
      problems.push(problem(-1, mapping.parentCode, null, 'unknown_parent', `there is no area ${mapping.parentCode}`));
    } else if (AREA_LEVELS.indexOf(row.level) >= AREA_LEVELS.indexOf(mapping.level)) {
      problems.push(
        problem(
          -1,
          mapping.parentCode,
          null,
          'unknown_parent',
          `${mapping.parentCode} is a ${row.level}, not above a ${mapping.level}`,
        ),
      );
    } else {
      parent = row.geometry;
    }
  }

  const newCodes = candidates.map((c) => c.code);
  let storedQuery = db
    .selectFrom('grid_areas')
    .select(['code', 'name_zh', 'geometry'])
    .where('level', '=', mapping.level);
  storedQuery = mapping.parentCode
    ? storedQuery.where('parent_code', '=', mapping.parentCode)
    : storedQuery.where('parent_code', 'is', null);
  if (newCodes.length) storedQuery = storedQuery.where('code', 'not in', newCodes);
  const stored = (await storedQuery.execute()).map((r) => ({
    index: -1,
    code: r.code,
    name: r.name_zh,
    geometry: r.geometry,
  }));

  const sizes = new Map(candidates.map((c) => [c.code, squareMeters(c.geometry)]));
  for (const [i, a] of candidates.entries()) {
    const size = sizes.get(a.code)!;
    for (const b of [...candidates.slice(i + 1), ...stored]) {
      const shared = sharedArea(a.geometry, b.geometry);
      if (shared <= 1) continue;
      const smaller = Math.min(size, sizes.get(b.code) ?? squareMeters(b.geometry));
      const share = shared / smaller;
      const kind = share > OVERLAP_TOLERANCE ? 'overlaps_sibling' : 'sliver_overlap';
      const detail = (other: Candidate) =>
        `shares ${Math.round(shared)} m² (${(share * 100).toFixed(3)} % of the smaller) with ${other.code} ${other.name}`;
      problems.push(problem(a.index, a.code, a.name, kind, detail(b)));
      // Both features of the file are part of the problem; a stored area is named in the detail.
      if (b.index >= 0) problems.push(problem(b.index, b.code, b.name, kind, detail(a)));
    }
    if (parent) {
      const outside = areaOutside(a.geometry, parent) / size;
      if (outside > OUTSIDE_PARENT_TOLERANCE) {
        problems.push(
          problem(
            a.index,
            a.code,
            a.name,
            'outside_parent',
            `${(outside * 100).toFixed(2)} % of it lies outside ${mapping.parentCode}`,
          ),
        );
      }
    }
  }
}
