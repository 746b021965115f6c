import type { Actor } from '../organizations/index.ts';
import type { UnmaskPurpose } from '../policy/index.ts';
import { type CaseRef, type ReporterView, type RequestOrigin, reporterView, unmaskCase } from '../privacy/index.ts';
import type { CaseDeps } from './case-deps.ts';
import { caseNotFound } from './cases.errors.ts';
import { heldBy, visibleTo } from './visibility.ts';

/**
 * The case as the privacy domain needs it, if the actor may see it at all (404 otherwise, as for any
 * case out of sight). A handler may unmask only a case their body holds now, not one it handled before.
 */
async function caseRefFor(deps: CaseDeps, actor: Actor, caseNumber: string): Promise<CaseRef> {
  const row = await deps.db
    .selectFrom('cases')
    .select((eb) => [
      'cases.id',
      'cases.case_number',
      'cases.reporter_person_id',
      actor.role === 'handler'
        ? heldBy(actor.handlingBodyId ?? '00000000-0000-0000-0000-000000000000')(eb).as('may_unmask')
        : eb.lit(true).as('may_unmask'),
    ])
    .where('cases.case_number', '=', caseNumber)
    .where(visibleTo(actor))
    .executeTakeFirst();
  if (!row) throw caseNotFound(caseNumber);
  return {
    id: row.id,
    caseNumber: row.case_number,
    reporterPersonId: row.reporter_person_id,
    mayUnmask: Boolean(row.may_unmask),
  };
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
