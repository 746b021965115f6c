import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { ROLES, type Role } from '../../src/organizations/index.ts';
import { createTestDatabase } from '../db.ts';
import { buildTestApp, loadSmallDemoCity } from '../demo-city.ts';
import { ACCESS_MATRIX, type MatrixEntry, UNKNOWN_ID } from './access-matrix.ts';
import { type Reach, reachOf, routesOf } from './reach.ts';

/** What is wrong between the routes served and the matrix: routes without an entry, entries without a route. */
function matrixGaps(routes: string[], matrix: Record<string, MatrixEntry>) {
  return {
    withoutEntry: routes.filter((route) => !matrix[route]),
    withoutRoute: Object.keys(matrix).filter((route) => !routes.includes(route)),
  };
}

type Outcome = 'allow' | 'deny';

/**
 * A response read as the policy's answer: 403 AUTH_ERR_FORBIDDEN (the policy said no) or a 404/403 from
 * the row check (out of reach) is "deny"; anything else (success, or a refusal by a later rule such as a
 * stale version or an unknown category) got past the policy and is "allow".
 */
function outcomeOf(status: number, body: string, outsideReach: boolean): Outcome {
  const code = status >= 400 ? (JSON.parse(body) as { error: { code: string } }).error.code : '';
  // Every request here carries a valid credential (a wrong password or code in a sign-in's own body is
  // that route's answer, not the policy's).
  if (code === 'AUTH_ERR_UNAUTHENTICATED') throw new Error(`unexpected 401: ${body}`);
  if (code === 'AUTH_ERR_FORBIDDEN') return 'deny';
  if (outsideReach && (code.endsWith('_NOT_FOUND') || code === 'GRID_ERR_FORBIDDEN')) return 'deny';
  if (status >= 500) throw new Error(`server error ${status}: ${body}`);
  return 'allow';
}

function expected(entry: MatrixEntry, role: Role, inside: boolean): Outcome {
  if (entry.public || entry.allow?.includes(role)) return 'allow';
  if (entry.scoped?.includes(role)) return inside ? 'allow' : 'deny';
  return 'deny';
}

/** Fills a route's parameters for a role: inside or outside its reach for cases and areas. */
function urlFor(route: string, reach: Reach, inside: boolean, entry: MatrixEntry): string {
  const path = route
    .slice(route.indexOf(' ') + 1)
    .replace(':caseNumber', inside ? reach.caseInside : reach.caseOutside)
    .replace(':code/', `${inside ? reach.areaInside : reach.areaOutside}/`)
    .replace(/:code$/, route.includes('/grid/') ? (inside ? reach.areaInside : reach.areaOutside) : '0102')
    .replace(':year', route.startsWith('PUT') ? '2027' : '2026')
    .replace(':id', UNKNOWN_ID);
  return entry.sample?.query ? `${path}?${entry.sample.query}` : path;
}

describe('the access matrix', () => {
  let handle: DatabaseHandle;
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  let reach: Map<Role, Reach & { username: string }>;

  beforeAll(async () => {
    handle = await createTestDatabase('pglite');
    const { areas } = await loadSmallDemoCity(handle, 60);
    ({ app, as } = await buildTestApp(handle, areas));
    await app.ready();
    reach = await reachOf(handle.db);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await handle?.close();
  });

  it('should have an entry for every route the application serves, and a route for every entry', () => {
    const routes = routesOf(app);
    expect(routes.length).toBeGreaterThan(60);
    expect(matrixGaps(routes, ACCESS_MATRIX)).toEqual({ withoutEntry: [], withoutRoute: [] });
  });

  it('should fail when a route is missing from the matrix (a new route added without deciding who may call it)', () => {
    const { 'GET /api/v1/audit': _removed, ...withoutAudit } = ACCESS_MATRIX;
    expect(matrixGaps(routesOf(app), withoutAudit).withoutEntry).toEqual(['GET /api/v1/audit']);
  });

  it('should answer every route × every role × inside and outside its reach as the matrix says', async () => {
    const mismatches: string[] = [];
    let checked = 0;
    // Reads first, then changes: no sample changes anything, but this way a mistake in one could not
    // hide a read's answer.
    const routes = routesOf(app)
      .sort((a, b) => Number(a.startsWith('GET')) - Number(b.startsWith('GET')))
      .reverse();
    for (const route of routes) {
      const entry = ACCESS_MATRIX[route]!;
      const method = route.slice(0, route.indexOf(' ')) as 'GET' | 'POST' | 'PUT' | 'DELETE';
      for (const role of ROLES) {
        const who = reach.get(role)!;
        for (const inside of [true, false]) {
          const response = await app.inject({
            method,
            url: urlFor(route, who, inside, entry),
            headers: await as(who.username),
            ...(method === 'GET' || method === 'DELETE' ? {} : { payload: (entry.sample?.body ?? {}) as object }),
          });
          // Only a case or an area can be out of someone's reach; any other 404 is the route's own answer.
          const reachMatters = !entry.public && /:caseNumber|\/grid\/areas\/:code/.test(route);
          const got = outcomeOf(response.statusCode, response.body, reachMatters && !inside);
          const want = expected(entry, role, inside);
          checked++;
          if (got !== want) {
            mismatches.push(
              `${route} as ${role} (${inside ? 'inside' : 'outside'} its reach): expected ${want}, got ${response.statusCode} ${response.body.slice(0, 120)}`,
            );
          }
        }
      }
      if (entry.public) {
        const anonymous = await app.inject({
          method,
          url: urlFor(route, reach.get('citizen')!, true, entry),
          ...(method === 'GET' ? {} : { payload: (entry.sample?.body ?? {}) as object }),
        });
        expect(anonymous.statusCode, route).not.toBe(401);
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBe(routes.length * ROLES.length * 2);
    console.log(`access matrix: ${routes.length} routes × ${ROLES.length} roles × inside/outside = ${checked} checks`);
  }, 300_000);

  it('should refuse every non-public route without a credential', async () => {
    for (const route of routesOf(app).filter((r) => !ACCESS_MATRIX[r]!.public)) {
      const method = route.slice(0, route.indexOf(' ')) as 'GET' | 'POST' | 'PUT' | 'DELETE';
      const response = await app.inject({ method, url: urlFor(route, reach.get('citizen')!, true, {}) });
      expect(response.statusCode, route).toBe(401);
    }
  });
});
