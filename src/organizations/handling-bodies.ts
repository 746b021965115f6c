import type { Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import { mayDo } from '../policy/index.ts';
import type { Actor } from './actors.ts';
import {
  adminOnly,
  bodyCodeTaken,
  bodyCycle,
  handlingBodyNotFound,
  unknownHandlingBody,
} from './organizations.errors.ts';
import type { HandlingBodyTable, HandlingBodyType } from './organizations.tables.ts';

export type HandlingBody = Selectable<HandlingBodyTable>;

export interface NewHandlingBody {
  code: string;
  nameZh: string;
  nameEn: string;
  type: HandlingBodyType;
  /** The superior body (上级单位), by id. */
  parentId?: string | null;
}

export interface HandlingBodyChanges {
  nameZh?: string;
  nameEn?: string;
  type?: HandlingBodyType;
  parentId?: string | null;
}

export async function createHandlingBody(db: Db, actor: Actor, input: NewHandlingBody): Promise<HandlingBody> {
  if (!mayDo(actor, 'taxonomy.edit')) throw adminOnly('create handling bodies');
  if (input.parentId) await requireHandlingBody(db, input.parentId);
  const taken = await db.selectFrom('handling_bodies').select('id').where('code', '=', input.code).executeTakeFirst();
  if (taken) throw bodyCodeTaken(input.code);
  return db
    .insertInto('handling_bodies')
    .values({
      code: input.code,
      name_zh: input.nameZh,
      name_en: input.nameEn,
      type: input.type,
      parent_id: input.parentId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Renames a body, changes its type or moves it under another superior. Escalation climbs the superiors,
 * so a move that would make the body its own superior, directly or further up, is refused.
 */
export async function changeHandlingBody(
  db: Db,
  actor: Actor,
  id: string,
  changes: HandlingBodyChanges,
): Promise<HandlingBody> {
  if (!mayDo(actor, 'taxonomy.edit')) throw adminOnly('change handling bodies');
  const body = await db.selectFrom('handling_bodies').select('id').where('id', '=', id).executeTakeFirst();
  if (!body) throw handlingBodyNotFound(id);
  if (changes.parentId) {
    const superiors = await superiorsOf(db, changes.parentId);
    if (superiors.includes(id)) throw bodyCycle(id);
  }
  return db
    .updateTable('handling_bodies')
    .set({
      ...(changes.nameZh !== undefined ? { name_zh: changes.nameZh } : {}),
      ...(changes.nameEn !== undefined ? { name_en: changes.nameEn } : {}),
      ...(changes.type !== undefined ? { type: changes.type } : {}),
      ...(changes.parentId !== undefined ? { parent_id: changes.parentId } : {}),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A body and every superior above it, nearest first; 400 when the first is unknown. */
async function superiorsOf(db: Db, id: string): Promise<string[]> {
  const chain: string[] = [];
  let next: string | null = (await requireHandlingBody(db, id)).id;
  // A tree of bodies is a few levels deep; the bound only guards against a cycle already in the data.
  while (next && !chain.includes(next) && chain.length < 50) {
    chain.push(next);
    const row = await db.selectFrom('handling_bodies').select('parent_id').where('id', '=', next).executeTakeFirst();
    next = row?.parent_id ?? null;
  }
  return chain;
}

export function listHandlingBodies(db: Db): Promise<HandlingBody[]> {
  return db.selectFrom('handling_bodies').selectAll().orderBy('code').execute();
}

/** The body with this id, or a 400 naming it: used where a client refers to a body in its input. */
export async function requireHandlingBody(db: Db, id: string): Promise<HandlingBody> {
  const body = await db.selectFrom('handling_bodies').selectAll().where('id', '=', id).executeTakeFirst();
  if (!body) throw unknownHandlingBody(id);
  return body;
}
