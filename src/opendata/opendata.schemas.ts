import { Type } from 'typebox';
import { DateTime, Nullable, Uuid } from '../lib/http-schemas.ts';

const Month = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM, city time' });
const Epsilon = Type.Number({ exclusiveMinimum: 0, maximum: 10, description: 'ε, the privacy loss' });

export const ReleaseBody = Type.Object(
  {
    title: Type.String({ minLength: 2, maxLength: 200 }),
    areaLevel: Type.Union([Type.Literal('district'), Type.Literal('street'), Type.Literal('grid')], {
      description: 'Count by district, street, or unit grid cell (points coarsened to their cell)',
    }),
    from: Month,
    to: Month,
    threshold: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, description: 'Counts 0 < n < threshold are suppressed (default 5)' }),
    ),
    protectionMargin: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1000,
        description: 'No suppressed cell may be narrowed to an interval narrower than this (default: the threshold)',
      }),
    ),
    epsilon: Type.Optional({
      ...Epsilon,
      description: 'Add differentially private noise to the counts, spending this ε from the budget',
    }),
    mechanism: Type.Optional(
      Type.Union([Type.Literal('geometric'), Type.Literal('laplace')], {
        description: 'With ε: two-sided geometric (integer counts, the default) or Laplace (counts to 0.1)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ReleaseSummaryResponse = Type.Object({
  id: Uuid,
  dataset: Type.String(),
  title: Type.String(),
  areaLevel: Type.String(),
  from: Type.String(),
  to: Type.String(),
  threshold: Type.Integer(),
  protectionMargin: Type.Integer(),
  mechanism: Nullable(Type.String()),
  epsilon: Nullable(Type.Number()),
  categories: Type.Integer(),
  areas: Type.Integer(),
  periods: Type.Integer(),
  suppressedCells: Type.Integer(),
  publishedAt: DateTime,
});

export const ReleaseParams = Type.Object({ id: Uuid });

export const DownloadParams = Type.Object({
  id: Uuid,
  format: Type.Union([Type.Literal('csv'), Type.Literal('json'), Type.Literal('geojson')]),
});

export const BudgetResponse = Type.Object({
  dataset: Type.String(),
  totalEpsilon: Type.Number(),
  spentEpsilon: Type.Number(),
  remainingEpsilon: Type.Number(),
  ledger: Type.Array(
    Type.Object({
      id: Uuid,
      releaseId: Uuid,
      epsilon: Type.Number(),
      mechanism: Type.String(),
      query: Type.String(),
      spentByUserId: Uuid,
      spentAt: DateTime,
    }),
  ),
});

export const DatasetParams = Type.Object({ dataset: Type.String({ pattern: '^[a-z0-9_]{1,60}$' }) });

export const BudgetBody = Type.Object(
  { totalEpsilon: { ...Epsilon, maximum: 100, description: 'The total ε all releases of the dataset may spend' } },
  { additionalProperties: false },
);
