import type { Db } from '../db/database.ts';

export interface NewPerson {
  name?: string | null;
  phone?: string | null;
  email?: string | null;
}

/**
 * Records a reporter's identity and returns only its id: callers keep the reference, never the data.
 * (Encryption at rest, masking and access logging of this store come with the privacy work.)
 */
export async function recordPerson(db: Db, input: NewPerson): Promise<string> {
  const row = await db
    .insertInto('persons')
    .values({ name: input.name ?? null, phone: input.phone ?? null, email: input.email ?? null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
