/**
 * Open311 GeoReport v2 conformance, written from the specification (http://wiki.open311.org/GeoReport_v2)
 * for the calls this server offers, each in JSON (checked against JSON schemas written from the
 * specification's field lists) and in XML (parsed; root, item and field element names checked):
 *
 * - Discovery (`/open311/discovery.{json,xml}`): changeset, contact, key_service; endpoints with
 *   specification, url, changeset, type and formats; the changeset lies in the past; XML among the formats.
 * - GET Service List (`services`): service_code, service_name, description, metadata, type, keywords,
 *   group; at least one service; every service has a service_code; metadata true exactly for the services
 *   whose definition has attributes; jurisdiction_id.
 * - GET Service Definition (`services/{service_code}`): service_code and attributes, each with variable,
 *   code, datatype (string, number, datetime, text, singlevaluelist, multivaluelist), required,
 *   datatype_description, order, description, and values (key, name) for the lists; in XML
 *   `<attributes><attribute>…<values><value><key/><name/>`.
 * - GET Service Requests (`requests`): the fields of a request; service_request_id (a comma list; the other
 *   filters then ignored), service_code, start_date, end_date, status (a comma list); the default window
 *   (the last 90 days, at most 1,000); W3C date-times with their zone; `extensions=true` (FixMyStreet's
 *   convention) adds extended_attributes: the case's status in the loop and its attributes, nothing personal.
 * - GET Service Request (`requests/{service_request_id}`): a list of one; `extensions=true` as above.
 * - POST Service Request (`requests`, form-encoded): api_key, jurisdiction_id, service_code, lat/long or
 *   address_string, description (up to 4,000 characters), media_url (kept as a link, never fetched),
 *   first_name, last_name, email, phone (sealed as the reporter, never answered), `attribute[code]` (and
 *   `attribute[code][]`, repeated, for a multivaluelist; attributes the service does not ask are ignored);
 *   the answer's service_request_id, service_notice, account_id; 403 for a missing, unknown or unscoped
 *   api_key, 400 for a missing location or an unknown service_code, 400 with one error per attribute for a
 *   required attribute missing, a value not among a list's values, or a value not of the datatype.
 * - GET request_id from a token (`tokens/{token}`): service_request_id and token.
 * - The mySociety extension GET Service Request Updates (`servicerequestupdates`): update_id,
 *   service_request_id, status (FixMyStreet's extended statuses), updated_datetime, description,
 *   media_url; start_date and end_date. A round trip: a request filed, updated by the loop's steps, the
 *   updates read back through a date window.
 * - The mySociety extension POST Service Request Update (`servicerequestupdates`, form-encoded): api_key,
 *   jurisdiction_id, service_request_id, update_id (the client's; the same again answers the same and
 *   records nothing, on another request 409), status (OPEN, CLOSED, or an extended status, in either case;
 *   recorded as words of the note, never a step of the loop), updated_datetime, description (up to 4,000
 *   characters), media_url (kept as a link, never fetched or answered), first_name, last_name, email (sealed,
 *   never answered); the answer's update_id (the id servicerequestupdates lists it under); 403 for a missing,
 *   unknown or unscoped api_key, 404 for an unknown request or one the client may not add to (neither
 *   published nor its own), 400 for a missing or malformed field. The acceptance round trip: a request
 *   filed, three updates posted, read back through a date window.
 *
 * Every call the specification and the mySociety extension define is covered.
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

const ATTRIBUTE_FIELDS = [
  'variable',
  'code',
  'datatype',
  'required',
  'datatype_description',
  'order',
  'description',
  'values',
];
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
        additionalProperties: false,
        properties: {
          variable: { type: 'boolean' },
          code: { type: 'string', minLength: 1 },
          datatype: { enum: ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] },
          required: { type: 'boolean' },
          datatype_description: nullable('string'),
          order: { type: 'integer' },
          description: { type: 'string', minLength: 1 },
          values: {
            type: 'array',
            items: {
              type: 'object',
              required: ['key', 'name'],
              additionalProperties: false,
              properties: { key: { type: 'string', minLength: 1 }, name: { type: 'string', minLength: 1 } },
            },
          },
        },
        // A list offers its values; the other datatypes none.
        if: { properties: { datatype: { enum: ['singlevaluelist', 'multivaluelist'] } } },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, not a promise.
        then: { required: ['values'], properties: { values: { minItems: 1 } } },
        else: { properties: { values: { maxItems: 0 } } },
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

/** A request with FixMyStreet's extended_attributes (extensions=true): the loop's status, the attributes. */
const EXTENDED_REQUESTS = {
  ...REQUESTS,
  items: {
    ...REQUESTS.items,
    required: [...REQUESTS.items.required, 'extended_attributes'],
    properties: {
      ...REQUESTS.items.properties,
      extended_attributes: {
        type: 'object',
        required: ['status', 'attributes'],
        additionalProperties: false,
        properties: {
          status: { type: 'string', minLength: 1 },
          attributes: {
            type: 'object',
            additionalProperties: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
          },
        },
      },
    },
  },
};

/** The answer of POST servicerequestupdates: a list of one, its update_id. */
const POSTED_UPDATE = {
  type: 'array',
  minItems: 1,
  maxItems: 1,
  items: {
    type: 'object',
    required: ['update_id'],
    additionalProperties: false,
    properties: { update_id: { type: 'string', minLength: 1 } },
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
  isArray: (name, jpath) =>
    ['service', 'request', 'error', 'endpoint', 'format', 'attribute', 'value', 'request_update'].includes(name) &&
    !String(jpath).includes('extended_attributes'),
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

/** The demo's noise category (环境保护/环境污染/噪音污染): it asks when (required), where from, how loud. */
const NOISE = '040203';

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

    it('should mark exactly the services that ask attributes with metadata true', async () => {
      const services = (await get('/open311/v2/services.json')).json() as Array<{
        service_code: string;
        metadata: boolean;
      }>;
      const asking = services.filter((service) => service.metadata).map((service) => service.service_code);
      expect(asking.sort()).toEqual(['010204', NOISE]);
      for (const code of [NOISE, '010204', '010201']) {
        const { attributes } = (await get(`/open311/v2/services/${code}.json`)).json() as { attributes: unknown[] };
        expect(attributes.length > 0).toBe(asking.includes(code));
      }
      const { services: inXml } = parseXml((await get('/open311/v2/services.xml')).body) as {
        services: { service: Array<{ service_code: string; metadata: string }> };
      };
      expect(inXml.service.find((service) => service.service_code === NOISE)!.metadata).toBe('true');
      expect(inXml.service.find((service) => service.service_code === '010201')!.metadata).toBe('false');
    });

    it("should give a service's attributes in order, lists with their values, in JSON and XML", async () => {
      const json = await get(`/open311/v2/services/${NOISE}.json`);
      expect(json.statusCode).toBe(200);
      const definition = json.json() as {
        attributes: Array<{ code: string; datatype: string; required: boolean; order: number; values?: unknown[] }>;
      };
      expectValid(SERVICE_DEFINITION, definition);
      expect(definition.attributes.map((a) => [a.code, a.datatype, a.required])).toEqual([
        ['time_of_day', 'singlevaluelist', true],
        ['noise_source', 'multivaluelist', false],
        ['decibels', 'number', false],
      ]);
      const orders = definition.attributes.map((a) => a.order);
      expect([...orders].sort((a, b) => a - b)).toEqual(orders);
      expect(definition.attributes[0]!.values).toContainEqual({ key: 'night', name: '夜间（22:00–次日 6:00）' });

      const { service_definition } = parseXml((await get(`/open311/v2/services/${NOISE}.xml`)).body) as {
        service_definition: {
          service_code: string;
          attributes: { attribute: Array<Record<string, unknown> & { values?: { value: unknown[] } }> };
        };
      };
      expect(service_definition.service_code).toBe(NOISE);
      expectItems(service_definition.attributes.attribute, ATTRIBUTE_FIELDS, [
        'variable',
        'code',
        'datatype',
        'required',
        'order',
        'description',
      ]);
      const [timeOfDay] = service_definition.attributes.attribute;
      expect(timeOfDay).toMatchObject({ code: 'time_of_day', required: 'true', variable: 'true' });
      expectItems(timeOfDay!.values!.value, ['key', 'name'], ['key', 'name']);
      expect(timeOfDay!.values!.value).toHaveLength(3);
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

    describe('attributes (POST requests), extensions=true', () => {
      const noise = () => ({
        api_key: apiKey,
        service_code: NOISE,
        lat: '28.1986',
        long: '112.9851',
        description: '楼下酒吧每晚放音乐到凌晨两点',
        first_name: '芳',
        last_name: '李',
        email: 'li.fang@example.com',
      });
      const postPairs = (format: string, pairs: string[][]) =>
        app.inject({
          method: 'POST',
          url: `/open311/v2/requests.${format}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams(pairs).toString(),
        });

      it.each([
        ['a required attribute missing', {}, ['time_of_day']],
        ['a value not among the list’s values', { 'attribute[time_of_day]': 'dusk' }, ['time_of_day']],
        [
          'a value not of the datatype, and a second problem at once',
          { 'attribute[time_of_day]': 'sometimes', 'attribute[decibels]': 'loud' },
          ['time_of_day', 'decibels'],
        ],
        ['two values for a singlevaluelist', { 'attribute[time_of_day][]': 'day,night' }, ['time_of_day']],
      ])('should refuse %s (400), one error per attribute, in JSON and XML', async (_what, answers, codes) => {
        const pairs = Object.entries({ ...noise(), ...answers }).flatMap(([field, value]) =>
          field.endsWith('[]') ? value.split(',').map((one) => [field, one]) : [[field, value]],
        );
        const json = await postPairs('json', pairs);
        expect(json.statusCode, json.body).toBe(400);
        expectValid(ERRORS, json.json());
        const errors = json.json() as Array<{ code: number; description: string }>;
        expect(errors).toHaveLength(codes.length);
        for (const [i, code] of codes.entries()) {
          expect(errors[i]!.code).toBe(400);
          expect(errors[i]!.description).toContain(`attribute[${code}]`);
        }
        const xmlAnswer = await postPairs('xml', pairs);
        expect(xmlAnswer.statusCode).toBe(400);
        const { errors: inXml } = parseXml(xmlAnswer.body) as { errors: { error: Array<{ code: string }> } };
        expectItems(inXml.error, ['code', 'description'], ['code', 'description']);
        expect(inXml.error).toHaveLength(codes.length);
      });

      it('should file a request with its answers, keep them on the case, and show them to staff', async () => {
        const response = await postPairs('json', [
          ...Object.entries(noise()),
          ['attribute[time_of_day]', 'night'],
          ['attribute[noise_source][]', 'business'],
          ['attribute[noise_source][]', 'neighbourhood'],
          ['attribute[decibels]', '72.5'],
          // Asked by another city's service, not this one: ignored.
          ['attribute[colour]', 'red'],
        ]);
        expect(response.statusCode, response.body).toBe(201);
        const [filed] = response.json() as Array<{ service_request_id: string }>;
        const detail = await app.inject({
          url: `/api/v1/cases/${filed!.service_request_id}`,
          headers: await as('dispatcher'),
        });
        expect(detail.statusCode).toBe(200);
        const { attributes } = detail.json() as { attributes: Array<Record<string, unknown>> };
        expect(attributes).toEqual([
          {
            code: 'time_of_day',
            descriptionZh: '噪音出现在什么时段',
            descriptionEn: 'When the noise is heard',
            datatype: 'singlevaluelist',
            values: ['night'],
            valueNames: ['夜间（22:00–次日 6:00）'],
          },
          expect.objectContaining({
            code: 'noise_source',
            values: ['business', 'neighbourhood'],
            valueNames: ['商业经营', '社会生活（邻里、广场舞等）'],
          }),
          expect.objectContaining({ code: 'decibels', datatype: 'number', values: ['72.5'] }),
        ]);
        // A service that asks nothing required takes a request without answers, and one with an optional one.
        const pothole = await post('json', { ...noise(), service_code: '010204', 'attribute[damage_size]': 'large' });
        expect(pothole.statusCode, pothole.body).toBe(201);
      });

      it('should add extended_attributes with extensions=true: the loop status and the answers, nothing personal', async () => {
        const [filed] = (
          await postPairs('json', [
            ...Object.entries({ ...noise(), phone: '13987654321' }),
            ['attribute[time_of_day]', 'night'],
            ['attribute[noise_source][]', 'business'],
          ])
        ).json() as Array<{ service_request_id: string }>;
        const caseNumber = filed!.service_request_id;
        const registered = await app.inject({
          method: 'POST',
          url: `/api/v1/cases/${caseNumber}/actions`,
          headers: await as('dispatcher'),
          payload: { action: 'register' },
        });
        expect(registered.statusCode, registered.body).toBe(200);

        const plain = (await get(`/open311/v2/requests/${caseNumber}.json`)).json() as Array<Record<string, unknown>>;
        expect(plain[0]).not.toHaveProperty('extended_attributes');
        const one = await get(`/open311/v2/requests/${caseNumber}.json?extensions=true`);
        expect(one.statusCode).toBe(200);
        expectValid(EXTENDED_REQUESTS, one.json());
        expect(one.json()[0].extended_attributes).toEqual({
          status: 'registered',
          attributes: { time_of_day: 'night', noise_source: ['business'] },
        });
        const list = await get(`/open311/v2/requests.json?service_code=${NOISE}&extensions=true`);
        expectValid(EXTENDED_REQUESTS, list.json());
        expect(list.body).toContain(caseNumber);
        for (const secret of ['13987654321', 'li.fang@example.com', '李', '芳']) {
          expect(one.body).not.toContain(secret);
          expect(list.body).not.toContain(secret);
        }

        const { service_requests } = parseXml(
          (await get(`/open311/v2/requests/${caseNumber}.xml?extensions=true`)).body,
        ) as { service_requests: { request: Array<Record<string, unknown>> } };
        expectItems(
          service_requests.request,
          [...REQUEST_FIELDS, 'extended_attributes'],
          ['service_request_id', 'extended_attributes'],
        );
        expect(service_requests.request[0]!.extended_attributes).toEqual({
          status: 'registered',
          attributes: { time_of_day: 'night', noise_source: 'business' },
        });
        const refused = await get(`/open311/v2/requests/${caseNumber}.json?extensions=yes`);
        expect(refused.statusCode).toBe(400);
        expectValid(ERRORS, refused.json());
      });
    });

    describe('POST servicerequestupdates (mySociety extension)', () => {
      const postUpdate = (format: string, fields: Record<string, string>) =>
        app.inject({
          method: 'POST',
          url: `/open311/v2/servicerequestupdates.${format}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: form(fields),
        });
      let caseNumber: string;
      let updateCount = 0;
      const update = (fields: Record<string, string> = {}) => ({
        api_key: apiKey,
        jurisdiction_id: 'civicgrid',
        service_request_id: caseNumber,
        update_id: `fms-${++updateCount}`,
        status: 'OPEN',
        updated_datetime: '2026-11-20T09:30:00+08:00',
        description: '还没修好，今天又有人摔倒',
        first_name: '芳',
        last_name: '李',
        email: 'li.fang@example.com',
        ...fields,
      });
      const detailOf = async (number: string) =>
        (await app.inject({ url: `/api/v1/cases/${number}`, headers: await as('dispatcher') })).json() as {
          status: string;
          version: number;
          events: Array<{ action: string; note: string | null; actorName: string | null }>;
        };

      beforeAll(async () => {
        const [filed] = (await post('json', pothole())).json() as Array<{ service_request_id: string }>;
        caseNumber = filed!.service_request_id;
      });

      it('should record an update on its own request as a note, answered with its update_id, in JSON and XML', async () => {
        const before = await detailOf(caseNumber);
        const json = await postUpdate('json', update({ media_url: 'https://fixmystreet.example/photo/456.jpeg' }));
        expect(json.statusCode, json.body).toBe(201);
        expectValid(POSTED_UPDATE, json.json());
        expect(json.json()[0].update_id).toBe(`${caseNumber}-${before.version + 1}`);
        const after = await detailOf(caseNumber);
        expect(after.status).toBe(before.status);
        const note = after.events.at(-1)!;
        expect(note).toMatchObject({ action: 'note', actorName: 'FixMyStreet (Open311)' });
        expect(note.note).toContain('还没修好，今天又有人摔倒');
        expect(note.note).toContain('https://fixmystreet.example/photo/456.jpeg');
        // The writer's name and email are sealed: neither the answer nor the case's history holds them.
        for (const secret of ['li.fang@example.com', '李', '芳']) {
          expect(json.body).not.toContain(secret);
          expect(JSON.stringify(after.events)).not.toContain(secret);
        }

        const xmlAnswer = await postUpdate('xml', update());
        expect(xmlAnswer.statusCode).toBe(201);
        const { service_request_updates } = parseXml(xmlAnswer.body) as {
          service_request_updates: { request_update: unknown[] };
        };
        expectItems(service_request_updates.request_update, ['update_id'], ['update_id']);
      });

      it('should answer the same update_id again with the same update_id, recording nothing', async () => {
        const fields = update();
        const first = await postUpdate('json', fields);
        expect(first.statusCode, first.body).toBe(201);
        const version = (await detailOf(caseNumber)).version;
        const again = await postUpdate('json', fields);
        expect(again.statusCode).toBe(first.statusCode);
        expect(again.json()).toEqual(first.json());
        const xmlAgain = await postUpdate('xml', fields);
        expect(xmlAgain.body).toContain(`<update_id>${first.json()[0].update_id}</update_id>`);
        expect((await detailOf(caseNumber)).version).toBe(version);
      });

      it('should record CLOSED as words of the note, never as a step: the case stays open', async () => {
        const before = await detailOf(caseNumber);
        const response = await postUpdate('json', update({ status: 'CLOSED', description: '已经修好了，谢谢' }));
        expect(response.statusCode, response.body).toBe(201);
        const after = await detailOf(caseNumber);
        expect(after.status).toBe(before.status);
        expect(after.events.at(-1)!.note).toContain('（应用中的状态：已解决）');
        const fixed = await postUpdate('json', update({ status: 'fixed', description: '' }));
        expect(fixed.statusCode, fixed.body).toBe(201);
        expect((await detailOf(caseNumber)).events.at(-1)!.note).toBe('（应用中的状态：已修复）');
      });

      it('should commit each recorded update with its audit entry', async () => {
        const [posted] = (await postUpdate('json', update())).json() as Array<{ update_id: string }>;
        const entries = await database()
          .db.selectFrom('audit_log')
          .select(['action', 'details'])
          .where('action', '=', 'open311.update')
          .orderBy('seq', 'desc')
          .limit(1)
          .execute();
        expect(entries[0]!.details).toMatchObject({ committed: true });
        expect(JSON.stringify(entries[0]!.details)).not.toContain('li.fang@example.com');
        expect(posted!.update_id).toMatch(new RegExp(`^${caseNumber}-\\d+$`));
      });

      it.each([
        ['no api_key', { api_key: '' }, 403],
        ['an unknown api_key', { api_key: 'cg_not-a-key' }, 403],
        ['an unknown service_request_id', { service_request_id: '2026-999999' }, 404],
        ['a malformed service_request_id', { service_request_id: 'abc' }, 400],
        ['no service_request_id', { service_request_id: '' }, 400],
        ['no update_id', { update_id: '' }, 400],
        ['a status FixMyStreet does not have', { status: 'RESOLVED' }, 400],
        ['no status', { status: '' }, 400],
        ['an updated_datetime that is not a W3C date-time', { updated_datetime: 'yesterday' }, 400],
        ['no updated_datetime', { updated_datetime: '' }, 400],
        ['a description over 4,000 characters', { description: '坑'.repeat(4001) }, 400],
        ['a media_url that is no web address', { media_url: 'file:///etc/passwd' }, 400],
        ['an email that is none', { email: 'not-an-email' }, 400],
        ['another jurisdiction_id', { jurisdiction_id: 'elsewhere.gov' }, 404],
      ])('should refuse an update with %s (%i), in the specification’s error list', async (_what, change, status) => {
        const fields = Object.fromEntries(
          Object.entries({ ...update(), ...change }).filter(([, value]) => value !== ''),
        ) as Record<string, string>;
        const version = (await detailOf(caseNumber)).version;
        for (const format of ['json', 'xml']) {
          const response = await postUpdate(format, fields);
          expect(response.statusCode, response.body).toBe(status);
          if (format === 'json') expectValid(ERRORS, response.json());
          else expect(response.body).toContain(`<errors><error><code>${status}</code>`);
        }
        expect((await detailOf(caseNumber)).version).toBe(version);
      });

      it('should refuse an update to a request neither published nor its own (404, as an unknown one)', async () => {
        const response = await postUpdate('json', update({ service_request_id: unpublishedCase }));
        expect(response.statusCode).toBe(404);
        expectValid(ERRORS, response.json());
        const unknown = await postUpdate('json', update({ service_request_id: '2026-999999' }));
        expect(response.json()[0].description.replace(unpublishedCase, '')).toBe(
          unknown.json()[0].description.replace('2026-999999', ''),
        );
        // A published case, though another's, takes the client's updates (its users see it on the map).
        const published = await postUpdate('json', update({ service_request_id: publishedCase }));
        expect(published.statusCode, published.body).toBe(201);
      });

      it('should refuse an update_id already given to another request (409)', async () => {
        const fields = update();
        expect((await postUpdate('json', fields)).statusCode).toBe(201);
        const elsewhere = await postUpdate('json', { ...fields, service_request_id: publishedCase });
        expect(elsewhere.statusCode).toBe(409);
        expectValid(ERRORS, elsewhere.json());
      });

      it('should refuse a key whose token may not add updates through Open311 (403)', async () => {
        const dispatcher = (await actorForUsername(database().db, 'dispatcher'))!;
        const { token } = await issueApiToken(database().db, dispatcher.userId, {
          label: 'read and write, not Open311',
          scopes: ['cases:read', 'cases:write'],
          expiresAt: null,
        });
        const response = await postUpdate('json', update({ api_key: token }));
        expect(response.statusCode).toBe(403);
        expectValid(ERRORS, response.json());
      });

      it('should round-trip: a request filed, three updates posted, read back through a date window', async () => {
        const from = new Date(DEMO_NOW.getTime() - 1000);
        const [filed] = (await post('json', pothole())).json() as Array<{ service_request_id: string }>;
        const number = filed!.service_request_id;
        // Published once the desk registers it: then the public (and servicerequestupdates) sees it.
        const registered = await app.inject({
          method: 'POST',
          url: `/api/v1/cases/${number}/actions`,
          headers: await as('dispatcher'),
          payload: { action: 'register' },
        });
        expect(registered.statusCode, registered.body).toBe(200);
        const texts = ['第一次补充：坑边有积水', '第二次补充：电话 13811112222 可联系', '第三次补充：晚上没有路灯'];
        const posted: string[] = [];
        for (const [i, description] of texts.entries()) {
          const response = await postUpdate('json', {
            ...update({ service_request_id: number, description }),
            update_id: `round-trip-${i}`,
            status: i === 2 ? 'CLOSED' : 'OPEN',
          });
          expect(response.statusCode, response.body).toBe(201);
          posted.push(response.json()[0].update_id);
        }
        const window = `start_date=${encodeURIComponent(from.toISOString())}&end_date=${encodeURIComponent(new Date(DEMO_NOW.getTime() + 1000).toISOString())}`;
        const response = await get(`/open311/v2/servicerequestupdates.json?${window}`);
        expect(response.statusCode).toBe(200);
        const updates = (response.json() as Array<Record<string, string | null>>).filter(
          (u) => u.service_request_id === number,
        );
        expectValid(UPDATES, updates);
        const notes = updates.filter((u) => posted.includes(u.update_id!));
        expect(notes.map((u) => u.update_id)).toEqual(posted);
        // Each reads with the case's own status (registered: open), whatever the client said.
        expect(notes.map((u) => u.status)).toEqual(['open', 'open', 'open']);
        expect(notes.map((u) => u.description)).toEqual([
          '第一次补充：坑边有积水\n（应用中的状态：未解决）',
          '第二次补充：电话 138****2222 可联系\n（应用中的状态：未解决）',
          '第三次补充：晚上没有路灯\n（应用中的状态：已解决）',
        ]);
        expect(notes.every((u) => u.media_url === null)).toBe(true);
        expect(response.body).not.toContain('13811112222');
        for (const secret of ['li.fang@example.com', '李', '芳']) expect(response.body).not.toContain(secret);
        const { service_request_updates } = parseXml(
          (await get(`/open311/v2/servicerequestupdates.xml?${window}`)).body,
        ) as { service_request_updates: { request_update: Array<{ update_id: string }> } };
        expectItems(service_request_updates.request_update, UPDATE_FIELDS, ['update_id', 'service_request_id']);
        expect(service_request_updates.request_update.map((u) => u.update_id)).toEqual(expect.arrayContaining(posted));
        // Before the window, none of them.
        const before = `end_date=${encodeURIComponent(new Date(from.getTime() - 60_000).toISOString())}`;
        const earlier = await get(`/open311/v2/servicerequestupdates.json?${before}`);
        for (const id of posted) expect(earlier.body).not.toContain(id);
        // The request itself still reads as open: the client's CLOSED closed nothing.
        expect((await get(`/open311/v2/requests/${number}.json`)).json()[0].status).toBe('open');
      });
    });
  });
});
