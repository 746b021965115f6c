import { appendAudit, type RequestOrigin } from '../audit/index.ts';
import type { Actor } from '../organizations/index.ts';
import { authorize } from '../policy/index.ts';
import type { PrivacyDeps } from './case-personal-data.ts';
import { maskPhone } from './masking.ts';

/** What the citizen's access record says was seen: that they called before, and about what. */
const CALLER_HISTORY_FIELD = 'caseHistory';

/**
 * Records a look-up of a caller's earlier cases by the phone number they are calling from (hotline intake):
 * in the access record of every person found with that number, and once in the audit trail, in one
 * transaction. Nothing is shown in clear that the dispatcher did not type; what is released is the link
 * between the number and those cases, so each person sees who looked, when and why.
 */
export async function recordCallerHistoryLookup(
  deps: PrivacyDeps,
  actor: Actor,
  lookup: { phone: string; personIds: string[]; caseNumbers: string[]; now: Date; origin: RequestOrigin },
): Promise<void> {
  authorize(actor, 'case.caller_history');
  const reason = 'hotline intake: earlier cases of the caller';
  await deps.db.transaction().execute(async (trx) => {
    if (lookup.personIds.length && lookup.caseNumbers.length) {
      await trx
        .insertInto('personal_data_accesses')
        .values(
          lookup.personIds.map((personId) => ({
            person_id: personId,
            case_id: null,
            accessor_user_id: actor.userId,
            accessor_role: actor.role,
            accessor_body_id: actor.handlingBodyId,
            purpose: 'caller_history',
            reason,
            fields: [CALLER_HISTORY_FIELD],
            accessed_at: lookup.now,
          })),
        )
        .execute();
    }
    await appendAudit(trx, deps.keyring, {
      at: lookup.now,
      actorUserId: actor.userId,
      actorRole: actor.role,
      action: 'personal_data.caller_history',
      subjectType: 'phone',
      // The number masked: the audit trail must not become an index of who called.
      subjectId: maskPhone(lookup.phone) ?? '',
      purpose: 'caller_history',
      details: { persons: lookup.personIds.length, cases: lookup.caseNumbers, reason },
      ...lookup.origin,
    });
  });
}
