import { sql } from 'kysely';
import { likePrefix } from '../lib/like.ts';
import type { Actor } from '../organizations/index.ts';
import type { CaseDeps } from './case-deps.ts';
import { caseNotFound } from './cases.errors.ts';
import type { CaseStatus } from './lifecycle.ts';
import { visibleTo } from './visibility.ts';

/** How near, how recent and how alike a case must be to count as a possible duplicate. */
export interface DuplicatePolicy {
  radiusMetres: number;
  windowDays: number;
  /** pg_trgm similarity of the texts, 0–1, below which a candidate is not shown. */
  minSimilarity: number;
}

export const DEFAULT_DUPLICATE_POLICY: DuplicatePolicy = { radiusMetres: 250, windowDays: 30, minSimilarity: 0.05 };

export interface DuplicateCandidate {
  caseNumber: string;
  title: string;
  status: CaseStatus;
  categoryCode: string;
  distanceMetres: number;
  similarity: number;
  meTooCount: number;
  createdAt: Date;
}

const METRES_PER_DEGREE = 111_320;

/**
 * Earlier cases that may report the same problem: within the radius, in the same second-level category
 * (the same or a related kind of problem), reported within the window before it, not closed, cancelled
 * or merged themselves; most alike first (trigram similarity of title and description, which works on
 * Chinese text in both PostgreSQL and PGlite).
 */
export async function duplicateCandidates(
  deps: Pick<CaseDeps, 'db'>,
  actor: Actor,
  caseNumber: string,
  policy: DuplicatePolicy = DEFAULT_DUPLICATE_POLICY,
): Promise<DuplicateCandidate[]> {
  const subject = await deps.db
    .selectFrom('cases')
    .innerJoin('categories', 'categories.id', 'cases.category_id')
    .select(['cases.id', 'cases.title', 'cases.description', 'cases.longitude', 'cases.latitude', 'cases.created_at'])
    .select('categories.code as category_code')
    .where('cases.case_number', '=', caseNumber)
    .where(visibleTo(actor))
    .executeTakeFirst();
  if (!subject) throw caseNotFound(caseNumber);
  if (subject.longitude === null || subject.latitude === null) return [];

  const dLat = policy.radiusMetres / METRES_PER_DEGREE;
  const dLon = dLat / Math.cos((subject.latitude * Math.PI) / 180);
  const text = `${subject.title} ${subject.description}`;
  // Equirectangular distance: exact enough within a few hundred metres, and plain SQL on both databases.
  const distance = sql<number>`sqrt(power((cases.longitude - ${subject.longitude}) * ${METRES_PER_DEGREE * Math.cos((subject.latitude * Math.PI) / 180)}, 2) + power((cases.latitude - ${subject.latitude}) * ${METRES_PER_DEGREE}, 2))`;
  const similarity = sql<number>`similarity(cases.title || ' ' || cases.description, ${text})`;
  const rows = await deps.db
    .selectFrom('cases')
    .innerJoin('categories', 'categories.id', 'cases.category_id')
    .select([
      'cases.case_number',
      'cases.title',
      'cases.status',
      'cases.me_too_count',
      'cases.created_at',
      'categories.code as category_code',
      distance.as('distance'),
      similarity.as('similarity'),
    ])
    .where(visibleTo(actor))
    .where('cases.id', '<>', subject.id)
    .where('cases.status', 'not in', ['closed', 'cancelled', 'merged'])
    .where('cases.latitude', '>=', subject.latitude - dLat)
    .where('cases.latitude', '<=', subject.latitude + dLat)
    .where('cases.longitude', '>=', subject.longitude - dLon)
    .where('cases.longitude', '<=', subject.longitude + dLon)
    .where('categories.code', 'like', likePrefix(subject.category_code.slice(0, 4)))
    .where('cases.created_at', '>=', new Date(subject.created_at.getTime() - policy.windowDays * 86_400_000))
    .where('cases.created_at', '<=', subject.created_at)
    .where(distance, '<=', policy.radiusMetres)
    .where(similarity, '>=', policy.minSimilarity)
    .orderBy('similarity', 'desc')
    .orderBy('distance')
    .limit(10)
    .execute();
  return rows.map((r) => ({
    caseNumber: r.case_number,
    title: r.title,
    status: r.status,
    categoryCode: r.category_code,
    distanceMetres: Math.round(r.distance),
    similarity: Math.round(r.similarity * 1000) / 1000,
    meTooCount: r.me_too_count,
    createdAt: r.created_at,
  }));
}
