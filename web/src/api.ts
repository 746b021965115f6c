/** The console's only way to the server: the public HTTP API, with the signed-in user's token. */

export interface ApiErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

let token: string | null = localStorage.getItem('civicgrid.token');

export function setToken(value: string | null) {
  token = value;
  if (value) localStorage.setItem('civicgrid.token', value);
  else localStorage.removeItem('civicgrid.token');
}

export function hasToken() {
  return token !== null;
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`/api/v1${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (payload as ApiErrorBody | null)?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'HTTP_ERROR',
      error?.message ?? response.statusText,
      error?.details,
    );
  }
  return payload as T;
}

/** An error as the console shows it: the API's message and code. */
export function errorText(e: unknown): string {
  return e instanceof ApiError ? `${e.message} (${e.code})` : (e as Error).message;
}

/** A file from the API (an export), saved through a blob URL: a plain link could not carry the token. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const response = await fetch(`/api/v1${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) {
    const error = ((await response.json().catch(() => null)) as ApiErrorBody | null)?.error;
    throw new ApiError(response.status, error?.code ?? 'HTTP_ERROR', error?.message ?? response.statusText);
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface Me {
  userId: string;
  username: string;
  displayName: string;
  role: string;
  handlingBodyId: string | null;
}

export interface Category {
  code: string;
  level: number;
  parentCode: string | null;
  nameZh: string;
  nameEn: string;
  defaultBodyId: string | null;
}

export interface HandlingBody {
  id: string;
  code: string;
  nameZh: string;
  nameEn: string;
  type: string;
  parentId: string | null;
}

export interface CaseSummary {
  caseNumber: string;
  title: string;
  status: string;
  category: { code: string; nameZh: string; nameEn: string };
  channel: string;
  priority: string;
  gridCode: string | null;
  address: string | null;
  assignedBody: { id: string; code: string; nameZh: string; nameEn: string } | null;
  meTooCount: number;
  /** An extension request waits for a supervisor. */
  pendingExtension: boolean;
  /** The nearest running deadline. */
  deadline: { kind: string; dueAt: string; light: Light } | null;
  createdAt: string;
  updatedAt: string;
}

export type Light = 'green' | 'yellow' | 'red' | 'paused';

export interface Deadline {
  kind: string;
  measure: 'working' | 'wall';
  bodyId: string | null;
  startedAt: string;
  dueAt: string;
  extendedMinutes: number;
  /** null once stopped. */
  light: Light | null;
  outcome: string | null;
  stoppedAt: string | null;
}

export interface Survey {
  satisfaction: 'satisfied' | 'basically_satisfied' | 'dissatisfied';
  solved: boolean;
  reopened: boolean;
  createdAt: string;
}

export interface CaseEvent {
  seq: number;
  action: string;
  fromStatus: string | null;
  toStatus: string;
  actorRole: string;
  actorName: string | null;
  note: string | null;
  bodyId: string | null;
  reviewDate: string | null;
  /** dispatch: whether the dispatcher chose another body than the suggestion (null for other actions). */
  overridden: boolean | null;
  /** dispatch: the assisting bodies (协办). */
  assistingBodyIds: string[];
  /** merge: the case this one was merged into. */
  parentCaseNumber: string | null;
  /** request_extension: the days asked for (working days, or 24-hour days on a wall clock). */
  extensionDays: number | null;
  createdAt: string;
}

/** Where the routing sends a case, and why: a routing rule, the category's default body, or nothing. */
export type RoutingSource = 'rule' | 'category_default' | 'none';

export interface CaseDetail extends CaseSummary {
  description: string;
  location: { longitude: number; latitude: number } | null;
  reworkCount: number;
  closedAt: string | null;
  events: CaseEvent[];
  allowedActions: string[];
  suggestion: { bodyId: string | null; assistingBodyIds: string[]; ruleId: string | null; source: RoutingSource };
  /** The signed-in user may answer the survey of the latest closure now (the server decides). */
  mayAnswerSurvey: boolean;
  assistingBodyIds: string[];
  parentCaseNumber: string | null;
  mergedCaseNumbers: string[];
  /** Changes with every action; sent back with an action, a stale one is refused (409 CASE_ERR_STALE). */
  version: number;
  deadlines: Deadline[];
  surveys: Survey[];
}

/** The answer to a survey: whether it reopened the case (dissatisfied, within the reopen window). */
export interface SurveyResult {
  reopened: boolean;
}

export interface DuplicateCandidate {
  caseNumber: string;
  title: string;
  status: string;
  categoryCode: string;
  distanceMetres: number;
  similarity: number;
  meTooCount: number;
  createdAt: string;
}

export interface Definition {
  nameZh: string;
  nameEn: string;
  definitionZh: string;
  definitionEn: string;
}

export interface Lifecycle {
  statuses: string[];
  actions: Array<{ action: string; from: string[]; to: string; roles: string[]; requires: string[] }>;
}

export interface Area {
  code: string;
  parentCode: string | null;
  level: string;
  nameZh: string;
  nameEn: string;
}
