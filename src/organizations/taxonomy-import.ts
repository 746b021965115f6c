import type { Db } from '../db/database.ts';
import type { Actor } from './actors.ts';
import { createCategory } from './categories.ts';

export interface TaxonomyLeafRow {
  /** Level-1, level-2 and level-3 names (zh-CN), as in a 12345 taxonomy sheet. */
  path: [string, string, string];
}

export interface TaxonomyDefaults {
  /** The default handling body for a node, by its zh-CN path ("城乡建设", "城乡建设/安全生产", …); most specific wins. */
  bodyFor(path: string): string | null;
  limitsFor(path: string): { responseLimitHours: number; handlingLimitDays: number };
}

export interface ImportedTaxonomy {
  /** zh-CN path of every node → its code. */
  codes: Map<string, string>;
}

/**
 * Loads a three-level taxonomy sheet, assigning stable codes in sheet order: two digits per level, so
 * "城乡建设/安全生产/事故处理" might become 08 → 0801 → 080101. One transaction: all or nothing.
 */
export async function importTaxonomy(
  db: Db,
  actor: Actor,
  rows: TaxonomyLeafRow[],
  englishNames: Map<string, string>,
  defaults: TaxonomyDefaults,
): Promise<ImportedTaxonomy> {
  const codes = new Map<string, string>();
  const childCount = new Map<string, number>();
  const nextCode = (parentCode: string) => {
    const n = (childCount.get(parentCode) ?? 0) + 1;
    if (n > 99) throw new Error(`More than 99 categories under "${parentCode || 'the root'}"`);
    childCount.set(parentCode, n);
    return `${parentCode}${String(n).padStart(2, '0')}`;
  };

  await db.transaction().execute(async (trx) => {
    for (const { path } of rows) {
      let parentCode = '';
      for (let level = 1; level <= 3; level++) {
        const key = path.slice(0, level).join('/');
        const existing = codes.get(key);
        if (existing) {
          parentCode = existing;
          continue;
        }
        const name = path[level - 1]!;
        const code = nextCode(parentCode);
        codes.set(key, code);
        await createCategory(trx, actor, {
          code,
          nameZh: name,
          nameEn: englishNames.get(name) ?? name,
          defaultBodyId: defaults.bodyFor(key),
          ...(level === 3 ? defaults.limitsFor(key) : {}),
        });
        parentCode = code;
      }
    }
  });
  return { codes };
}
