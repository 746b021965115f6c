/** The console's only way to the server: the public HTTP API, with the signed-in user's session. */

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

export interface SignedIn {
  user: Me;
  csrfToken: string | null;
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

export interface Me {
  userId: string;
  username: string;
  displayName: string;
  role: string;
  handlingBodyId: string | null;
  /** Where the user's work reaches: 'city', or their areas (none: no cases; citizens and handlers have none). */
  jurisdiction?: Reach;
  clearance?: string;
}

/** Where a staff member's work reaches: the whole city (a grant), or their areas. */
export type Reach = 'city' | string[];

/** A staff account as the administrator sees it (GET /users). */
export interface StaffMember {
  id: string;
  username: string;
  displayName: string;
  role: string;
  handlingBodyId: string | null;
  /** null for handlers: their body's cases are their reach. */
  reach: Reach | null;
  clearance: string;
  disabled: boolean;
}

export interface Category {
  code: string;
  level: number;
  parentCode: string | null;
  nameZh: string;
  nameEn: string;
  defaultBodyId: string | null;
  responseLimitHours: number | null;
  handlingLimitDays: number | null;
  afterPhotoRequired: boolean;
  verificationPhotoRequired: boolean;
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
  urgencyFlags: UrgencyFlag[];
  textPlacement: { areaCode: string; level: string; confidence: number; evidence: string[] } | null;
  /** The point lay this many metres outside every area and was placed on the nearest one; null when an area holds it. */
  placementSnappedMetres: number | null;
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
  /** The priority a citizen asked for; the desk confirms one when it registers the case. */
  requestedPriority: string | null;
  deadlines: Deadline[];
  surveys: Survey[];
  /** Staff only (null for citizens): the reporter, masked unless the user unmasked it for a purpose. */
  reporter: Reporter | null;
}

/** A person's identity; on a case, masked (138****5678) unless unmasked. */
export interface Identity {
  name: string | null;
  phone: string | null;
  idNumber: string | null;
  address: string | null;
  email: string | null;
}

export interface Reporter {
  identity: Identity;
  /** Personal data found in the case's text (phone numbers, ID numbers…), masked like the identity. */
  textItems: Array<{ kind: string; value: string }>;
  masked: boolean;
  /** The live unmasking grant: for what, and until when the values show in clear. */
  grant: { purpose: string; expiresAt: string } | null;
}

/** A purpose for which staff may see personal data in clear, and the roles that may (GET /privacy/purposes). */
export interface UnmaskPurpose {
  purpose: string;
  zh: string;
  en: string;
  roles: string[];
  /** false for a purpose that is only recorded (a caller look-up): never offered for unmasking. */
  unmasks: boolean;
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
  distanceMetres: number | null;
  similarity: number;
  score: number;
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

export interface Consents {
  publish: boolean;
  contact: boolean;
  statistics: boolean;
}

export interface PersonalData {
  identity: Identity;
  consents: Consents;
  anonymisedAt: string | null;
}

/** One time someone saw a citizen's personal data in clear. */
export interface DataAccess {
  accessedAt: string;
  accessor: { displayName: string; role: string; bodyNameZh: string | null; bodyNameEn: string | null };
  purpose: string;
  reason: string | null;
  fields: string[];
  caseNumber: string | null;
}

export interface DataRequest {
  id: string;
  kind: 'correction' | 'deletion';
  reason: string;
  status: 'submitted' | 'completed' | 'refused';
  submittedAt: string;
  dueAt: string;
  overdue: boolean;
  decidedAt: string | null;
  decisionNote: string | null;
  changes: Partial<Identity> | null;
}

/** A published case, as anyone sees it (GET /public/cases). */
export interface PublicCase {
  caseNumber: string;
  title: string;
  status: string;
  category: { code: string; nameZh: string; nameEn: string };
  gridCode: string | null;
  location: { longitude: number; latitude: number } | null;
  createdAt: string;
  closedAt: string | null;
}

export interface AuditRecord {
  seq: number;
  at: string;
  actorUserId: string | null;
  actorRole: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  purpose: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  requestId: string | null;
  hash: string;
  /** Who acted (null: the system, or the operator on the server's command line). */
  actor: { username: string; displayName: string } | null;
  /** The case the entry concerns, when it concerns one. */
  caseNumber: string | null;
}

export interface AuditVerification {
  checked: number;
  ok: boolean;
  firstBad?: { seq: number; reason: string };
  head: { seq: number; hash: string } | null;
}

export interface UrgencyFlag {
  danger: string;
  evidence: string;
  start: number;
  end: number;
}

/** POST /text/intake-suggestions: what the text of a new report suggests. */
export interface IntakeSuggestion {
  id: string;
  categories: { code: string; nameZh: string; nameEn: string; probability: number }[];
  categoryModelVersion: number | null;
  bodies: { bodyId: string; nameZh: string; nameEn: string; probability: number }[];
  urgency: { priority: 'normal' | 'high' | 'urgent'; flags: UrgencyFlag[] };
}

/** GET /insight/hot-issues: cases about the same problem at the same place, by heat. */
export interface HotIssue {
  rank: number;
  heat: number;
  heatParts: { reporters: number; repeats: number; engagement: number; intensity: number; growth: number };
  title: string;
  representativeCaseNumber: string;
  place: { text: string; kind: string; district?: string } | null;
  districtName: string | null;
  from: string;
  to: string;
  caseNumbers: string[];
  reporters: number;
  supports: number;
  oppositions: number;
  keywords: string[];
}

/** GET /insight/replies: a handling body's reply to a case, judged. */
export interface JudgedReply {
  caseNumber: string;
  title: string;
  reply: string;
  repliedAt: string;
  judgement: {
    score: number;
    parts: { relevance: number; completeness: number; timeliness: number | null; readability: number };
    workingDays: number | null;
    reasons: { zh: string[]; en: string[] };
  };
}

/** GET /cases/desk: a case waiting for the dispatcher, with what the decision needs. */
export interface DeskCase extends CaseSummary {
  /** The first characters of the description (descriptionTruncated: there is more on the case page). */
  description: string;
  descriptionTruncated: boolean;
  suggestion: { bodyId: string | null; assistingBodyIds: string[]; source: RoutingSource };
  allowedActions: string[];
  version: number;
}

export interface DeskPage {
  items: DeskCase[];
  total: number;
  counts: { new: number; redispatch: number };
}

/** POST /cases/batch-actions: what happened to each case. */
export interface BatchResult {
  caseNumber: string;
  ok: boolean;
  status?: string;
  error?: { code: string; message: string };
}

/** POST /cases/caller-history: a caller's earlier cases (the number masked). */
export interface CallerHistory {
  phone: string;
  total: number;
  items: Array<{ caseNumber: string; title: string; status: string; channel: string; createdAt: string }>;
}

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
export type MediaStage = 'report' | 'before' | 'after' | 'verification' | 'citizen';

export type MediaFlag =
  | { kind: 'far_from_case'; distanceMetres: number }
  | { kind: 'taken_before_report'; hoursBefore: number }
  | { kind: 'reused'; caseNumber: string | null; distance: number };

export interface MediaItem {
  id: string;
  stage: MediaStage;
  mediaType: string;
  byteSize: number;
  width: number | null;
  height: number | null;
  /** Authorised API paths: the session cookie goes with an <img> of the same origin. */
  url: string;
  thumbnailUrl: string | null;
  eventSeq: number | null;
  publication: 'pending' | 'approved' | 'hidden';
  createdAt: string;
  flags: MediaFlag[];
  evidence: { takenAt: string | null; longitude: number | null; latitude: number | null } | null;
}

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
