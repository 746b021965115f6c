import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database.ts';
import type { Keyring } from './keyring.ts';
import { maskAddress, maskEmail, maskIdNumber, maskName, maskPhone } from './masking.ts';
import { blindIndex, currentBlindIndex, normalisePhone, open, seal } from './sealing.ts';

/** A person's identity as a reporter: everything here is personal data, stored sealed. */
export interface Identity {
  name?: string | null;
  phone?: string | null;
  /** Resident ID-card number (sensitive personal information under PIPL art. 28). */
  idNumber?: string | null;
  address?: string | null;
  email?: string | null;
}

export const IDENTITY_FIELDS = ['name', 'phone', 'idNumber', 'address', 'email'] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];

export interface PersonConsents {
  publish: boolean;
  contact: boolean;
  statistics: boolean;
}

/** Blind indexes are per kind, so a phone's index can never be matched against another field's. */
const PHONE_INDEX = 'phone';

function cleanIdentity(input: Identity): Identity {
  const clean: Identity = {};
  for (const field of IDENTITY_FIELDS) {
    const value = input[field]?.trim();
    if (value) clean[field] = field === 'phone' ? normalisePhone(value) : value;
  }
  return clean;
}

/**
 * The stored form of an identity: sealed under the current key and bound to its row, the phone's blind
 * index, and how the person is told of progress. Every write of an identity goes through here.
 */
export function sealedIdentityColumns(keyring: Keyring, personId: string, input: Identity) {
  const identity = cleanIdentity(input);
  return {
    sealed: seal(keyring, identity, personId),
    key_id: keyring.current.id,
    phone_index: identity.phone ? currentBlindIndex(keyring, PHONE_INDEX, identity.phone) : null,
    contact_channel: identity.phone ? ('sms' as const) : identity.email ? ('email' as const) : null,
  };
}

/**
 * Records a person's identity, sealed under the current key, and returns only its id: callers keep the
 * reference, never the data. The id is made here so it can bind the ciphertext to its row.
 */
export async function recordPerson(
  db: Db,
  keyring: Keyring,
  input: Identity,
  consents: Partial<PersonConsents> = {},
): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('persons')
    .values({
      id,
      ...sealedIdentityColumns(keyring, id, input),
      ...(consents.publish === undefined ? {} : { publish_consent: consents.publish }),
      ...(consents.contact === undefined ? {} : { contact_consent: consents.contact }),
      ...(consents.statistics === undefined ? {} : { statistics_consent: consents.statistics }),
    })
    .execute();
  return id;
}

/** The identity in clear. Only privacy-domain functions that record the access call this. */
export async function readIdentity(db: Db, keyring: Keyring, personId: string): Promise<Identity | null> {
  const row = await db.selectFrom('persons').select(['sealed']).where('id', '=', personId).executeTakeFirst();
  return row?.sealed ? open<Identity>(keyring, row.sealed, personId) : null;
}

/** Opens an identity already read with its row (for batch readers such as the delivery sweep). */
export function openIdentity(keyring: Keyring, personId: string, sealed: string | null): Identity | null {
  return sealed ? open<Identity>(keyring, sealed, personId) : null;
}

export type MaskedIdentity = { [K in IdentityField]: string | null };

/** The identity as every response shows it by default: surname only, 138****5678, 4301**********1234. */
export function maskIdentity(identity: Identity | null): MaskedIdentity {
  return {
    name: maskName(identity?.name ?? null),
    phone: maskPhone(identity?.phone ?? null),
    idNumber: maskIdNumber(identity?.idNumber ?? null),
    address: maskAddress(identity?.address ?? null),
    email: maskEmail(identity?.email ?? null),
  };
}

export function clearIdentity(identity: Identity | null): MaskedIdentity {
  return {
    name: identity?.name ?? null,
    phone: identity?.phone ?? null,
    idNumber: identity?.idNumber ?? null,
    address: identity?.address ?? null,
    email: identity?.email ?? null,
  };
}

/** The person a citizen account with this phone belongs to (found through the blind index, under any key). */
export async function findCitizenByPhone(
  db: Db,
  keyring: Keyring,
  phone: string,
): Promise<{ personId: string; userId: string } | undefined> {
  const indexes = blindIndex(keyring, PHONE_INDEX, normalisePhone(phone));
  return db
    .selectFrom('persons')
    .innerJoin('users', 'users.person_id', 'persons.id')
    .select(['persons.id as personId', 'users.id as userId'])
    .where('persons.phone_index', 'in', indexes)
    .where('users.role', '=', 'citizen')
    .orderBy('users.created_at')
    .executeTakeFirst();
}

/**
 * Every person recorded with this phone (found through the blind index, under any key): a hotline caller is
 * recorded anew with each call, so one number may stand for several persons.
 */
export async function personsWithPhone(db: Db, keyring: Keyring, phone: string): Promise<string[]> {
  const rows = await db
    .selectFrom('persons')
    .select('id')
    .where('phone_index', 'in', blindIndex(keyring, PHONE_INDEX, normalisePhone(phone)))
    .execute();
  return rows.map((r) => r.id);
}

/** Replaces some fields of an identity (a correction), re-sealing it under the current key. */
export async function correctIdentity(db: Db, keyring: Keyring, personId: string, changes: Identity): Promise<void> {
  const current = (await readIdentity(db, keyring, personId)) ?? {};
  await db
    .updateTable('persons')
    .set(sealedIdentityColumns(keyring, personId, { ...current, ...changes }))
    .where('id', '=', personId)
    .execute();
}

/**
 * Erases a person's identity for good (a deletion request, or retention): the sealed value, the phone
 * index and the contact channel go; the row stays so cases, consents and the access record still refer
 * to "a person whose data was erased on …".
 */
export async function anonymisePerson(db: Db, personId: string, now: Date): Promise<void> {
  await db
    .updateTable('persons')
    .set({
      sealed: null,
      key_id: null,
      phone_index: null,
      contact_channel: null,
      name: null,
      phone: null,
      email: null,
      anonymised_at: now,
    })
    .where('id', '=', personId)
    .execute();
}

/**
 * Seals identities stored in clear by databases from before encryption (the migration cannot: only the
 * application holds the key). Runs at every start; after the first it finds nothing.
 */
export async function sealLegacyPersons(db: Db, keyring: Keyring): Promise<number> {
  const rows = await db
    .selectFrom('persons')
    .select(['id', 'name', 'phone', 'email'])
    .where((eb) => eb.or([eb('name', 'is not', null), eb('phone', 'is not', null), eb('email', 'is not', null)]))
    .execute();
  for (const row of rows) {
    await db
      .updateTable('persons')
      .set({
        ...sealedIdentityColumns(keyring, row.id, { name: row.name, phone: row.phone, email: row.email }),
        name: null,
        phone: null,
        email: null,
      })
      .where('id', '=', row.id)
      .execute();
  }
  return rows.length;
}

export async function consentsOf(db: Db, personId: string): Promise<PersonConsents> {
  const row = await db
    .selectFrom('persons')
    .select(['publish_consent', 'contact_consent', 'statistics_consent'])
    .where('id', '=', personId)
    .executeTakeFirstOrThrow();
  return { publish: row.publish_consent, contact: row.contact_consent, statistics: row.statistics_consent };
}
