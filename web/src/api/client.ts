/**
 * The typed fetch client for the same-origin JSON API. Session cookies travel automatically;
 * state-changing requests echo the readable `csrf` cookie in `x-csrf-token` (double submit).
 */
import { saveBlob } from '../lib/download';
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
  CatalogEntry,
  CatalogEntryDetail,
  PiiProposal,
  CatalogEntryInput,
  CatalogImportResult,
  CatalogReviewQueueItem,
  CatalogUpdateCase,
  CatalogSearchQuery,
  CatalogSearchResult,
  NegativeListItem,
  OperationItem,
  OperationStatus,
  PositiveList,
  PositiveListSummary,
  PublicCatalogEntry,
  Registration,
  SeatView,
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
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, code: string, message: string, source?: string, fields: ApiErrorField[] = [], details?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.source = source;
    this.fields = fields;
    this.details = details;
  }
}

type Scalar = string | number | boolean | null | undefined;
/** Query parameters; an array repeats its key (`?grade=general&grade=important`). */
type Query = Record<string, Scalar | readonly string[]>;

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
    if (Array.isArray(v)) {
      for (const item of v) if (item !== '') params.append(k, item);
    } else if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
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
      const { code, message, source, fields, details } = data.error;
      throw new ApiError(res.status, code, message, source, fields ?? [], details);
    }
    throw new ApiError(res.status, `HTTP_${res.status}`, res.statusText || `HTTP ${res.status}`);
  }
  return data as T;
}

/** The file name a download's Content-Disposition gives (RFC 5987 `filename*` first). */
function dispositionName(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header);
  return plain?.[1] ?? null;
}

/**
 * Downloads a file the server generates (an XLSX export, a template) and saves it under the name
 * the server gives; a refusal is thrown as an ApiError like any other call.
 */
export async function downloadFile(path: string, query: Query | undefined, fallbackName: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(buildUrl(path, query), { credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', e instanceof Error ? e.message : String(e));
  }
  if (!res.ok) {
    const data = await parseJson(res);
    if (res.status === 401) redirectToLogin();
    if (isErrorBody(data)) {
      const { code, message, source, fields, details } = data.error;
      throw new ApiError(res.status, code, message, source, fields ?? [], details);
    }
    throw new ApiError(res.status, `HTTP_${res.status}`, res.statusText || `HTTP ${res.status}`);
  }
  saveBlob(dispositionName(res.headers.get('content-disposition')) ?? fallbackName, await res.blob());
}

/** Sends a file as the request body (an XLSX upload); answers and refusals as for JSON calls. */
export async function uploadFile<T>(path: string, file: Blob, query?: Query): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': file.type || 'application/octet-stream' };
  const csrf = readCookie('csrf');
  if (csrf) headers['x-csrf-token'] = csrf;
  let res: Response;
  try {
    res = await fetch(buildUrl(path, query), { method: 'POST', headers, credentials: 'same-origin', body: file });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', e instanceof Error ? e.message : String(e));
  }
  const data = await parseJson(res);
  if (!res.ok) {
    if (res.status === 401) redirectToLogin();
    if (isErrorBody(data)) {
      const { code, message, source, fields, details } = data.error;
      throw new ApiError(res.status, code, message, source, fields ?? [], details);
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

  catalog: {
    /** 目录检索: Chinese full-text search with filters, facet counts and highlights. */
    search: (q: CatalogSearchQuery) => get<CatalogSearchResult>('/api/v1/catalog/entries', { ...q }),
    /** Creates a draft (000 第六条). */
    create: (body: CatalogEntryInput) => post<CatalogEntry>('/api/v1/catalog/entries', body),
    /** The newest version the caller may see, or `version`; with its history. */
    get: (entryId: string, version?: number) => get<CatalogEntryDetail>(`/api/v1/catalog/entries/${id(entryId)}`, { version }),
    /** 识别个人信息: each field's kind of personal information proposed from a sample of the live data (provider, platform admin). */
    piiProposal: (entryId: string) => get<PiiProposal>(`/api/v1/catalog/entries/${id(entryId)}/pii-proposal`),
    /** Replaces a draft (or returned) version's content. */
    update: (entryId: string, body: CatalogEntryInput) => put<CatalogEntry>(`/api/v1/catalog/entries/${id(entryId)}`, body),
    submit: (entryId: string) => post<CatalogEntry>(`/api/v1/catalog/entries/${id(entryId)}/submit`),
    review: (entryId: string, body: { decision: 'approve' | 'return'; comment: string; version?: number }) =>
      post<CatalogEntry>(`/api/v1/catalog/entries/${id(entryId)}/review`, body),
    /** Starts a new version of a published entry: a draft copied from it (000 第七条). */
    newVersion: (entryId: string, changeNote: string) =>
      post<CatalogEntry>(`/api/v1/catalog/entries/${id(entryId)}/versions`, { changeNote }),
    reviewQueue: (q: PageQuery) => get<Paged<CatalogReviewQueueItem>>('/api/v1/catalog/review-queue', q),
    /** Records a change of law or duties: opens the update duty (000 第七条). */
    recordChange: (entryId: string, body: { kind: 'law' | 'duties'; description: string; occurredOn?: string }) =>
      post<CatalogUpdateCase>(`/api/v1/catalog/entries/${id(entryId)}/changes`, body),
    /** The authority consents to extend an update (000 第七条). */
    extendUpdate: (entryId: string, caseId: string, body: { days: number; reason: string }) =>
      post<CatalogUpdateCase>(`/api/v1/catalog/entries/${id(entryId)}/changes/${id(caseId)}/extend`, body),

    seats: () => get<Items<SeatView>>('/api/v1/catalog/review-seats'),
    negativeList: (q: { provider?: string; state?: string; shareAttr?: string } & PageQuery) =>
      get<Paged<NegativeListItem>>('/api/v1/catalog/negative-list', q),
    negativeItem: (versionId: string) => get<NegativeListItem>(`/api/v1/catalog/negative-list/${id(versionId)}`),
    /** Signs one seat of the negative list's joint review (000 第十一条). */
    signNegative: (versionId: string, body: { seat: string; decision: 'agree' | 'disagree'; comment?: string }) =>
      post<NegativeListItem>(`/api/v1/catalog/negative-list/${id(versionId)}/signoffs`, body),
    openList: (q: { provider?: string; openAttr?: string; priorityArea?: string; category?: string } & PageQuery) =>
      get<Paged<PublicCatalogEntry>>('/api/v1/catalog/open-list', q),
    positiveLists: () => get<Items<PositiveListSummary>>('/api/v1/catalog/positive-lists'),
    positiveList: (orgId: string, q: { priorityArea?: string } & PageQuery) =>
      get<PositiveList>(`/api/v1/catalog/positive-lists/${id(orgId)}`, q),
    operationList: (q: { status?: OperationStatus; provider?: string; entryId?: string } & PageQuery) =>
      get<Paged<OperationItem>>('/api/v1/catalog/operation-list', q),
    listForOperation: (body: { entryId: string; viaSharing?: boolean; note?: string }) =>
      post<OperationItem>('/api/v1/catalog/operation-list', body),
    consent: (itemId: string, body: { decision: 'give' | 'refuse'; comment?: string }) =>
      post<OperationItem>(`/api/v1/catalog/operation-list/${id(itemId)}/consent`, body),
    removeFromOperation: (itemId: string, reason?: string) =>
      post<OperationItem>(`/api/v1/catalog/operation-list/${id(itemId)}/remove`, { reason }),
    /** Registers a listed item (登记, 000 第二十九条). */
    register: (itemId: string) => post<Registration>(`/api/v1/catalog/operation-list/${id(itemId)}/registration`),
    registration: (queryCode: string) => get<Registration>(`/api/v1/catalog/registrations/${id(queryCode)}`),

    /** The XLSX template institutions fill in to register many entries at once. */
    downloadTemplate: () => downloadFile('/api/v1/catalog/import/template', undefined, 'catalog-import-template.xlsx'),
    /** Imports a filled-in template as drafts; with `partial`, the good rows even if others are bad. */
    importXlsx: (file: Blob, partial: boolean) => uploadFile<CatalogImportResult>('/api/v1/catalog/import', file, { partial: partial || undefined }),
    /** The catalog as XLSX for the annual review (every version the caller may see). */
    exportXlsx: () => downloadFile('/api/v1/catalog/export.xlsx', undefined, 'catalog.xlsx'),
  },
};
