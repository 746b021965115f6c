import type { MessageRecord } from './message-files.ts';
import { buildGazetteer, type Gazetteer, type GazetteerEntry, learnPlaceNames } from './places.ts';
import { addUserWords } from './tokenizer.ts';

/**
 * The county-level districts of the anonymised city in the TipDM Cup exports, as their texts write them.
 * A message file carries no grid, so these and the place names learned from the file are its gazetteer.
 */
export const EXPORT_DISTRICTS: readonly GazetteerEntry[] = [
  'A1区',
  'A2区',
  'A3区',
  'A4区',
  'A5区',
  'A6区',
  'A7县',
  'A8县',
  'A9市',
].map((name) => ({ name, areaCode: name.slice(0, 2), level: 'district' as const }));

/** The anonymised city's own name, which jieba would otherwise glue to the next word (A市伊 景园). */
const EXPORT_CITY = 'A市';

/**
 * The gazetteer for messages read from a file: the districts, and the road, estate and village names the
 * messages themselves tie to one district (learned from the messages that name a district). The names and
 * the city's are also given to jieba, so that 丽发新城 stays one word for the hot-issue vectors.
 */
export function gazetteerForMessages(messages: readonly Pick<MessageRecord, 'title' | 'detail'>[]): Gazetteer {
  const districts = buildGazetteer(EXPORT_DISTRICTS);
  const learned = learnPlaceNames(
    messages.map((m) => ({ text: `${m.title}\n${m.detail}` })),
    districts,
  );
  const names = [EXPORT_CITY, ...EXPORT_DISTRICTS.map((d) => d.name), ...learned.map((l) => l.name)];
  addUserWords(names.map((word) => ({ word, tag: 'ns' })));
  return buildGazetteer(EXPORT_DISTRICTS, learned);
}
