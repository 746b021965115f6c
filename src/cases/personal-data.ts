import type { ExpressionBuilder } from 'kysely';
import type { RequestOrigin } from '../audit/index.ts';
import type { Database } from '../db/database.ts';
import type { Actor } from '../organizations/index.ts';
import type { UnmaskPurpose } from '../policy/index.ts';
import {
  type CaseRef,
  type ReporterView,
  reporterView,
  sealedReporterColumns,
  sealedReporterOf,
  unmaskCase,
} from '../privacy/index.ts';
import type { CaseDeps } from './case-deps.ts';
import { caseNotFound } from './cases.errors.ts';
import { heldBy, visibleTo } from './visibility.ts';

/**
 * The columns a reporter view needs, to select with a case: whether the actor may unmask it now (a
 * handler only while their body holds it), the sealed values and the actor's live grant.
 */
export function reporterRefColumns(actor: Actor, now: Date) {
  return (eb: ExpressionBuilder<Database, 'cases'>) => [
    actor.role === 'handler'
      ? heldBy(actor.handlingBodyId ?? '00000000-0000-0000-0000-000000000000')(eb).as('may_unmask')
      : eb.lit(true).as('may_unmask'),
    ...sealedReporterColumns(actor.userId, now)(eb),
  ];
}

type ReporterRefRow = Parameters<typeof sealedReporterOf>[0] & {
  id: string;
  case_number: string;
  reporter_person_id: string | null;
  may_unmask: unknown;
};

export function reporterRefOf(row: ReporterRefRow): CaseRef {
  return {
    id: row.id,
    caseNumber: row.case_number,
    reporterPersonId: row.reporter_person_id,
    mayUnmask: Boolean(row.may_unmask),
    ...sealedReporterOf(row),
  };
}

/** The case as the privacy domain needs it, if the actor may see it at all (404 otherwise). */
async function caseRefFor(deps: CaseDeps, actor: Actor, caseNumber: string): Promise<CaseRef> {
  const row = await deps.db
    .selectFrom('cases')
    .select(['cases.id', 'cases.case_number', 'cases.reporter_person_id'])
    .select(reporterRefColumns(actor, deps.clock.now()))
    .where('cases.case_number', '=', caseNumber)
    .where(visibleTo(actor))
    .executeTakeFirst();
  if (!row) throw caseNotFound(caseNumber);
  return reporterRefOf(row as ReporterRefRow);
}

/** The reporter as the actor may see them, from a case reference already read (no further query when masked). */
export function reporterFromRef(deps: CaseDeps, actor: Actor, target: CaseRef, origin: RequestOrigin) {
  return reporterView(deps, actor, target, deps.clock.now(), origin);
}

/** The reporter of a case, masked unless the actor holds a live unmasking grant for it. */
export async function caseReporter(
  deps: CaseDeps,
  actor: Actor,
  caseNumber: string,
  origin: RequestOrigin,
): Promise<ReporterView> {
  const target = await caseRefFor(deps, actor, caseNumber);
  return reporterView(deps, actor, target, deps.clock.now(), origin);
}

/** Unmasks a case's personal data for a purpose and reason (time-limited, recorded, audited). */
export async function unmaskCaseReporter(
  deps: CaseDeps,
  actor: Actor,
  caseNumber: string,
  request: { purpose: UnmaskPurpose; reason: string },
  origin: RequestOrigin,
): Promise<ReporterView> {
  const target = await caseRefFor(deps, actor, caseNumber);
  return unmaskCase(deps, actor, target, request, deps.clock.now(), origin);
}
