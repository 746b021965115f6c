import type { Db } from '../db/database.ts';
import { addUserWords, type UserWord } from './tokenizer.ts';

/**
 * Teaches the segmenter the city's own names (grid areas and their aliases, handling bodies, category
 * names), so "书院路" or "芙蓉区城管局" stay one word. Read once per process, before the first text is
 * read (models, places, duplicates and hot issues all wait for it, so they cut words alike); a name added
 * later is learned at the next start. A failed read is not kept: the next call tries again.
 */
let loaded: Promise<void> | undefined;

export function loadCityWords(db: Db): Promise<void> {
  if (!loaded) {
    const loading = readCityWords(db).then(addUserWords);
    loaded = loading;
    loading.catch(() => {
      if (loaded === loading) loaded = undefined;
    });
  }
  return loaded;
}

/** The city's own names as the segmenter learns them (also sent to a training process, which has no database). */
export async function readCityWords(db: Db): Promise<UserWord[]> {
  const [areas, aliases, bodies, categories] = await Promise.all([
    db.selectFrom('grid_areas').select('name_zh').where('level', '<>', 'grid').execute(),
    db.selectFrom('place_aliases').select('alias').execute(),
    db.selectFrom('handling_bodies').select('name_zh').execute(),
    db.selectFrom('categories').select('name_zh').execute(),
  ]);
  return [
    ...areas.map((a) => ({ word: a.name_zh, tag: 'ns' as const })),
    ...aliases.map((a) => ({ word: a.alias, tag: 'ns' as const })),
    ...bodies.map((b) => ({ word: b.name_zh, tag: 'nt' as const })),
    ...categories.map((c) => ({ word: c.name_zh, tag: 'n' as const })),
  ];
}
