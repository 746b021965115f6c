import type { Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import { mayDo } from '../policy/index.ts';
import type { Actor } from './actors.ts';
import { adminOnly, unknownHandlingBody } from './organizations.errors.ts';
import type { HandlingBodyTable, HandlingBodyType } from './organizations.tables.ts';

export type HandlingBody = Selectable<HandlingBodyTable>;

export interface NewHandlingBody {
  code: string;
  nameZh: string;
  nameEn: string;
  type: HandlingBodyType;
  parentCode?: string;
}

export async function createHandlingBody(db: Db, actor: Actor, input: NewHandlingBody): Promise<HandlingBody> {
  if (!mayDo(actor, 'taxonomy.edit')) throw adminOnly('create handling bodies');
  const parent = input.parentCode
    ? await db.selectFrom('handling_bodies').select('id').where('code', '=', input.parentCode).executeTakeFirstOrThrow()
    : undefined;
  return db
    .insertInto('handling_bodies')
    .values({
      code: input.code,
      name_zh: input.nameZh,
      name_en: input.nameEn,
      type: input.type,
      parent_id: parent?.id ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
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
