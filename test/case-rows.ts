import type { Db } from '../src/db/database.ts';

/**
 * Cases and their dispatches written straight into the tables, for tests of what is read from them (the
 * evaluation, the supervision board) that need hundreds of cases in a known state. Walking that many
 * through the API would take minutes; the loop itself is tested through the API (closed-loop.test.ts).
 */

/** Case numbers from 2026-900001 up: far above what the tests' demo cities use. */
let lastCaseNumber = 900_000;

export interface DispatchRow {
  caseId: string;
  dispatchId: string;
}

/** `count` cases in 芙蓉区 dispatched to a body at `dispatchedAt`, in `status`; their dispatch rows, unended. */
export async function insertDispatchedCases(
  db: Db,
  options: { count: number; bodyId: string; dispatchedAt: Date; status: 'in_progress' | 'closed'; title: string },
): Promise<DispatchRow[]> {
  if (options.count === 0) return [];
  const { id: categoryId } = await db
    .selectFrom('categories')
    .select('id')
    .where('level', '=', 3)
    .orderBy('code')
    .executeTakeFirstOrThrow();
  const { id: userId } = await db
    .selectFrom('users')
    .select('id')
    .where('username', '=', 'dispatcher')
    .executeTakeFirstOrThrow();
  const at = options.dispatchedAt;
  const cases = await db
    .insertInto('cases')
    .values(
      Array.from({ length: options.count }, (_, i) => ({
        case_number: `2026-${++lastCaseNumber}`,
        title: `${options.title} ${i + 1}`,
        description: options.title,
        category_id: categoryId,
        longitude: 112.99,
        latitude: 28.195,
        address: null,
        grid_code: '430102',
        channel: 'hotline' as const,
        priority: 'normal' as const,
        status: options.status,
        assigned_body_id: options.bodyId,
        reporter_person_id: null,
        reported_by_user_id: userId,
        created_at: at,
        updated_at: at,
        closed_at: options.status === 'closed' ? at : null,
        urgency_flags: null,
        text_placement: null,
      })),
    )
    .returning('id')
    .execute();
  const dispatches = await db
    .insertInto('case_dispatches')
    .values(
      cases.map((c) => ({
        case_id: c.id,
        event_seq: 1,
        body_id: options.bodyId,
        dispatched_by_user_id: userId,
        dispatched_at: at,
        suggested_body_id: null,
        overridden: false,
        grid_code: '430102',
        ended_at: null,
        end_reason: null,
      })),
    )
    .returning(['id', 'case_id'])
    .execute();
  return dispatches.map((d) => ({ caseId: d.case_id, dispatchId: d.id }));
}
