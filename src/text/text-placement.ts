import type { Db } from '../db/database.ts';
import { cityGazetteer } from './city-gazetteer.ts';
import { placeText } from './places.ts';
import type { TextPlacement } from './text.tables.ts';

/**
 * Where a report with no point lies, from the places its text names (district, street office, community,
 * or a road or estate the city's history ties to a district), or null when the text names none.
 */
export async function placeFromText(
  db: Db,
  text: { title: string; description: string; address?: string },
): Promise<TextPlacement | null> {
  const placement = placeText(
    { title: text.title, detail: [text.address, text.description].filter(Boolean).join('\n') },
    await cityGazetteer(db),
  );
  if (!placement) return null;
  return {
    areaCode: placement.areaCode,
    level: placement.level,
    confidence: Math.round(placement.confidence * 1000) / 1000,
    evidence: [...new Set(placement.evidence.map((m) => m.text))],
  };
}
