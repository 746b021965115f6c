import type { ExpressionBuilder } from 'kysely';
import { publicText, published } from '../cases/index.ts';
import type { Database, Db } from '../db/database.ts';
import { AppError } from '../lib/app-error.ts';
import { localDateTime } from '../lib/local-date.ts';

/**
 * Cases as Open311 service requests: only published cases (the public portal's rule: the reporter
 * consented, the desk registered it), with nothing personal: no reporter, no address (a home address is
 * personal data), a point rounded to about 100 m, the title as the description (the reporter's own
 * description is not moderated for the public yet).
 */
export interface ServiceRequest {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string | null;
  service_name: string;
  service_code: string;
  description: string;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  /** When the handling body must have handled it (its running 办结 deadline). */
  expected_datetime: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  lat: number | null;
  long: number | null;
  media_url: string | null;
  /** Asked for with `extensions=true` (FixMyStreet's convention): what the specification's fields do not carry. */
  extended_attributes?: ExtendedAttributes;
}

/**
 * The extension's fields: the case's own status in the loop (finer than open/closed) and the answers to what
 * its service asks, nothing personal (an answer written as text is masked for the public, as the title).
 */
export interface ExtendedAttributes {
  status: string;
  attributes: Record<string, string | string[]>;
}

export interface RequestQuery {
  /** Case numbers; when given, the other filters are ignored (as the specification says). */
  serviceRequestIds?: string[];
  serviceCode?: string;
  start?: Date;
  end?: Date;
  statuses?: Array<'open' | 'closed'>;
  /** extensions=true: each request with its extended_attributes. */
  extensions?: boolean;
}

/** The specification's default: the last 90 days, or 1,000 requests, whichever is smaller. */
const DEFAULT_WINDOW_MS = 90 * 86_400_000;
export const MAX_REQUESTS = 1000;
const CLOSED = ['closed', 'cancelled', 'merged'] as const;
const ROUND = 1000;

/**
 * The time window a call asks about (start_date, end_date): given at one end only, 90 days from it; at
 * neither, the last 90 days. A start after the end is the client's mistake (400).
 */
export function windowOf(asked: { start?: Date; end?: Date }, now: Date): { start: Date; end: Date } {
  const end = asked.end ?? (asked.start ? new Date(asked.start.getTime() + DEFAULT_WINDOW_MS) : now);
  const start = asked.start ?? new Date(end.getTime() - DEFAULT_WINDOW_MS);
  if (start > end) throw badRequest('start_date must not be after end_date');
  return { start, end };
}

export async function findServiceRequests(
  db: Db,
  query: RequestQuery,
  now: Date,
  timeZone: string,
): Promise<ServiceRequest[]> {
  let select = requestColumns(db);
  if (query.serviceRequestIds) {
    select = select.where('cases.case_number', 'in', query.serviceRequestIds);
  } else {
    const { start, end } = windowOf(query, now);
    select = select.where('cases.created_at', '>=', start).where('cases.created_at', '<=', end);
    if (query.serviceCode) select = select.where('categories.code', '=', query.serviceCode);
    const statuses = new Set(query.statuses ?? []);
    if (statuses.size === 1) {
      select = statuses.has('closed')
        ? select.where('cases.status', 'in', CLOSED)
        : select.where('cases.status', 'not in', CLOSED);
    }
  }
  const rows = await select
    .orderBy('cases.created_at', 'desc')
    .orderBy('cases.id', 'desc')
    .limit(MAX_REQUESTS)
    .execute();
  return rows.map((row) => toServiceRequest(row, timeZone, query.extensions));
}

export async function getServiceRequest(
  db: Db,
  caseNumber: string,
  timeZone: string,
  extensions = false,
): Promise<ServiceRequest> {
  const row = await requestColumns(db).where('cases.case_number', '=', caseNumber).executeTakeFirst();
  if (!row) throw requestNotFound(caseNumber);
  return toServiceRequest(row, timeZone, extensions);
}

function requestColumns(db: Db) {
  return db
    .selectFrom('cases')
    .innerJoin('categories', 'categories.id', 'cases.category_id')
    .leftJoin('handling_bodies', 'handling_bodies.id', 'cases.assigned_body_id')
    .select((eb) => [
      'cases.case_number',
      'cases.title',
      'cases.public_text_hidden_reason',
      'cases.status',
      'cases.longitude',
      'cases.latitude',
      'cases.created_at',
      'cases.updated_at',
      'cases.attributes',
      'categories.code',
      'categories.name_zh',
      'handling_bodies.name_zh as body_name',
      runningHandlingDeadline(eb).as('expected_at'),
    ])
    .where(published);
}

function runningHandlingDeadline(eb: ExpressionBuilder<Database, 'cases'>) {
  return eb
    .selectFrom('case_clocks')
    .select('case_clocks.due_at')
    .whereRef('case_clocks.case_id', '=', 'cases.id')
    .where('case_clocks.kind', '=', 'handling')
    .where('case_clocks.stopped_at', 'is', null)
    .orderBy('case_clocks.started_at', 'desc')
    .limit(1);
}

type RequestRow = Awaited<ReturnType<ReturnType<typeof requestColumns>['executeTakeFirstOrThrow']>>;

function toServiceRequest(row: RequestRow, timeZone: string, extensions = false): ServiceRequest {
  const closed = (CLOSED as readonly string[]).includes(row.status);
  const request: ServiceRequest = {
    service_request_id: row.case_number,
    status: closed ? 'closed' : 'open',
    status_notes: null,
    service_name: row.name_zh,
    service_code: row.code,
    // As the public portal shows it: masked again with today's detector, profanity hidden, and the
    // moderator's public reason in place of words hidden from the public.
    description:
      row.public_text_hidden_reason === null
        ? publicText(row.title)
        : `（内容未公开：${publicText(row.public_text_hidden_reason)}）`,
    agency_responsible: row.body_name,
    service_notice: null,
    requested_datetime: localDateTime(row.created_at, timeZone),
    updated_datetime: localDateTime(row.updated_at, timeZone),
    expected_datetime: row.expected_at && !closed ? localDateTime(new Date(row.expected_at), timeZone) : null,
    address: null,
    address_id: null,
    zipcode: null,
    lat: row.latitude === null ? null : Math.round(row.latitude * ROUND) / ROUND,
    long: row.longitude === null ? null : Math.round(row.longitude * ROUND) / ROUND,
    media_url: null,
  };
  if (extensions) {
    const mask = (value: string) => publicText(value);
    request.extended_attributes = {
      status: row.status,
      attributes: Object.fromEntries(
        Object.entries(row.attributes ?? {}).map(([code, value]) => [
          code,
          Array.isArray(value) ? value.map(mask) : mask(value),
        ]),
      ),
    };
  }
  return request;
}

function requestNotFound(caseNumber: string): AppError {
  return new AppError('OPEN311_ERR_REQUEST_NOT_FOUND', 404, `service_request_id ${caseNumber} was not found`);
}

export function badRequest(message: string): AppError {
  return new AppError('OPEN311_ERR_BAD_REQUEST', 400, message);
}
