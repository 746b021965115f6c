import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../db/database.ts';
import { AppError } from '../lib/app-error.ts';
import { errorResponses } from '../lib/http-schemas.ts';
import { areaWorkers, assignAreaWorkers } from '../organizations/index.ts';
import { type AreaLocator, areaPath, areasAsGeoJson, listAreas } from './areas.ts';
import { COORDINATE_SYSTEMS, pointInWgs84 } from './crs.ts';
import { unknownArea } from './grid.errors.ts';
import { AREA_LEVELS } from './grid.tables.ts';
import { responsibleBody, setResponsibleBody } from './responsibility.ts';

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

const AreaQuery = Type.Object(
  {
    level: Type.Optional(
      Type.Array(Type.Enum(AREA_LEVELS), { description: 'One or more levels (default: all but grid)' }),
    ),
    within: Type.Optional(
      Type.String({ pattern: '^[0-9]{1,15}$', description: 'An area code: it and the areas under it' }),
    ),
  },
  { additionalProperties: false },
);

const AreaParams = Type.Object({ code: Type.String({ pattern: '^[0-9]{1,15}$' }) });
const AreaWorkerResponse = Type.Object({
  username: Type.String(),
  displayName: Type.String(),
  assignedArea: Type.String(),
});
const ResponsibleBodyResponse = Type.Object({
  id: Type.String(),
  code: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  assignedArea: Type.String(),
});
const AreaDetailResponse = Type.Object({
  ...AreaResponse.properties,
  path: Type.Array(AreaResponse),
  workers: Type.Array(AreaWorkerResponse),
  responsibleBody: Type.Union([ResponsibleBodyResponse, Type.Null()]),
});

const LocateQuery = Type.Object(
  {
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    crs: Type.Optional(Type.Enum(COORDINATE_SYSTEMS, { description: 'wgs84 (default), gcj02 or bd09' })),
  },
  { additionalProperties: false },
);

const LocateResponse = Type.Object({
  longitude: Type.Number({ description: 'WGS-84' }),
  latitude: Type.Number({ description: 'WGS-84' }),
  code: Type.Union([Type.String(), Type.Null()], {
    description: 'The finest area holding the point, else the nearest within PLACEMENT_SNAP_METRES',
  }),
  snappedMetres: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
    description: 'How far outside every area the point lies, when it was placed on the nearest one',
  }),
  outsideJurisdiction: Type.Boolean(),
  path: Type.Array(AreaResponse, { description: 'From the city down to that area' }),
});

/** A raster tile layer the city serves (its GIS, or 天地图 with its key), drawn under the boundaries. */
export interface BasemapTiles {
  /** A tile template with {z}, {x} and {y} (web mercator, WGS-84 or CGCS2000: not GCJ-02 tiles). */
  url: string;
  /** Where the tiles come from (the scheme and host), for the console's content security policy. */
  origin: string;
  attribution: string;
}

const BasemapResponse = Type.Object({
  tiles: Type.Union([
    Type.Object({ url: Type.String(), attribution: Type.String() }),
    Type.Null({ description: 'No tiles are configured: the maps show the boundaries alone' }),
  ]),
});

/** Unit grids only for one district (or finer) at a time: a city has hundreds of thousands of them. */
function refuseAllGrids(query: { level?: string[]; within?: string }) {
  if (query.level?.includes('grid') && (query.within ?? '').length < 6) {
    throw new AppError(
      'GRID_ERR_TOO_MANY',
      400,
      'Ask for unit grids within a district or a finer area (within=<6+ digit code>)',
    );
  }
}

export const gridRoutes: FastifyPluginAsyncTypebox<{ db: Db; areas: AreaLocator; basemap?: BasemapTiles }> = async (
  app,
  { db, areas, basemap },
) => {
  const requireArea = async (code: string) => {
    const [area] = (await areaPath(db, code)).slice(-1);
    if (!area || area.code !== code) throw unknownArea(code);
    return area;
  };

  app.get(
    '/grid/areas/:code',
    {
      config: { action: 'grid.read' },
      schema: {
        tags: ['grid'],
        summary: 'One area: the areas above it, its grid workers and the body responsible for it',
        params: AreaParams,
        response: { 200: AreaDetailResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const area = await requireArea(request.params.code);
      // Staff names are for staff (the policy keeps citizens out), and not for staff limited to other areas
      // (handlers work for their body wherever its cases are, so areas do not limit them).
      const { jurisdiction, role } = request.actor;
      const overlaps = (prefix: string) => area.code.startsWith(prefix) || prefix.startsWith(area.code);
      if (jurisdiction !== 'city' && role !== 'handler' && !jurisdiction.some(overlaps)) {
        throw new AppError('GRID_ERR_FORBIDDEN', 403, 'You may not see who works in this area');
      }
      return {
        ...area,
        path: await areaPath(db, area.code),
        workers: await areaWorkers(db, area.code),
        responsibleBody: await responsibleBody(db, area.code),
      };
    },
  );

  app.put(
    '/grid/areas/:code/workers',
    {
      config: { action: 'grid.edit' },
      schema: {
        tags: ['grid'],
        summary: 'Make exactly these grid workers the ones assigned to the area (administrators)',
        params: AreaParams,
        body: Type.Object(
          { usernames: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ workers: Type.Array(AreaWorkerResponse) }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const area = await requireArea(request.params.code);
      await assignAreaWorkers(db, request.actor, area.code, request.body.usernames);
      return { workers: await areaWorkers(db, area.code) };
    },
  );

  app.put(
    '/grid/areas/:code/responsible-body',
    {
      config: { action: 'grid.edit' },
      schema: {
        tags: ['grid'],
        summary: 'Set the community committee or street office responsible for the area (administrators)',
        params: AreaParams,
        body: Type.Object({ bodyId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ responsibleBody: ResponsibleBodyResponse }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const area = await requireArea(request.params.code);
      await setResponsibleBody(db, request.actor, area.code, request.body.bodyId);
      return { responsibleBody: (await responsibleBody(db, area.code))! };
    },
  );

  app.get(
    '/grid/basemap',
    {
      config: { public: true },
      schema: {
        tags: ['grid'],
        summary: 'The tile layer the city configured for its maps (MAP_TILE_URL), if any',
        response: { 200: BasemapResponse },
      },
    },
    async () => ({ tiles: basemap ? { url: basemap.url, attribution: basemap.attribution } : null }),
  );

  app.get(
    '/grid/locate',
    {
      config: { public: true },
      schema: {
        tags: ['grid'],
        summary: 'Which area (down to the unit grid) a point lies in',
        querystring: LocateQuery,
        response: { 200: LocateResponse, ...errorResponses(400) },
      },
    },
    async (request) => {
      const { lon, lat, crs } = request.query;
      const [longitude, latitude] = pointInWgs84({ longitude: lon, latitude: lat, crs }, 'lon/lat');
      const placement = areas.place(longitude, latitude);
      const code = placement?.code ?? null;
      return {
        longitude,
        latitude,
        code,
        snappedMetres: placement?.snappedMetres ?? null,
        outsideJurisdiction: code === null,
        path: code ? await areaPath(db, code) : [],
      };
    },
  );

  app.get(
    '/grid/areas',
    {
      config: { public: true },
      schema: {
        tags: ['grid'],
        summary: 'The administrative areas of the city',
        querystring: AreaQuery,
        response: { 200: Type.Array(AreaResponse), ...errorResponses(400) },
      },
    },
    async (request) => {
      refuseAllGrids(request.query);
      return listAreas(db, { levels: request.query.level, within: request.query.within });
    },
  );

  app.get(
    '/grid/areas.geojson',
    {
      config: { public: true },
      schema: {
        tags: ['grid'],
        summary: 'The boundaries of the areas as a GeoJSON FeatureCollection (WGS-84)',
        querystring: AreaQuery,
        response: { 200: AreasGeoJson, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      // Unit grids only for one area at a time: a city has hundreds of thousands of them.
      refuseAllGrids(request.query);
      reply.type('application/geo+json');
      return areasAsGeoJson(db, { levels: request.query.level, within: request.query.within });
    },
  );
};
