import type { Db } from '../db/database.ts';
import { localTimeOf, suggestRouting } from '../routing/index.ts';
import type { CaseDeps } from './case-deps.ts';

/** The routing suggestion for a case, as the columns the case keeps it in. */
export async function suggestionFor(
  db: Db,
  deps: Pick<CaseDeps, 'policy'>,
  where: { categoryCode: string; gridCode: string | null; reportedAt: Date },
) {
  const suggestion = await suggestRouting(db, {
    categoryCode: where.categoryCode,
    gridCode: where.gridCode,
    localTime: localTimeOf(where.reportedAt, deps.policy.timeZone),
  });
  return {
    suggested_body_id: suggestion.leadBodyId,
    routing_rule_id: suggestion.rule?.id ?? null,
    suggested_assisting_body_ids: suggestion.assistingBodyIds,
  };
}
