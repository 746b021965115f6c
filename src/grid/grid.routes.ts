import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../db/database.ts';
import { areasAsGeoJson, listAreas } from './areas.ts';
import { AREA_LEVELS } from './grid.tables.ts';

const AreaResponse = Type.Object({
  code: Type.String(),
  parentCode: Type.Union([Type.String(), Type.Null()]),
  level: Type.Enum(AREA_LEVELS),
  nameZh: Type.String(),
  nameEn: Type.String(),
});

const AreasGeoJson = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      properties: Type.Object({
        code: Type.String(),
        level: Type.String(),
        nameZh: Type.String(),
        nameEn: Type.String(),
      }),
      geometry: Type.Unknown({ description: 'GeoJSON Polygon or MultiPolygon, WGS-84' }),
    }),
  ),
});

export const gridRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/grid/areas',
    {
      config: { public: true },
      schema: {
        tags: ['grid'],
        summary: 'The administrative areas of the city',
        response: { 200: Type.Array(AreaResponse) },
      },
    },
    async () => listAreas(db),
  );

  app.get(
    '/grid/areas.geojson',
    {
      config: { public: true },
      schema: {
        tags: ['grid'],
        summary: 'The boundaries of the areas as a GeoJSON FeatureCollection (WGS-84)',
        response: { 200: AreasGeoJson },
      },
    },
    async (_request, reply) => {
      reply.type('application/geo+json');
      return areasAsGeoJson(db);
    },
  );
};
