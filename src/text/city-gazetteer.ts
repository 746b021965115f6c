import type { Db } from '../db/database.ts';
import { loadCityWords } from './city-words.ts';
import { buildGazetteer, type Gazetteer, type GazetteerLevel, learnPlaceNames } from './places.ts';

// Learning place names reads recent located cases; a city's roads and estates change slowly, so the
// gazetteer is rebuilt at most every ten minutes per process, from at most this many cases.
const REBUILD_AFTER_MS = 10 * 60_000;
const HISTORY_CASES = 20_000;
const NAMED_LEVELS: GazetteerLevel[] = ['district', 'street', 'community'];

interface Cached {
  builtAt: number;
  gazetteer?: Gazetteer;
  building?: Promise<Gazetteer>;
}

const cache = new WeakMap<Db, Cached>();

/**
 * The city's gazetteer: its districts, street offices and communities under their names and aliases, and
 * the road, estate and village names its located cases tie to one district. Once built, a stale one keeps
 * being served while its successor builds, so no request waits for the rebuild (seconds on a big city).
 */
export async function cityGazetteer(db: Db, now = Date.now()): Promise<Gazetteer> {
  let entry = cache.get(db);
  if (!entry) {
    entry = { builtAt: now };
    cache.set(db, entry);
  }
  const stale = !entry.gazetteer || now - entry.builtAt > REBUILD_AFTER_MS;
  if (stale && !entry.building) {
    const current = entry;
    current.building = buildCityGazetteer(db)
      .then((gazetteer) => {
        Object.assign(current, { gazetteer, builtAt: Date.now() });
        return gazetteer;
      })
      .finally(() => {
        current.building = undefined;
      });
  }
  return entry.gazetteer ?? (entry.building as Promise<Gazetteer>);
}

async function buildCityGazetteer(db: Db): Promise<Gazetteer> {
  await loadCityWords(db);
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
