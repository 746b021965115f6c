import type { Db } from '../db/database.ts';
import { placeFromText } from '../text/index.ts';

/**
 * An address or place name a resident typed, placed by the city's gazetteer (its districts, street
 * offices, communities and their aliases, and the roads and estates its history ties to a district):
 * the portal then shows that area on the map for the resident to tap the exact spot.
 */
export async function placeForResident(db: Db, text: string) {
  const placement = await placeFromText(db, { title: '', description: '', address: text });
  if (!placement) return null;
  const area = await db
    .selectFrom('grid_areas')
    .select(['name_zh', 'name_en'])
    .where('code', '=', placement.areaCode)
    .executeTakeFirst();
  if (!area) return null;
  return {
    areaCode: placement.areaCode,
    level: placement.level,
    nameZh: area.name_zh,
    nameEn: area.name_en,
    evidence: placement.evidence,
  };
}
