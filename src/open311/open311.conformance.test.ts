/**
 * Open311 GeoReport v2 conformance, written from the specification (http://wiki.open311.org/GeoReport_v2)
 * for the calls this server offers, each in JSON (checked against JSON schemas written from the
 * specification's field lists) and in XML (parsed; root, item and field element names checked):
 *
 * - Discovery (`/open311/discovery.{json,xml}`): changeset, contact, key_service; endpoints with
 *   specification, url, changeset, type and formats; the changeset lies in the past; XML among the formats.
 * - GET Service List (`services`): service_code, service_name, description, metadata, type, keywords,
 *   group; at least one service; every service has a service_code; jurisdiction_id.
 * - GET Service Definition (`services/{service_code}`): service_code and attributes.
 * - GET Service Requests (`requests`): the fields of a request; service_request_id (a comma list; the other
 *   filters then ignored), service_code, start_date, end_date, status (a comma list); the default window
 *   (the last 90 days, at most 1,000); W3C date-times with their zone.
 * - GET Service Request (`requests/{service_request_id}`): a list of one.
 * - POST Service Request (`requests`, form-encoded): api_key, jurisdiction_id, service_code, lat/long or
 *   address_string, description (up to 4,000 characters), media_url (kept as a link, never fetched),
 *   first_name, last_name, email, phone (sealed as the reporter, never answered); the answer's
 *   service_request_id, service_notice, account_id; 403 for a missing, unknown or unscoped api_key, 400 for
 *   a missing location or an unknown service_code.
 * - GET request_id from a token (`tokens/{token}`): service_request_id and token.
 * - The mySociety extension GET Service Request Updates (`servicerequestupdates`): update_id,
 *   service_request_id, status (FixMyStreet's extended statuses), updated_datetime, description,
 *   media_url; start_date and end_date. A round trip: a request filed, updated by the loop's steps, the
 *   updates read back through a date window.
 *
 * Not yet offered (and so not covered): attributes on services, POST Service Request Update, and
 * `extensions=true` on requests.
 */
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, DEMO_NOW, loadSmallDemoCity } from '../../test/demo-city.ts';
import { issueApiToken } from '../auth/index.ts';
import { actorForUsername, createUser } from '../organizations/index.ts';

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);

const nullable = (type: string) => ({ type: [type, 'null'] });
const DATE_TIME = { type: 'string', format: 'date-time' };

const DISCOVERY = {
  type: 'object',
  required: ['changeset', 'contact', 'key_service', 'endpoints'],
  properties: {
    changeset: DATE_TIME,
    contact: { type: 'string', minLength: 1 },
    key_service: { type: 'string', minLength: 1 },
    endpoints: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['specification', 'url', 'changeset', 'type', 'formats'],
        properties: {
          specification: { const: 'http://wiki.open311.org/GeoReport_v2' },
          url: { type: 'string', format: 'uri' },
          changeset: DATE_TIME,
          type: { enum: ['production', 'test'] },
          formats: {
            type: 'array',
            items: { enum: ['text/xml', 'application/json'] },
            contains: { const: 'text/xml' },
          },
        },
      },
    },
  },
};

const SERVICE_FIELDS = ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'];
const SERVICES = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    required: ['service_code', 'service_name', 'metadata', 'type'],
    additionalProperties: false,
    properties: {
      service_code: { type: 'string', minLength: 1 },
      service_name: { type: 'string', minLength: 1 },
      description: { type: 'string' },
      metadata: { type: 'boolean' },
      type: { enum: ['realtime', 'batch', 'blackbox'] },
      keywords: { type: 'string' },
      group: { type: 'string' },
    },
  },
};

const SERVICE_DEFINITION = {
  type: 'object',
  required: ['service_code', 'attributes'],
  properties: {
    service_code: { type: 'string' },
    attributes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['variable', 'code', 'datatype', 'required', 'order', 'description'],
        properties: {
          variable: { type: 'boolean' },
          code: { type: 'string' },
          datatype: { enum: ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] },
          required: { type: 'boolean' },
          datatype_description: nullable('string'),
          order: { type: 'integer' },
          description: { type: 'string' },
        },
      },
    },
  },
};

const REQUEST_FIELDS = [
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'address_id',
  'zipcode',
  'lat',
  'long',
  'media_url',
];
const REQUESTS = {
  type: 'array',
  items: {
    type: 'object',
    required: ['service_request_id', 'status', 'service_code', 'requested_datetime'],
    additionalProperties: false,
    properties: {
      service_request_id: { type: 'string', minLength: 1 },
      status: { enum: ['open', 'closed'] },
      status_notes: nullable('string'),
      service_name: { type: 'string' },
      service_code: { type: 'string' },
      description: { type: 'string', maxLength: 4000 },
      agency_responsible: nullable('string'),
      service_notice: nullable('string'),
      requested_datetime: DATE_TIME,
      updated_datetime: { anyOf: [DATE_TIME, { type: 'null' }] },
      expected_datetime: { anyOf: [DATE_TIME, { type: 'null' }] },
      address: nullable('string'),
      address_id: nullable('string'),
      zipcode: nullable('string'),
      lat: nullable('number'),
      long: nullable('number'),
      media_url: nullable('string'),
    },
  },
};

const UPDATE_FIELDS = ['update_id', 'service_request_id', 'status', 'updated_datetime', 'description', 'media_url'];
const UPDATES = {
  type: 'array',
  items: {
    type: 'object',
    required: ['update_id', 'service_request_id', 'status', 'updated_datetime', 'description'],
    additionalProperties: false,
    properties: {
      update_id: { type: 'string', minLength: 1 },
      service_request_id: { type: 'string', minLength: 1 },
      status: {
        enum: [
          'open',
          'closed',
          'fixed',
          'in_progress',
          'action_scheduled',
          'investigating',
          'duplicate',
          'not_councils_responsibility',
          'unable_to_fix',
          'internal_referral',
          'no_further_action',
        ],
      },
      updated_datetime: DATE_TIME,
      description: { type: 'string' },
      media_url: nullable('string'),
    },
  },
};

const ERRORS = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    required: ['code', 'description'],
    additionalProperties: false,
    properties: { code: { type: 'integer' }, description: { type: 'string', minLength: 1 } },
  },
};

function expectValid(schema: object, value: unknown) {
  const validate = ajv.compile(schema);
  expect(validate(value), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
}

/** The XML parsed as elements only; lists always as arrays, so one item and many read alike. */
const xml = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => ['service', 'request', 'error', 'endpoint', 'format'].includes(name),
});

function parseXml(body: string): Record<string, unknown> {
  expect(body.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  const parsed = xml.parse(body) as Record<string, unknown>;
  delete parsed['?xml'];
  return parsed;
}

/** Each item's element names are among the specification's fields, and the required ones are there. */
function expectItems(items: unknown, fields: string[], required: string[]) {
  expect(Array.isArray(items)).toBe(true);
  for (const item of items as Array<Record<string, unknown>>) {
    for (const name of Object.keys(item)) expect(fields).toContain(name);
    for (const name of required) expect(item).toHaveProperty(name);
  }
}

forEachDatabase('Open311 GeoReport v2', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  let publishedCase: string;
  let unpublishedCase: string;

  const get = (url: string) => app.inject({ url });

  beforeAll(async () => {
    const { areas } = await loadSmallDemoCity(database(), 12);
    ({ app, as } = await buildTestApp(database(), areas));
    const report = async (title: string) => {
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/cases',
        headers: await as('citizen'),
        payload: {
          title,
          description: '坑很深',
          categoryCode: '010204',
          location: { longitude: 112.9851, latitude: 28.1986 },
        },
      });
      expect(created.statusCode, created.body).toBe(201);
      return created.json().caseNumber as string;
    };
    // The demo citizen consents to publication: registered by the desk, the case is public.
    publishedCase = await report('五一大道路面坑洞 电话13812345678');
    const registered = await app.inject({
      method: 'POST',
      url: `/api/v1/cases/${publishedCase}/actions`,
      headers: await as('dispatcher'),
      payload: { action: 'register' },
    });
    expect(registered.statusCode, registered.body).toBe(200);
    unpublishedCase = await report('还没登记的反映');
  }, 120_000);

  describe('discovery', () => {
    it('should describe the endpoint in JSON: contact, a past changeset, XML among the formats', async () => {
      const response = await get('/open311/discovery.json');
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      const discovery = response.json();
      expectValid(DISCOVERY, discovery);
      expect(new Date(discovery.changeset).getTime()).toBeLessThan(Date.now());
      expect(discovery.endpoints[0].url).toMatch(/\/open311\/v2$/);
    });

    it('should describe the endpoint in XML with the same elements, formats nested', async () => {
      const response = await get('/open311/discovery.xml');
      expect(response.headers['content-type']).toMatch(/^text\/xml/);
      const { discovery } = parseXml(response.body) as { discovery: Record<string, unknown> };
      expect(Object.keys(discovery).sort()).toEqual(['changeset', 'contact', 'endpoints', 'key_service']);
      const endpoints = (discovery.endpoints as { endpoint: Array<Record<string, unknown>> }).endpoint;
      expect(endpoints).toHaveLength(1);
      expect((endpoints[0]!.formats as { format: string[] }).format).toEqual(['text/xml', 'application/json']);
    });
  });

  describe('services', () => {
    it('should list every leaf category as a service, with a code, in JSON', async () => {
      const response = await get('/open311/v2/services.json');
      expect(response.statusCode).toBe(200);
      const services = response.json() as Array<{ service_code: string; group: string }>;
      expectValid(SERVICES, services);
      expect(services.map((s) => s.service_code)).toContain('010204');
      // Only leaves: a case is filed on a leaf, so no code is the start of another's.
      const codes = services.map((s) => s.service_code);
      expect(codes.filter((code) => codes.some((other) => other !== code && other.startsWith(code)))).toEqual([]);
    });

    it('should list the same services in XML, <services><service>…', async () => {
      const json = (await get('/open311/v2/services.json')).json() as unknown[];
      const { services } = parseXml((await get('/open311/v2/services.xml')).body) as {
        services: { service: unknown[] };
      };
      expectItems(services.service, SERVICE_FIELDS, ['service_code', 'service_name', 'metadata', 'type']);
      expect(services.service).toHaveLength(json.length);
    });

    it('should answer for its own jurisdiction_id and refuse another with 404, in either format', async () => {
      expect((await get('/open311/v2/services.json?jurisdiction_id=civicgrid')).statusCode).toBe(200);
      const json = await get('/open311/v2/services.json?jurisdiction_id=elsewhere.gov');
      expect(json.statusCode).toBe(404);
      expectValid(ERRORS, json.json());
      const xmlAnswer = await get('/open311/v2/services.xml?jurisdiction_id=elsewhere.gov');
      expect(xmlAnswer.statusCode).toBe(404);
      const { errors } = parseXml(xmlAnswer.body) as { errors: { error: unknown[] } };
      expectItems(errors.error, ['code', 'description'], ['code', 'description']);
    });

    it("should give a service's definition, and 404 for an unknown service_code", async () => {
      const json = await get('/open311/v2/services/010204.json');
      expect(json.statusCode).toBe(200);
      expectValid(SERVICE_DEFINITION, json.json());
      const { service_definition } = parseXml((await get('/open311/v2/services/010204.xml')).body) as {
        service_definition: Record<string, unknown>;
      };
      expect(service_definition.service_code).toBe('010204');
      expect(service_definition).toHaveProperty('attributes');
      for (const format of ['json', 'xml']) {
        const unknown = await get(`/open311/v2/services/999999.${format}`);
        expect(unknown.statusCode).toBe(404);
        expect(unknown.body).toContain('999999');
      }
    });
  });

  describe('service requests', () => {
    it('should list published cases in JSON with W3C date-times and their zone, nothing personal', async () => {
      const response = await get('/open311/v2/requests.json');
      expect(response.statusCode).toBe(200);
      const requests = response.json() as Array<Record<string, unknown>>;
      expectValid(REQUESTS, requests);
      const ours = requests.find((r) => r.service_request_id === publishedCase)!;
      expect(ours).toMatchObject({ status: 'open', service_code: '010204' });
      expect(ours.requested_datetime).toMatch(/T\d{2}:\d{2}:\d{2}\+08:00$/);
      expect(ours.description).toBe('五一大道路面坑洞 电话138****5678');
      expect(ours.lat).toBe(28.199);
      expect(requests.map((r) => r.service_request_id)).not.toContain(unpublishedCase);
      expect(response.body).not.toContain('13812345678');
    });

    it('should list the same requests in XML, <service_requests><request>…', async () => {
      const json = (await get('/open311/v2/requests.json')).json() as unknown[];
      const { service_requests } = parseXml((await get('/open311/v2/requests.xml')).body) as {
        service_requests: { request: unknown[] };
      };
      expectItems(service_requests.request, REQUEST_FIELDS, ['service_request_id', 'status', 'requested_datetime']);
      expect(service_requests.request).toHaveLength(json.length);
    });

    it('should filter by service_request_id (ignoring the rest), service_code, status and dates', async () => {
      const byId = (await get(`/open311/v2/requests.json?service_request_id=${publishedCase}&status=closed`)).json();
      expect(byId.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([publishedCase]);
      const byCode = (await get('/open311/v2/requests.json?service_code=010204')).json() as Array<{
        service_code: string;
      }>;
      expect(byCode.length).toBeGreaterThan(0);
      expect(byCode.every((r) => r.service_code === '010204')).toBe(true);
      const closed = (await get('/open311/v2/requests.json?status=closed')).json() as Array<{ status: string }>;
      expect(closed.every((r) => r.status === 'closed')).toBe(true);
      expect(closed.map((r) => (r as unknown as { service_request_id: string }).service_request_id)).not.toContain(
        publishedCase,
      );
      const after = encodeURIComponent(new Date(DEMO_NOW.getTime() + 86_400_000).toISOString());
      expect((await get(`/open311/v2/requests.json?start_date=${after}`)).json()).toEqual([]);
      const window = `start_date=${encodeURIComponent('2026-01-01T00:00:00+08:00')}&end_date=${encodeURIComponent(new Date(DEMO_NOW.getTime() + 60_000).toISOString())}`;
      expect((await get(`/open311/v2/requests.json?${window}`)).body).toContain(publishedCase);
    });

    it('should give one request as a list of one, and 404 for an unpublished or unknown one', async () => {
      const one = await get(`/open311/v2/requests/${publishedCase}.json`);
      expect(one.statusCode).toBe(200);
      expectValid(REQUESTS, one.json());
      expect(one.json()).toHaveLength(1);
      const { service_requests } = parseXml((await get(`/open311/v2/requests/${publishedCase}.xml`)).body) as {
        service_requests: { request: unknown[] };
      };
      expect(service_requests.request).toHaveLength(1);
      // Unpublished answers exactly as unknown: the public must not learn that it exists.
      const hidden = await get(`/open311/v2/requests/${unpublishedCase}.json`);
      const unknown = await get('/open311/v2/requests/2026-999999.json');
      expect(hidden.statusCode).toBe(404);
      expect(unknown.statusCode).toBe(404);
      expect(hidden.json()[0].description.replace(unpublishedCase, '')).toBe(
        unknown.json()[0].description.replace('2026-999999', ''),
      );
    });
  });

  describe('errors', () => {
    it.each([
      ['a date that is not a W3C date-time', '/open311/v2/requests.FORMAT?start_date=yesterday', 400],
      ['a status the specification does not have', '/open311/v2/requests.FORMAT?status=pending', 400],
      [
        'a start after the end',
        '/open311/v2/requests.FORMAT?start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z',
        400,
      ],
      ['a malformed service_request_id', '/open311/v2/requests/abc.FORMAT', 400],
      ['an unknown call', '/open311/v2/nothing.FORMAT', 404],
    ])('should answer %s with the specification’s error list, in JSON and XML', async (_what, url, status) => {
      const json = await get(url.replace('FORMAT', 'json'));
      expect(json.statusCode).toBe(status);
      expect(json.headers['content-type']).toMatch(/^application\/json/);
      expectValid(ERRORS, json.json());
      expect(json.json()[0].code).toBe(status);
      const xmlAnswer = await get(url.replace('FORMAT', 'xml'));
      expect(xmlAnswer.statusCode).toBe(status);
      expect(xmlAnswer.headers['content-type']).toMatch(/^text\/xml/);
      const { errors } = parseXml(xmlAnswer.body) as { errors: { error: Array<{ code: string }> } };
      expectItems(errors.error, ['code', 'description'], ['code', 'description']);
      expect(errors.error[0]!.code).toBe(String(status));
    });

    it('should refuse a format other than XML and JSON', async () => {
      const response = await get('/open311/v2/services.yaml');
      expect(response.statusCode).toBe(400);
      expectValid(ERRORS, response.json());
    });
  });

  describe('filing requests (POST requests) and following them (tokens, servicerequestupdates)', () => {
    let apiKey: string;
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const post = (format: string, fields: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: `/open311/v2/requests.${format}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: form(fields),
      });
    const pothole = () => ({
      api_key: apiKey,
      jurisdiction_id: 'civicgrid',
      service_code: '010204',
      lat: '28.1986',
      long: '112.9851',
      description: '五一大道与黄兴路口有一个大坑\n晚上骑车很危险',
      media_url: 'https://fixmystreet.example/photo/123.jpeg',
      first_name: '芳',
      last_name: '李',
      email: 'li.fang@example.com',
      phone: '13987654321',
    });

    beforeAll(async () => {
      const admin = (await actorForUsername(database().db, 'admin'))!;
      const client = await createUser(database().db, admin, {
        username: 'fixmystreet-test',
        displayName: 'FixMyStreet (Open311)',
        role: 'dispatcher',
        reach: 'city',
      });
      ({ token: apiKey } = await issueApiToken(database().db, client.id, {
        label: 'Open311 api_key',
        scopes: ['open311'],
        expiresAt: null,
      }));
    });

    it('should file a request from a form, in JSON and in XML, keeping the contact sealed', async () => {
      const json = await post('json', pothole());
      expect(json.statusCode, json.body).toBe(201);
      const [filed] = json.json() as Array<{ service_request_id: string; service_notice: null; account_id: null }>;
      expect(filed).toEqual({
        service_request_id: expect.stringMatching(/^\d{4}-\d{6}$/),
        service_notice: null,
        account_id: null,
      });
      const detail = await app.inject({
        url: `/api/v1/cases/${filed!.service_request_id}`,
        headers: await as('dispatcher'),
      });
      expect(detail.json()).toMatchObject({ channel: 'open311', title: '五一大道与黄兴路口有一个大坑' });
      expect(detail.json().description).toContain('https://fixmystreet.example/photo/123.jpeg');
      expect(detail.body).not.toContain('13987654321');
      expect(detail.body).not.toContain('li.fang@example.com');

      const xmlAnswer = await post('xml', pothole());
      expect(xmlAnswer.statusCode).toBe(201);
      const { service_requests } = parseXml(xmlAnswer.body) as { service_requests: { request: unknown[] } };
      expectItems(
        service_requests.request,
        ['service_request_id', 'service_notice', 'account_id'],
        ['service_request_id'],
      );
    });

    it('should take empty fields as fields not sent, as FixMyStreet sends them', async () => {
      const response = await post('json', { ...pothole(), email: '', media_url: '', first_name: '', last_name: '' });
      expect(response.statusCode, response.body).toBe(201);
    });

    it('should keep the XML readable when a published title holds a control character', async () => {
      const [filed] = (await post('json', { ...pothole(), description: '坑\u0001洞\u001f很深' })).json() as Array<{
        service_request_id: string;
      }>;
      const registered = await app.inject({
        method: 'POST',
        url: `/api/v1/cases/${filed!.service_request_id}/actions`,
        headers: await as('dispatcher'),
        payload: { action: 'register' },
      });
      expect(registered.statusCode, registered.body).toBe(200);
      const answer = await get(`/open311/v2/requests/${filed!.service_request_id}.xml`);
      const { service_requests } = parseXml(answer.body) as {
        service_requests: { request: Array<{ description: string }> };
      };
      expect(service_requests.request[0]!.description).toBe('坑\uFFFD洞\uFFFD很深');
      expect(['\u0001', '\u001f'].some((control) => answer.body.includes(control))).toBe(false);
    });

    it.each([
      ['no api_key', { api_key: '' }, 403],
      ['an unknown api_key', { api_key: 'cg_not-a-key' }, 403],
      ['neither lat/long nor address_string', { lat: '', long: '' }, 400],
      ['a service_code that is not a leaf', { service_code: '0102' }, 400],
      ['a description over 4,000 characters', { description: '坑'.repeat(4001) }, 400],
    ])('should refuse a request with %s (%i), in the specification’s error list', async (_what, change, status) => {
      const fields = Object.fromEntries(
        Object.entries({ ...pothole(), ...change }).filter(([, value]) => value !== ''),
      ) as Record<string, string>;
      for (const format of ['json', 'xml']) {
        const response = await post(format, fields);
        expect(response.statusCode, response.body).toBe(status);
        if (format === 'json') expectValid(ERRORS, response.json());
        else expect(response.body).toContain(`<errors><error><code>${status}</code>`);
      }
    });

    it('should refuse a key whose token may not file through Open311 (403)', async () => {
      const dispatcher = (await actorForUsername(database().db, 'dispatcher'))!;
      const { token } = await issueApiToken(database().db, dispatcher.userId, {
        label: 'read only',
        scopes: ['cases:read'],
        expiresAt: null,
      });
      const response = await post('json', { ...pothole(), api_key: token });
      expect(response.statusCode).toBe(403);
      expectValid(ERRORS, response.json());
    });

    it('should give the request for its token, and its updates from the loop through a date window', async () => {
      const filedAt = new Date(DEMO_NOW.getTime() - 1000);
      const [filed] = (await post('json', pothole())).json() as Array<{ service_request_id: string }>;
      const caseNumber = filed!.service_request_id;
      const act = async (username: string, payload: Record<string, unknown>) => {
        const response = await app.inject({
          method: 'POST',
          url: `/api/v1/cases/${caseNumber}/actions`,
          headers: await as(username),
          payload,
        });
        expect(response.statusCode, response.body).toBe(200);
        return response.json() as { assignedBody: { code: string } | null };
      };
      await act('dispatcher', { action: 'register' });
      const dispatched = await act('dispatcher', { action: 'dispatch' });
      const handler = `handler.${dispatched.assignedBody!.code}`;
      await act(handler, { action: 'accept' });
      await act(handler, { action: 'handle', note: '已修补路面，联系电话 13811112222' });

      const token = (await get(`/open311/v2/tokens/${caseNumber}.json`)).json();
      expect(token).toEqual([{ service_request_id: caseNumber, token: caseNumber }]);

      const window = `start_date=${encodeURIComponent(filedAt.toISOString())}&end_date=${encodeURIComponent(new Date(DEMO_NOW.getTime() + 1000).toISOString())}`;
      const response = await get(`/open311/v2/servicerequestupdates.json?${window}`);
      expect(response.statusCode).toBe(200);
      const updates = (response.json() as Array<Record<string, unknown>>).filter(
        (u) => u.service_request_id === caseNumber,
      );
      expectValid(UPDATES, updates);
      expect(updates.map((u) => u.status)).toEqual(['open', 'action_scheduled', 'in_progress', 'fixed']);
      expect(updates.at(-1)!.description).toBe('承办单位已处置：已修补路面，联系电话 138****2222');
      const { service_request_updates } = parseXml(
        (await get(`/open311/v2/servicerequestupdates.xml?${window}`)).body,
      ) as { service_request_updates: { request_update: unknown[] } };
      expectItems(service_request_updates.request_update, UPDATE_FIELDS, ['update_id', 'service_request_id', 'status']);
      // Outside the window, none.
      const before = `end_date=${encodeURIComponent(new Date(filedAt.getTime() - 60_000).toISOString())}`;
      const earlier = (await get(`/open311/v2/servicerequestupdates.json?${before}`)).json() as Array<{
        service_request_id: string;
      }>;
      expect(earlier.map((u) => u.service_request_id)).not.toContain(caseNumber);
      // And the request itself now reads as the public sees it, without its reporter.
      const request = await get(`/open311/v2/requests/${caseNumber}.json`);
      expect(request.statusCode).toBe(200);
      for (const secret of ['13987654321', 'li.fang@example.com', '李', '芳'])
        expect(request.body).not.toContain(secret);
    });
  });
});
