import { sql, type Transaction } from 'kysely';
import { type AuditKeys, appendAudit, type RequestOrigin } from '../audit/index.ts';
import type { Database, Db } from '../db/database.ts';
import { type CatalogueColumn, datastoreTable, findDataset, PLATFORM_DATASETS } from '../hub/index.ts';
import { AppError } from '../lib/app-error.ts';
import type { Clock } from '../lib/clock.ts';
import type { Actor } from '../organizations/index.ts';
import type { Clearance } from '../organizations/organizations.tables.ts';
import { authorize, clearedFor, requireClearance } from '../policy/index.ts';
import { maskPersonalData } from '../privacy/index.ts';
import {
  alreadyDecided,
  badPeriod,
  grantEnded,
  grantExpired,
  grantNotFound,
  grantNotStarted,
  noBody,
  notShareable,
  notTheHolder,
  notTheOwner,
  notTheRequester,
  ownDataset,
  requestNotFound,
  unknownDataset,
  unknownFields,
  widerThanAsked,
} from './sharing.errors.ts';
import type { GrantEnd, LegalBasis, ShareRequestStatus } from './sharing.tables.ts';

/**
 * Governed sharing between departments (数据共享, after X-Road: every exchange has a purpose and a log
 * the citizen can see). A body's staff ask for fields of a dataset another body owns; the owner (or the
 * data steward) approves, possibly narrowing, or refuses with a reason; the grant is then the only way
 * to those fields, until it expires, is withdrawn or is revoked. Every read through a grant is in the
 * audit trail with the grant's purpose, and every case it returns that a resident reported is in that
 * resident's "who saw my data" record.
 */
export interface SharingDeps {
  db: Db;
  clock: Clock;
  keys: AuditKeys;
}

/** The purpose under which a read through a grant appears in a resident's access record. */
export const SHARING_PURPOSE = 'data_sharing';

export interface BodyRef {
  id: string;
  code: string;
  nameZh: string;
  nameEn: string;
}

/** Where a request stands, its grant's fate included: what the console shows in one word. */
export type ShareState = 'pending' | 'refused' | 'withdrawn' | 'scheduled' | 'active' | 'expired' | 'revoked';

export interface GrantView {
  id: string;
  fields: string[];
  validFrom: Date;
  validUntil: Date;
  grantedAt: Date;
  endedAt: Date | null;
  endKind: GrantEnd | null;
  endReason: string | null;
}

export interface ShareRequestView {
  id: string;
  dataset: { slug: string; titleZh: string; titleEn: string };
  requestingBody: BodyRef;
  ownerBody: BodyRef;
  fields: string[];
  purpose: string;
  legalBasis: LegalBasis;
  periodFrom: Date;
  periodTo: Date;
  status: ShareRequestStatus;
  state: ShareState;
  requestedAt: Date;
  decidedAt: Date | null;
  refusalReason: string | null;
  grant: GrantView | null;
}

/** A body acts through its staff: only an actor who works for a body may ask, hold or use a grant. */
function bodyOf(actor: Actor): string {
  if (!actor.handlingBodyId) throw noBody();
  return actor.handlingBodyId;
}

/** Whether the actor decides for the owning body: its staff, or the data steward for any dataset. */
function decidesFor(actor: Actor, ownerBodyId: string): boolean {
  return actor.role === 'data_steward' || (actor.role === 'handler' && actor.handlingBodyId === ownerBodyId);
}

/** Who sees a request: the two bodies' staff, and the data steward and the auditor (oversight). */
function sees(actor: Actor, request: { requesting_body_id: string; owner_body_id: string }): boolean {
  if (actor.role === 'data_steward' || actor.role === 'auditor') return true;
  return (
    actor.handlingBodyId !== null && [request.requesting_body_id, request.owner_body_id].includes(actor.handlingBodyId)
  );
}

/** Words a body writes (a purpose, a reason) may hold someone's name or number: masked before storing. */
const masked = (text: string) => maskPersonalData(text.trim()).masked;

function stateOf(
  status: ShareRequestStatus,
  grant: { valid_from: Date; valid_until: Date; end_kind: GrantEnd | null } | null,
  now: Date,
): ShareState {
  if (status !== 'approved' || !grant) return status === 'approved' ? 'active' : status;
  if (grant.end_kind) return grant.end_kind;
  if (now >= grant.valid_until) return 'expired';
  if (now < grant.valid_from) return 'scheduled';
  return 'active';
}

/** How a dataset's rows are read through a grant, or why they cannot be. */
type Source =
  | { kind: 'platform'; table: string }
  | { kind: 'reference'; table: string }
  | { kind: 'none'; why: string };

function sourceOf(dataset: { slug: string; kind: string }): Source {
  if (dataset.kind === 'reference') return { kind: 'reference', table: datastoreTable(dataset.slug) };
  if (dataset.kind === 'case_history') {
    return { kind: 'none', why: 'its cases are in the platform’s "cases" dataset: ask for that one' };
  }
  const spec = PLATFORM_DATASETS.find((d) => d.slug === dataset.slug);
  if (!spec) return { kind: 'none', why: 'it has no table to read' };
  if (spec.columns) return { kind: 'none', why: 'it is published as open data in another shape than a table' };
  return { kind: 'platform', table: spec.table };
}

function checkFields(slug: string, columns: readonly CatalogueColumn[], fields: readonly string[]): string[] {
  const known = new Set(columns.map((c) => c.name));
  const unknown = fields.filter((f) => !known.has(f));
  if (unknown.length) throw unknownFields(slug, unknown);
  // In the dataset's own order, once each: a grant's fields read the same however they were asked.
  return columns.map((c) => c.name).filter((name) => fields.includes(name));
}

export interface NewShareRequest {
  dataset: string;
  fields: string[];
  purpose: string;
  legalBasis: LegalBasis;
  from: Date;
  to: Date;
}

export async function requestShare(
  deps: SharingDeps,
  actor: Actor,
  input: NewShareRequest,
  origin: RequestOrigin,
): Promise<ShareRequestView> {
  authorize(actor, 'sharing.request');
  const body = bodyOf(actor);
  const now = deps.clock.now();
  const dataset = await findDataset(deps.db, input.dataset);
  if (!dataset) throw unknownDataset(input.dataset);
  const source = sourceOf(dataset);
  if (source.kind === 'none') throw notShareable(dataset.slug, source.why);
  if (!dataset.owner) throw notShareable(dataset.slug, 'no body owns it, so no one can decide');
  if (dataset.owner.id === body) throw ownDataset(dataset.slug);
  const fields = checkFields(dataset.slug, dataset.columns, input.fields);
  if (input.from >= input.to) throw badPeriod('"from" must come before "to"');
  if (input.to <= now) throw badPeriod('it has already ended');
  const id = await deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('share_requests')
      .values({
        dataset_id: dataset.id,
        requesting_body_id: body,
        owner_body_id: dataset.owner!.id,
        fields,
        purpose: masked(input.purpose),
        legal_basis: input.legalBasis,
        period_from: input.from,
        period_to: input.to,
        status: 'pending',
        requested_by_user_id: actor.userId,
        requested_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, deps.keys, actor, 'sharing.request', row.id, now, origin, {
      dataset: dataset.slug,
      fields,
      legalBasis: input.legalBasis,
      from: input.from,
      to: input.to,
    });
    return row.id;
  });
  return getShareRequest(deps, actor, id);
}

function audit(
  trx: Transaction<Database>,
  keys: AuditKeys,
  actor: Actor,
  action: string,
  requestId: string,
  at: Date,
  origin: RequestOrigin,
  details: Record<string, unknown>,
  purpose?: string,
) {
  return appendAudit(trx, keys, {
    at,
    actorUserId: actor.userId,
    actorRole: actor.role,
    action,
    subjectType: 'share_request',
    subjectId: requestId,
    ...(purpose ? { purpose } : {}),
    details,
    ...origin,
  });
}

function baseQuery(db: Db | Transaction<Database>) {
  return db
    .selectFrom('share_requests as r')
    .innerJoin('datasets as d', 'd.id', 'r.dataset_id')
    .innerJoin('handling_bodies as rb', 'rb.id', 'r.requesting_body_id')
    .innerJoin('handling_bodies as ob', 'ob.id', 'r.owner_body_id')
    .leftJoin('share_grants as g', 'g.request_id', 'r.id')
    .select([
      'r.id',
      'r.requesting_body_id',
      'r.owner_body_id',
      'r.fields',
      'r.purpose',
      'r.legal_basis',
      'r.period_from',
      'r.period_to',
      'r.status',
      'r.requested_at',
      'r.decided_at',
      'r.refusal_reason',
      'd.slug',
      'd.title_zh',
      'd.title_en',
      'rb.code as rb_code',
      'rb.name_zh as rb_name_zh',
      'rb.name_en as rb_name_en',
      'ob.code as ob_code',
      'ob.name_zh as ob_name_zh',
      'ob.name_en as ob_name_en',
      'g.id as grant_id',
      'g.fields as grant_fields',
      'g.valid_from',
      'g.valid_until',
      'g.granted_at',
      'g.ended_at',
      'g.end_kind',
      'g.end_reason',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function viewOf(row: Row, now: Date): ShareRequestView {
  const grant =
    row.grant_id && row.grant_fields && row.valid_from && row.valid_until && row.granted_at
      ? {
          id: row.grant_id,
          fields: row.grant_fields,
          validFrom: row.valid_from,
          validUntil: row.valid_until,
          grantedAt: row.granted_at,
          endedAt: row.ended_at,
          endKind: row.end_kind,
          endReason: row.end_reason,
        }
      : null;
  return {
    id: row.id,
    dataset: { slug: row.slug, titleZh: row.title_zh, titleEn: row.title_en },
    requestingBody: { id: row.requesting_body_id, code: row.rb_code, nameZh: row.rb_name_zh, nameEn: row.rb_name_en },
    ownerBody: { id: row.owner_body_id, code: row.ob_code, nameZh: row.ob_name_zh, nameEn: row.ob_name_en },
    fields: row.fields,
    purpose: row.purpose,
    legalBasis: row.legal_basis,
    periodFrom: row.period_from,
    periodTo: row.period_to,
    status: row.status,
    state: stateOf(
      row.status,
      grant && { valid_from: grant.validFrom, valid_until: grant.validUntil, end_kind: grant.endKind },
      now,
    ),
    requestedAt: row.requested_at,
    decidedAt: row.decided_at,
    refusalReason: row.refusal_reason,
    grant,
  };
}

export async function getShareRequest(deps: SharingDeps, actor: Actor, id: string): Promise<ShareRequestView> {
  authorize(actor, 'sharing.read');
  const row = await baseQuery(deps.db).where('r.id', '=', id).executeTakeFirst();
  if (!row || !sees(actor, row)) throw requestNotFound(id);
  return viewOf(row, deps.clock.now());
}

/**
 * The requests an actor sees, newest first: `requested` those their body made, `to_decide` those made to
 * their body (every request, for the data steward); without a side, both.
 */
export async function listShareRequests(
  deps: SharingDeps,
  actor: Actor,
  side: 'requested' | 'to_decide' | undefined,
): Promise<ShareRequestView[]> {
  authorize(actor, 'sharing.read');
  const oversight = actor.role === 'data_steward' || actor.role === 'auditor';
  const body = actor.handlingBodyId;
  if (!oversight && !body) return [];
  let query = baseQuery(deps.db);
  if (side === 'requested') {
    if (!body) return [];
    query = query.where('r.requesting_body_id', '=', body);
  } else if (side === 'to_decide') {
    if (!oversight) query = query.where('r.owner_body_id', '=', body!);
  } else if (!oversight) {
    query = query.where((eb) => eb.or([eb('r.requesting_body_id', '=', body!), eb('r.owner_body_id', '=', body!)]));
  }
  const rows = await query.orderBy('r.requested_at', 'desc').orderBy('r.id').limit(500).execute();
  const now = deps.clock.now();
  return rows.map((row) => viewOf(row, now));
}

/** A request to decide on, locked: two deciders at once get one decision and one 409. */
async function pendingForDecision(trx: Transaction<Database>, actor: Actor, id: string) {
  const request = await trx
    .selectFrom('share_requests')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!request || !sees(actor, request)) throw requestNotFound(id);
  if (!decidesFor(actor, request.owner_body_id)) throw notTheOwner();
  if (request.status !== 'pending') throw alreadyDecided(request.status);
  return request;
}

export interface Approval {
  /** A subset of the fields asked for; all of them when absent. */
  fields?: string[];
  /** Within the period asked for; the asked bounds when absent. */
  from?: Date;
  to?: Date;
}

export async function approveShareRequest(
  deps: SharingDeps,
  actor: Actor,
  id: string,
  approval: Approval,
  origin: RequestOrigin,
): Promise<ShareRequestView> {
  authorize(actor, 'sharing.decide');
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const request = await pendingForDecision(trx, actor, id);
    const fields = approval.fields ?? request.fields;
    const beyond = fields.filter((f) => !request.fields.includes(f));
    if (beyond.length) throw widerThanAsked(`${beyond.map((f) => `"${f}"`).join(', ')} was not asked for`);
    const from = approval.from ?? request.period_from;
    const to = approval.to ?? request.period_to;
    if (from < request.period_from || to > request.period_to)
      throw widerThanAsked('the period goes beyond the one asked');
    if (from >= to) throw badPeriod('"from" must come before "to"');
    if (to <= now) throw badPeriod('it has already ended');
    await trx
      .updateTable('share_requests')
      .set({ status: 'approved', decided_by_user_id: actor.userId, decided_at: now })
      .where('id', '=', id)
      .execute();
    const granted = request.fields.filter((f) => fields.includes(f));
    const grant = await trx
      .insertInto('share_grants')
      .values({
        request_id: id,
        dataset_id: request.dataset_id,
        holder_body_id: request.requesting_body_id,
        fields: granted,
        valid_from: from,
        valid_until: to,
        granted_by_user_id: actor.userId,
        granted_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, deps.keys, actor, 'sharing.approve', id, now, origin, {
      grantId: grant.id,
      fields: granted,
      narrowed: granted.length < request.fields.length || from > request.period_from || to < request.period_to,
      from,
      to,
    });
  });
  return getShareRequest(deps, actor, id);
}

export async function refuseShareRequest(
  deps: SharingDeps,
  actor: Actor,
  id: string,
  reason: string,
  origin: RequestOrigin,
): Promise<ShareRequestView> {
  authorize(actor, 'sharing.decide');
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await pendingForDecision(trx, actor, id);
    const why = masked(reason);
    await trx
      .updateTable('share_requests')
      .set({ status: 'refused', decided_by_user_id: actor.userId, decided_at: now, refusal_reason: why })
      .where('id', '=', id)
      .execute();
    await audit(trx, deps.keys, actor, 'sharing.refuse', id, now, origin, { reason: why });
  });
  return getShareRequest(deps, actor, id);
}

/** The requesting body takes its request back: a pending one is withdrawn, a live grant given back. */
export async function withdrawShareRequest(
  deps: SharingDeps,
  actor: Actor,
  id: string,
  origin: RequestOrigin,
): Promise<ShareRequestView> {
  authorize(actor, 'sharing.request');
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const request = await trx
      .selectFrom('share_requests')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!request || !sees(actor, request)) throw requestNotFound(id);
    if (actor.handlingBodyId !== request.requesting_body_id) throw notTheRequester();
    if (request.status === 'pending') {
      await trx.updateTable('share_requests').set({ status: 'withdrawn' }).where('id', '=', id).execute();
      await audit(trx, deps.keys, actor, 'sharing.withdraw', id, now, origin, {});
      return;
    }
    const grant = await endableGrant(trx, { request_id: id });
    if (request.status !== 'approved' || !grant) throw alreadyDecided(request.status);
    await endGrant(trx, grant.id, actor, 'withdrawn', null, now);
    await audit(trx, deps.keys, actor, 'sharing.withdraw', id, now, origin, { grantId: grant.id });
  });
  return getShareRequest(deps, actor, id);
}

/** A grant that has not ended yet (one expired by time may still be ended: its record then says so). */
function endableGrant(trx: Transaction<Database>, where: { request_id: string } | { id: string }) {
  const query = trx.selectFrom('share_grants').selectAll().where('ended_at', 'is', null).forUpdate();
  return (
    'id' in where ? query.where('id', '=', where.id) : query.where('request_id', '=', where.request_id)
  ).executeTakeFirst();
}

function endGrant(
  trx: Transaction<Database>,
  grantId: string,
  actor: Actor,
  kind: GrantEnd,
  reason: string | null,
  now: Date,
) {
  return trx
    .updateTable('share_grants')
    .set({ ended_at: now, ended_by_user_id: actor.userId, end_kind: kind, end_reason: reason })
    .where('id', '=', grantId)
    .execute();
}

/** The owning body (or the data steward) takes a grant back before its time. */
export async function revokeGrant(
  deps: SharingDeps,
  actor: Actor,
  grantId: string,
  reason: string,
  origin: RequestOrigin,
): Promise<ShareRequestView> {
  authorize(actor, 'sharing.decide');
  const now = deps.clock.now();
  const requestId = await deps.db.transaction().execute(async (trx) => {
    const found = await trx
      .selectFrom('share_grants as g')
      .innerJoin('share_requests as r', 'r.id', 'g.request_id')
      .select(['g.id', 'g.request_id', 'g.ended_at', 'g.end_kind', 'r.requesting_body_id', 'r.owner_body_id'])
      .where('g.id', '=', grantId)
      .executeTakeFirst();
    if (!found || !sees(actor, found)) throw grantNotFound(grantId);
    if (!decidesFor(actor, found.owner_body_id)) throw notTheOwner();
    const grant = await endableGrant(trx, { id: grantId });
    if (!grant) throw grantEnded(found.end_kind ?? 'ended', found.ended_at ?? now);
    const why = masked(reason);
    await endGrant(trx, grantId, actor, 'revoked', why, now);
    await audit(trx, deps.keys, actor, 'sharing.revoke', found.request_id, now, origin, { grantId, reason: why });
    return found.request_id;
  });
  return getShareRequest(deps, actor, requestId);
}

export interface GrantRows {
  grantId: string;
  dataset: string;
  fields: string[];
  validUntil: Date;
  rows: Record<string, unknown>[];
  total: number;
  limit: number;
  offset: number;
}

/** The clearance a reference dataset's fields need: its level, and at least "important" for personal ones. */
function referenceClearance(level: Clearance, columns: readonly CatalogueColumn[], fields: readonly string[]) {
  const personal = columns.some((c) => fields.includes(c.name) && c.personal && c.personal !== 'none');
  return personal && level === 'general' ? 'important' : level;
}

/**
 * Rows of the granted dataset, only the granted fields, a page at a time. The read, the audit entry (with
 * the grant's purpose) and the residents' access records are one transaction: no rows leave without
 * their record. A case row is recorded for its reporter whatever fields were granted, because the row is
 * their report (what, where, when they asked), not only the columns labelled personal.
 */
export async function readGrantRows(
  deps: SharingDeps,
  actor: Actor,
  grantId: string,
  page: { limit: number; offset: number },
  origin: RequestOrigin,
): Promise<GrantRows> {
  authorize(actor, 'sharing.access');
  const now = deps.clock.now();
  const grant = await deps.db
    .selectFrom('share_grants as g')
    .innerJoin('share_requests as r', 'r.id', 'g.request_id')
    .select([
      'g.id',
      'g.fields',
      'g.valid_from',
      'g.valid_until',
      'g.ended_at',
      'g.end_kind',
      'g.dataset_id',
      'g.holder_body_id',
      'r.id as request_id',
      'r.requesting_body_id',
      'r.owner_body_id',
      'r.purpose',
      'r.legal_basis',
    ])
    .where('g.id', '=', grantId)
    .executeTakeFirst();
  if (!grant || !sees(actor, grant)) throw grantNotFound(grantId);
  if (actor.handlingBodyId !== grant.holder_body_id) throw notTheHolder();
  if (grant.end_kind && grant.ended_at) throw grantEnded(grant.end_kind, grant.ended_at);
  if (now >= grant.valid_until) throw grantExpired(grant.valid_until);
  if (now < grant.valid_from) throw grantNotStarted(grant.valid_from);

  const dataset = await findDataset(deps.db, grant.dataset_id);
  if (!dataset) throw grantNotFound(grantId);
  const source = sourceOf(dataset);
  if (source.kind === 'none') throw notShareable(dataset.slug, source.why);
  const gone = grant.fields.filter((f) => !dataset.columns.some((c) => c.name === f));
  if (gone.length) throw notShareable(dataset.slug, `its schema no longer has ${gone.join(', ')}: ask again`);
  if (source.kind === 'platform') requireClearance(actor.clearance, source.table, grant.fields);
  else {
    const needed = referenceClearance(dataset.level, dataset.columns, grant.fields);
    if (!clearedFor(actor.clearance, needed)) {
      throw new AppError(
        'DATA_ERR_CLEARANCE',
        403,
        `Your clearance (${actor.clearance}) does not cover ${needed} data`,
        {
          dataset: dataset.slug,
          clearance: actor.clearance,
        },
      );
    }
  }

  return deps.db.transaction().execute(async (trx) => {
    const { rows, total, reporters } = await readPage(trx, source, grant.fields, page);
    if (reporters.length) {
      await trx
        .insertInto('personal_data_accesses')
        .values(
          reporters.map((r) => ({
            person_id: r.personId,
            case_id: r.caseId,
            accessor_user_id: actor.userId,
            accessor_role: actor.role,
            accessor_body_id: grant.holder_body_id,
            purpose: SHARING_PURPOSE,
            reason: grant.purpose,
            fields: grant.fields,
            accessed_at: now,
          })),
        )
        .execute();
    }
    await appendAudit(trx, deps.keys, {
      at: now,
      actorUserId: actor.userId,
      actorRole: actor.role,
      action: 'sharing.access',
      subjectType: 'share_grant',
      subjectId: grant.id,
      purpose: grant.purpose,
      details: {
        requestId: grant.request_id,
        dataset: dataset.slug,
        fields: grant.fields,
        legalBasis: grant.legal_basis,
        holderBodyId: grant.holder_body_id,
        ownerBodyId: grant.owner_body_id,
        offset: page.offset,
        rows: rows.length,
        reporters: reporters.length,
      },
      ...origin,
    });
    return {
      grantId: grant.id,
      dataset: dataset.slug,
      fields: grant.fields,
      validUntil: grant.valid_until,
      rows,
      total,
      limit: page.limit,
      offset: page.offset,
    };
  });
}

/** A table's primary key columns: the stable order pages are cut in. */
async function primaryKeyOf(trx: Transaction<Database>, table: string): Promise<string[]> {
  const result = await sql<{ attname: string }>`
    select a.attname from pg_index i
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
    where i.indrelid = to_regclass(${table}) and i.indisprimary
    order by a.attnum`.execute(trx);
  return result.rows.map((r) => r.attname);
}

/**
 * One page of the granted fields. The names come from the grant, which were checked against the dataset's
 * schema, and are written as quoted identifiers; a case's id and reporter are read alongside (never
 * returned unless granted) to know whose record the read goes into.
 */
async function readPage(
  trx: Transaction<Database>,
  source: Exclude<Source, { kind: 'none' }>,
  fields: readonly string[],
  page: { limit: number; offset: number },
) {
  const chosen = sql.join(fields.map((f) => sql.id(f)));
  const table = source.kind === 'reference' ? sql`datastore.${sql.id(source.table)}` : sql.table(source.table);
  const order = source.kind === 'reference' ? ['_row_key'] : await primaryKeyOf(trx, source.table);
  const cases = source.kind === 'platform' && source.table === 'cases';
  const extra = cases ? sql`, id as "__case_id", reporter_person_id as "__person_id"` : sql``;
  const result = await sql<Record<string, unknown>>`
    select ${chosen}${extra} from ${table}
    order by ${sql.join(order.map((c) => sql.id(c)))} limit ${page.limit} offset ${page.offset}`.execute(trx);
  const count = await sql<{ total: string }>`select count(*) as total from ${table}`.execute(trx);
  const reporters: { personId: string; caseId: string }[] = [];
  const rows = result.rows.map((row) => {
    const { __case_id: caseId, __person_id: personId, ...rest } = row;
    if (cases && typeof personId === 'string') reporters.push({ personId, caseId: caseId as string });
    return Object.fromEntries(fields.map((f) => [f, rest[f]]));
  });
  return { rows, total: Number(count.rows[0]?.total ?? 0), reporters };
}
