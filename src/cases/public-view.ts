import { type ExpressionBuilder, sql } from 'kysely';
import type { Database, Db } from '../db/database.ts';
import { likePrefix } from '../lib/like.ts';
import { maskForPublic } from '../privacy/index.ts';
import { filterProfanity } from '../text/index.ts';
import { caseNotFound } from './cases.errors.ts';
import type { CaseAction } from './lifecycle.ts';

/**
 * Which cases the public sees (the FixMyStreet-style public map and list): those whose reporter consented
 * to publication (withdrawing it hides them from then on), and those no person reported (grid patrol,
 * sensors, or an Open311 application that gave no contact: its reports are public there already). A hotline case without a reporter on record is not published: nobody consented. A case is
 * shown only once the desk has read and registered it (立案), its moderation: a new report is not
 * public, and cancelled and merged cases never are.
 */
export function published(eb: ExpressionBuilder<Database, 'cases'>) {
  return eb.and([
    eb('cases.status', 'not in', ['reported', 'cancelled', 'merged']),
    eb.or([
      eb.exists(
        eb
          .selectFrom('persons')
          .select(sql.lit(1).as('one'))
          .whereRef('persons.id', '=', 'cases.reporter_person_id')
          .where('persons.publish_consent', '=', true),
      ),
      eb.and([
        eb('cases.reporter_person_id', 'is', null),
        eb('cases.channel', 'in', ['grid_patrol', 'sensor', 'open311']),
      ]),
    ]),
  ]);
}

export interface PublicCase {
  caseNumber: string;
  title: string;
  /** Masked for the public like the title; cut to its first 1,000 characters in lists. */
  description: string;
  status: string;
  category: { code: string; nameZh: string; nameEn: string };
  gridCode: string | null;
  /** Rounded to about 100 m: enough to see where, not to find someone's door. */
  location: { longitude: number; latitude: number } | null;
  /** Residents who said "me too", and duplicates merged into the case. */
  meTooCount: number;
  /** Set when staff hid the title and description from the public: why (they are then empty). */
  textHiddenReason: string | null;
  createdAt: Date;
  closedAt: Date | null;
}

/** A step of the loop as the public sees it: no staff names, the handling body's reply masked. */
export interface PublicStep {
  action: CaseAction;
  status: string;
  at: Date;
  reply: string | null;
}

export interface PublicCaseDetail extends PublicCase {
  steps: PublicStep[];
}

/**
 * Words as the public may read them (the portal, feeds, Open311): personal data masked (at intake, and
 * again with today's detector, so what it learnt since also covers older cases), and profanity hidden.
 */
export function publicText(text: string): string {
  return filterProfanity(maskForPublic(text));
}

const ROUND = 1000;
const LIST_DESCRIPTION_CHARACTERS = 1000;
const METRES_PER_DEGREE = 111_320;

/**
 * The steps a resident is told of. Internal ones (extensions asked and granted, relocations, the desk's
 * re-routing) are not; a step's reply is the handling body's public answer where the step is one.
 */
export const PUBLIC_STEP_ACTIONS = [
  'report',
  'register',
  'dispatch',
  'accept',
  'return',
  'handle',
  'verify_pass',
  'verify_fail',
  'close',
  'answer',
  'reopen',
  'suspend',
  'resume',
  'merge',
  'note',
] as const satisfies readonly CaseAction[];
const STEPS_WITH_REPLY: ReadonlySet<CaseAction> = new Set(['handle', 'answer', 'note']);
type PublicStepAction = (typeof PUBLIC_STEP_ACTIONS)[number];

/** The public steps in words, for what is read outside the portal (feeds, messages). */
export const PUBLIC_STEP_WORDS: Record<PublicStepAction, { zh: string; en: string }> = {
  report: { zh: '已收到反映', en: 'Reported' },
  register: { zh: '已受理立案', en: 'Registered' },
  dispatch: { zh: '已派遣至承办单位', en: 'Sent to the handling body' },
  accept: { zh: '承办单位已签收，正在处理', en: 'Accepted by the handling body' },
  return: { zh: '承办单位退回，待重新派遣', en: 'Returned, to be sent again' },
  handle: { zh: '承办单位已处置', en: 'Handled' },
  verify_pass: { zh: '现场核查通过', en: 'Checked on site' },
  verify_fail: { zh: '现场核查未通过，重新处理', en: 'Check failed, being handled again' },
  close: { zh: '已办结', en: 'Closed' },
  answer: { zh: '已直接答复并办结', en: 'Answered and closed' },
  reopen: { zh: '已重新办理', en: 'Reopened' },
  suspend: { zh: '暂缓办理', en: 'Suspended' },
  resume: { zh: '恢复办理', en: 'Resumed' },
  merge: { zh: '与另一案件合并办理', en: 'Merged with another case' },
  note: { zh: '公开备注', en: 'Public note' },
};

function publicColumns(db: Db) {
  return db
    .selectFrom('cases')
    .innerJoin('categories', 'categories.id', 'cases.category_id')
    .select([
      'cases.id',
      'cases.case_number',
      'cases.title',
      sql<string>`substr(cases.description, 1, ${LIST_DESCRIPTION_CHARACTERS})`.as('description'),
      'cases.status',
      'categories.code',
      'categories.name_zh',
      'categories.name_en',
      'cases.grid_code',
      'cases.longitude',
      'cases.latitude',
      'cases.me_too_count',
      'cases.public_text_hidden_reason',
      'cases.created_at',
      'cases.closed_at',
    ])
    .where(published);
}

function toPublic(row: Awaited<ReturnType<ReturnType<typeof publicColumns>['executeTakeFirstOrThrow']>>): PublicCase {
  return {
    caseNumber: row.case_number,
    title: row.public_text_hidden_reason === null ? publicText(row.title) : '',
    description: row.public_text_hidden_reason === null ? publicText(row.description) : '',
    status: row.status,
    category: { code: row.code, nameZh: row.name_zh, nameEn: row.name_en },
    gridCode: row.grid_code,
    location:
      row.longitude === null || row.latitude === null
        ? null
        : {
            longitude: Math.round(row.longitude * ROUND) / ROUND,
            latitude: Math.round(row.latitude * ROUND) / ROUND,
          },
    meTooCount: row.me_too_count,
    textHiddenReason: row.public_text_hidden_reason,
    createdAt: row.created_at,
    closedAt: row.closed_at,
  };
}

export interface PublicCaseFilter {
  limit: number;
  before?: string;
  /** A category and those under it. */
  category?: string;
  /** An area (district, street, community or grid cell) and those inside it. */
  area?: string;
  /** `open`: not yet closed; `closed`: closed. */
  state?: 'open' | 'closed';
}

/**
 * Published cases, newest first; `before` is the last case number of the previous page. A `before` that is
 * not a published case gives an empty page, as an unknown number does: the answer must not tell that an
 * unpublished case exists, or when it was reported.
 */
export async function listPublicCases(db: Db, options: PublicCaseFilter): Promise<PublicCase[]> {
  let query = publicColumns(db);
  if (options.before) {
    // The inner `cases` is the subquery's own: SQL resolves a name in the nearest scope.
    const position = db
      .selectFrom('cases')
      .select(['cases.created_at', 'cases.id'])
      .where('cases.case_number', '=', options.before)
      .where(published);
    query = query.where(sql<boolean>`(cases.created_at, cases.id) < (${position})`);
  }
  if (options.category) query = query.where('categories.code', 'like', likePrefix(options.category));
  if (options.area) query = query.where('cases.grid_code', 'like', likePrefix(options.area));
  if (options.state) query = query.where('cases.status', options.state === 'closed' ? '=' : '<>', 'closed');
  const rows = await query
    .orderBy('cases.created_at', 'desc')
    .orderBy('cases.id', 'desc')
    .limit(options.limit)
    .execute();
  return rows.map(toPublic);
}

export interface NearbyQuery {
  longitude: number;
  latitude: number;
  radiusMetres: number;
  limit: number;
}

/**
 * Open published cases near a point, nearest first: what the portal shows a resident before they file
 * ("is it one of these?"), so that they support an existing case rather than report it again. The distance
 * is measured to the rounded public point, so it tells no more than the map does.
 */
export async function nearbyPublicCases(
  db: Db,
  near: NearbyQuery,
): Promise<(PublicCase & { distanceMetres: number })[]> {
  const dLat = near.radiusMetres / METRES_PER_DEGREE;
  const dLon = dLat / Math.cos((near.latitude * Math.PI) / 180);
  // Equirectangular distance: exact enough within a few hundred metres, and plain SQL on both databases
  // (PostGIS is optional). The bounding box lets the planner use the coordinates' index first.
  const distance = sql<number>`sqrt(power((cases.longitude - ${near.longitude}) * ${METRES_PER_DEGREE * Math.cos((near.latitude * Math.PI) / 180)}, 2) + power((cases.latitude - ${near.latitude}) * ${METRES_PER_DEGREE}, 2))`;
  const rows = await publicColumns(db)
    .select(distance.as('distance'))
    .where('cases.status', '<>', 'closed')
    .where('cases.latitude', '>=', near.latitude - dLat)
    .where('cases.latitude', '<=', near.latitude + dLat)
    .where('cases.longitude', '>=', near.longitude - dLon)
    .where('cases.longitude', '<=', near.longitude + dLon)
    .where(distance, '<=', near.radiusMetres)
    .orderBy('distance')
    .orderBy('cases.created_at', 'desc')
    .limit(near.limit)
    .execute();
  return rows.map((row) => {
    const shown = toPublic(row);
    const { longitude, latitude } = shown.location!;
    const dx = (longitude - near.longitude) * METRES_PER_DEGREE * Math.cos((near.latitude * Math.PI) / 180);
    const dy = (latitude - near.latitude) * METRES_PER_DEGREE;
    return { ...shown, distanceMetres: Math.round(Math.hypot(dx, dy)) };
  });
}

/** The latest public steps of published cases (a feed of an area or a category), newest first. */
export async function recentPublicSteps(
  db: Db,
  filter: Pick<PublicCaseFilter, 'category' | 'area'> & { limit: number },
): Promise<(PublicStep & { caseNumber: string; seq: number; title: string; category: PublicCase['category'] })[]> {
  let query = db
    .selectFrom('case_events')
    .innerJoin('cases', 'cases.id', 'case_events.case_id')
    .innerJoin('categories', 'categories.id', 'cases.category_id')
    .select([
      'cases.case_number',
      'cases.title',
      'cases.public_text_hidden_reason',
      'categories.code',
      'categories.name_zh',
      'categories.name_en',
      'case_events.seq',
      'case_events.action',
      'case_events.to_status',
      'case_events.note',
      'case_events.created_at',
    ])
    .where(published)
    .where('case_events.action', 'in', PUBLIC_STEP_ACTIONS);
  if (filter.category) query = query.where('categories.code', 'like', likePrefix(filter.category));
  if (filter.area) query = query.where('cases.grid_code', 'like', likePrefix(filter.area));
  const rows = await query
    .orderBy('case_events.created_at', 'desc')
    .orderBy('case_events.seq', 'desc')
    .limit(filter.limit)
    .execute();
  return rows.map((row) => ({
    caseNumber: row.case_number,
    seq: row.seq,
    title: row.public_text_hidden_reason === null ? publicText(row.title) : '',
    category: { code: row.code, nameZh: row.name_zh, nameEn: row.name_en },
    ...publicStep(row),
  }));
}

function publicStep(e: { action: CaseAction; to_status: string; note: string | null; created_at: Date }): PublicStep {
  return {
    action: e.action,
    status: e.to_status,
    at: e.created_at,
    reply: STEPS_WITH_REPLY.has(e.action) && e.note ? publicText(e.note) : null,
  };
}

export async function getPublicCase(db: Db, caseNumber: string): Promise<PublicCaseDetail> {
  const row = await publicColumns(db)
    .select('cases.description as full_description')
    .where('cases.case_number', '=', caseNumber)
    .executeTakeFirst();
  if (!row) throw caseNotFound(caseNumber);
  const events = await db
    .selectFrom('case_events')
    .select(['action', 'to_status', 'note', 'created_at'])
    .where('case_id', '=', row.id)
    .where('action', 'in', PUBLIC_STEP_ACTIONS)
    .orderBy('seq')
    .execute();
  return {
    ...toPublic(row),
    description: row.public_text_hidden_reason === null ? publicText(row.full_description) : '',
    steps: events.map(publicStep),
  };
}
