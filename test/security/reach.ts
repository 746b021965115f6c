import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';
import type { Role } from '../../src/organizations/index.ts';

/** A case and an area inside one user's reach, and one outside it (for city-wide roles both are "inside"). */
export interface Reach {
  caseInside: string;
  caseOutside: string;
  areaInside: string;
  areaOutside: string;
}

const any = async (db: Db, where = sql`true`) =>
  (
    await sql<{
      case_number: string;
    }>`select case_number from cases where ${where} order by case_number limit 1`.execute(db)
  ).rows[0]?.case_number;

/**
 * For each role, a demo user and their reach: the citizen's own case vs another's; a handler's body's
 * case vs one never sent there; the grid worker's district vs another district.
 */
export async function reachOf(db: Db): Promise<Map<Role, Reach & { username: string }>> {
  const citizen = (
    await db.selectFrom('users').select('id').where('username', '=', 'citizen').executeTakeFirstOrThrow()
  ).id;
  const handlerRow = await sql<{ username: string; handling_body_id: string }>`
    select u.username, u.handling_body_id from users u
    where u.role = 'handler' and exists (select 1 from cases c where c.assigned_body_id = u.handling_body_id)
    order by u.username limit 1`.execute(db);
  const handler = handlerRow.rows[0]!;
  const notTheBody = sql`assigned_body_id is distinct from ${handler.handling_body_id}::uuid
    and not ${handler.handling_body_id}::uuid = any(assisting_body_ids)
    and not exists (select 1 from case_events e where e.case_id = cases.id and e.details->>'bodyId' = ${handler.handling_body_id})
    and not exists (select 1 from supervision_notices n where n.case_id = cases.id and n.escalated_to_body_id = ${handler.handling_body_id}::uuid)`;
  const anyCase = (await any(db))!;
  const cityWide = { caseInside: anyCase, caseOutside: anyCase, areaInside: '430102', areaOutside: '430103' };
  const reach = new Map<Role, Reach & { username: string }>();
  for (const [role, username] of [
    ['dispatcher', 'dispatcher'],
    ['supervisor', 'supervisor'],
    ['admin', 'admin'],
    ['data_steward', 'steward'],
    ['auditor', 'auditor'],
  ] as const) {
    reach.set(role, { username, ...cityWide, areaOutside: '430102' });
  }
  reach.set('citizen', {
    username: 'citizen',
    caseInside: (await any(db, sql`reported_by_user_id = ${citizen}`))!,
    caseOutside: (await any(db, sql`reported_by_user_id <> ${citizen}`))!,
    areaInside: '430102',
    areaOutside: '430103',
  });
  reach.set('handler', {
    username: handler.username,
    caseInside: (await any(db, sql`assigned_body_id = ${handler.handling_body_id}`))!,
    caseOutside: (await any(db, notTheBody))!,
    areaInside: '430102',
    areaOutside: '430102',
  });
  reach.set('grid_worker', {
    username: 'gridworker',
    caseInside: (await any(db, sql`grid_code like '430102%'`))!,
    caseOutside: (await any(db, sql`grid_code not like '430102%'`))!,
    areaInside: '430102',
    areaOutside: '430103',
  });
  for (const [role, r] of reach) {
    if (Object.values(r).some((v) => !v)) throw new Error(`the demo city gives ${role} no case in or out of reach`);
  }
  return reach;
}

/** The API routes the application actually serves, as "METHOD /path/:param" (from its OpenAPI document). */
export function routesOf(app: FastifyInstance): string[] {
  const document = app.swagger() as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(document.paths)
    .filter(([path]) => path.startsWith('/api/v1/'))
    .flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    )
    .sort();
}
