import { sql } from 'kysely';
import { type AuditKeys, appendAudit, type RequestOrigin } from '../audit/index.ts';
import type { Db } from '../db/database.ts';
import { AppError, defineError } from '../lib/app-error.ts';
import type { Actor } from '../organizations/index.ts';
import { authorize, clearedFor, FIELD_CLEARANCE } from '../policy/index.ts';
import { type PrivacyDeps, recordView } from './case-personal-data.ts';
import { maskPersonalData } from './detection.ts';
import type { Keyring } from './keyring.ts';
import {
  anonymisePerson,
  clearIdentity,
  consentsOf,
  correctIdentity,
  type Identity,
  type IdentityField,
  type MaskedIdentity,
  maskIdentity,
  type PersonConsents,
  readIdentity,
} from './persons.ts';
import type { Consent, DataRequestKind, DataRequestStatus } from './privacy.tables.ts';
import { open, seal } from './sealing.ts';

const noPersonalData = defineError('PRIVACY_ERR_NO_PERSONAL_DATA', 404, () => ({
  message: 'There is no personal data on record for this account',
}));
const requestNotFound = defineError('PRIVACY_ERR_REQUEST_NOT_FOUND', 404, (id: string) => ({
  message: `There is no data-rights request "${id}"`,
}));
const requestDecided = defineError('PRIVACY_ERR_REQUEST_DECIDED', 409, (status: string) => ({
  message: `This request has already been ${status}`,
}));
const openCasesBlockDeletion = defineError('PRIVACY_ERR_OPEN_CASES', 409, (count: number) => ({
  message: `The person still has ${count} open case(s): their identity is needed to handle them; erase it once they are closed or cancelled`,
  details: { openCases: count },
}));

/** The person behind a citizen's account: every "my data" function starts here. */
function personOf(actor: Actor): string {
  if (!actor.personId) throw noPersonalData();
  return actor.personId;
}

function audit(db: Db, keys: AuditKeys, actor: Actor, action: string, now: Date, origin: RequestOrigin, details = {}) {
  return appendAudit(db, keys, {
    at: now,
    actorUserId: actor.userId,
    actorRole: actor.role,
    action,
    subjectType: 'person',
    subjectId: actor.personId ?? undefined,
    details,
    ...origin,
  });
}

export interface MyPersonalData {
  identity: MaskedIdentity;
  consents: PersonConsents;
  anonymisedAt: Date | null;
}

/** A citizen's own personal data, in clear (it is theirs); the view is in the audit trail like any other. */
export async function myPersonalData(
  deps: PrivacyDeps,
  actor: Actor,
  now: Date,
  origin: RequestOrigin,
): Promise<MyPersonalData> {
  authorize(actor, 'my_data.read');
  const personId = personOf(actor);
  const [identity, consents, person] = await Promise.all([
    readIdentity(deps.db, deps.keyring, personId),
    consentsOf(deps.db, personId),
    deps.db.selectFrom('persons').select('anonymised_at').where('id', '=', personId).executeTakeFirstOrThrow(),
  ]);
  await audit(deps.db, deps.keyring, actor, 'personal_data.self_view', now, origin);
  return { identity: clearIdentity(identity), consents, anonymisedAt: person.anonymised_at };
}

export interface DataAccess {
  accessedAt: Date;
  accessor: { displayName: string; role: string; bodyNameZh: string | null; bodyNameEn: string | null };
  purpose: string;
  reason: string | null;
  fields: string[];
  caseNumber: string | null;
}

/** Who saw the citizen's data in clear, when and why: the data tracker. */
export async function myDataAccesses(db: Db, actor: Actor): Promise<DataAccess[]> {
  authorize(actor, 'my_data.read');
  const rows = await db
    .selectFrom('personal_data_accesses as a')
    .leftJoin('users', 'users.id', 'a.accessor_user_id')
    .leftJoin('handling_bodies as b', 'b.id', 'a.accessor_body_id')
    .leftJoin('cases', 'cases.id', 'a.case_id')
    .select([
      'a.accessed_at',
      'a.accessor_role',
      'a.purpose',
      'a.reason',
      'a.fields',
      'users.display_name',
      'b.name_zh',
      'b.name_en',
      'cases.case_number',
    ])
    .where('a.person_id', '=', personOf(actor))
    .orderBy('a.accessed_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    accessedAt: r.accessed_at,
    accessor: {
      displayName: r.display_name ?? '—',
      role: r.accessor_role,
      bodyNameZh: r.name_zh,
      bodyNameEn: r.name_en,
    },
    purpose: r.purpose,
    reason: r.reason,
    fields: r.fields,
    caseNumber: r.case_number,
  }));
}

const CONSENT_COLUMN = {
  publish: 'publish_consent',
  contact: 'contact_consent',
  statistics: 'statistics_consent',
} as const satisfies Record<Consent, string>;

/** Changes consents with effect from now on; each change is kept (when, by whom) and audited. */
export async function setConsents(
  deps: PrivacyDeps,
  actor: Actor,
  changes: Partial<PersonConsents>,
  now: Date,
  origin: RequestOrigin,
): Promise<PersonConsents> {
  authorize(actor, 'my_data.manage');
  const personId = personOf(actor);
  await deps.db.transaction().execute(async (trx) => {
    const before = await consentsOf(trx, personId);
    const changed = (Object.keys(CONSENT_COLUMN) as Consent[]).filter(
      (c) => changes[c] !== undefined && changes[c] !== before[c],
    );
    if (!changed.length) return;
    await trx
      .updateTable('persons')
      .set(Object.fromEntries(changed.map((c) => [CONSENT_COLUMN[c], changes[c]])))
      .where('id', '=', personId)
      .execute();
    await trx
      .insertInto('consent_changes')
      .values(
        changed.map((consent) => ({
          person_id: personId,
          consent,
          granted: changes[consent]!,
          changed_at: now,
          changed_by_user_id: actor.userId,
        })),
      )
      .execute();
    await audit(
      trx,
      deps.keyring,
      actor,
      'personal_data.consent',
      now,
      origin,
      Object.fromEntries(changed.map((c) => [c, changes[c]])),
    );
  });
  return consentsOf(deps.db, personId);
}

/** The citizen's consents as they stand (no personal data is opened for this). */
export function myConsents(db: Db, actor: Actor): Promise<PersonConsents> {
  authorize(actor, 'my_data.read');
  return consentsOf(db, personOf(actor));
}

export async function consentHistory(db: Db, actor: Actor) {
  authorize(actor, 'my_data.read');
  return db
    .selectFrom('consent_changes')
    .select(['consent', 'granted', 'changed_at as changedAt'])
    .where('person_id', '=', personOf(actor))
    .orderBy('id', 'desc')
    .execute();
}

export interface DataRequest {
  id: string;
  kind: DataRequestKind;
  reason: string;
  status: DataRequestStatus;
  submittedAt: Date;
  dueAt: Date;
  overdue: boolean;
  decidedAt: Date | null;
  decisionNote: string | null;
  /**
   * The corrections asked for: in clear to the requester; masked in the data steward's list, who opens
   * them for a request (revealRequestedChanges), recorded like any other view of personal data.
   */
  changes: Identity | null;
}

const CORRECTABLE = ['name', 'phone', 'address', 'email', 'idNumber'] as const;

/** A correction or deletion request, due within the statutory time the caller worked out (dueAt). */
export async function submitDataRequest(
  deps: PrivacyDeps,
  actor: Actor,
  input: { kind: DataRequestKind; reason: string; changes?: Identity },
  dueAt: Date,
  now: Date,
  origin: RequestOrigin,
): Promise<DataRequest> {
  authorize(actor, 'my_data.manage');
  const personId = personOf(actor);
  const changes =
    input.kind === 'correction'
      ? Object.fromEntries(
          CORRECTABLE.filter((f) => input.changes?.[f]?.trim()).map((f) => [f, input.changes![f]!.trim()]),
        )
      : null;
  if (input.kind === 'correction' && !Object.keys(changes!).length) {
    throw new AppError(
      'PRIVACY_ERR_NOTHING_TO_CORRECT',
      400,
      'Say which of your data should be corrected, and to what',
    );
  }
  const id = crypto.randomUUID();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('data_rights_requests')
      .values({
        id,
        person_id: personId,
        requested_by_user_id: actor.userId,
        kind: input.kind,
        sealed_changes: changes ? seal(deps.keyring, changes, id) : null,
        key_id: changes ? deps.keyring.current.id : null,
        reason: maskPersonalData(input.reason.trim()).masked,
        status: 'submitted',
        submitted_at: now,
        due_at: dueAt,
        decided_at: null,
        decided_by_user_id: null,
        decision_note: null,
      })
      .execute();
    await audit(trx, deps.keyring, actor, `data_request.${input.kind}`, now, origin, { requestId: id });
  });
  return (await readRequests(deps, now, 'clear', (q) => q.where('r.id', '=', id)))[0]!;
}

type RequestQuery = ReturnType<typeof requestColumns>;

function requestColumns(db: Db) {
  return db
    .selectFrom('data_rights_requests as r')
    .select([
      'r.id',
      'r.kind',
      'r.reason',
      'r.status',
      'r.submitted_at',
      'r.due_at',
      'r.decided_at',
      'r.decision_note',
      'r.sealed_changes',
    ]);
}

/** Each requested value masked as its field is (the fields asked for stay visible, their values do not). */
function maskedChanges(changes: Identity): Identity {
  const masked = maskIdentity(changes);
  return Object.fromEntries(Object.keys(changes).map((field) => [field, masked[field as keyof MaskedIdentity]]));
}

async function readRequests(
  deps: PrivacyDeps,
  now: Date,
  show: 'clear' | 'masked',
  filter: (q: RequestQuery) => RequestQuery,
) {
  const rows = await filter(requestColumns(deps.db)).orderBy('r.submitted_at', 'desc').limit(500).execute();
  const shown = show === 'clear' ? (changes: Identity) => changes : maskedChanges;
  return rows.map(
    (r): DataRequest => ({
      id: r.id,
      kind: r.kind,
      reason: r.reason,
      status: r.status,
      submittedAt: r.submitted_at,
      dueAt: r.due_at,
      overdue: r.status === 'submitted' && new Date(r.due_at) < now,
      decidedAt: r.decided_at,
      decisionNote: r.decision_note,
      changes: r.sealed_changes ? shown(open<Identity>(deps.keyring, r.sealed_changes, r.id)) : null,
    }),
  );
}

export function myDataRequests(deps: PrivacyDeps, actor: Actor, now: Date): Promise<DataRequest[]> {
  authorize(actor, 'my_data.read');
  return readRequests(deps, now, 'clear', (q) => q.where('r.requested_by_user_id', '=', actor.userId));
}

/** The data steward's list: open requests first, nearest deadline first. */
export function dataRequestsToHandle(
  deps: PrivacyDeps,
  actor: Actor,
  status: DataRequestStatus | undefined,
  now: Date,
): Promise<DataRequest[]> {
  authorize(actor, 'data_requests.handle');
  return readRequests(deps, now, 'masked', (q) => (status ? q.where('r.status', '=', status) : q).orderBy('r.due_at'));
}

/**
 * The data steward's decision. Completing a correction re-seals the identity with the new values;
 * completing a deletion erases it (refused while the person has open cases), their cases' personal data
 * found in text, and closes a citizen account that signed in with it.
 */
export async function decideDataRequest(
  deps: PrivacyDeps,
  actor: Actor,
  id: string,
  decision: { decision: 'complete' | 'refuse'; note: string },
  now: Date,
  origin: RequestOrigin,
): Promise<DataRequest> {
  authorize(actor, 'data_requests.handle');
  await deps.db.transaction().execute(async (trx) => {
    const request = await trx
      .selectFrom('data_rights_requests')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!request) throw requestNotFound(id);
    if (request.status !== 'submitted') throw requestDecided(request.status);
    if (decision.decision === 'complete' && request.person_id) {
      if (request.kind === 'correction' && request.sealed_changes) {
        await correctIdentity(
          trx,
          deps.keyring,
          request.person_id,
          open<Identity>(deps.keyring, request.sealed_changes, id),
        );
      } else if (request.kind === 'deletion') {
        await erasePerson(trx, request.person_id, now);
      }
    }
    await trx
      .updateTable('data_rights_requests')
      .set({
        status: decision.decision === 'complete' ? 'completed' : 'refused',
        decided_at: now,
        decided_by_user_id: actor.userId,
        decision_note: maskPersonalData(decision.note.trim()).masked,
      })
      .where('id', '=', id)
      .execute();
    await appendAudit(trx, deps.keyring, {
      at: now,
      actorUserId: actor.userId,
      actorRole: actor.role,
      action: `data_request.${decision.decision}`,
      subjectType: 'data_request',
      subjectId: id,
      purpose: 'data_rights_request',
      details: { kind: request.kind },
      ...origin,
    });
  });
  return (await readRequests(deps, now, 'masked', (q) => q.where('r.id', '=', id)))[0]!;
}

/**
 * The data steward opens the values a correction asks for: each up to their clearance (an ID number is
 * core data), recorded in the person's access record and the audit trail with the request, like any
 * other view of personal data in clear.
 */
export async function revealRequestedChanges(
  deps: PrivacyDeps,
  actor: Actor,
  id: string,
  now: Date,
  origin: RequestOrigin,
): Promise<Identity> {
  authorize(actor, 'data_requests.handle');
  const request = await deps.db
    .selectFrom('data_rights_requests')
    .select(['person_id', 'sealed_changes'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!request) throw requestNotFound(id);
  if (!request.sealed_changes) return {};
  const changes = open<Identity>(deps.keyring, request.sealed_changes, id);
  const masked = maskedChanges(changes);
  const released = (Object.keys(changes) as IdentityField[]).filter((field) =>
    clearedFor(actor.clearance, FIELD_CLEARANCE[field]),
  );
  await recordView(deps, actor, {
    personId: request.person_id,
    caseId: null,
    subject: { type: 'data_request', id },
    purpose: 'data_rights_request',
    reason: `correction request ${id}`,
    fields: released,
    now,
    origin,
  });
  return Object.fromEntries(
    (Object.keys(changes) as IdentityField[]).map((f) => [f, released.includes(f) ? changes[f] : masked[f]]),
  );
}

/** A correction's new values are the person's data too: erased with them (the request itself stays). */
async function forgetRequestedChanges(db: Db, personId: string) {
  await db
    .updateTable('data_rights_requests')
    .set({ sealed_changes: null, key_id: null })
    .where('person_id', '=', personId)
    .execute();
}

const OPEN_STATUSES_EXCLUDED = ['closed', 'cancelled', 'merged'] as const;

async function erasePerson(db: Db, personId: string, now: Date): Promise<void> {
  const open = await db
    .selectFrom('cases')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('reporter_person_id', '=', personId)
    .where('status', 'not in', OPEN_STATUSES_EXCLUDED)
    .executeTakeFirstOrThrow();
  if (Number(open.n) > 0) throw openCasesBlockDeletion(Number(open.n));
  await db
    .deleteFrom('case_personal_items')
    .where('case_id', 'in', (eb) => eb.selectFrom('cases').select('id').where('reporter_person_id', '=', personId))
    .execute();
  await anonymisePerson(db, personId, now);
  await forgetRequestedChanges(db, personId);
  await db.updateTable('users').set({ disabled_at: now }).where('person_id', '=', personId).execute();
  await db
    .deleteFrom('sessions')
    .where('user_id', 'in', (eb) => eb.selectFrom('users').select('id').where('person_id', '=', personId))
    .execute();
}

/**
 * Retention: reporters of cases closed longer ago than the retention period are anonymised — the case
 * keeps its (masked) text and its history, but no longer points at a person, and the personal data found
 * in its text is erased. A person no case or account refers to any more is erased too. Idempotent and
 * safe on several instances (SKIP LOCKED batches).
 */
export async function runRetentionSweep(
  db: Db,
  keyring: Keyring,
  now: Date,
  retentionDays: number,
  batchSize = 500,
): Promise<{ cases: number; persons: number }> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  let cases = 0;
  let persons = 0;
  for (;;) {
    const batch = await db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('cases')
        .select(['id', 'reporter_person_id'])
        .where('status', 'in', ['closed', 'cancelled', 'merged'])
        .where(sql<Date>`coalesce(closed_at, updated_at)`, '<', cutoff)
        .where((eb) =>
          eb.or([
            eb('reporter_person_id', 'is not', null),
            eb.exists(eb.selectFrom('case_personal_items').select('case_id').whereRef('case_id', '=', 'cases.id')),
          ]),
        )
        .limit(batchSize)
        .forUpdate()
        .skipLocked()
        .execute();
      if (!rows.length) return { cases: 0, persons: 0 };
      const ids = rows.map((r) => r.id);
      const personIds = [...new Set(rows.flatMap((r) => (r.reporter_person_id ? [r.reporter_person_id] : [])))];
      await trx.deleteFrom('case_personal_items').where('case_id', 'in', ids).execute();
      await trx.updateTable('cases').set({ reporter_person_id: null }).where('id', 'in', ids).execute();
      // Notifications are the outbox: once sent, nothing needs their person.
      let erased = 0;
      for (const personId of personIds) {
        const stillUsed = await trx
          .selectFrom('persons')
          .select('id')
          .where('id', '=', personId)
          .where((eb) =>
            eb.or([
              eb.exists(eb.selectFrom('cases').select('id').where('reporter_person_id', '=', personId)),
              eb.exists(eb.selectFrom('users').select('id').where('person_id', '=', personId)),
            ]),
          )
          .executeTakeFirst();
        if (!stillUsed) {
          await anonymisePerson(trx, personId, now);
          await forgetRequestedChanges(trx, personId);
          erased++;
        }
      }
      await appendAudit(trx, keyring, {
        at: now,
        actorUserId: null,
        actorRole: null,
        action: 'retention.anonymise',
        subjectType: 'cases',
        details: { cases: ids.length, persons: erased, cutoff: cutoff.toISOString() },
      });
      return { cases: ids.length, persons: erased };
    });
    cases += batch.cases;
    persons += batch.persons;
    if (batch.cases < batchSize)
      return { cases, persons: persons + (await forgetNoteAuthors(db, keyring, now, cutoff)) };
  }
}

/**
 * The writers of partner applications' notes (Open311 updates), sealed as persons and named only in the
 * note's event (`details.authorPersonId`). The event cannot change (the history is append-only), so the
 * person is anonymised in place once every case they wrote on has been closed, cancelled or merged for
 * longer than the retention period, as a reporter would be, unless they are also a reporter or a user.
 */
async function forgetNoteAuthors(db: Db, keyring: Keyring, now: Date, cutoff: Date): Promise<number> {
  const rows = await db
    .selectFrom('case_events')
    .innerJoin('persons', (join) => join.on(sql<boolean>`persons.id = (case_events.details->>'authorPersonId')::uuid`))
    .select('persons.id')
    .distinct()
    .where('case_events.action', '=', 'note')
    .where('persons.anonymised_at', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('case_events as other')
            .innerJoin('cases', 'cases.id', 'other.case_id')
            .select('other.id')
            .where('other.action', '=', 'note')
            .where(sql<boolean>`(other.details->>'authorPersonId')::uuid = persons.id`)
            .where((eb) =>
              eb.or([
                eb('cases.status', 'not in', ['closed', 'cancelled', 'merged']),
                eb(sql<Date>`coalesce(cases.closed_at, cases.updated_at)`, '>=', cutoff),
              ]),
            ),
        ),
      ),
    )
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('cases').select('cases.id').whereRef('cases.reporter_person_id', '=', 'persons.id'))),
    )
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('users').select('users.id').whereRef('users.person_id', '=', 'persons.id'))),
    )
    .execute();
  if (!rows.length) return 0;
  await db.transaction().execute(async (trx) => {
    for (const row of rows) {
      await anonymisePerson(trx, row.id, now);
      await forgetRequestedChanges(trx, row.id);
    }
    await appendAudit(trx, keyring, {
      at: now,
      actorUserId: null,
      actorRole: null,
      action: 'retention.anonymise',
      subjectType: 'persons',
      details: { noteAuthors: rows.length, cutoff: cutoff.toISOString() },
    });
  });
  return rows.length;
}
