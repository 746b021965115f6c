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
  createdAt: string;
  updatedAt: string;
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
  createdAt: string;
}

export interface CaseDetail extends CaseSummary {
  description: string;
  location: { longitude: number; latitude: number } | null;
  reworkCount: number;
  closedAt: string | null;
  events: CaseEvent[];
  allowedActions: string[];
  suggestedBodyId: string | null;
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
