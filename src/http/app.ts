import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { auditRoutes } from '../audit/index.ts';
import { authRoutes, type SessionTimes } from '../auth/index.ts';
import { type CityCalendar, calendarRoutes } from '../calendar/index.ts';
import {
  CaseChangeFeed,
  type CaseDeps,
  caseChangesRoutes,
  casesRoutes,
  publicCaseChangesRoutes,
} from '../cases/index.ts';
import { CITY_TIME_ZONE, type Config, readConfig } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { Listen } from '../db/pglite-thread.ts';
import { DEMO_PASSWORD, DEMO_USERS } from '../demo/demo-city.ts';
import { evaluationRoutes, firstContactRoutes } from '../evaluation/index.ts';
import { type AreaLocator, gridRoutes } from '../grid/index.ts';
import { catalogueRoutes, ckanRoutes, importRoutes } from '../hub/index.ts';
import { insightRoutes } from '../insight/index.ts';
import { knowledgeRoutes } from '../knowledge/index.ts';
import { AppError } from '../lib/app-error.ts';
import type { Clock } from '../lib/clock.ts';
import { ErrorResponse } from '../lib/http-schemas.ts';
import { type MediaLimits, type MediaStore, mediaRoutes, mediaStoreFromConfig, stepEvidence } from '../media/index.ts';
import type { MessageSender } from '../notifications/index.ts';
import { open311Routes, sendOpen311Error } from '../open311/index.ts';
import { openDataRoutes } from '../opendata/index.ts';
import { organizationsRoutes } from '../organizations/index.ts';
import { patrolsRoutes } from '../patrols/index.ts';
import { portalRoutes } from '../portal/index.ts';
import { type Keyring, privacyRoutes } from '../privacy/index.ts';
import { routingRoutes } from '../routing/index.ts';
import { sensorIntakeRoutes, sensorsRoutes } from '../sensors/index.ts';
import { sharingRoutes } from '../sharing/index.ts';
import { textRoutes } from '../text/index.ts';
import { auditChanges, authenticate } from './auth.ts';
import { handleError } from './error-handler.ts';
import { type HardeningOptions, registerHardening } from './hardening.ts';
import { claimIdempotency, fingerprintOf, idempotentSubmissions } from './idempotency.ts';
import { RequestLogsAtDebug } from './logging.ts';
import { rejectNulCharacters, validatorCompiler } from './validation.ts';
import { serveConsole } from './web.ts';

export interface AppDeps {
  db: Db;
  /** Hears the database's notifications (the steps of cases, for live consoles). */
  listen: Listen;
  clock: Clock;
  config: Pick<Config, 'demoSignIn' | 'reopenWindowDays' | 'secureCookies'> &
    Partial<Pick<Config, 'citizenCasesPerDay' | 'auditAnchorFile' | 'evaluationMinDispatches' | 'open311'>> & {
      sessions: SessionTimes;
      /** Citizens may sign in by phone (not in production without an SMS gateway). Default on. */
      phoneSignIn?: boolean;
      /** Proxy hops to trust in X-Forwarded-For (0: none). */
      trustProxy?: number;
      /** Raster tiles under the console's maps (MAP_TILE_URL); none by default. */
      mapTiles?: Config['mapTiles'];
    };
  areas: AreaLocator;
  calendar: CityCalendar;
  /** The keys personal data is sealed under. */
  keyring: Keyring;
  /** Rate limits; tests lift them. */
  hardening?: HardeningOptions;
  /** Where case photos and documents are stored, and the limits on uploads (default: files in a temp dir, default limits). */
  media?: { store: MediaStore; tempDir: string; limits: MediaLimits };
  /** Sends the messages a citizen waits for (sign-in codes) at once; without it they wait for the sweep. */
  sender?: MessageSender;
}

/** The upload limits when none are configured: the MEDIA_* settings' defaults. */
export const DEFAULT_MEDIA_LIMITS: MediaLimits = readConfig({}).media;

/** Media for an app given none (tests, tools): a file store in a fresh temp directory. */
function temporaryMedia(): NonNullable<AppDeps['media']> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civicgrid-media-'));
  return {
    store: mediaStoreFromConfig({ dataDir: dir }),
    tempDir: path.join(dir, 'uploads'),
    limits: DEFAULT_MEDIA_LIMITS,
  };
}

/** PIPL leaves the time to the rules; GB/T 35273 §8.7 says 15 working days, counted on the city's calendar. */
const DATA_REQUEST_WORKING_DAYS = 15;

/** JSON bodies larger than this are refused with 413: cases are text; photos go to their own (multipart) route. */
const BODY_LIMIT_BYTES = 256 * 1024;

export { CITY_TIME_ZONE };

/** A city's yearly export of one source is a few hundred megabytes; more is split or given to the CLI. */
const IMPORT_MAX_BYTES = 1024 * 1024 * 1024;

/** 15 MB over a poor mobile link (0.5 Mbit/s) takes about 4 minutes. */
const REQUEST_TIMEOUT_MS = 5 * 60_000;

/** What the case services need, the same for the routes and for the work outside requests (sensor feeds, sweeps). */
export function caseDepsOf(
  deps: Pick<AppDeps, 'db' | 'clock' | 'config' | 'areas' | 'calendar' | 'keyring'>,
): CaseDeps {
  return {
    db: deps.db,
    clock: deps.clock,
    policy: {
      reopenWindowDays: deps.config.reopenWindowDays,
      timeZone: CITY_TIME_ZONE,
      citizenCasesPerDay: deps.config.citizenCasesPerDay,
    },
    locateArea: (longitude, latitude) => deps.areas.place(longitude, latitude),
    calendar: deps.calendar,
    keyring: deps.keyring,
    evidence: stepEvidence,
  };
}

/** Builds the HTTP application without listening, so tests can `inject()` requests. */
export async function buildApp(deps: AppDeps, logger: FastifyServerOptions['logger'] = false) {
  const app = Fastify({
    logger,
    logController: new RequestLogsAtDebug(),
    // Errors Fastify meets before routing (a malformed URL, an over-long parameter) get our shape too.
    frameworkErrors: (error, request, reply) =>
      request.url.startsWith('/open311/')
        ? sendOpen311Error(error, request, reply)
        : handleError(error, request, reply),
    bodyLimit: BODY_LIMIT_BYTES,
    // A request (an upload from a slow phone included) gets this long to arrive whole; one left hanging
    // would otherwise hold its connection and temp file for ever.
    requestTimeout: REQUEST_TIMEOUT_MS,
    // Trust exactly this many proxy hops (a function: the option's typings leave out the count form).
    trustProxy: (_address: string, hop: number) => hop < (deps.config.trustProxy ?? 0),
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.addHook('preValidation', rejectNulCharacters);
  // Only JSON bodies are accepted: anything else is a 415, not a string that fails validation later.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler(handleError);
  await registerHardening(app, { ...deps.hardening, mapTileOrigin: deps.config.mapTiles?.origin });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addSchema(ErrorResponse);
  await app.register(cookie);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'CivicGrid API',
        version: '1',
        description:
          'Cases from report to closure on the city grid. Errors: `{ "error": { "code", "message", "details" } }`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token (scoped; POST /auth/tokens)' },
          session: { type: 'apiKey', in: 'cookie', name: 'cg_session', description: 'The console session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const Probe = {
    response: { 200: Type.Object({ status: Type.String() }), 503: Type.Object({ status: Type.String() }) },
  };
  app.get('/healthz', { schema: { hide: true, ...Probe } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true, ...Probe } }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(deps.db);
      return { status: 'ready' };
    } catch (error) {
      app.log.warn({ err: error }, 'database not reachable');
      return reply.status(503).send({ status: 'database unreachable' });
    }
  });

  const caseDeps = caseDepsOf(deps);
  const media = deps.media ?? temporaryMedia();

  await app.register(
    async (api) => {
      authenticate(api, { db: deps.db, clock: deps.clock, sessions: deps.config.sessions });
      // What a signed-in user is answered may hold personal data in clear (their own, or unmasked): no
      // browser or proxy may keep a copy. Public answers (categories, published cases) may be cached.
      api.addHook('onSend', async (request, reply) => {
        if (!request.routeOptions.config.public) reply.header('cache-control', 'no-store');
      });
      auditChanges(api, { db: deps.db, clock: deps.clock, keys: deps.keyring });
      idempotentSubmissions(api, { db: deps.db });
      await api.register(authRoutes, {
        deps: {
          db: deps.db,
          keyring: deps.keyring,
          clock: deps.clock,
          sessions: deps.config.sessions,
          secureCookies: deps.config.secureCookies,
          phoneSignIn: deps.config.phoneSignIn,
          sender: deps.sender,
        },
      });
      await api.register(organizationsRoutes, {
        db: deps.db,
        demoSignIn: deps.config.demoSignIn
          ? { password: DEMO_PASSWORD, usernames: new Set(DEMO_USERS.map((u) => u.username)) }
          : null,
      });
      await api.register(gridRoutes, { db: deps.db, areas: deps.areas, basemap: deps.config.mapTiles });
      await api.register(casesRoutes, { deps: caseDeps });
      await api.register(portalRoutes, { db: deps.db, clock: deps.clock });
      // One LISTEN per process, shared by the console's streams and the portal's.
      const caseChanges = new CaseChangeFeed(deps.listen);
      await api.register(caseChangesRoutes, { db: deps.db, feed: caseChanges });
      await api.register(publicCaseChangesRoutes, { db: deps.db, feed: caseChanges });
      await api.register(knowledgeRoutes, { deps: caseDeps });
      await api.register(openDataRoutes, {
        deps: { db: deps.db, clock: deps.clock, timeZone: caseDeps.policy.timeZone },
      });
      await api.register(sensorsRoutes, { deps: caseDeps });
      await api.register(catalogueRoutes, { db: deps.db, clock: deps.clock });
      await api.register(sharingRoutes, { deps: { db: deps.db, clock: deps.clock, keys: deps.keyring } });
      await api.register(importRoutes, {
        deps: { ...caseDeps, cityTimeZone: CITY_TIME_ZONE },
        // Beside the media uploads, under the data folder: a file being imported outlives a restart.
        uploadDir: path.join(path.dirname(media.tempDir), 'imports'),
        maxFileBytes: IMPORT_MAX_BYTES,
      });
      await api.register(mediaRoutes, {
        deps: { ...media, db: deps.db, clock: deps.clock, keyring: deps.keyring, policy: caseDeps.policy },
        claimIdempotency,
        fingerprintOf,
      });
      await api.register(patrolsRoutes, {
        deps: {
          db: deps.db,
          clock: deps.clock,
          timeZone: CITY_TIME_ZONE,
          locateArea: (lon, lat) => deps.areas.locate(lon, lat),
        },
      });
      await api.register(routingRoutes, { db: deps.db, timeZone: CITY_TIME_ZONE });
      await api.register(calendarRoutes, { db: deps.db, calendar: deps.calendar });
      await api.register(firstContactRoutes, { db: deps.db, timeZone: CITY_TIME_ZONE });
      await api.register(evaluationRoutes, {
        db: deps.db,
        clock: deps.clock,
        timeZone: CITY_TIME_ZONE,
        minDispatches: deps.config.evaluationMinDispatches,
      });
      await api.register(privacyRoutes, {
        deps: {
          db: deps.db,
          keyring: deps.keyring,
          clock: deps.clock,
          dataRequestDue: (now) => {
            const calendar = deps.calendar.current;
            return calendar.addWorkingMinutes(now, DATA_REQUEST_WORKING_DAYS * calendar.minutesPerWorkingDay);
          },
        },
      });
      await api.register(auditRoutes, { db: deps.db, keys: deps.keyring, anchorFile: deps.config.auditAnchorFile });
      await api.register(textRoutes, { db: deps.db, clock: deps.clock });
      await api.register(insightRoutes, {
        db: deps.db,
        clock: deps.clock,
        calendar: deps.calendar,
        timeZone: CITY_TIME_ZONE,
      });
      api.setNotFoundHandler(() => {
        throw new AppError('ROUTE_ERR_NOT_FOUND', 404, 'There is no such API route');
      });
    },
    { prefix: '/api/v1' },
  );
  // Other systems' way in (Open311 GeoReport v2): public reads of published cases, in XML or JSON.
  await app.register(open311Routes, {
    deps: {
      db: deps.db,
      clock: deps.clock,
      timeZone: CITY_TIME_ZONE,
      cases: caseDeps,
      ...(deps.config.open311 ?? readConfig({}).open311),
    },
    prefix: '/open311',
  });
  // Harvesters' way in: CKAN's action API over the public datasets, read-only, no sign-in.
  await app.register(ckanRoutes, { db: deps.db, prefix: '/api/3/action' });
  // Devices' way in (物联感知): each message signed with its device's key, no session or token.
  await app.register(sensorIntakeRoutes, { deps: caseDeps, prefix: '/sensors/v1' });

  await serveConsole(app);
  return app;
}
