import { Type } from 'typebox';
import { DateTime } from '../lib/http-schemas.ts';

const CaseNumber = Type.String({ pattern: '^[0-9]{4}-[0-9]{1,10}$' });
const Code = Type.String({ pattern: '^[0-9A-Za-z_-]{1,32}$' });

export const PublicCaseResponse = Type.Object({
  caseNumber: Type.String(),
  title: Type.String(),
  description: Type.String({ description: 'Masked for the public; the first 1,000 characters in lists' }),
  status: Type.String(),
  category: Type.Object({ code: Type.String(), nameZh: Type.String(), nameEn: Type.String() }),
  gridCode: Type.Union([Type.String(), Type.Null()]),
  location: Type.Union([Type.Object({ longitude: Type.Number(), latitude: Type.Number() }), Type.Null()], {
    description: 'Rounded to 0.001° (about 100 m)',
  }),
  meTooCount: Type.Integer({ description: 'Residents who said "me too", and duplicates merged into the case' }),
  textHiddenReason: Type.Union([Type.String(), Type.Null()], {
    description: 'Set when staff hid the title and description from the public (both are then empty): why',
  }),
  createdAt: DateTime,
  closedAt: Type.Union([DateTime, Type.Null()]),
});

export const PublicCaseListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    before: Type.Optional(CaseNumber),
    category: Type.Optional(Code),
    area: Type.Optional(Code),
    state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
  },
  { additionalProperties: false },
);

export const NearbyQuery = Type.Object(
  {
    longitude: Type.Number({ minimum: -180, maximum: 180 }),
    latitude: Type.Number({ minimum: -90, maximum: 90 }),
    radiusMetres: Type.Integer({ minimum: 10, maximum: 2000, default: 300 }),
    limit: Type.Integer({ minimum: 1, maximum: 20, default: 5 }),
  },
  { additionalProperties: false },
);

export const NearbyResponse = Type.Array(
  Type.Evaluate(Type.Intersect([PublicCaseResponse, Type.Object({ distanceMetres: Type.Integer() })])),
);

export const PublicCaseDetailResponse = Type.Evaluate(
  Type.Intersect([
    PublicCaseResponse,
    Type.Object({
      steps: Type.Array(
        Type.Object({
          action: Type.String(),
          status: Type.String(),
          at: DateTime,
          reply: Type.Union([Type.String(), Type.Null()], { description: "The handling body's public answer" }),
        }),
      ),
      photos: Type.Array(
        Type.Object({
          id: Type.String(),
          stage: Type.String(),
          url: Type.String(),
          thumbnailUrl: Type.Union([Type.String(), Type.Null()]),
        }),
      ),
      hiddenPhotos: Type.Array(Type.Object({ stage: Type.String(), reason: Type.String() }), {
        description: 'Photos a moderator kept from the public, with the reason given',
      }),
    }),
  ]),
);

export const SupportResponse = Type.Object({
  meTooCount: Type.Integer(),
  counted: Type.Boolean({ description: 'false: you had supported it already, or you reported it' }),
});

export const FeedParams = Type.Object({
  format: Type.Union([Type.Literal('atom'), Type.Literal('rss')]),
});

export const FeedQuery = Type.Object(
  {
    category: Type.Optional(Code),
    area: Type.Optional(Code),
    lang: Type.Union([Type.Literal('zh-CN'), Type.Literal('en')], { default: 'zh-CN' }),
  },
  { additionalProperties: false },
);

export const PublicDisplayResponse = Type.Object({
  published: Type.Boolean({ description: 'Shown on the portal (its reporter consented, the desk registered it)' }),
  textHiddenReason: Type.Union([Type.String(), Type.Null()]),
});

export const TextModerationBody = Type.Object(
  {
    shown: Type.Boolean({ description: 'false: hide the title and description from the public' }),
    reason: Type.String({ minLength: 1, maxLength: 500, description: 'Read by the public in their place' }),
  },
  { additionalProperties: false },
);

export const SubscriptionResponse = Type.Object({
  id: Type.String(),
  caseNumber: Type.Union([Type.String(), Type.Null()]),
  areaCode: Type.Union([Type.String(), Type.Null()]),
  categoryCode: Type.Union([Type.String(), Type.Null()]),
  createdAt: DateTime,
});

export const SubscribeBody = Type.Union([
  Type.Object({ caseNumber: CaseNumber }, { additionalProperties: false }),
  Type.Object(
    { areaCode: Type.Optional(Code), categoryCode: Type.Optional(Code) },
    { additionalProperties: false, minProperties: 1 },
  ),
]);

export const SubscriptionIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const PlaceQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 500, description: 'An address or place name, as a resident writes it' }),
  },
  { additionalProperties: false },
);

export const PlaceResponse = Type.Object({
  placement: Type.Union([
    Type.Object({
      areaCode: Type.String(),
      level: Type.String(),
      nameZh: Type.String(),
      nameEn: Type.String(),
      evidence: Type.Array(Type.String(), { description: 'The words that named the place' }),
    }),
    Type.Null(),
  ]),
});
