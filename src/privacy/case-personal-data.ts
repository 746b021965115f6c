import { type ExpressionBuilder, sql } from 'kysely';
import { appendAudit, type RequestOrigin } from '../audit/index.ts';
import type { Database, Db } from '../db/database.ts';
import { AppError } from '../lib/app-error.ts';
import type { Actor } from '../organizations/index.ts';
import {
  authorize,
  clearedFor,
  FIELD_CLEARANCE,
  mayUnmaskFor,
  PURPOSES_TO_UNMASK,
  UNMASK_PURPOSES,
  type UnmaskPurpose,
} from '../policy/index.ts';
import { type Found, maskPersonalData } from './detection.ts';
import type { Keyring } from './keyring.ts';
import { maskName } from './masking.ts';
import { type MaskedIdentity, maskIdentity, openIdentity } from './persons.ts';
import { open, seal } from './sealing.ts';

/** How long an unmasking grant lasts: long enough for a phone call, short enough not to linger. */
export const UNMASK_MINUTES = 15;

export interface PrivacyDeps {
  db: Db;
  keyring: Keyring;
}

/** The case a privacy function works on; the cases domain has already checked the actor may see it. */
export interface CaseRef {
  id: string;
  caseNumber: string;
  reporterPersonId: string | null;
  /**
   * Whether the actor's relation to the case still allows unmasking (a handler's body must hold it now);
   * a grant given earlier is not honoured once this is false.
   */
  mayUnmask: boolean;
  /** The sealed values and the actor's live grant, read with the case (sealedReporterColumns). */
  sealed: { person: string | null; items: string | null };
  grant: { purpose: string; reason: string; expiresAt: Date } | null;
}

/**
 * What a reporter view needs, as columns of a query over `cases`: the sealed identity, the sealed items
 * of the text, and the actor's latest live grant. Read with the case in one round trip, since every
 * staff read of a case shows its reporter.
 */
export function sealedReporterColumns(userId: string, now: Date) {
  return (eb: ExpressionBuilder<Database, 'cases'>) => [
    eb
      .selectFrom('persons')
      .select('persons.sealed')
      .whereRef('persons.id', '=', 'cases.reporter_person_id')
      .as('reporter_sealed'),
    eb
      .selectFrom('case_personal_items')
      .select('case_personal_items.sealed')
      .whereRef('case_personal_items.case_id', '=', 'cases.id')
      .as('items_sealed'),
    eb
      .selectFrom('unmask_grants')
      .select(
        sql<{
          purpose: string;
          reason: string;
          expiresAt: string;
        } | null>`jsonb_build_object('purpose', unmask_grants.purpose,
          'reason', unmask_grants.reason, 'expiresAt', unmask_grants.expires_at)`.as('grant'),
      )
      .whereRef('unmask_grants.case_id', '=', 'cases.id')
      .where('unmask_grants.user_id', '=', userId)
      .where('unmask_grants.expires_at', '>', now)
      .orderBy('unmask_grants.expires_at', 'desc')
      .limit(1)
      .as('live_grant'),
  ];
}

/** The reporter part of a case reference, from a row read with sealedReporterColumns. */
export function sealedReporterOf(row: {
  reporter_sealed: string | null;
  items_sealed: string | null;
  live_grant: { purpose: string; reason: string; expiresAt: string } | null;
}): Pick<CaseRef, 'sealed' | 'grant'> {
  const grant = row.live_grant;
  return {
    sealed: { person: row.reporter_sealed, items: row.items_sealed },
    grant: grant ? { purpose: grant.purpose, reason: grant.reason, expiresAt: new Date(grant.expiresAt) } : null,
  };
}

export interface TextItem {
  kind: Found['kind'];
  value: string;
}

/** Keeps the personal data found in a case's text (already masked there), sealed, with the case. */
export async function recordCasePersonalItems(db: Db, keyring: Keyring, caseId: string, found: Found[]) {
  if (!found.length) return;
  const items: TextItem[] = found.map((f) => ({ kind: f.kind, value: f.value }));
  await db
    .insertInto('case_personal_items')
    .values({
      case_id: caseId,
      sealed: seal(keyring, items, caseId),
      key_id: keyring.current.id,
      kinds: [...new Set(items.map((i) => i.kind))],
    })
    .execute();
}

export interface ReporterView {
  identity: MaskedIdentity;
  /** Personal data found in the case's text: its kinds, and the values once unmasked. */
  textItems: TextItem[];
  /** True while everything shown is masked. */
  masked: boolean;
  /** The live grant this view was given under, if any. */
  grant: { purpose: UnmaskPurpose; expiresAt: Date } | null;
}

const noContactConsent = () =>
  new AppError(
    'PRIVACY_ERR_NO_CONTACT_CONSENT',
    409,
    'The reporter has withdrawn consent to be contacted: their contact details cannot be unmasked to contact them',
  );

const badPurpose = (actor: Actor, purpose: string) =>
  new AppError('PRIVACY_ERR_PURPOSE', 403, `Your role (${actor.role}) may not see personal data for "${purpose}"`, {
    purpose,
    allowed: PURPOSES_TO_UNMASK.filter((name) =>
      (UNMASK_PURPOSES[name].roles as readonly string[]).includes(actor.role),
    ),
  });

/**
 * Masks each text item the way its kind is shown; the kinds say what there is without showing it. A name
 * on its own has no cue around it to be found by, so it is masked as a name directly.
 */
function maskedItems(items: TextItem[]): TextItem[] {
  return items.map((item) => ({
    kind: item.kind,
    value: item.kind === 'person_name' ? (maskName(item.value) ?? '') : maskPersonalData(item.value).masked,
  }));
}

/**
 * A case's reporter as the actor may see them now: masked, unless the actor holds a live grant for this
 * case, in which case each field they are cleared for is shown in clear and the view is recorded (for the
 * citizen's data tracker and the audit trail).
 */
export async function reporterView(
  deps: PrivacyDeps,
  actor: Actor,
  target: CaseRef,
  now: Date,
  origin: RequestOrigin = {},
): Promise<ReporterView> {
  authorize(actor, 'case.reporter.read');
  const { grant } = target;
  // A grant is honoured only while the credential could have obtained it: the role and token scope for
  // its purpose, and the actor's hold on the case (a handler whose body no longer holds it sees masks).
  if (grant && target.mayUnmask && mayUnmaskFor(actor, grant.purpose as UnmaskPurpose)) {
    return reveal(deps, actor, target, grant.purpose as UnmaskPurpose, grant.reason, grant.expiresAt, now, origin);
  }
  const { sealed } = target;
  const identity = target.reporterPersonId ? openIdentity(deps.keyring, target.reporterPersonId, sealed.person) : null;
  const items = sealed.items ? open<TextItem[]>(deps.keyring, sealed.items, target.id) : [];
  return { identity: maskIdentity(identity), textItems: maskedItems(items), masked: true, grant: null };
}

/**
 * Unmasks a case's personal data for a stated purpose and reason: a grant for UNMASK_MINUTES, recorded
 * in the person's access record and the audit trail in one transaction with the grant.
 */
export async function unmaskCase(
  deps: PrivacyDeps,
  actor: Actor,
  target: CaseRef,
  request: { purpose: UnmaskPurpose; reason: string },
  now: Date,
  origin: RequestOrigin = {},
): Promise<ReporterView> {
  authorize(actor, 'case.reporter.unmask');
  // Seeing a reporter in clear is reading the case too: a token limited to personal data cannot.
  authorize(actor, 'case.reporter.read');
  if (!mayUnmaskFor(actor, request.purpose)) throw badPurpose(actor, request.purpose);
  if (!target.mayUnmask)
    throw new AppError('CASE_ERR_NOT_FOUND', 404, `There is no case ${target.caseNumber}, or you may not see it`);
  if (request.purpose === 'contact_reporter' && target.reporterPersonId) {
    const person = await deps.db
      .selectFrom('persons')
      .select('contact_consent')
      .where('id', '=', target.reporterPersonId)
      .executeTakeFirst();
    // The reporter said they do not want to be contacted: that purpose is closed (PIPL art. 15).
    if (person && !person.contact_consent) throw noContactConsent();
  }
  const expiresAt = new Date(now.getTime() + UNMASK_MINUTES * 60_000);
  await deps.db
    .insertInto('unmask_grants')
    .values({
      user_id: actor.userId,
      case_id: target.id,
      purpose: request.purpose,
      reason: maskPersonalData(request.reason.trim()).masked,
      granted_at: now,
      expires_at: expiresAt,
    })
    .execute();
  return reveal(
    deps,
    actor,
    target,
    request.purpose,
    maskPersonalData(request.reason.trim()).masked,
    expiresAt,
    now,
    origin,
  );
}

/**
 * Records a view of personal data in clear, in one transaction: in the person's access record (what they
 * see under "who saw my data", when anything was released) and in the audit trail.
 */
export async function recordView(
  deps: PrivacyDeps,
  actor: Actor,
  view: {
    personId: string | null;
    caseId: string | null;
    subject: { type: string; id: string };
    purpose: UnmaskPurpose;
    reason: string;
    fields: string[];
    now: Date;
    origin: RequestOrigin;
  },
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    if (view.personId && view.fields.length) {
      await trx
        .insertInto('personal_data_accesses')
        .values({
          person_id: view.personId,
          case_id: view.caseId,
          accessor_user_id: actor.userId,
          accessor_role: actor.role,
          accessor_body_id: actor.handlingBodyId,
          purpose: view.purpose,
          reason: view.reason,
          fields: view.fields,
          accessed_at: view.now,
        })
        .execute();
    }
    await appendAudit(trx, deps.keyring, {
      at: view.now,
      actorUserId: actor.userId,
      actorRole: actor.role,
      action: 'personal_data.view',
      subjectType: view.subject.type,
      subjectId: view.subject.id,
      purpose: view.purpose,
      details: { fields: view.fields, reason: view.reason },
      ...view.origin,
    });
  });
}

async function reveal(
  deps: PrivacyDeps,
  actor: Actor,
  target: CaseRef,
  purpose: UnmaskPurpose,
  reason: string,
  expiresAt: Date,
  now: Date,
  origin: RequestOrigin,
): Promise<ReporterView> {
  const { sealed } = target;
  const identity = target.reporterPersonId ? openIdentity(deps.keyring, target.reporterPersonId, sealed.person) : null;
  const items = sealed.items ? open<TextItem[]>(deps.keyring, sealed.items, target.id) : [];
  // Each field in clear only up to the actor's clearance (the ID number is core data: most staff get it masked).
  const masked = maskIdentity(identity);
  const shown = { ...masked };
  const released: string[] = [];
  for (const field of Object.keys(masked) as (keyof MaskedIdentity)[]) {
    const value = identity?.[field];
    if (value && clearedFor(actor.clearance, FIELD_CLEARANCE[field])) {
      shown[field] = value;
      released.push(field);
    }
  }
  // An ID number found in the text is core data like the reporter's own; other items are important.
  const clearItem = (item: TextItem) =>
    clearedFor(actor.clearance, item.kind === 'id_number' ? FIELD_CLEARANCE.idNumber : FIELD_CLEARANCE.textItems);
  const textItems = items.map((item) => (clearItem(item) ? item : maskedItems([item])[0]!));
  if (items.some(clearItem)) released.push('textItems');

  await recordView(deps, actor, {
    personId: target.reporterPersonId,
    caseId: target.id,
    subject: { type: 'case', id: target.caseNumber },
    purpose,
    reason,
    fields: released,
    now,
    origin,
  });
  return {
    identity: shown,
    textItems,
    masked: released.length === 0,
    grant: { purpose, expiresAt },
  };
}
