import { type ExpressionBuilder, sql } from 'kysely';
import type { Database, Db } from '../db/database.ts';
import { escapeLike, likePrefix } from '../lib/like.ts';
import {
  type Actor,
  type AttributeDatatype,
  type CategoryAttribute,
  listCategoryAttributes,
} from '../organizations/index.ts';
import type { CaseRef } from '../privacy/index.ts';
import type { TextPlacement, UrgencyFlag } from '../text/index.ts';
import type { CaseDeps } from './case-deps.ts';
import { badCursor, caseNotFound } from './cases.errors.ts';
import type { Channel, ClockKind, Priority, Satisfaction } from './cases.tables.ts';
import { type Light, lightOf } from './deadlines.ts';
import {
  allowedActions,
  answersSurvey,
  type CaseAction,
  type CaseStatus,
  CLOSING_ACTIONS,
  factsOf,
  type TransitionAction,
} from './lifecycle.ts';
import { reporterRefColumns, reporterRefOf } from './personal-data.ts';
import { heldBy, visibleTo } from './visibility.ts';

export interface CaseFilter {
  status?: CaseStatus[];
  /** A category code; matches it and every category below it. */
  category?: string;
  bodyId?: string;
  channel?: Channel;
  /** A grid area code; matches it and every area below it. */
  gridCode?: string;
  /** Only cases whose point lies outside every area (or only those inside one). */
  outsideJurisdiction?: boolean;
  createdFrom?: Date;
  createdTo?: Date;
  /** Words to find in the title or description. */
  text?: string;
  limit?: number;
  cursor?: string;
}

interface NamedRef {
  id: string;
  code: string;
  nameZh: string;
  nameEn: string;
}

export interface CaseSummary {
  caseNumber: string;
  title: string;
  status: CaseStatus;
  category: Omit<NamedRef, 'id'>;
  channel: Channel;
  priority: Priority;
  gridCode: string | null;
  outsideJurisdiction: boolean;
  address: string | null;
  assignedBody: NamedRef | null;
  meTooCount: number;
  /** The handling body has asked for an extension no supervisor has decided yet. */
  pendingExtension: boolean;
  /** The nearest running deadline, with its traffic light. */
  deadline: { kind: ClockKind; dueAt: Date; light: Light } | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CaseEventView {
  seq: number;
  action: CaseAction;
  fromStatus: CaseStatus | null;
  toStatus: CaseStatus;
  actorRole: string;
  /** Staff names are shown; a citizen actor is not named (their identity is personal data). */
  actorName: string | null;
  note: string | null;
  bodyId: string | null;
  reviewDate: string | null;
  /** dispatch: whether it went elsewhere than suggested, and the assisting bodies. */
  overridden: boolean | null;
  assistingBodyIds: string[];
  /** merge: the case it was merged into; request_extension: the working days asked for. */
  parentCaseNumber: string | null;
  extensionDays: number | null;
  createdAt: Date;
}

export interface CaseDetail extends CaseSummary {
  description: string;
  location: { longitude: number; latitude: number } | null;
  reworkCount: number;
  /** Dangers read out of the text at intake, with the words that show them. */
  urgencyFlags: UrgencyFlag[];
  /** Where the text placed a case reported without a point, and how sure that is. */
  textPlacement: TextPlacement | null;
  /** The point lay this many metres outside every area and was placed on the nearest one; null when an area holds it. */
  placementSnappedMetres: number | null;
  closedAt: Date | null;
  events: CaseEventView[];
  /** What the asking user may do next; the console shows exactly these buttons. */
  allowedActions: TransitionAction[];
  /** Where the routing suggests the case should go, and why. */
  suggestion: {
    bodyId: string | null;
    assistingBodyIds: string[];
    ruleId: string | null;
    source: 'rule' | 'category_default' | 'none';
  };
  /** The asking user may answer the survey of the latest closure now. */
  mayAnswerSurvey: boolean;
  assistingBodyIds: string[];
  parentCaseNumber: string | null;
  mergedCaseNumbers: string[];
  pendingExtension: boolean;
  /** The number of events: what a client sends back as `version` to act on what it saw. */
  version: number;
  /** The priority a citizen asked for; the desk confirms a priority when it registers the case. */
  requestedPriority: Priority | null;
  deadlines: Array<{
    kind: ClockKind;
    measure: 'working' | 'wall';
    bodyId: string | null;
    startedAt: Date;
    dueAt: Date;
    extendedMinutes: number;
    light: Light | null;
    outcome: string | null;
    stoppedAt: Date | null;
  }>;
  surveys: Array<{ satisfaction: Satisfaction; solved: boolean; reopened: boolean; createdAt: Date }>;
  /** The answers to what the category asks (its attributes), in the category's order, with their words. */
  attributes: CaseAttributeView[];
}

export interface CaseAttributeView {
  code: string;
  /** The question's words; the code itself when the category no longer asks it. */
  descriptionZh: string;
  descriptionEn: string;
  datatype: AttributeDatatype | null;
  /** The answer: one value, or the keys chosen of a multivaluelist. */
  values: string[];
  /** What the values mean: a list's words for its keys, the values themselves otherwise. */
  valueNames: string[];
}

/** A case's answers, read with their category's questions (answers to a question no longer asked come last). */
export function attributeViews(
  answers: Record<string, string | string[]> | null,
  questions: readonly CategoryAttribute[],
): CaseAttributeView[] {
  if (!answers) return [];
  const asked = questions.filter((q) => answers[q.code] !== undefined);
  const unasked = Object.keys(answers).filter((code) => !questions.some((q) => q.code === code));
  return [
    ...asked.map((q) => {
      const values = [answers[q.code]!].flat();
      const names = new Map(q.values.map((v) => [v.key, v.name]));
      return {
        code: q.code,
        descriptionZh: q.descriptionZh,
        descriptionEn: q.descriptionEn,
        datatype: q.datatype,
        values,
        valueNames: values.map((value) => names.get(value) ?? value),
      };
    }),
    ...unasked.map((code) => {
      const values = [answers[code]!].flat();
      return { code, descriptionZh: code, descriptionEn: code, datatype: null, values, valueNames: values };
    }),
  ];
}

const SUMMARY_COLUMNS = [
  'cases.id',
  'cases.case_number',
  'cases.title',
  'cases.status',
  'cases.channel',
  'cases.priority',
  'cases.grid_code',
  'cases.outside_jurisdiction',
  'cases.address',
  'cases.created_at',
  'cases.updated_at',
  'cases.me_too_count',
  'cases.pending_extension',
  'next_clock.kind as clock_kind',
  'next_clock.due_at as clock_due_at',
  'next_clock.warn_at as clock_warn_at',
  'next_clock.paused_at as clock_paused_at',
  'categories.code as category_code',
  'categories.name_zh as category_name_zh',
  'categories.name_en as category_name_en',
  'handling_bodies.id as body_id',
  'handling_bodies.code as body_code',
  'handling_bodies.name_zh as body_name_zh',
  'handling_bodies.name_en as body_name_en',
] as const;

/** Summary columns of the cases an actor may see that match a filter (one case: filter by its number). */
export function summaryQuery(db: Db, actor: Actor, filter: CaseFilter) {
  return seenAndMatching(db, actor, filter)
    .leftJoin('handling_bodies', 'handling_bodies.id', 'cases.assigned_body_id')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('case_clocks')
          .select(['kind', 'due_at', 'warn_at', 'paused_at'])
          .whereRef('case_clocks.case_id', '=', 'cases.id')
          .where('case_clocks.stopped_at', 'is', null)
          .orderBy('case_clocks.due_at')
          .limit(1)
          .as('next_clock'),
      (join) => join.onTrue(),
    )
    .select(SUMMARY_COLUMNS);
}

export type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaryQuery>['executeTakeFirstOrThrow']>>;

export function toSummary(row: SummaryRow, now: Date): CaseSummary {
  return {
    caseNumber: row.case_number,
    title: row.title,
    status: row.status,
    category: { code: row.category_code, nameZh: row.category_name_zh, nameEn: row.category_name_en },
    channel: row.channel,
    priority: row.priority,
    gridCode: row.grid_code,
    outsideJurisdiction: row.outside_jurisdiction,
    address: row.address,
    assignedBody:
      row.body_id && row.body_code && row.body_name_zh && row.body_name_en
        ? { id: row.body_id, code: row.body_code, nameZh: row.body_name_zh, nameEn: row.body_name_en }
        : null,
    meTooCount: row.me_too_count,
    pendingExtension: row.pending_extension,
    deadline:
      row.clock_kind && row.clock_due_at && row.clock_warn_at
        ? {
            kind: row.clock_kind,
            dueAt: row.clock_due_at,
            light: lightOf({ warnAt: row.clock_warn_at, dueAt: row.clock_due_at, pausedAt: row.clock_paused_at }, now),
          }
        : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

interface CursorPosition {
  createdAt: string;
  id: string;
}

function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');
}

function decodeCursor(cursor: string): CursorPosition {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    // Only instants the database can hold (a forged cursor could carry year 275760).
    const year = typeof createdAt === 'string' ? new Date(createdAt).getUTCFullYear() : Number.NaN;
    if (typeof createdAt === 'string' && year >= 1900 && year <= 9999 && typeof id === 'string' && uuid.test(id)) {
      return { createdAt, id };
    }
  } catch {
    // fall through: any undecodable cursor is the client's mistake
  }
  throw badCursor();
}

function matchesFilter(filter: CaseFilter) {
  return (eb: ExpressionBuilder<Database, 'cases' | 'categories'>) => {
    const conditions = [];
    if (filter.status?.length) conditions.push(eb('cases.status', 'in', filter.status));
    if (filter.category) conditions.push(eb('categories.code', 'like', likePrefix(filter.category)));
    if (filter.bodyId) conditions.push(eb('cases.assigned_body_id', '=', filter.bodyId));
    if (filter.channel) conditions.push(eb('cases.channel', '=', filter.channel));
    if (filter.gridCode) conditions.push(eb('cases.grid_code', 'like', likePrefix(filter.gridCode)));
    if (filter.outsideJurisdiction !== undefined) {
      conditions.push(eb('cases.outside_jurisdiction', '=', filter.outsideJurisdiction));
    }
    if (filter.createdFrom) conditions.push(eb('cases.created_at', '>=', filter.createdFrom));
    if (filter.createdTo) conditions.push(eb('cases.created_at', '<', filter.createdTo));
    if (filter.text?.trim()) {
      conditions.push(eb(sql`cases.title || ' ' || cases.description`, 'ilike', `%${escapeLike(filter.text.trim())}%`));
    }
    return eb.and(conditions);
  };
}

/** The cases an actor may see that match a filter: what the list, the counts and the map all start from. */
function seenAndMatching(db: Db, actor: Actor, filter: CaseFilter) {
  return db
    .selectFrom('cases')
    .innerJoin('categories', 'categories.id', 'cases.category_id')
    .where(visibleTo(actor))
    .where(matchesFilter(filter));
}

/** A page of the cases the actor may see, newest first, with a cursor for the next page. */
export async function listCases(
  deps: Pick<CaseDeps, 'db' | 'clock'>,
  actor: Actor,
  filter: CaseFilter,
): Promise<{ items: CaseSummary[]; nextCursor: string | null }> {
  const limit = filter.limit ?? 20;
  let query = summaryQuery(deps.db, actor, filter);
  if (filter.cursor) {
    const after = decodeCursor(filter.cursor);
    query = query.where((eb) =>
      eb.or([
        eb('cases.created_at', '<', new Date(after.createdAt)),
        eb.and([eb('cases.created_at', '=', new Date(after.createdAt)), eb('cases.id', '<', after.id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('cases.created_at', 'desc')
    .orderBy('cases.id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => toSummary(row, deps.clock.now())),
    nextCursor:
      rows.length > limit && last ? encodeCursor({ createdAt: last.created_at.toISOString(), id: last.id }) : null,
  };
}

/**
 * One case with its history and what the actor may do next; 404 when the actor may not see it. With
 * `withReporter`, the case's reporter reference (sealed values, the actor's grant) is read in the same
 * query, for the reporter view every staff read shows.
 */
export async function getCaseDetail(
  deps: CaseDeps,
  actor: Actor,
  caseNumber: string,
  options: { withReporter?: boolean } = {},
): Promise<CaseDetail & { reporterRef: CaseRef | null }> {
  const row = await summaryQuery(deps.db, actor, {})
    .$if(Boolean(options.withReporter), (qb) => qb.select(reporterRefColumns(actor, deps.clock.now())))
    .select([
      'cases.description',
      'cases.longitude',
      'cases.latitude',
      'cases.rework_count',
      'cases.urgency_flags',
      'cases.text_placement',
      'cases.placement_snapped_metres',
      'cases.closed_at',
      'cases.assigned_body_id',
      'cases.reported_by_user_id',
      'cases.reporter_person_id',
      'cases.reported_by_citizen',
      'cases.requested_priority',
      'cases.pending_extension',
      'cases.event_count',
      'cases.suggested_body_id',
      'cases.routing_rule_id',
      'cases.suggested_assisting_body_ids',
      'cases.assisting_body_ids',
      'cases.category_id',
      'cases.attributes',
      (eb) =>
        eb
          .selectFrom('cases as parent')
          .select('parent.case_number')
          .whereRef('parent.id', '=', 'cases.parent_case_id')
          .as('parent_case_number'),
    ])
    .where('cases.case_number', '=', caseNumber)
    .executeTakeFirst();
  if (!row) throw caseNotFound(caseNumber);
  const now = deps.clock.now();
  const [clocks, surveys, merged, questions] = await Promise.all([
    deps.db.selectFrom('case_clocks').selectAll().where('case_id', '=', row.id).orderBy('started_at').execute(),
    deps.db
      .selectFrom('case_surveys')
      .select(['satisfaction', 'solved', 'reopened', 'created_at', 'close_seq'])
      .where('case_id', '=', row.id)
      .orderBy('created_at')
      .execute(),
    deps.db
      .selectFrom('cases')
      .select('case_number')
      .where('parent_case_id', '=', row.id)
      .orderBy('case_number')
      .execute(),
    row.attributes ? listCategoryAttributes(deps.db, row.category_id) : Promise.resolve([]),
  ]);

  const events = await deps.db
    .selectFrom('case_events')
    .innerJoin('users', 'users.id', 'case_events.actor_user_id')
    .select([
      'case_events.seq',
      'case_events.action',
      'case_events.from_status',
      'case_events.to_status',
      'case_events.actor_role',
      'case_events.note',
      'case_events.details',
      'case_events.created_at',
      'users.display_name',
    ])
    .where('case_events.case_id', '=', row.id)
    .orderBy('case_events.seq')
    .execute();

  const facts = factsOf(row);
  return {
    ...toSummary(row, now),
    description: row.description,
    location:
      row.longitude !== null && row.latitude !== null ? { longitude: row.longitude, latitude: row.latitude } : null,
    reworkCount: row.rework_count,
    urgencyFlags: row.urgency_flags ?? [],
    textPlacement: row.text_placement,
    placementSnappedMetres: row.placement_snapped_metres,
    closedAt: row.closed_at,
    events: events.map((e) => ({
      seq: e.seq,
      action: e.action,
      fromStatus: e.from_status,
      toStatus: e.to_status,
      actorRole: e.actor_role,
      actorName: e.actor_role === 'citizen' ? null : e.display_name,
      note: e.note,
      bodyId: e.details.bodyId ?? null,
      reviewDate: e.details.reviewDate ?? null,
      overridden: e.details.overridden ?? null,
      assistingBodyIds: e.details.assistingBodyIds ?? [],
      parentCaseNumber: e.details.parentCaseNumber ?? null,
      extensionDays: e.details.extensionDays ?? null,
      createdAt: e.created_at,
    })),
    allowedActions: allowedActions(facts, actor, now, deps.policy),
    suggestion: {
      bodyId: row.suggested_body_id,
      assistingBodyIds: row.suggested_assisting_body_ids,
      ruleId: row.routing_rule_id,
      source: row.routing_rule_id ? 'rule' : row.suggested_body_id ? 'category_default' : 'none',
    },
    mayAnswerSurvey:
      row.status === 'closed' &&
      answersSurvey(facts, actor) &&
      !surveys.some((v) => v.close_seq === events.filter((e) => CLOSING_ACTIONS.includes(e.action)).at(-1)?.seq),
    assistingBodyIds: row.assisting_body_ids,
    parentCaseNumber: row.parent_case_number,
    mergedCaseNumbers: merged.map((m) => m.case_number),
    pendingExtension: row.pending_extension,
    version: row.event_count,
    requestedPriority: row.requested_priority,
    deadlines: clocks.map((c) => ({
      kind: c.kind,
      measure: c.measure,
      bodyId: c.body_id,
      startedAt: c.started_at,
      dueAt: c.due_at,
      extendedMinutes: c.extended_minutes,
      light: c.stopped_at ? null : lightOf({ warnAt: c.warn_at, dueAt: c.due_at, pausedAt: c.paused_at }, now),
      outcome: c.outcome,
      stoppedAt: c.stopped_at,
    })),
    surveys: surveys.map((v) => ({
      satisfaction: v.satisfaction,
      solved: v.solved,
      reopened: v.reopened,
      createdAt: v.created_at,
    })),
    attributes: attributeViews(row.attributes, questions),
    reporterRef: options.withReporter
      ? reporterRefOf({ ...row, id: row.id, case_number: row.case_number } as Parameters<typeof reporterRefOf>[0])
      : null,
  };
}

/** How many cases the actor may see, in all and by status, under the same filters as the list. */
export async function countCases(
  deps: Pick<CaseDeps, 'db'>,
  actor: Actor,
  filter: Omit<CaseFilter, 'limit' | 'cursor'>,
): Promise<{ total: number; byStatus: Partial<Record<CaseStatus, number>> }> {
  const rows = await seenAndMatching(deps.db, actor, filter)
    .select(['cases.status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('cases.status')
    .execute();
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])) as Partial<Record<CaseStatus, number>>;
  return { total: rows.reduce((sum, r) => sum + Number(r.n), 0), byStatus };
}

export const MAP_LIMIT = 5000;

export interface CaseMapFeature {
  type: 'Feature';
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: {
    caseNumber: string;
    status: CaseStatus;
    title: string;
    categoryCode: string;
    gridCode: string | null;
    overdue: boolean;
  };
}

/**
 * The located cases the actor may see, newest first, as GeoJSON points for a map (at most MAP_LIMIT).
 * `overdue`: a deadline of the case is running (not stopped, not paused) and past, as the red light.
 */
export async function caseMap(
  deps: Pick<CaseDeps, 'db' | 'clock'>,
  actor: Actor,
  filter: Omit<CaseFilter, 'limit' | 'cursor'>,
): Promise<{ type: 'FeatureCollection'; features: CaseMapFeature[]; truncated: boolean }> {
  const rows = await seenAndMatching(deps.db, actor, filter)
    .select([
      'cases.case_number',
      'cases.status',
      'cases.title',
      'cases.grid_code',
      'cases.longitude',
      'cases.latitude',
      'categories.code as category_code',
      (eb) =>
        eb
          .exists(
            eb
              .selectFrom('case_clocks')
              .select('case_clocks.id')
              .whereRef('case_clocks.case_id', '=', 'cases.id')
              .where('case_clocks.stopped_at', 'is', null)
              .where('case_clocks.paused_at', 'is', null)
              .where('case_clocks.due_at', '<=', deps.clock.now()),
          )
          .as('overdue'),
    ])
    .where('cases.longitude', 'is not', null)
    .orderBy('cases.created_at', 'desc')
    .limit(MAP_LIMIT + 1)
    .execute();
  return {
    type: 'FeatureCollection',
    truncated: rows.length > MAP_LIMIT,
    features: rows.slice(0, MAP_LIMIT).map((r) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [r.longitude!, r.latitude!] },
      properties: {
        caseNumber: r.case_number,
        status: r.status,
        title: r.title,
        categoryCode: r.category_code,
        gridCode: r.grid_code,
        overdue: Boolean(r.overdue),
      },
    })),
  };
}

export const QUEUE_LIMIT = 200;

/**
 * The actor's work queue: open cases with a running deadline, nearest deadline first. A handler's queue
 * holds the cases now with their body (as lead or assisting body), a grid worker's the cases waiting
 * for verification in their areas, the desk's every case they may see.
 */
export async function caseQueue(deps: Pick<CaseDeps, 'db' | 'clock'>, actor: Actor): Promise<CaseSummary[]> {
  let due = deps.db
    .selectFrom('case_clocks')
    .innerJoin('cases', 'cases.id', 'case_clocks.case_id')
    .select(['cases.case_number', 'case_clocks.due_at'])
    .where('case_clocks.stopped_at', 'is', null)
    .where(visibleTo(actor))
    .orderBy('case_clocks.due_at')
    .limit(QUEUE_LIMIT * 3);
  if (actor.role === 'handler') {
    const bodyId = actor.handlingBodyId ?? '00000000-0000-0000-0000-000000000000';
    due = due.where(heldBy(bodyId));
  }
  if (actor.role === 'grid_worker') due = due.where('case_clocks.kind', '=', 'verification');
  const numbers = [...new Set((await due.execute()).map((r) => r.case_number))].slice(0, QUEUE_LIMIT);
  if (!numbers.length) return [];
  const rows = await summaryQuery(deps.db, actor, {}).where('cases.case_number', 'in', numbers).execute();
  const byNumber = new Map(rows.map((row) => [row.case_number, toSummary(row, deps.clock.now())]));
  return numbers.map((n) => byNumber.get(n)).filter((c): c is CaseSummary => c !== undefined);
}
