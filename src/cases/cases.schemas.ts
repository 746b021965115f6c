import { Type } from 'typebox';
import { COORDINATE_SYSTEMS } from '../grid/index.ts';
import { DateTime, DateTimeInput, Uuid } from '../lib/http-schemas.ts';
import { ATTRIBUTE_DATATYPES } from '../organizations/index.ts';
import { PURPOSES_TO_UNMASK } from '../policy/index.ts';
import { DANGERS } from '../text/index.ts';
import { CHANNELS, CLOCK_KINDS, PRIORITIES, SATISFACTION_LEVELS } from './cases.tables.ts';
import { LIGHTS } from './deadlines.ts';
import { CASE_ACTIONS, CASE_STATUSES, TRANSITION_ACTIONS } from './lifecycle.ts';

const Status = Type.Enum(CASE_STATUSES);
const Action = Type.Enum(CASE_ACTIONS);
const TransitionActionSchema = Type.Enum(TRANSITION_ACTIONS);
const ChannelSchema = Type.Enum(CHANNELS);
const PrioritySchema = Type.Enum(PRIORITIES);

export const CaseNumberParams = Type.Object({
  caseNumber: Type.String({
    pattern: '^[0-9]{4}-[0-9]{6,}$',
    description: 'e.g. 2026-000123',
  }),
});

/** A point, in WGS-84 unless it says otherwise. */
const LocationSchema = Type.Object(
  {
    longitude: Type.Number({ minimum: -180, maximum: 180 }),
    latitude: Type.Number({ minimum: -90, maximum: 90 }),
    crs: Type.Optional(
      Type.Enum(COORDINATE_SYSTEMS, {
        description:
          'The coordinate system of the point: wgs84 (GPS, default), gcj02 (AMap, Tencent), bd09 (Baidu); stored as WGS-84',
      }),
    ),
  },
  { additionalProperties: false },
);

export const NewCaseBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: 'Not only spaces' }),
    description: Type.String({ maxLength: 10000 }),
    categoryCode: Type.String({
      pattern: '^([0-9]{2}){1,3}$',
      description: 'A category code, e.g. 010302',
    }),
    location: Type.Optional(LocationSchema),
    address: Type.Optional(Type.String({ maxLength: 500 })),
    channel: Type.Optional(ChannelSchema),
    // Left out: normal, or raised to high/urgent when the text describes a danger (text/urgency.ts). From a
    // citizen it is a request the desk confirms when registering (requestedPriority).
    priority: Type.Optional(PrioritySchema),
    intakeSuggestionId: Type.Optional(
      Type.String({ format: 'uuid', description: 'The POST /text/intake-suggestions answer the reporter was shown' }),
    ),
    reporter: Type.Optional(
      Type.Object(
        {
          name: Type.Optional(Type.String({ maxLength: 100 })),
          phone: Type.Optional(Type.String({ maxLength: 30 })),
          email: Type.Optional(Type.String({ format: 'email', maxLength: 200 })),
          idNumber: Type.Optional(Type.String({ pattern: '^[0-9]{17}[0-9Xx]$' })),
          address: Type.Optional(Type.String({ maxLength: 300 })),
        },
        {
          additionalProperties: false,
          description: 'The caller, for hotline intake; kept as personal data',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export const TransitionBody = Type.Object(
  {
    action: TransitionActionSchema,
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    bodyId: Type.Optional(Uuid),
    reviewDate: Type.Optional(Type.String({ format: 'date' })),
    location: Type.Optional(LocationSchema),
    address: Type.Optional(Type.String({ maxLength: 500 })),
    assistingBodyIds: Type.Optional(
      Type.Array(Uuid, { maxItems: 10, description: 'dispatch: assisting bodies (协办); default: the suggestion' }),
    ),
    parentCaseNumber: Type.Optional({
      ...CaseNumberParams.properties.caseNumber,
      description: 'merge: the earlier case',
    }),
    extensionDays: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 30, description: 'request_extension: more working days wanted' }),
    ),
    priority: Type.Optional({
      ...PrioritySchema,
      description: "register: the case's priority as the desk confirms it (e.g. what the citizen asked for)",
    }),
    version: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'The version of the case you saw (detail.version); 409 CASE_ERR_STALE if it changed since',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The filters the case list, the counts and the map share. */
const caseFilterProperties = {
  status: Type.Optional(
    Type.Array(Status, {
      description: 'One or more statuses (repeat the parameter)',
    }),
  ),
  category: Type.Optional(Type.String({ pattern: '^([0-9]{2}){1,3}$' })),
  bodyId: Type.Optional(Uuid),
  channel: Type.Optional(ChannelSchema),
  gridCode: Type.Optional(Type.String({ pattern: '^[0-9]{1,20}$' })),
  outsideJurisdiction: Type.Optional(Type.Boolean()),
  from: Type.Optional(DateTimeInput),
  to: Type.Optional({ ...DateTimeInput, description: 'Exclusive: cases reported before this instant' }),
  q: Type.Optional(Type.String({ maxLength: 100 })),
};

export const CaseListQuery = Type.Object(
  {
    ...caseFilterProperties,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const CaseCountsQuery = Type.Object(caseFilterProperties, { additionalProperties: false });

const NamedRef = Type.Object({
  id: Uuid,
  code: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
});

// Response schemas list only what may be shown: Fastify's serializer drops every other field, so
// personal data (the reporter) can never leak through these routes by accident.
export const CaseSummaryResponse = Type.Object({
  caseNumber: Type.String(),
  title: Type.String(),
  status: Status,
  category: Type.Object({
    code: Type.String(),
    nameZh: Type.String(),
    nameEn: Type.String(),
  }),
  channel: ChannelSchema,
  priority: PrioritySchema,
  gridCode: Type.Union([Type.String(), Type.Null()]),
  outsideJurisdiction: Type.Boolean({ description: 'The point lies in no area of the city' }),
  address: Type.Union([Type.String(), Type.Null()]),
  assignedBody: Type.Union([NamedRef, Type.Null()]),
  meTooCount: Type.Integer({ description: 'Duplicates merged into this case ("me too")' }),
  pendingExtension: Type.Boolean({ description: 'An extension request waits for a supervisor' }),
  deadline: Type.Union([
    Type.Object(
      {
        kind: Type.Enum(CLOCK_KINDS),
        dueAt: DateTime,
        light: Type.Enum(LIGHTS, {
          description:
            'green: on time; yellow: 80 % of the time used; red: overdue; paused: suspended or awaiting verification',
        }),
      },
      { description: 'The nearest running deadline' },
    ),
    Type.Null(),
  ]),
  createdAt: DateTime,
  updatedAt: DateTime,
});

export const CaseListResponse = Type.Object({
  items: Type.Array(CaseSummaryResponse),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

const Masked = Type.Union([Type.String(), Type.Null()]);

/** A case's reporter as staff see it: masked (138****5678) unless unmasked for a purpose, for a while. */
export const ReporterResponse = Type.Object({
  identity: Type.Object({ name: Masked, phone: Masked, idNumber: Masked, address: Masked, email: Masked }),
  textItems: Type.Array(Type.Object({ kind: Type.String(), value: Type.String() })),
  masked: Type.Boolean(),
  grant: Type.Union([Type.Object({ purpose: Type.String(), expiresAt: DateTime }), Type.Null()]),
});

export const CaseDetailResponse = Type.Object({
  ...CaseSummaryResponse.properties,
  /** Staff only: masked unless unmasked for a purpose; null for citizens (their own data is in the portal). */
  reporter: Type.Union([ReporterResponse, Type.Null()]),
  description: Type.String(),
  location: Type.Union([Type.Object({ longitude: Type.Number(), latitude: Type.Number() }), Type.Null()]),
  reworkCount: Type.Integer(),
  urgencyFlags: Type.Array(
    Type.Object({
      danger: Type.Enum(DANGERS),
      evidence: Type.String({ description: 'The words of the text that show the danger' }),
      start: Type.Integer(),
      end: Type.Integer(),
    }),
    { description: 'Dangers read out of the text at intake (gas, fire, collapse, injury, live wires, flooding…)' },
  ),
  textPlacement: Type.Union([
    Type.Object(
      {
        areaCode: Type.String(),
        level: Type.String(),
        confidence: Type.Number({ minimum: 0, maximum: 1 }),
        evidence: Type.Array(Type.String(), { description: 'The place names in the text that placed it' }),
      },
      { description: 'A case reported without a point, placed from the places its text names' },
    ),
    Type.Null(),
  ]),
  placementSnappedMetres: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
    description:
      'The point lay this many metres outside every area and was placed on the nearest one (PLACEMENT_SNAP_METRES); null when an area holds it',
  }),
  closedAt: Type.Union([DateTime, Type.Null()]),
  allowedActions: Type.Array(TransitionActionSchema),
  suggestion: Type.Object({
    bodyId: Type.Union([Uuid, Type.Null()]),
    assistingBodyIds: Type.Array(Uuid),
    ruleId: Type.Union([Uuid, Type.Null()], { description: 'The routing rule that made it, if any' }),
    source: Type.Enum(['rule', 'category_default', 'none'], {
      description: "A routing rule, the category's default body, or none (the dispatcher decides)",
    }),
  }),
  mayAnswerSurvey: Type.Boolean({ description: 'You may answer the survey of the latest closure now' }),
  assistingBodyIds: Type.Array(Uuid),
  parentCaseNumber: Type.Union([Type.String(), Type.Null()]),
  mergedCaseNumbers: Type.Array(Type.String()),
  pendingExtension: Type.Boolean(),
  version: Type.Integer({ description: 'Changes with every action on the case; send it back with an action' }),
  requestedPriority: Type.Union([PrioritySchema, Type.Null()], {
    description: 'The priority a citizen asked for: confirmed (or not) by the desk when registering',
  }),
  deadlines: Type.Array(
    Type.Object({
      kind: Type.Enum(CLOCK_KINDS),
      measure: Type.Enum(['working', 'wall']),
      bodyId: Type.Union([Uuid, Type.Null()]),
      startedAt: DateTime,
      dueAt: DateTime,
      extendedMinutes: Type.Number(),
      light: Type.Union([Type.Enum(LIGHTS), Type.Null()]),
      outcome: Type.Union([Type.String(), Type.Null()]),
      stoppedAt: Type.Union([DateTime, Type.Null()]),
    }),
  ),
  surveys: Type.Array(
    Type.Object({
      satisfaction: Type.Enum(SATISFACTION_LEVELS),
      solved: Type.Boolean(),
      reopened: Type.Boolean(),
      createdAt: DateTime,
    }),
  ),
  attributes: Type.Array(
    Type.Object({
      code: Type.String(),
      descriptionZh: Type.String(),
      descriptionEn: Type.String(),
      datatype: Type.Union([Type.Enum(ATTRIBUTE_DATATYPES), Type.Null()], {
        description: 'Null when the category no longer asks it',
      }),
      values: Type.Array(Type.String(), { description: 'The answer: one value, or the keys of a multivaluelist' }),
      valueNames: Type.Array(Type.String(), { description: "A list's words for its keys; the values otherwise" }),
    }),
    { description: "The answers to what the case's category asks (its attributes), in the category's order" },
  ),
  events: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      action: Action,
      fromStatus: Type.Union([Status, Type.Null()]),
      toStatus: Status,
      actorRole: Type.String(),
      actorName: Type.Union([Type.String(), Type.Null()]),
      note: Type.Union([Type.String(), Type.Null()]),
      bodyId: Type.Union([Uuid, Type.Null()]),
      reviewDate: Type.Union([Type.String(), Type.Null()]),
      overridden: Type.Union([Type.Boolean(), Type.Null()]),
      assistingBodyIds: Type.Array(Uuid),
      parentCaseNumber: Type.Union([Type.String(), Type.Null()]),
      extensionDays: Type.Union([Type.Integer(), Type.Null()]),
      createdAt: DateTime,
    }),
  ),
});

export const LifecycleResponse = Type.Object({
  statuses: Type.Array(Status),
  actions: Type.Array(
    Type.Object({
      action: TransitionActionSchema,
      from: Type.Array(Status),
      to: Type.String(),
      roles: Type.Array(Type.String()),
      requires: Type.Array(Type.String()),
    }),
  ),
  publicSteps: Type.Array(Type.String(), {
    description: 'The steps the public is told of (the portal, feeds, Open311 updates); the rest are internal',
  }),
});

export const CaseCountsResponse = Type.Object({
  total: Type.Integer(),
  byStatus: Type.Record(Type.String(), Type.Integer()),
});

export const CaseMapResponse = Type.Object({
  type: Type.Literal('FeatureCollection'),
  truncated: Type.Boolean({ description: 'More cases match than the map shows (the newest are shown)' }),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      geometry: Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number()) }),
      properties: Type.Object({
        caseNumber: Type.String(),
        status: Status,
        title: Type.String(),
        categoryCode: Type.String(),
        gridCode: Type.Union([Type.String(), Type.Null()]),
        overdue: Type.Boolean({ description: 'A running deadline of the case has passed (the red light)' }),
      }),
    }),
  ),
});

export const SurveyBody = Type.Object(
  {
    satisfaction: Type.Enum(SATISFACTION_LEVELS, { description: '满意 / 基本满意 / 不满意' }),
    solved: Type.Boolean({ description: 'Was the problem solved?' }),
    comment: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const SurveyResponse = Type.Object({
  reopened: Type.Boolean({ description: 'A dissatisfied answer within the window reopened the case' }),
});

export const DuplicatesResponse = Type.Object({
  items: Type.Array(
    Type.Object({
      caseNumber: Type.String(),
      title: Type.String(),
      status: Status,
      categoryCode: Type.String(),
      distanceMetres: Type.Union([Type.Number(), Type.Null()], {
        description: 'Null when a case has no point (both placed in one area from their texts)',
      }),
      similarity: Type.Number({ description: "How alike the texts' words are, 0–1" }),
      score: Type.Number({ description: 'Text 60 %, nearness 25 %, recency 15 %: the order of the list' }),
      meTooCount: Type.Integer(),
      createdAt: DateTime,
    }),
  ),
});

const BoardClock = Type.Object({
  caseNumber: Type.String(),
  title: Type.String(),
  kind: Type.Enum(CLOCK_KINDS),
  bodyId: Type.Union([Uuid, Type.Null()]),
  bodyNameZh: Type.Union([Type.String(), Type.Null()]),
  bodyNameEn: Type.Union([Type.String(), Type.Null()]),
  dueAt: DateTime,
  warnedAt: Type.Union([DateTime, Type.Null()]),
  overdueAt: Type.Union([DateTime, Type.Null()]),
});

const OverdueGroup = Type.Object({
  bodyId: Type.Union([Uuid, Type.Null()], { description: 'Null for verifications grid workers owe' }),
  bodyCode: Type.Union([Type.String(), Type.Null()]),
  bodyNameZh: Type.Union([Type.String(), Type.Null()]),
  bodyNameEn: Type.Union([Type.String(), Type.Null()]),
  count: Type.Integer({ description: "All the body's overdue deadlines within your reach" }),
  oldestDueAt: DateTime,
  clocks: Type.Array(
    Type.Object({
      ...BoardClock.properties,
      measure: Type.Enum(['working', 'wall'], {
        description: 'Working time on the city calendar, or wall-clock time (urgent cases)',
      }),
      overdueMinutes: Type.Integer({ description: 'How long past the deadline, in minutes of its measure' }),
    }),
    { description: 'The oldest first, at most 50' },
  ),
});

export const SupervisionBoardResponse = Type.Object({
  overdue: Type.Object({
    total: Type.Integer(),
    groups: Type.Array(OverdueGroup, { description: 'The body whose deadline is oldest first' }),
  }),
  warnings: Type.Array(BoardClock),
  extensionRequests: Type.Array(
    Type.Object({
      caseNumber: Type.String(),
      title: Type.String(),
      bodyNameZh: Type.Union([Type.String(), Type.Null()]),
      bodyNameEn: Type.Union([Type.String(), Type.Null()]),
      reason: Type.String(),
      extraMinutes: Type.Number(),
      measure: Type.Enum(['working', 'wall'], {
        description: 'Whether extraMinutes are working or wall-clock minutes',
      }),
      dueAt: DateTime,
      requestedAt: DateTime,
      version: Type.Integer({ description: "The case's version, to send back with the decision" }),
    }),
  ),
  returns: Type.Array(
    Type.Object({
      caseNumber: Type.String(),
      title: Type.String(),
      reason: Type.Union([Type.String(), Type.Null()]),
      returnedByBodyNameZh: Type.Union([Type.String(), Type.Null()]),
      returnedByBodyNameEn: Type.Union([Type.String(), Type.Null()]),
      returnedAt: DateTime,
    }),
  ),
});

export const SweepResponse = Type.Object({
  yellow: Type.Integer({ description: 'Yellow warnings given by this sweep' }),
  red: Type.Integer({ description: 'Red notices (overdue, escalated) given by this sweep' }),
});

export const UnmaskBody = Type.Object(
  {
    purpose: Type.Enum(PURPOSES_TO_UNMASK),
    reason: Type.String({
      minLength: 4,
      maxLength: 500,
      description: 'Why, in a sentence: it is shown to the citizen',
    }),
  },
  { additionalProperties: false },
);

/** What the public sees of a case: no reporter, no description, the place rounded to about 100 m. */
