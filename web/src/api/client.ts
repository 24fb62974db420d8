/**
 * The typed fetch client for the same-origin JSON API. Session cookies travel automatically;
 * state-changing requests echo the readable `csrf` cookie in `x-csrf-token` (double submit).
 */
import type {
  AddWorkingDaysResult,
  ApiErrorBody,
  ApiErrorField,
  ApiKey,
  ApiKeyCreated,
  AuditCheckpoint,
  AuditPage,
  AuditVerifyResult,
  CalendarDay,
  CalendarDayKind,
  CalendarDays,
  CalendarYear,
  CalendarYearImport,
  CalendarYearImported,
  Duty,
  Health,
  Items,
  Jurisdiction,
  LoginRequest,
  LoginResponse,
  Me,
  NotificationList,
  Org,
  OrgCreate,
  OrgPatch,
  Paged,
  Region,
  RegisterRequest,
  User,
  UserCreate,
  UserPatch,
} from './types';

/** An error answered by the server (or `NETWORK` when it could not be reached). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly source: string | undefined;
  readonly fields: ApiErrorField[];

  constructor(status: number, code: string, message: string, source?: string, fields: ApiErrorField[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.source = source;
    this.fields = fields;
  }
}

type Query = Record<string, string | number | boolean | null | undefined>;

interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Set false for calls where 401 is an answer, not an expired session (me, login). */
  redirectOn401?: boolean;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const PUBLIC_PATHS = ['/login', '/register'];

export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const [k, ...rest] = part.trim().split('=');
    if (k === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function isErrorBody(v: unknown): v is ApiErrorBody {
  if (typeof v !== 'object' || v === null || !('error' in v)) return false;
  const e = (v as { error: unknown }).error;
  return typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string';
}

function redirectToLogin(): void {
  const here = window.location.pathname;
  if (PUBLIC_PATHS.includes(here)) return;
  const next = encodeURIComponent(here + window.location.search);
  window.location.assign(`/login?next=${next}`);
}

async function parseJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (UNSAFE.has(method)) {
    const csrf = readCookie('csrf');
    if (csrf) headers['x-csrf-token'] = csrf;
  }
  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', e instanceof Error ? e.message : String(e));
  }
  const data = await parseJson(res);
  if (!res.ok) {
    if (res.status === 401 && opts.redirectOn401 !== false) redirectToLogin();
    if (isErrorBody(data)) {
      const { code, message, source, fields } = data.error;
      throw new ApiError(res.status, code, message, source, fields ?? []);
    }
    throw new ApiError(res.status, `HTTP_${res.status}`, res.statusText || `HTTP ${res.status}`);
  }
  return data as T;
}

const get = <T>(path: string, query?: Query) => request<T>('GET', path, { query });
const post = <T>(path: string, body?: unknown) => request<T>('POST', path, { body });
const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, { body });
const put = <T>(path: string, body: unknown) => request<T>('PUT', path, { body });
const del = <T>(path: string) => request<T>('DELETE', path);
const id = encodeURIComponent;

export type PageQuery = {
  limit?: number;
  offset?: number;
};

export type AuditQuery = {
  actor?: string;
  org?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  grantId?: string;
  from?: string;
  to?: string;
  limit?: number;
  before?: number;
};

export const api = {
  health: () => get<Health>('/api/health'),

  auth: {
    login: (body: LoginRequest) =>
      request<LoginResponse>('POST', '/api/v1/auth/login', { body, redirectOn401: false }),
    logout: () => request<void>('POST', '/api/v1/auth/logout', { redirectOn401: false }),
    me: () => request<Me>('GET', '/api/v1/auth/me', { redirectOn401: false }),
    register: (body: RegisterRequest) =>
      request<Me>('POST', '/api/v1/auth/register', { body, redirectOn401: false }),
  },

  regions: () => request<Items<Region>>('GET', '/api/v1/regions', { redirectOn401: false }),

  orgs: {
    list: (q: { q?: string; role?: string; regionCode?: string } & PageQuery) => get<Paged<Org>>('/api/v1/orgs', q),
    create: (body: OrgCreate) => post<Org>('/api/v1/orgs', body),
    update: (orgId: string, body: OrgPatch) => patch<Org>(`/api/v1/orgs/${id(orgId)}`, body),
  },

  users: {
    list: (q: { orgId?: string; q?: string } & PageQuery) => get<Paged<User>>('/api/v1/users', q),
    create: (body: UserCreate) => post<User>('/api/v1/users', body),
    update: (userId: string, body: UserPatch) => patch<User>(`/api/v1/users/${id(userId)}`, body),
    unlock: (userId: string) => post<User>(`/api/v1/users/${id(userId)}/unlock`),
  },

  apiKeys: {
    list: () => get<Items<ApiKey>>('/api/v1/api-keys'),
    create: (body: { name: string; expiresInDays?: number }) => post<ApiKeyCreated>('/api/v1/api-keys', body),
    revoke: (keyId: string) => post<ApiKey>(`/api/v1/api-keys/${id(keyId)}/revoke`),
  },

  duties: {
    list: (status: 'open' | 'overdue' | 'all' = 'open') => get<Items<Duty>>('/api/v1/duties', { status }),
  },

  notifications: {
    list: () => get<NotificationList>('/api/v1/notifications'),
    read: (notificationId: string) => post<void>(`/api/v1/notifications/${id(notificationId)}/read`),
    readAll: () => post<void>('/api/v1/notifications/read-all'),
  },

  audit: {
    events: (q: AuditQuery) => get<AuditPage>('/api/v1/audit/events', { ...q }),
    verify: () => get<AuditVerifyResult>('/api/v1/audit/verify'),
    latestCheckpoint: () => get<AuditCheckpoint>('/api/v1/audit/checkpoints/latest'),
  },

  calendar: {
    addWorkingDays: (from: string, days: number) =>
      get<AddWorkingDaysResult>('/api/v1/calendar/add-working-days', { from, days }),
    years: () => get<Items<CalendarYear>>('/api/v1/calendar/years'),
    days: (year: number) => get<CalendarDays>('/api/v1/calendar/days', { year }),
    setDay: (day: string, body: { kind: CalendarDayKind; name: string }) =>
      put<CalendarDay>(`/api/v1/calendar/days/${id(day)}`, body),
    clearDay: (day: string) => del<void>(`/api/v1/calendar/days/${id(day)}`),
    importYear: (year: number, body: CalendarYearImport) =>
      put<CalendarYearImported>(`/api/v1/calendar/years/${year}`, body),
  },

  jurisdiction: () => get<Jurisdiction>('/api/v1/jurisdiction'),
};
