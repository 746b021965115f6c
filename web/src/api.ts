/** The console's only way to the server: the public HTTP API, with the signed-in user's session. */
import type { Answer, Item } from './api-shapes.ts';

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

/**
 * The console signs in with an HttpOnly session cookie, which the browser sends by itself; JavaScript never
 * sees it. Every change (a non-GET request) must also carry the session's CSRF token, which is held here in
 * memory only: set at sign-in, restored from `GET /auth/session` when the page is (re)loaded.
 */
let csrfToken: string | null = null;

export function setCsrfToken(value: string | null) {
  csrfToken = value;
}

/** Called when the server says the session is gone (401): the console returns to the sign-in page. */
let onUnauthenticated: () => void = () => {};

export function whenSignedOut(handler: () => void) {
  onUnauthenticated = handler;
}

/** Answers whose 401 means "wrong user name, password or code", not "your session ended". */
const CREDENTIAL_CHECKS = new Set(['/auth/sign-in', '/auth/code/verify', '/auth/password']);

async function failure(response: Response, path: string): Promise<ApiError> {
  const error = ((await response.json().catch(() => null)) as ApiErrorBody | null)?.error;
  if (response.status === 401 && !CREDENTIAL_CHECKS.has(path)) {
    csrfToken = null;
    onUnauthenticated();
  }
  return new ApiError(
    response.status,
    error?.code ?? 'HTTP_ERROR',
    error?.message ?? response.statusText,
    error?.details,
  );
}

/** The session the browser's cookie belongs to (after a reload), and its CSRF token; null when signed out. */
export async function restoreSession(): Promise<Me | null> {
  const response = await fetch('/api/v1/auth/session', { credentials: 'same-origin' });
  if (!response.ok) return null;
  const session = (await response.json()) as SignedIn;
  csrfToken = session.csrfToken;
  return session.user;
}

interface ApiCall {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * One request to the API with the session's cookie, and for a change its CSRF token. A FormData body goes
 * as multipart (an upload: the browser writes its boundary), anything else as JSON; `headers` adds e.g. an
 * Idempotency-Key. Signed in again in another tab (a new session, a new token), it takes this session's
 * token and tries once more.
 */
async function request(path: string, init: ApiCall): Promise<Response> {
  const method = init.method ?? 'GET';
  const form = init.body instanceof FormData;
  const send = () => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.body !== undefined && !form) headers['content-type'] = 'application/json';
    if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
    return fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: init.body === undefined ? undefined : form ? (init.body as FormData) : JSON.stringify(init.body),
    });
  };
  const response = await send();
  if (response.status === 403 && method !== 'GET') {
    const error = (
      (await response
        .clone()
        .json()
        .catch(() => null)) as ApiErrorBody | null
    )?.error;
    if (error?.code === 'AUTH_ERR_CSRF' && (await restoreSession())) return send();
  }
  return response;
}

/** A call to the API: its answer, or an ApiError. */
export async function api<T>(path: string, init: ApiCall = {}): Promise<T> {
  const response = await request(path, init);
  if (!response.ok) throw await failure(response, path);
  if (response.status === 204) return null as T;
  return (await response.json().catch(() => null)) as T;
}

/** An error as the console shows it: the API's message and code. */
export function errorText(e: unknown): string {
  return e instanceof ApiError ? `${e.message} (${e.code})` : (e as Error).message;
}

/** A file from the API (an export), saved through a blob URL so that an error can be shown in the page. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const response = await fetch(`/api/v1${path}`, { credentials: 'same-origin' });
  if (!response.ok) throw await failure(response, path);
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

type CaseDetailAnswer = Answer<'/cases/{caseNumber}'>;

/** The signed-in user; `jurisdiction` is where their work reaches. */
export type Me = SignedIn['user'];
export type SignedIn = Answer<'/auth/session'>;
/** Where a staff member's work reaches: the whole city (a grant), or their areas. */
export type Reach = Exclude<Me['jurisdiction'], undefined>;
/** A staff account as the administrator sees it (GET /users). */
export type StaffMember = Item<Answer<'/users'>>;
export type Category = Item<Answer<'/categories'>>;
export type HandlingBody = Item<Answer<'/handling-bodies'>>;
export type CaseSummary = Item<Answer<'/cases'>>;
export type Light = NonNullable<CaseSummary['deadline']>['light'];
export type Deadline = CaseDetailAnswer['deadlines'][number];
export type Survey = CaseDetailAnswer['surveys'][number];
export type CaseEvent = CaseDetailAnswer['events'][number];
/** Where the routing sends a case, and why: a routing rule, the category's default body, or nothing. */
export type RoutingSource = CaseDetailAnswer['suggestion']['source'];
export type CaseDetail = CaseDetailAnswer;
/** A step of the case lifecycle (register, dispatch, handle…). */
export type CaseAction = CaseDetail['allowedActions'][number];
/** Staff only (null for citizens): the reporter, masked unless the user unmasked it for a purpose. */
export type Reporter = Answer<'/cases/{caseNumber}/reporter'>;
/** A person's identity; on a case, masked (138****5678) unless unmasked. */
export type Identity = PersonalData['identity'];
/** A purpose for which staff may see personal data in clear, and the roles that may. */
export type UnmaskPurpose = Item<Answer<'/privacy/purposes'>>;
/** The answer to a survey: whether it reopened the case (dissatisfied, within the reopen window). */
export type SurveyResult = Answer<'/cases/{caseNumber}/survey', 'post'>;
export type DuplicateCandidate = Item<Answer<'/cases/{caseNumber}/duplicates'>>;
export type Lifecycle = Answer<'/lifecycle'>;
/** An indicator's name and definition, in both languages (GET /evaluation). */
export type Definition = Answer<'/evaluation'>['definitions'][string];
/** A staff member's role. */
export type Role = StaffMember['role'];
export type Area = Item<Answer<'/grid/areas'>>;
export type Consents = PersonalData['consents'];
export type PersonalData = Answer<'/me/personal-data'>;
/** One time someone saw a citizen's personal data in clear. */
export type DataAccess = Item<Answer<'/me/data-accesses'>>;
export type DataRequest = Item<Answer<'/me/data-requests'>>;
/** A published case, as anyone sees it (GET /public/cases). */
export type PublicCase = Item<Answer<'/public/cases'>>;
export type AuditRecord = Item<Answer<'/audit'>>;
export type AuditVerification = Answer<'/audit/verify'>;
export type UrgencyFlag = CaseDetailAnswer['urgencyFlags'][number];
/** POST /text/intake-suggestions: what the text of a new report suggests. */
export type IntakeSuggestion = Answer<'/text/intake-suggestions', 'post'>;
/** GET /insight/hot-issues: cases about the same problem at the same place, by heat. */
export type HotIssue = Answer<'/insight/hot-issues'>['issues'][number];
/** GET /insight/replies: a handling body's reply to a case, judged. */
export type JudgedReply = Answer<'/insight/replies'>['replies'][number];
/** GET /cases/desk: a case waiting for the dispatcher, with what the decision needs. */
export type DeskCase = Item<DeskPage>;
export type DeskPage = Answer<'/cases/desk'>;
/** POST /cases/batch-actions: what happened to each case. */
export type BatchResult = Answer<'/cases/batch-actions', 'post'>['results'][number];
/** POST /cases/caller-history: a caller's earlier cases (the number masked). */
export type CallerHistory = Answer<'/cases/caller-history', 'post'>;

// -------------------------------------------------------------------------------------------------
// Patrol app (web/src/patrol): requests its offline queue sends and judges by status itself.
// -------------------------------------------------------------------------------------------------

/** Whether the page holds the session's CSRF token (a page reloaded offline does not, until restoreSession). */
export function hasCsrfToken(): boolean {
  return csrfToken !== null;
}

/**
 * Sends a change and hands back the answer as it is, whatever its status: for a caller that decides per
 * status (the patrol app's queue: 2xx sent, 4xx refused, 5xx later). Like `api`, it carries the session's
 * CSRF token and retries once with a fresh one; a 401 signs the page out. `headers` adds e.g. an
 * Idempotency-Key; a FormData body goes as multipart/form-data (the browser sets the boundary), anything
 * else as JSON. Rejects only when the request does not reach the server (offline).
 */
export async function sendAsIs(
  path: string,
  init: { method: string; body?: unknown; headers?: Record<string, string> },
): Promise<Response> {
  const response = await request(path, init);
  if (response.status === 401) {
    csrfToken = null;
    onUnauthenticated();
  }
  return response;
}

// Photos and documents on cases (media/).
export type MediaItem = Item<Answer<'/cases/{caseNumber}/media'>>;
export type MediaStage = MediaItem['stage'];
export type MediaFlag = MediaItem['flags'][number];

/** Attaches files to a case at a stage (multipart: the stage first, then the files). */
export function uploadMedia(caseNumber: string, stage: MediaStage, files: readonly Blob[], idempotencyKey?: string) {
  const form = new FormData();
  form.append('stage', stage);
  for (const file of files) form.append('files', file, file instanceof File ? file.name : 'photo.jpg');
  return api<{ items: MediaItem[] }>(`/cases/${caseNumber}/media`, {
    method: 'POST',
    body: form,
    headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
  });
}
