import type { Db } from '../db/database.ts';
import { buildGazetteer, type Gazetteer, type GazetteerLevel, learnPlaceNames } from './places.ts';

// Learning place names reads recent located cases; a city's roads and estates change slowly, so the
// gazetteer is rebuilt at most every ten minutes per process, from at most this many cases.
const REBUILD_AFTER_MS = 10 * 60_000;
const HISTORY_CASES = 20_000;
const NAMED_LEVELS: GazetteerLevel[] = ['district', 'street', 'community'];

let cached: { builtAt: number; gazetteer: Promise<Gazetteer> } | undefined;

/**
 * The city's gazetteer: its districts, street offices and communities under their names and aliases, and
 * the road, estate and village names its located cases tie to one district.
 */
export function cityGazetteer(db: Db, now = Date.now()): Promise<Gazetteer> {
  if (!cached || now - cached.builtAt > REBUILD_AFTER_MS) {
    const gazetteer = buildCityGazetteer(db);
    cached = { builtAt: now, gazetteer };
    // A failed build is not kept: the next call tries again.
    gazetteer.catch(() => {
      if (cached?.gazetteer === gazetteer) cached = undefined;
    });
  }
  return cached.gazetteer;
}

async function buildCityGazetteer(db: Db): Promise<Gazetteer> {
  const [areas, aliases] = await Promise.all([
    db
      .selectFrom('grid_areas')
      .select(['code', 'parent_code', 'level', 'name_zh'])
      .where('level', 'in', NAMED_LEVELS)
      .execute(),
    db.selectFrom('place_aliases').select(['alias', 'area_code']).execute(),
  ]);
  const entries = areas.map((a) => ({
    name: a.name_zh,
    areaCode: a.code,
    level: a.level as GazetteerLevel,
    aliases: aliases.filter((x) => x.area_code === a.code).map((x) => x.alias),
    ...(a.parent_code ? { parentCode: a.parent_code } : {}),
  }));
  const base = buildGazetteer(entries);
  // Area codes nest (a unit grid's code starts with its district's), so a case's district is the district
  // whose code begins its grid code.
  const districts = areas.filter((a) => a.level === 'district').map((a) => a.code);
  const located = await db
    .selectFrom('cases')
    .select(['title', 'description', 'grid_code'])
    .where('grid_code', 'is not', null)
    .orderBy('created_at', 'desc')
    .limit(HISTORY_CASES)
    .execute();
  const history = located.flatMap((c) => {
    const district = districts.find((d) => c.grid_code?.startsWith(d));
    return district ? [{ text: `${c.title} ${c.description}`, areaCode: district }] : [];
  });
  return buildGazetteer(entries, learnPlaceNames(history, base));
}
