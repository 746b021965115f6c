import { Type } from 'typebox';
import { COORDINATE_SYSTEMS } from '../grid/index.ts';
import { DateTime, DateTimeInput, Uuid } from '../lib/http-schemas.ts';
import { CHANNELS, PRIORITIES } from './cases.tables.ts';
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
    priority: Type.Optional(PrioritySchema),
    reporter: Type.Optional(
      Type.Object(
        {
          name: Type.Optional(Type.String({ maxLength: 100 })),
          phone: Type.Optional(Type.String({ maxLength: 30 })),
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
  createdAt: DateTime,
  updatedAt: DateTime,
});

export const CaseListResponse = Type.Object({
  items: Type.Array(CaseSummaryResponse),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const CaseDetailResponse = Type.Object({
  ...CaseSummaryResponse.properties,
  description: Type.String(),
  location: Type.Union([Type.Object({ longitude: Type.Number(), latitude: Type.Number() }), Type.Null()]),
  reworkCount: Type.Integer(),
  closedAt: Type.Union([DateTime, Type.Null()]),
  allowedActions: Type.Array(TransitionActionSchema),
  suggestedBodyId: Type.Union([Uuid, Type.Null()]),
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
      }),
    }),
  ),
});
