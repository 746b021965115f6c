import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../db/database.ts';
import type { Clock } from '../lib/clock.ts';
import { DateTime, errorResponses, Nullable, Uuid } from '../lib/http-schemas.ts';
import { listDatasets, PLATFORM_OWNER_CODE, setDatasetPublic, showDataset } from './catalogue.ts';
import { CATALOGUE_PATH, catalogueDocument } from './dcat.ts';
import { COLUMN_TYPES, type ColumnType, DATASET_KINDS, type DatasetKind } from './hub.tables.ts';
import { publicDatasets } from './public-catalogue.ts';

const tags = ['data catalogue'];

const Level = Type.Union([Type.Literal('general'), Type.Literal('important'), Type.Literal('core')]);
const PersonalFlag = Type.Union([Type.Literal('none'), Type.Literal('personal'), Type.Literal('sensitive')]);
const Kind = Type.Unsafe<DatasetKind>(Type.String({ enum: [...DATASET_KINDS] }));

const DatasetSummaryResponse = Type.Object({
  id: Uuid,
  slug: Type.String(),
  kind: Kind,
  titleZh: Type.String(),
  titleEn: Type.String(),
  description: Type.String(),
  owner: Nullable(Type.Object({ id: Uuid, code: Type.String(), nameZh: Type.String(), nameEn: Type.String() })),
  level: Level,
  personal: PersonalFlag,
  updateFrequency: Type.String(),
  licence: Type.String(),
  spatialCoverage: Type.String(),
  temporalStart: Nullable(DateTime),
  temporalEnd: Nullable(DateTime),
  isPublic: Type.Boolean(),
  rowCount: Type.Integer(),
  columnCount: Type.Integer(),
  hasQuality: Type.Boolean(),
  createdAt: DateTime,
  modifiedAt: DateTime,
});

const Column = Type.Object({
  name: Type.String(),
  source: Type.Optional(Type.String()),
  type: Type.Unsafe<ColumnType>(Type.String({ enum: [...COLUMN_TYPES] })),
  unit: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  level: Type.Optional(Level),
  personal: Type.Optional(PersonalFlag),
});

const ColumnQuality = Type.Object({ completeness: Type.Number(), validity: Type.Number(), uniqueness: Type.Number() });

const DatasetDetailResponse = Type.Intersect([
  DatasetSummaryResponse,
  Type.Object({
    columns: Type.Array(Column),
    quality: Nullable(
      Type.Object({
        measuredAt: Type.String(),
        rows: Type.Number(),
        columns: Type.Record(Type.String(), ColumnQuality),
      }),
    ),
    versions: Type.Array(
      Type.Object({
        version: Type.Integer(),
        importId: Nullable(Uuid),
        madeBy: Type.String(),
        rowCount: Type.Integer(),
        rowsChanged: Type.Integer(),
        createdAt: DateTime,
      }),
    ),
    imports: Type.Array(
      Type.Object({
        id: Uuid,
        fileName: Type.String(),
        format: Type.String(),
        encoding: Nullable(Type.String()),
        status: Type.String(),
        rowsRead: Type.Integer(),
        rowsImported: Type.Integer(),
        rowsUnchanged: Type.Integer(),
        rowsRejected: Type.Integer(),
        rowsUnplaced: Type.Integer(),
        startedAt: DateTime,
        finishedAt: Nullable(DateTime),
      }),
    ),
    rejectedRows: Type.Integer(),
  }),
]);

const SlugParams = Type.Object({ slug: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{1,99}$' }) });

/**
 * The data catalogue for staff (数据目录): every dataset with its schema, lineage and quality, and the
 * data steward's switch that publishes one in the open catalogue; and that open catalogue as DCAT-AP.
 */
export const catalogueRoutes: FastifyPluginAsyncTypebox<{ db: Db; clock: Clock }> = async (app, { db, clock }) => {
  const detailOf = async (actor: Parameters<typeof showDataset>[1], slug: string) => {
    const detail = await showDataset(db, actor, slug);
    return { ...detail, columnCount: detail.columns.length, hasQuality: detail.quality !== null };
  };

  app.get(
    '/catalogue/datasets',
    {
      config: { action: 'catalogue.read' },
      schema: {
        tags,
        summary: 'Every dataset the city holds: its own, imported case histories and reference data',
        querystring: Type.Object({ kind: Type.Optional(Kind), public: Type.Optional(Type.Boolean()) }),
        response: { 200: Type.Object({ items: Type.Array(DatasetSummaryResponse) }), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const all = await listDatasets(db, { kind: request.query.kind });
      return {
        items: all
          .filter((d) => request.query.public === undefined || d.isPublic === request.query.public)
          .map((d) => ({ ...d, columnCount: d.columns.length, hasQuality: d.quality !== null })),
      };
    },
  );

  app.get(
    '/catalogue/datasets/:slug',
    {
      config: { action: 'catalogue.read' },
      schema: {
        tags,
        summary: 'A dataset: schema (types, units, level and personal flags), lineage, rejected rows and quality',
        params: SlugParams,
        response: { 200: DatasetDetailResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => detailOf(request.actor, request.params.slug),
  );

  app.put(
    '/catalogue/datasets/:slug/public',
    {
      config: { action: 'catalogue.publish' },
      schema: {
        tags,
        summary:
          'Publish a dataset in the open catalogue (CKAN API, DCAT) or withdraw it; only general data without personal information',
        params: SlugParams,
        body: Type.Object({ public: Type.Boolean() }),
        response: { 200: DatasetDetailResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      await setDatasetPublic(db, request.actor, request.params.slug, request.body.public, clock.now());
      return detailOf(request.actor, request.params.slug);
    },
  );

  app.get(
    CATALOGUE_PATH.replace('/api/v1', ''),
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'The public datasets as a DCAT-AP catalogue (JSON-LD, context inline)',
        security: [],
        response: {
          200: Type.Unsafe({ type: 'object', additionalProperties: true, description: 'application/ld+json' }),
        },
      },
    },
    async (request, reply) => {
      const datasets = await publicDatasets(db);
      const publisher = await db
        .selectFrom('handling_bodies')
        .select(['name_zh', 'name_en'])
        .where('code', '=', PLATFORM_OWNER_CODE)
        .executeTakeFirst();
      const modified = datasets.reduce((latest, d) => (d.modifiedAt > latest ? d.modifiedAt : latest), new Date(0));
      const document = catalogueDocument(
        {
          origin: `${request.protocol}://${request.host}`,
          publisherZh: publisher?.name_zh ?? 'CivicGrid 城市运行管理服务平台',
          publisherEn: publisher?.name_en ?? 'CivicGrid city operations platform',
          modified: datasets.length ? modified : clock.now(),
        },
        datasets,
      );
      return reply.type('application/ld+json').send(JSON.stringify(document));
    },
  );
};
