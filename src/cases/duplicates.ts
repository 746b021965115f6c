import { sql } from 'kysely';
import { likePrefix } from '../lib/like.ts';
import type { Actor } from '../organizations/index.ts';
import { cosineOfWords, loadCityWords, wordCounts } from '../text/index.ts';
import type { CaseDeps } from './case-deps.ts';
import { caseNotFound } from './cases.errors.ts';
import type { CaseStatus } from './lifecycle.ts';
import { visibleTo } from './visibility.ts';

/** How near, how recent and how alike a case must be to count as a possible duplicate. */
export interface DuplicatePolicy {
  radiusMetres: number;
  windowDays: number;
  /** pg_trgm similarity of the texts, 0–1, below which a candidate is not even compared by words. */
  minSimilarity: number;
}

export const DEFAULT_DUPLICATE_POLICY: DuplicatePolicy = { radiusMetres: 250, windowDays: 30, minSimilarity: 0.05 };

export interface DuplicateCandidate {
  caseNumber: string;
  title: string;
  status: CaseStatus;
  categoryCode: string;
  /** Null when either case has no point (both placed in one area from their texts). */
  distanceMetres: number | null;
  /** How alike the texts' words are (jieba tokens, cosine), 0–1. */
  similarity: number;
  /** Text, place and time together, 0–1: what the list is ordered by. */
  score: number;
  meTooCount: number;
  createdAt: Date;
}

const METRES_PER_DEGREE = 111_320;
// The database narrows candidates by place, time and kind (indexed), keeps the most recent of them, and
// ranks those by character trigrams; the words then decide. Every step is bounded whatever one account
// posted at one spot: at most NEARBY_LIMIT rows are compared by trigrams, over the first COMPARED_CHARS of
// each text (a title and the start of a description say what a report is about), and at most PREFILTERED
// reach the word comparison. The embedded database is one session: unbounded work here would make every
// other request wait.
const NEARBY_LIMIT = 100;
const COMPARED_CHARS = 300;
const PREFILTERED = 50;
// Text says most; a nearer and more recent case is likelier the same report. A case without a point,
// placed in an area from its text, counts as half-way near.
const WEIGHTS = { text: 0.6, place: 0.25, time: 0.15 } as const;
const UNKNOWN_DISTANCE_CLOSENESS = 0.5;

/** What is compared of a case: its title and the start of its description. */
const comparedText = (title: string, description: string) => `${title} ${description}`.slice(0, COMPARED_CHARS);

/**
 * Earlier cases that may report the same problem, scored on text, place and time: reported within the
 * window before it, in the same second-level category (the same or a related kind of problem), not closed,
 * cancelled or merged themselves, and within the radius (or, for a case with no point, in the area its
 * text placed it in); most alike first. Fast enough for every registration, and bounded: one indexed
 * query over at most 100 nearby cases, and word comparisons of at most 50 texts.
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
    .select(['cases.id', 'cases.title', 'cases.longitude', 'cases.latitude', 'cases.created_at'])
    .select(sql<string>`substr(cases.description, 1, ${COMPARED_CHARS})`.as('description'))
    .select(['categories.code as category_code', 'cases.grid_code'])
    .where('cases.case_number', '=', caseNumber)
    .where(visibleTo(actor))
    .executeTakeFirst();
  if (!subject) throw caseNotFound(caseNumber);
  const hasPoint = subject.longitude !== null && subject.latitude !== null;
  if (!hasPoint && subject.grid_code === null) return [];

  const text = comparedText(subject.title, subject.description);
  let nearby = deps.db
    .selectFrom('cases')
    .innerJoin('categories', 'categories.id', 'cases.category_id')
    // No text here: the cap is applied before any description is read.
    .select([
      'cases.id',
      'cases.case_number',
      'cases.title',
      'cases.status',
      'cases.me_too_count',
      'cases.created_at',
      'categories.code as category_code',
    ])
    .where(visibleTo(actor))
    .where('cases.id', '<>', subject.id)
    .where('cases.status', 'not in', ['closed', 'cancelled', 'merged'])
    .where('categories.code', 'like', likePrefix(subject.category_code.slice(0, 4)))
    .where('cases.created_at', '>=', new Date(subject.created_at.getTime() - policy.windowDays * 86_400_000))
    .where('cases.created_at', '<=', subject.created_at);
  let distance: ReturnType<typeof sql<number>> | undefined;
  if (subject.longitude !== null && subject.latitude !== null) {
    const dLat = policy.radiusMetres / METRES_PER_DEGREE;
    const dLon = dLat / Math.cos((subject.latitude * Math.PI) / 180);
    // Equirectangular distance: exact enough within a few hundred metres, and plain SQL on both databases.
    distance = sql<number>`sqrt(power((cases.longitude - ${subject.longitude}) * ${METRES_PER_DEGREE * Math.cos((subject.latitude * Math.PI) / 180)}, 2) + power((cases.latitude - ${subject.latitude}) * ${METRES_PER_DEGREE}, 2))`;
    const near = distance;
    const { latitude, longitude } = subject;
    const gridCode = subject.grid_code;
    nearby = nearby.where((eb) =>
      eb.or([
        eb.and([
          eb('cases.latitude', '>=', latitude - dLat),
          eb('cases.latitude', '<=', latitude + dLat),
          eb('cases.longitude', '>=', longitude - dLon),
          eb('cases.longitude', '<=', longitude + dLon),
          eb(near, '<=', policy.radiusMetres),
        ]),
        // An earlier case with no point, placed from its text in an area this point lies in.
        ...(gridCode
          ? [eb.and([eb('cases.longitude', 'is', null), sql<boolean>`${gridCode} like cases.grid_code || '%'`])]
          : []),
      ]),
    );
  } else {
    nearby = nearby.where('cases.grid_code', 'like', likePrefix(subject.grid_code ?? ''));
  }
  const capped = nearby
    .select((distance ?? sql<number | null>`null`).as('distance'))
    .orderBy('cases.created_at', 'desc')
    .limit(NEARBY_LIMIT);
  // substr reads only the start of a long description (PostgreSQL decompresses a slice), where left()
  // would decompress it whole.
  const compared = sql<string>`substr(nearby.title || ' ' || substr(described.description, 1, ${COMPARED_CHARS}), 1, ${COMPARED_CHARS})`;
  const trigrams = sql<number>`similarity(${compared}, ${text})`;
  const rows = await deps.db
    .selectFrom(capped.as('nearby'))
    .innerJoin('cases as described', 'described.id', 'nearby.id')
    .selectAll('nearby')
    .select([compared.as('compared'), trigrams.as('trigrams')])
    .where(trigrams, '>=', policy.minSimilarity)
    .orderBy('trigrams', 'desc')
    .limit(PREFILTERED)
    .execute();
  await loadCityWords(deps.db);
  const subjectWords = wordCounts(text);
  const windowMs = policy.windowDays * 86_400_000;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return rows
    .map((r) => {
      const similarity = cosineOfWords(subjectWords, wordCounts(r.compared));
      const closeness = r.distance === null ? UNKNOWN_DISTANCE_CLOSENESS : 1 - r.distance / policy.radiusMetres;
      const recency = 1 - (subject.created_at.getTime() - r.created_at.getTime()) / windowMs;
      return {
        caseNumber: r.case_number,
        title: r.title,
        status: r.status,
        categoryCode: r.category_code,
        distanceMetres: r.distance === null ? null : Math.round(r.distance),
        similarity: round(similarity),
        score: round(WEIGHTS.text * similarity + WEIGHTS.place * closeness + WEIGHTS.time * recency),
        meTooCount: r.me_too_count,
        createdAt: r.created_at,
      };
    })
    .sort((a, b) => b.score - a.score || a.caseNumber.localeCompare(b.caseNumber))
    .slice(0, 10);
}
