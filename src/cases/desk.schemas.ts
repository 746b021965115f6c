import { Type } from 'typebox';
import { DateTime, Uuid } from '../lib/http-schemas.ts';
import { CaseDetailResponse, CaseNumberParams, CaseSummaryResponse, TransitionBody } from './cases.schemas.ts';
import { CHANNELS } from './cases.tables.ts';
import { BATCH_ACTIONS, BATCH_LIMIT, DESCRIPTION_EXCERPT, DESK_LIMIT, DESK_SORTS, DESK_VIEWS } from './desk.ts';

const ageMinutes = (description: string) => Type.Optional(Type.Integer({ minimum: 0, maximum: 525_600, description }));

export const DeskQuery = Type.Object(
  {
    view: Type.Optional(
      Type.Enum(Object.keys(DESK_VIEWS) as (keyof typeof DESK_VIEWS)[], {
        description: 'new: reported and registered cases; redispatch: returned and reopened ones',
      }),
    ),
    category: Type.Optional(
      Type.String({ pattern: '^([0-9]{2}){1,3}$', description: 'A category and those below it' }),
    ),
    gridCode: Type.Optional(Type.String({ pattern: '^[0-9]{1,20}$', description: 'An area and those below it' })),
    channel: Type.Optional(Type.Enum(CHANNELS)),
    minAgeMinutes: ageMinutes('Reported at least this many minutes ago (waiting long)'),
    maxAgeMinutes: ageMinutes('Reported at most this many minutes ago (just in)'),
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Words in the title or description' })),
    sort: Type.Optional(
      Type.Enum(DESK_SORTS, {
        description: 'oldest first (default), newest first, or by priority (urgent first, then oldest)',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: DESK_LIMIT, default: 50 })),
  },
  { additionalProperties: false },
);

const { suggestion, allowedActions, version } = CaseDetailResponse.properties;

export const DeskResponse = Type.Object({
  items: Type.Array(
    Type.Object({
      ...CaseSummaryResponse.properties,
      description: Type.String({ description: `The first ${DESCRIPTION_EXCERPT} characters` }),
      descriptionTruncated: Type.Boolean(),
      suggestion: Type.Object({
        bodyId: suggestion.properties.bodyId,
        assistingBodyIds: suggestion.properties.assistingBodyIds,
        source: suggestion.properties.source,
      }),
      allowedActions,
      version,
    }),
  ),
  total: Type.Integer({ description: 'Cases in this queue under the filters (the items are the first of them)' }),
  counts: Type.Object(
    { new: Type.Integer(), redispatch: Type.Integer() },
    { description: 'Cases in each queue under the same filters' },
  ),
});

const { assistingBodyIds, priority } = TransitionBody.properties;

export const RegisterAndDispatchBody = Type.Object(
  {
    version: TransitionBody.properties.version,
    bodyId: Type.Optional({
      ...Uuid,
      description: 'The lead body; default: the suggestion (a different body is an override)',
    }),
    assistingBodyIds,
    priority,
  },
  { additionalProperties: false },
);

export const BatchBody = Type.Object(
  {
    action: Type.Enum(BATCH_ACTIONS, {
      description: 'register; register_and_dispatch (each to its suggestion); cancel (作废, e.g. spam; needs a note)',
    }),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    cases: Type.Array(
      Type.Object(
        { caseNumber: CaseNumberParams.properties.caseNumber, version: TransitionBody.properties.version },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: BATCH_LIMIT, uniqueItems: true },
    ),
  },
  { additionalProperties: false },
);

export const BatchResponse = Type.Object({
  results: Type.Array(
    Type.Object({
      caseNumber: Type.String(),
      ok: Type.Boolean(),
      status: Type.Optional(CaseSummaryResponse.properties.status),
      error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
    }),
    { description: 'One per case, in the order given: what happened to it' },
  ),
});

export const CallerHistoryBody = Type.Object(
  { phone: Type.String({ minLength: 1, maxLength: 30, description: 'The number the caller is calling from' }) },
  { additionalProperties: false },
);

export const CallerHistoryResponse = Type.Object({
  phone: Type.String({ description: 'The number looked up, masked' }),
  total: Type.Integer(),
  items: Type.Array(
    Type.Object({
      caseNumber: Type.String(),
      title: Type.String({ description: 'As stored: numbers written into it were masked at intake' }),
      status: CaseSummaryResponse.properties.status,
      channel: CaseSummaryResponse.properties.channel,
      createdAt: DateTime,
    }),
  ),
});
