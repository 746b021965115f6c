import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { originOf } from '../audit/index.ts';
import type { CaseDeps } from '../cases/index.ts';
import { errorResponses } from '../lib/http-schemas.ts';
import { createDeviceType, listDevices, listDeviceTypes, registerDevice } from './devices.ts';
import { takeReadings } from './intake.ts';
import {
  DeviceBody,
  DeviceListQuery,
  DeviceParams,
  DeviceResponse,
  DeviceTypeBody,
  DeviceTypeResponse,
  IntakeResponse,
  NewDeviceResponse,
} from './sensors.schemas.ts';

/** Staff routes (under /api/v1): device types and their rules, devices and their state. */
export const sensorsRoutes: FastifyPluginAsyncTypebox<{ deps: CaseDeps }> = async (app, { deps }) => {
  const { db, clock } = deps;
  const tags = ['sensors'];

  app.get(
    '/sensors/device-types',
    {
      config: { action: 'sensor.read' },
      schema: {
        tags,
        summary: 'Device types (物联感知) and their rules',
        response: { 200: Type.Object({ items: Type.Array(DeviceTypeResponse) }), ...errorResponses(401, 403) },
      },
    },
    async () => ({ items: await listDeviceTypes(db) }),
  );

  app.post(
    '/sensors/device-types',
    {
      config: { action: 'sensor.configure' },
      schema: {
        tags,
        summary: 'Register a device type: its unit, threshold and rate-of-change rules, and its silence limit',
        description:
          'Each rule names the leaf category its cases are filed under. A device silent for silenceMinutes raises a case (rule "silence") in silenceCategoryCode.',
        body: DeviceTypeBody,
        response: { 201: DeviceTypeResponse, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(await createDeviceType(db, request.body, clock.now())),
  );

  app.get(
    '/sensors/devices',
    {
      config: { action: 'sensor.read' },
      schema: {
        tags,
        summary: 'Devices with their latest reading, counters and the cases their rules hold open',
        querystring: DeviceListQuery,
        response: { 200: Type.Object({ items: Type.Array(DeviceResponse) }), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => ({ items: await listDevices(db, clock.now(), request.query.type) }),
  );

  app.post(
    '/sensors/devices',
    {
      config: { action: 'sensor.configure' },
      schema: {
        tags,
        summary: 'Register a device at its point: its key is answered this once',
        body: DeviceBody,
        response: { 201: NewDeviceResponse, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await registerDevice(db, deps.keyring, request.actor, request.body, clock.now())),
  );
};

/**
 * The devices' way in (under /sensors/v1, beside Open311: other systems, not staff). No session or token:
 * each message is signed with its device's key, and the signature is checked over the body exactly as it
 * came, so this plugin keeps JSON bodies as their text instead of parsing them.
 */
export const sensorIntakeRoutes: FastifyPluginAsyncTypebox<{ deps: CaseDeps }> = async (app, { deps }) => {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.post(
    '/devices/:deviceId/readings',
    {
      config: { public: true },
      schema: {
        tags: ['sensors'],
        summary: 'A device sends a reading or a batch, signed with its key',
        description:
          'Body (application/json): `{ "measuredAt": "2026-12-05T08:00:00+08:00", "value": 1.25 }` or `{ "readings": [ … ] }` (at most 1,000). ' +
          'Headers: `X-CivicGrid-Timestamp` (Unix seconds, within 5 minutes of the server) and `X-CivicGrid-Signature: sha256=<hex>`, ' +
          'the HMAC-SHA256 with the device key of `<timestamp>.<body>`. A reading sent again (same measuredAt) is ignored and counted; ' +
          'a malformed one answers 400 naming it, and the others are kept.',
        security: [],
        params: DeviceParams,
        response: { 200: IntakeResponse, ...errorResponses(400, 401, 413, 415) },
      },
    },
    async (request) => {
      const header = (name: string) => {
        const value = request.headers[name];
        return typeof value === 'string' ? value : undefined;
      };
      return takeReadings(
        deps,
        {
          deviceId: request.params.deviceId,
          timestamp: header('x-civicgrid-timestamp'),
          signature: header('x-civicgrid-signature'),
          body: typeof request.body === 'string' ? request.body : '',
          via: 'http',
          origin: originOf(request),
        },
        (ruleCode, error) =>
          request.log.error({ err: error, deviceId: request.params.deviceId, ruleCode }, 'sensor case not filed'),
      );
    },
  );
};
