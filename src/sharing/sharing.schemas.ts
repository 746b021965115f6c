import { Type } from 'typebox';
import { DateTime, DateTimeInput, Nullable, Uuid } from '../lib/http-schemas.ts';
import { LEGAL_BASIS_CODES, SHARE_REQUEST_STATUSES } from './sharing.tables.ts';

const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });
/** A dataset's column name (a datastore table's keeps its source's name, up to PostgreSQL's 63 bytes). */
const Field = Type.String({ minLength: 1, maxLength: 100 });
const Fields = Type.Array(Field, { minItems: 1, maxItems: 200, uniqueItems: true });

export const IdParams = Type.Object({ id: Uuid });

export const NewRequestBody = Type.Object(
  {
    dataset: { ...Text(100), description: 'The dataset’s slug, as the catalogue names it' },
    fields: { ...Fields, description: 'Columns of the dataset’s schema' },
    purpose: { ...Text(1000), description: 'What the data is for; the residents whose data is read see it' },
    legalBasis: Type.Enum(LEGAL_BASIS_CODES),
    from: DateTimeInput,
    to: DateTimeInput,
  },
  { additionalProperties: false },
);

export const ApproveBody = Type.Object(
  {
    fields: Type.Optional({ ...Fields, description: 'Fewer fields than asked (all of them when absent)' }),
    from: Type.Optional(DateTimeInput),
    to: Type.Optional(DateTimeInput),
  },
  { additionalProperties: false },
);

export const ReasonBody = Type.Object({ reason: Text(1000) }, { additionalProperties: false });

export const ListQuery = Type.Object({
  side: Type.Optional(
    Type.Union([Type.Literal('requested'), Type.Literal('to_decide')], {
      description: "requested: your body's requests; to_decide: requests made to your body (all, for the data steward)",
    }),
  ),
});

export const RowsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});

const Body = Type.Object({ id: Uuid, code: Type.String(), nameZh: Type.String(), nameEn: Type.String() });

export const ShareRequestResponse = Type.Object({
  id: Uuid,
  dataset: Type.Object({ slug: Type.String(), titleZh: Type.String(), titleEn: Type.String() }),
  requestingBody: Body,
  ownerBody: Body,
  fields: Type.Array(Type.String()),
  purpose: Type.String(),
  legalBasis: Type.Enum(LEGAL_BASIS_CODES),
  periodFrom: DateTime,
  periodTo: DateTime,
  status: Type.Enum(SHARE_REQUEST_STATUSES),
  state: Type.Enum(['pending', 'refused', 'withdrawn', 'scheduled', 'active', 'expired', 'revoked'], {
    description: 'Where the request stands, its grant included (expired once the grant’s period is over)',
  }),
  requestedAt: DateTime,
  decidedAt: Type.Union([DateTime, Type.Null()]),
  refusalReason: Nullable(Type.String()),
  grant: Nullable(
    Type.Object({
      id: Uuid,
      fields: Type.Array(Type.String()),
      validFrom: DateTime,
      validUntil: DateTime,
      grantedAt: DateTime,
      endedAt: Type.Union([DateTime, Type.Null()]),
      endKind: Nullable(Type.Enum(['withdrawn', 'revoked'])),
      endReason: Nullable(Type.String()),
    }),
  ),
});

export const GrantRowsResponse = Type.Object({
  grantId: Uuid,
  dataset: Type.String(),
  fields: Type.Array(Type.String()),
  validUntil: DateTime,
  rows: Type.Array(Type.Record(Type.String(), Type.Unknown()), {
    description: 'Each row with the granted fields only',
  }),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const LegalBasesResponse = Type.Array(
  Type.Object({ code: Type.Enum(LEGAL_BASIS_CODES), zh: Type.String(), en: Type.String() }),
);
