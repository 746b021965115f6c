import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import type { Db } from '../db/database.ts';
import { AppError } from '../lib/app-error.ts';
import { Nullable } from '../lib/http-schemas.ts';
import {
  type DatastoreQuery,
  findDatastore,
  InvalidDatastoreQuery,
  type PublicDataset,
  publicDatasets,
  searchDatastore,
} from './public-catalogue.ts';

/**
 * A read-only subset of CKAN's action API (`/api/3/action/<action>`), so the harvesters that speak it
 * (CKAN's own harvester, data.gov's, the Chinese portals' crawlers) can take the city's public datasets.
 * CKAN's words live at this boundary only: a package is a dataset, a resource a distribution, an
 * organization the body that owns it. Each action answers GET (query parameters, as text) and POST (a JSON
 * body, typed), in CKAN's envelope `{help, success, result}`; errors as CKAN writes them.
 */

const tags = ['ckan'];

type CkanErrorType = 'Not Found Error' | 'Validation Error' | 'Bad Request';

class CkanError extends Error {
  constructor(
    readonly status: 404 | 409 | 400,
    readonly type: CkanErrorType,
    message: string,
    readonly fields: Record<string, string[]> = {},
  ) {
    super(message);
  }
}

const notFound = (what: string) => new CkanError(404, 'Not Found Error', `${what} not found`);
const invalid = (field: string, message: string) =>
  new CkanError(409, 'Validation Error', `${field}: ${message}`, { [field]: [message] });

const Help = Type.String({ description: "The action's help (help_show)" });
const envelope = <T extends TSchema>(result: T) => Type.Object({ help: Help, success: Type.Literal(true), result });
const CkanErrorResponse = Type.Object({
  help: Help,
  success: Type.Literal(false),
  error: Type.Object(
    {
      __type: Type.String(),
      message: Type.String(),
    },
    { additionalProperties: Type.Array(Type.String()) },
  ),
});
const errors = { 400: CkanErrorResponse, 404: CkanErrorResponse, 409: CkanErrorResponse };

const Timestamp = Type.String({ description: 'UTC, without a zone, as CKAN writes it (2026-12-05T01:02:03.456000)' });

const Organization = Type.Object({
  id: Type.String(),
  name: Type.String(),
  title: Type.String(),
  display_name: Type.String(),
  description: Type.String(),
  type: Type.Literal('organization'),
  is_organization: Type.Literal(true),
  state: Type.Literal('active'),
  approval_status: Type.Literal('approved'),
  image_url: Type.String(),
  created: Timestamp,
  package_count: Type.Optional(Type.Integer()),
});

const Resource = Type.Object({
  id: Type.String(),
  package_id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  format: Type.String(),
  mimetype: Type.String(),
  url: Type.String(),
  url_type: Nullable(Type.String()),
  datastore_active: Type.Boolean(),
  created: Timestamp,
  last_modified: Timestamp,
  position: Type.Integer(),
  state: Type.Literal('active'),
});

const Package = Type.Object({
  id: Type.String(),
  name: Type.String(),
  title: Type.String(),
  title_translated: Type.Object({ zh: Type.String(), en: Type.String() }),
  notes: Type.String(),
  type: Type.Literal('dataset'),
  state: Type.Literal('active'),
  private: Type.Literal(false),
  license_id: Type.String(),
  license_title: Type.String(),
  metadata_created: Timestamp,
  metadata_modified: Timestamp,
  owner_org: Nullable(Type.String()),
  organization: Nullable(Organization),
  num_resources: Type.Integer(),
  num_tags: Type.Integer(),
  tags: Type.Array(Type.Object({ name: Type.String(), display_name: Type.String() })),
  resources: Type.Array(Resource),
  extras: Type.Array(Type.Object({ key: Type.String(), value: Type.String() })),
});

/** CKAN writes UTC instants without a zone; harvesters add the `Z` back in their `fq`. */
const ckanTime = (at: Date) => `${at.toISOString().slice(0, 23)}000`;

type Org = NonNullable<PublicDataset['owner']>;

function organizationOf(owner: Org, createdAt: Date, count?: number): Static<typeof Organization> {
  return {
    id: owner.id,
    name: owner.code,
    title: owner.nameZh,
    display_name: owner.nameZh,
    description: owner.nameEn,
    type: 'organization',
    is_organization: true,
    state: 'active',
    approval_status: 'approved',
    image_url: '',
    created: ckanTime(createdAt),
    ...(count === undefined ? {} : { package_count: count }),
  };
}

function keywordsOf(dataset: PublicDataset): string[] {
  return [dataset.kind, dataset.updateFrequency, ...dataset.spatialCoverage.split(/\s+/)].filter(Boolean);
}

function packageOf(dataset: PublicDataset, origin: string): Static<typeof Package> {
  const keywords = keywordsOf(dataset);
  return {
    id: dataset.id,
    name: dataset.slug,
    title: dataset.titleZh,
    title_translated: { zh: dataset.titleZh, en: dataset.titleEn },
    notes: dataset.description,
    type: 'dataset',
    state: 'active',
    private: false,
    license_id: dataset.licence,
    license_title: dataset.licence,
    metadata_created: ckanTime(dataset.createdAt),
    metadata_modified: ckanTime(dataset.modifiedAt),
    owner_org: dataset.owner?.id ?? null,
    organization: dataset.owner ? organizationOf(dataset.owner, dataset.createdAt) : null,
    num_resources: dataset.distributions.length,
    num_tags: keywords.length,
    tags: keywords.map((name) => ({ name, display_name: name })),
    resources: dataset.distributions.map((d, position) => resourceOf(dataset, d, position, origin)),
    extras: [
      { key: 'title_en', value: dataset.titleEn },
      { key: 'update_frequency', value: dataset.updateFrequency },
      { key: 'spatial_coverage', value: dataset.spatialCoverage },
      { key: 'temporal_start', value: dataset.temporalStart?.toISOString() ?? '' },
      { key: 'temporal_end', value: dataset.temporalEnd?.toISOString() ?? '' },
      { key: 'row_count', value: String(dataset.rowCount) },
    ],
  };
}

function resourceOf(
  dataset: PublicDataset,
  distribution: PublicDataset['distributions'][number],
  position: number,
  origin: string,
): Static<typeof Resource> {
  return {
    id: distribution.id,
    package_id: dataset.id,
    name: distribution.titleZh,
    description: distribution.titleEn,
    format: distribution.format,
    mimetype: distribution.mediaType,
    url: `${origin}${distribution.path}`,
    url_type: distribution.datastore ? 'datastore' : null,
    datastore_active: distribution.datastore !== null,
    created: ckanTime(distribution.issued),
    last_modified: ckanTime(distribution.modified),
    position,
    state: 'active',
  };
}

// --- package_search: Solr's query syntax, the part harvesters use -------------------------------------

interface Term {
  field: string;
  negate: boolean;
  /** A value, or a range (`[from TO to]`, inclusive; `{…}` exclusive; `*` open). */
  value: string | { from: string; to: string; inclusive: boolean };
}

/** A term (`field:value`, a range) or, without a field, a word searched for anywhere in the dataset. */
type Clause = { term: Term } | { word: string };

/**
 * Splits `a:b +c:"d e" -f:[1 TO 2] g:h OR g:i` into groups that must all hold, each group holding when
 * any of its clauses does (`OR` joins a clause to the one before; `AND`, and a space, start a new group).
 */
function parseQuery(text: string, parameter: string): Clause[][] {
  const groups: Clause[][] = [];
  let orNext = false;
  const pattern = /([+-]?)(?:([\w.]+):)?(?:\[([^\]]*)\]|\{([^}]*)\}|"([^"]*)"|(\S+))/g;
  for (const match of text.matchAll(pattern)) {
    const [, sign, field, inclusive, exclusive, quoted, bare] = match;
    let clause: Clause | null = null;
    if (field === undefined) {
      const word = quoted ?? bare ?? '';
      if (word === 'OR' || word === 'AND') {
        orNext = word === 'OR';
        continue;
      }
      if (word && word !== '*:*' && word !== '*') clause = { word };
    } else {
      const range = inclusive ?? exclusive;
      if (range !== undefined) {
        const bounds = /^\s*(\S+)\s+TO\s+(\S+)\s*$/.exec(range);
        if (!bounds) throw invalid(parameter, `"${range}" is not a range (write [from TO to])`);
        clause = {
          term: {
            field,
            negate: sign === '-',
            value: { from: bounds[1]!, to: bounds[2]!, inclusive: inclusive !== undefined },
          },
        };
      } else {
        clause = { term: { field, negate: sign === '-', value: quoted ?? bare ?? '' } };
      }
    }
    if (!clause) continue;
    if ('term' in clause) checkTerm(clause.term, parameter);
    const last = groups.at(-1);
    if (orNext && last) last.push(clause);
    else groups.push([clause]);
    orNext = false;
  }
  if (orNext) throw invalid(parameter, 'ends with OR');
  return groups;
}

const DATE_FIELDS = { metadata_modified: 'modifiedAt', metadata_created: 'createdAt' } as const;

/** A dataset's values of a TEXT_FIELDS field (checkTerm has refused any other). */
function fieldValues(dataset: PublicDataset, field: string): string[] {
  switch (field) {
    case 'name':
      return [dataset.slug];
    case 'id':
      return [dataset.id];
    case 'title':
      return [dataset.titleZh, dataset.titleEn];
    case 'notes':
      return [dataset.description];
    case 'organization':
      return dataset.owner ? [dataset.owner.code] : [];
    case 'owner_org':
      return dataset.owner ? [dataset.owner.id] : [];
    case 'license_id':
      return [dataset.licence];
    case 'res_format':
      return dataset.distributions.map((d) => d.format);
    case 'tags':
      return keywordsOf(dataset);
    default:
      return [];
  }
}

const TEXT_FIELDS = ['name', 'id', 'title', 'notes', 'organization', 'owner_org', 'license_id', 'res_format', 'tags'];

/** A term on a field the search knows, with dates that read as dates: checked before any dataset is. */
function checkTerm(term: Term, parameter: string) {
  if (term.field in DATE_FIELDS) {
    const texts = typeof term.value === 'string' ? [term.value] : [term.value.from, term.value.to];
    for (const text of texts) instantOf(text, parameter);
  } else if (!TEXT_FIELDS.includes(term.field)) {
    throw invalid(
      parameter,
      `cannot search on the field "${term.field}" (${[...Object.keys(DATE_FIELDS), ...TEXT_FIELDS].join(', ')})`,
    );
  } else if (typeof term.value !== 'string') {
    throw invalid(parameter, `"${term.field}" takes a value, not a range`);
  }
}

function instantOf(text: string, parameter: string): number {
  if (text === '*') return Number.NaN;
  if (text === 'NOW') return Date.now();
  const at = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text}Z`);
  if (!Number.isFinite(at)) throw invalid(parameter, `"${text}" is not a date (write 2026-01-01T00:00:00Z)`);
  return at;
}

function matches(dataset: PublicDataset, term: Term, parameter: string): boolean {
  let hit: boolean;
  if (term.field in DATE_FIELDS) {
    const at = dataset[DATE_FIELDS[term.field as keyof typeof DATE_FIELDS]].getTime();
    if (typeof term.value === 'string') {
      hit = at === instantOf(term.value, parameter);
    } else {
      const from = instantOf(term.value.from, parameter);
      const to = instantOf(term.value.to, parameter);
      const { inclusive } = term.value;
      hit =
        (Number.isNaN(from) || (inclusive ? at >= from : at > from)) &&
        (Number.isNaN(to) || (inclusive ? at <= to : at < to));
    }
  } else {
    const values = fieldValues(dataset, term.field);
    const wanted = String(term.value).toLowerCase();
    hit =
      wanted === '*'
        ? values.length > 0
        : values.some((v) => (term.field === 'title' ? v.toLowerCase().includes(wanted) : v.toLowerCase() === wanted));
  }
  return term.negate ? !hit : hit;
}

function mentions(dataset: PublicDataset, word: string): boolean {
  const text = [
    dataset.slug,
    dataset.titleZh,
    dataset.titleEn,
    dataset.description,
    dataset.owner?.nameZh ?? '',
    dataset.owner?.nameEn ?? '',
    ...keywordsOf(dataset),
  ]
    .join(' ')
    .toLowerCase();
  return text.includes(word.toLowerCase());
}

const SORT_FIELDS: Record<string, (d: PublicDataset) => string | number> = {
  metadata_modified: (d) => d.modifiedAt.getTime(),
  metadata_created: (d) => d.createdAt.getTime(),
  name: (d) => d.slug,
  title: (d) => d.titleZh,
  title_string: (d) => d.titleZh,
};

function sorter(sort: string) {
  const keys = sort
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [field, direction = 'asc', extra] = part.split(/\s+/);
      if (extra !== undefined || !['asc', 'desc'].includes(direction.toLowerCase()))
        throw invalid('sort', `"${part}" is not "field asc" or "field desc"`);
      // Relevance: every match counts the same here, so the order falls to the next key.
      if (field === 'score') return null;
      const of = SORT_FIELDS[field!];
      if (!of) throw invalid('sort', `cannot sort on "${field}" (${Object.keys(SORT_FIELDS).join(', ')}, score)`);
      return { of, descending: direction.toLowerCase() === 'desc' };
    })
    .filter((key) => key !== null);
  return (a: PublicDataset, b: PublicDataset) => {
    for (const { of, descending } of keys) {
      const x = of(a);
      const y = of(b);
      if (x !== y) return (x < y ? -1 : 1) * (descending ? -1 : 1);
    }
    return a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0;
  };
}

// --- datastore_search ----------------------------------------------------------------------------------

function parseJsonObject(value: unknown, parameter: string): Record<string, unknown> {
  if (value === undefined || value === '') return {};
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw invalid(parameter, 'is not JSON');
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw invalid(parameter, 'must be a JSON object of field: value');
  return parsed as Record<string, unknown>;
}

function filtersOf(value: unknown): DatastoreQuery['filters'] {
  const filters: DatastoreQuery['filters'] = {};
  for (const [field, wanted] of Object.entries(parseJsonObject(value, 'filters'))) {
    const scalar = (v: unknown): v is string | number | boolean | null =>
      v === null || ['string', 'number', 'boolean'].includes(typeof v);
    if (scalar(wanted) || (Array.isArray(wanted) && wanted.length > 0 && wanted.every(scalar))) filters[field] = wanted;
    else throw invalid('filters', `the value of "${field}" must be a value or a list of values`);
  }
  return filters;
}

function namesOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : value.split(',');
  return list.map((name) => name.trim().replace(/^"(.*)"$/, '$1')).filter(Boolean);
}

function datastoreSortOf(value: string | undefined): DatastoreQuery['sort'] {
  return namesOf(value).map((part) => {
    const match = /^(.*?)(?:\s+(asc|desc))?$/i.exec(part)!;
    return { column: match[1]!.replace(/^"(.*)"$/, '$1'), descending: match[2]?.toLowerCase() === 'desc' };
  });
}

// --- the routes ----------------------------------------------------------------------------------------

const Limit = (max: number, description: string) => Type.Integer({ minimum: 0, maximum: max, description });
const Names = Type.Union([
  Type.String({ maxLength: 4000 }),
  Type.Array(Type.String({ maxLength: 200 }), { maxItems: 200 }),
]);

const PARAMETERS = {
  help_show: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100, description: 'An action name' }) }),
  package_list: Type.Object({
    limit: Type.Optional(Limit(1000, 'How many names (all if absent)')),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
  }),
  current_package_list_with_resources: Type.Object({
    limit: Type.Optional(Limit(1000, 'How many datasets (all if absent)')),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
  }),
  package_show: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200, description: 'Name or id' }) }),
  package_search: Type.Object({
    q: Type.Optional(Type.String({ maxLength: 1000 })),
    fq: Type.Optional(Type.String({ maxLength: 2000 })),
    rows: Type.Optional(Limit(1000, 'How many (default 10)')),
    start: Type.Optional(Type.Integer({ minimum: 0 })),
    sort: Type.Optional(Type.String({ maxLength: 200 })),
  }),
  resource_show: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }),
  organization_list: Type.Object({
    all_fields: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Limit(1000, 'How many')),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
  }),
  organization_show: Type.Object({
    id: Type.String({ minLength: 1, maxLength: 200, description: 'Name or id' }),
    include_datasets: Type.Optional(Type.Boolean()),
  }),
  datastore_search: Type.Object({
    resource_id: Type.String({ minLength: 1, maxLength: 200, description: 'Resource id or alias' }),
    filters: Type.Optional(
      Type.Union([Type.String({ maxLength: 10_000 }), Type.Record(Type.String(), Type.Unknown())]),
    ),
    q: Type.Optional(Type.String({ maxLength: 500 })),
    limit: Type.Optional(Limit(10_000, 'How many records (default 100)')),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
    sort: Type.Optional(Type.String({ maxLength: 1000 })),
    fields: Type.Optional(Names),
    include_total: Type.Optional(Type.Boolean()),
  }),
} as const;

type Parameters = { [K in keyof typeof PARAMETERS]: Static<(typeof PARAMETERS)[K]> };

const DatastoreResult = Type.Object({
  resource_id: Type.String(),
  fields: Type.Array(Type.Object({ id: Type.String(), type: Type.String() })),
  records: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
  _links: Type.Object({ start: Type.String(), next: Type.String() }),
});

const RESULTS = {
  help_show: Type.String(),
  package_list: Type.Array(Type.String()),
  current_package_list_with_resources: Type.Array(Package),
  package_show: Package,
  package_search: Type.Object({
    count: Type.Integer(),
    sort: Type.String(),
    results: Type.Array(Package),
    facets: Type.Object({}),
    search_facets: Type.Object({}),
  }),
  resource_show: Resource,
  organization_list: Type.Union([Type.Array(Type.String()), Type.Array(Organization)]),
  organization_show: Type.Intersect([Organization, Type.Object({ packages: Type.Optional(Type.Array(Package)) })]),
  datastore_search: DatastoreResult,
} as const;

export const ckanRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  const helpOf = (request: FastifyRequest) => {
    const action = /\/api\/3\/action\/(\w+)/.exec(request.url)?.[1] ?? 'help_show';
    return `${request.protocol}://${request.host}/api/3/action/help_show?name=${action}`;
  };
  const sendError = (error: CkanError, request: FastifyRequest, reply: FastifyReply) =>
    reply
      .status(error.status)
      .header('cache-control', 'no-store')
      .send({
        help: helpOf(request),
        success: false,
        error: { __type: error.type, message: error.message, ...error.fields },
      });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof CkanError) return sendError(error, request, reply);
    if (error.validation) {
      const fields: Record<string, string[]> = {};
      for (const issue of error.validation) {
        const field =
          issue.instancePath.slice(1) || (issue.params as { missingProperty?: string }).missingProperty || 'request';
        fields[field] = [...(fields[field] ?? []), issue.message ?? 'is invalid'];
      }
      const message = Object.entries(fields)
        .map(([field, problems]) => `${field}: ${problems.join('; ')}`)
        .join(', ');
      return sendError(new CkanError(409, 'Validation Error', message, fields), request, reply);
    }
    if (error instanceof AppError && error.statusCode < 500)
      return sendError(
        new CkanError(
          error.statusCode === 404 ? 404 : 400,
          error.statusCode === 404 ? 'Not Found Error' : 'Bad Request',
          error.message,
        ),
        request,
        reply,
      );
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500)
      return sendError(new CkanError(400, 'Bad Request', error.message), request, reply);
    request.log.error({ err: error }, 'CKAN action failed');
    return reply.status(500).send({
      help: helpOf(request),
      success: false,
      error: { __type: 'Internal Error', message: 'Something went wrong on our side' },
    });
  });
  app.setNotFoundHandler((request, reply) => {
    const action = /\/api\/3\/action\/([^/?]*)/.exec(request.url)?.[1];
    return sendError(
      new CkanError(400, 'Bad Request', `Bad request - Action name not known: ${action ?? request.url}`),
      request,
      reply,
    );
  });
  // Public catalogue metadata: caches may keep it briefly; a harvester's incremental run asks again anyway.
  app.addHook('onSend', async (_request, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'public, max-age=60');
  });

  const originOf = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

  /** What each action does, for help_show (where every answer's `help` points). */
  const summaries = new Map<string, string>();

  function action<K extends keyof typeof PARAMETERS>(
    name: K,
    summary: string,
    run: (params: Parameters[K], request: FastifyRequest) => Promise<Static<(typeof RESULTS)[K]>>,
  ) {
    summaries.set(name, summary);
    const response = { 200: envelope(RESULTS[name]), ...errors };
    const handler = async (params: Parameters[K], request: FastifyRequest) => ({
      help: helpOf(request),
      success: true as const,
      result: await run(params, request),
    });
    // One generic registration for every action: typed by PARAMETERS and RESULTS above, checked at run time
    // by the same schemas.
    const routes = app as unknown as FastifyInstance;
    routes.get(
      `/${name}`,
      { config: { public: true }, schema: { tags, summary, security: [], querystring: PARAMETERS[name], response } },
      async (request) => handler(request.query as Parameters[K], request),
    );
    routes.post(
      `/${name}`,
      {
        config: { public: true },
        schema: { tags, summary: `${summary} (a JSON body)`, security: [], body: PARAMETERS[name], response },
      },
      async (request) => handler((request.body ?? {}) as Parameters[K], request),
    );
  }

  const page = <T>(items: T[], limit: number | undefined, offset: number | undefined) =>
    items.slice(offset ?? 0, limit === undefined ? undefined : (offset ?? 0) + limit);

  const findPackage = async (id: string) => {
    const found = (await publicDatasets(db)).find((d) => d.slug === id || d.id === id);
    if (!found) throw notFound('Dataset');
    return found;
  };

  action('help_show', 'What an action does', async ({ name }) => {
    const summary = summaries.get(name);
    if (!summary) throw notFound('Action');
    return `${name}: ${summary}. Read-only; public datasets only.`;
  });

  action('package_list', 'Names of the public datasets', async ({ limit, offset }) =>
    page((await publicDatasets(db)).map((d) => d.slug).sort(), limit, offset),
  );

  action(
    'current_package_list_with_resources',
    'Public datasets with their resources, latest change first',
    async ({ limit, offset }, request) =>
      page(
        (await publicDatasets(db)).sort(sorter('metadata_modified desc')).map((d) => packageOf(d, originOf(request))),
        limit,
        offset,
      ),
  );

  action('package_show', 'A public dataset by name or id', async ({ id }, request) =>
    packageOf(await findPackage(id), originOf(request)),
  );

  action(
    'package_search',
    'Search the public datasets (q, fq with field:value and [from TO to] ranges, rows, start, sort)',
    async ({ q = '', fq = '', rows = 10, start = 0, sort = 'score desc, metadata_modified desc' }, request) => {
      const order = sorter(sort);
      const holds = (dataset: PublicDataset, clause: Clause, parameter: string) =>
        'word' in clause ? mentions(dataset, clause.word) : matches(dataset, clause.term, parameter);
      const wanted = [
        ...parseQuery(q, 'q').map((group) => ({ group, parameter: 'q' })),
        ...parseQuery(fq, 'fq').map((group) => ({ group, parameter: 'fq' })),
      ];
      const found = (await publicDatasets(db))
        .filter((d) => wanted.every(({ group, parameter }) => group.some((clause) => holds(d, clause, parameter))))
        .sort(order);
      return {
        count: found.length,
        sort,
        results: found.slice(start, start + rows).map((d) => packageOf(d, originOf(request))),
        facets: {},
        search_facets: {},
      };
    },
  );

  action('resource_show', 'A resource of a public dataset by id', async ({ id }, request) => {
    for (const dataset of await publicDatasets(db)) {
      const position = dataset.distributions.findIndex((d) => d.id === id);
      if (position >= 0) return resourceOf(dataset, dataset.distributions[position]!, position, originOf(request));
    }
    throw notFound('Resource');
  });

  /** The bodies owning public datasets (CKAN's organizations), each with its public datasets. */
  const organizations = async () => {
    const byOwner = new Map<string, { owner: Org; datasets: PublicDataset[]; since: Date }>();
    for (const dataset of await publicDatasets(db)) {
      if (!dataset.owner) continue;
      const entry = byOwner.get(dataset.owner.id) ?? { owner: dataset.owner, datasets: [], since: dataset.createdAt };
      entry.datasets.push(dataset);
      if (dataset.createdAt < entry.since) entry.since = dataset.createdAt;
      byOwner.set(dataset.owner.id, entry);
    }
    return [...byOwner.values()].sort((a, b) => (a.owner.code < b.owner.code ? -1 : 1));
  };

  action('organization_list', 'Bodies that own public datasets', async ({ all_fields, limit, offset }) => {
    const all = page(await organizations(), limit, offset);
    return all_fields
      ? all.map((o) => organizationOf(o.owner, o.since, o.datasets.length))
      : all.map((o) => o.owner.code);
  });

  action('organization_show', 'A body that owns public datasets, by name or id', async (params, request) => {
    const found = (await organizations()).find((o) => o.owner.code === params.id || o.owner.id === params.id);
    if (!found) throw notFound('Organization');
    return {
      ...organizationOf(found.owner, found.since, found.datasets.length),
      ...(params.include_datasets === false
        ? {}
        : { packages: found.datasets.map((d) => packageOf(d, originOf(request))) }),
    };
  });

  action(
    'datastore_search',
    "Records of a public dataset's datastore table (filters, q, limit, offset, sort, fields)",
    async (params) => {
      const found = await findDatastore(db, params.resource_id);
      if (!found) throw notFound('Resource');
      const limit = params.limit ?? 100;
      const offset = params.offset ?? 0;
      try {
        const result = await searchDatastore(db, found.table, found.dataset.columns, {
          filters: filtersOf(params.filters),
          q: params.q || null,
          limit,
          offset,
          sort: datastoreSortOf(params.sort),
          fields: namesOf(params.fields),
        });
        const link = (at: number) => {
          const query = new URLSearchParams({
            resource_id: params.resource_id,
            limit: String(limit),
            offset: String(at),
          });
          return `/api/3/action/datastore_search?${query}`;
        };
        return {
          resource_id: found.distribution.id,
          ...result,
          limit,
          offset,
          _links: { start: link(0), next: link(offset + limit) },
        };
      } catch (error) {
        if (error instanceof InvalidDatastoreQuery) throw invalid(error.where, error.problem);
        throw error;
      }
    },
  );
};
