import type { Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import { mayDo } from '../policy/index.ts';
import type { Actor } from './actors.ts';
import { requireHandlingBody } from './handling-bodies.ts';
import { adminOnly, categoryNotFound, categoryNotLeaf, unknownCategory } from './organizations.errors.ts';
import type { CategoryTable } from './organizations.tables.ts';

export type Category = Selectable<CategoryTable>;

export interface NewCategory {
  code: string;
  nameZh: string;
  nameEn: string;
  defaultBodyId?: string | null;
  responseLimitHours?: number | null;
  handlingLimitDays?: number | null;
}

/** Codes carry the tree: "01" is a first-level category, "0103" its child, "010302" a leaf under that. */
export function parentCodeOf(code: string): string | null {
  return code.length > 2 ? code.slice(0, -2) : null;
}

export async function createCategory(db: Db, actor: Actor, input: NewCategory): Promise<Category> {
  if (!mayDo(actor, 'taxonomy.edit')) throw adminOnly('change the category taxonomy');
  const parentCode = parentCodeOf(input.code);
  const parent = parentCode
    ? await db.selectFrom('categories').select('id').where('code', '=', parentCode).executeTakeFirst()
    : undefined;
  if (parentCode && !parent) throw unknownCategory(parentCode);
  return db
    .insertInto('categories')
    .values({
      code: input.code,
      parent_id: parent?.id ?? null,
      level: input.code.length / 2,
      name_zh: input.nameZh,
      name_en: input.nameEn,
      default_body_id: input.defaultBodyId ?? null,
      response_limit_hours: input.responseLimitHours ?? null,
      handling_limit_days: input.handlingLimitDays ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * The photos a category's steps need (数字城管: a handling shown by a photo after it, a verification on
 * site by its photo), for the category and every category under it.
 */
export async function setEvidenceRules(
  db: Db,
  actor: Actor,
  code: string,
  rules: { afterPhotoRequired: boolean; verificationPhotoRequired: boolean },
): Promise<Category> {
  if (!mayDo(actor, 'taxonomy.edit')) throw adminOnly('change the category taxonomy');
  const updated = await db
    .updateTable('categories')
    .set({
      after_photo_required: rules.afterPhotoRequired,
      verification_photo_required: rules.verificationPhotoRequired,
    })
    .where('code', 'like', `${code}%`)
    .executeTakeFirst();
  if (!Number(updated.numUpdatedRows)) throw categoryNotFound(code);
  return getCategory(db, code);
}

export interface CategoryChanges {
  nameZh?: string;
  nameEn?: string;
  defaultBodyId?: string | null;
  responseLimitHours?: number | null;
  handlingLimitDays?: number | null;
}

/**
 * Renames a category or changes its default body or time limits. New limits apply to cases dispatched
 * from now on: a deadline already running keeps the limit it was set with (the case's clocks hold it).
 */
export async function changeCategory(db: Db, actor: Actor, code: string, changes: CategoryChanges): Promise<Category> {
  if (!mayDo(actor, 'taxonomy.edit')) throw adminOnly('change the category taxonomy');
  if (changes.defaultBodyId) await requireHandlingBody(db, changes.defaultBodyId);
  const updated = await db
    .updateTable('categories')
    .set({
      ...(changes.nameZh !== undefined ? { name_zh: changes.nameZh } : {}),
      ...(changes.nameEn !== undefined ? { name_en: changes.nameEn } : {}),
      ...(changes.defaultBodyId !== undefined ? { default_body_id: changes.defaultBodyId } : {}),
      ...(changes.responseLimitHours !== undefined ? { response_limit_hours: changes.responseLimitHours } : {}),
      ...(changes.handlingLimitDays !== undefined ? { handling_limit_days: changes.handlingLimitDays } : {}),
    })
    .where('code', '=', code)
    .returningAll()
    .executeTakeFirst();
  if (!updated) throw categoryNotFound(code);
  return updated;
}

export function listCategories(db: Db, filter: { parentCode?: string; level?: number } = {}): Promise<Category[]> {
  let query = db.selectFrom('categories').selectAll().orderBy('code');
  if (filter.parentCode !== undefined) {
    query = query.where('code', 'like', `${filter.parentCode}__`).where('level', '=', filter.parentCode.length / 2 + 1);
  }
  if (filter.level !== undefined) query = query.where('level', '=', filter.level);
  return query.execute();
}

export async function getCategory(db: Db, code: string): Promise<Category> {
  const category = await db.selectFrom('categories').selectAll().where('code', '=', code).executeTakeFirst();
  if (!category) throw categoryNotFound(code);
  return category;
}

/** The category a client referred to in its input, or a 400 naming the unknown code. */
export async function requireCategory(db: Db, code: string): Promise<Category> {
  const category = await db.selectFrom('categories').selectAll().where('code', '=', code).executeTakeFirst();
  if (!category) throw unknownCategory(code);
  return category;
}

/**
 * The leaf category a case is filed under: cases go on leaves, which carry the time limits and the most
 * specific routing; 400 for an unknown code or one that has subcategories.
 */
export async function requireLeafCategory(db: Db, code: string): Promise<Category> {
  const row = await db
    .selectFrom('categories')
    .selectAll()
    .select((eb) =>
      eb
        .exists(
          eb.selectFrom('categories as child').select('child.id').whereRef('child.parent_id', '=', 'categories.id'),
        )
        .as('has_children'),
    )
    .where('code', '=', code)
    .executeTakeFirst();
  if (!row) throw unknownCategory(code);
  const { has_children, ...category } = row;
  if (has_children) throw categoryNotLeaf(code);
  return category;
}

/** The default handling body for a category: its own, else the nearest ancestor's. */
export async function defaultBodyFor(db: Db, code: string): Promise<string | null> {
  const ancestors = [code, parentCodeOf(code), parentCodeOf(parentCodeOf(code) ?? '')].filter((c): c is string => !!c);
  const rows = await db
    .selectFrom('categories')
    .select(['code', 'default_body_id'])
    .where('code', 'in', ancestors)
    .where('default_body_id', 'is not', null)
    .execute();
  rows.sort((a, b) => b.code.length - a.code.length);
  return rows[0]?.default_body_id ?? null;
}
