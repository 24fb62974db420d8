/** Shapes of the JSON API under /api (kept in step with the server's routes). */

export type OrgRole =
  | 'platform_admin'
  | 'sharing_authority'
  | 'data_authority'
  | 'institution'
  | 'implementing_agency'
  | 'operator'
  | 'developer'
  | 'buyer'
  | 'public'
  | 'auditor';

export type UserRole = 'org_admin' | 'data_officer' | 'clerk' | 'reviewer' | 'expert' | 'auditor';

export type OrgKind = 'organization' | 'person';

export interface ApiErrorField {
  field: string;
  message: string;
}

export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    source?: string;
    fields?: ApiErrorField[];
  };
}

export interface Paged<T> {
  items: T[];
  total: number;
}

export interface Items<T> {
  items: T[];
}

// ── auth ────────────────────────────────────────────────────────────────────────────────────

export interface SessionUser {
  id: string;
  login: string;
  name: string;
  orgId: string;
  roles: string[];
}

export interface SessionOrg {
  id: string;
  name: string;
  uscc: string | null;
  kind: OrgKind;
  regionCode: string;
  roles: string[];
}

export interface Me {
  user: SessionUser;
  org: SessionOrg;
  /** Org roles ∪ user roles. */
  roles: string[];
}

export interface LoginResponse extends Me {
  csrf: string;
}

export interface LoginRequest {
  login: string;
  password: string;
}

export interface RegisterRequest {
  kind: OrgKind;
  login: string;
  password: string;
  name: string;
  regionCode: string;
  orgName?: string;
  uscc?: string;
  idNumber?: string;
}

// ── regions, orgs, users ──────────────────────────────────────────────────────────────────────

export interface Region {
  code: string;
  name: string;
  parentCode: string | null;
  level: 1 | 2 | 3;
}

export interface Org {
  id: string;
  name: string;
  uscc: string | null;
  kind: OrgKind;
  regionCode: string;
  regionName: string;
  parentId: string | null;
  roles: string[];
  createdAt: string;
}

export interface OrgCreate {
  name: string;
  uscc: string;
  regionCode: string;
  parentId?: string;
  roles: string[];
}

export interface OrgPatch {
  name?: string;
  roles?: string[];
  parentId?: string | null;
}

export interface User {
  id: string;
  orgId: string;
  orgName: string;
  login: string;
  name: string;
  roles: string[];
  disabled: boolean;
  lockedUntil: string | null;
  createdAt: string;
  lastLoginAt: string | null;
}

export interface UserCreate {
  orgId: string;
  login: string;
  name: string;
  password: string;
  roles: string[];
}

export interface UserPatch {
  name?: string;
  roles?: string[];
  disabled?: boolean;
  password?: string;
}

// ── API keys ────────────────────────────────────────────────────────────────────────────────

export type ApiKeyStatus = 'active' | 'expired' | 'revoked';

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  status: ApiKeyStatus;
}

export interface ApiKeyCreated {
  id: string;
  name: string;
  prefix: string;
  /** The secret, shown once. */
  key: string;
  expiresAt: string;
}

// ── duties and notifications ────────────────────────────────────────────────────────────────

export type DutyStatus = 'open' | 'met' | 'cancelled';

export interface Duty {
  id: string;
  caseType: string;
  caseId: string;
  duty: string;
  title: string;
  link: string | null;
  /** Short citation, e.g. `000 第十四条`. */
  source: string;
  /** Full citation, e.g. 《海南省促进公共数据资源开发利用办法》第十四条. */
  sourceText: string;
  startedAt: string;
  dueDate: string | null;
  dueAt: string | null;
  status: DutyStatus;
  overdue: boolean;
  /** Working days left; 0 = due today. */
  remainingWorkingDays: number | null;
  overdueWorkingDays: number | null;
  extensionCount: number;
}

export interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationList extends Items<Notification> {
  unread: number;
}

// ── audit ───────────────────────────────────────────────────────────────────────────────────

export interface AuditEvent {
  seq: number;
  at: string;
  actorUserId: string | null;
  actorLogin: string | null;
  actorOrgId: string | null;
  actorOrgName: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  purpose: string | null;
  grantId: string | null;
  details: unknown;
  hash: string;
}

export interface AuditPage {
  items: AuditEvent[];
  nextBefore: number | null;
}

export interface AuditCheckpointRef {
  seq: number;
  hash: string;
  at: string;
  keyId: string;
  signature: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  checked: number;
  headSeq: number;
  firstBadSeq: number | null;
  reason: string | null;
  checkpoints: {
    count: number;
    verified: number;
    latest: AuditCheckpointRef | null;
  };
}

export interface AuditCheckpoint extends AuditCheckpointRef {
  publicKey: string;
}

// ── working-day calendar ────────────────────────────────────────────────────────────────────

export type CalendarDayKind = 'holiday' | 'workday';

export interface CalendarDay {
  day: string;
  kind: CalendarDayKind;
  name: string;
}

export interface CalendarYear {
  year: number;
  source: string;
}

export interface CalendarDays extends Items<CalendarDay> {
  year: number;
  covered: boolean;
  source: string | null;
}

export interface AddWorkingDaysResult {
  date: string;
  from: string;
  days: number;
  dueAt: string;
  fallback: boolean;
  /** Years the computation crossed without a holiday notice on record (sent by the server, not in the brief's contract). */
  fallbackYears?: number[];
  note: string | null;
}

export interface CalendarYearImport {
  source: string;
  days: CalendarDay[];
}

export interface CalendarYearImported {
  year: number;
  source: string;
  count: number;
}

// ── jurisdiction ────────────────────────────────────────────────────────────────────────────

export interface LocalizedText {
  zh: string;
  en: string;
}

export interface JurisdictionParam {
  value: unknown;
  source: string;
  sourceText: string;
  label: LocalizedText;
  unit?: string;
}

export interface JurisdictionDocument {
  code: string;
  title: string;
  status: string;
}

export interface Jurisdiction {
  id: string;
  name: LocalizedText;
  region: { code: string; name: string };
  documents: JurisdictionDocument[];
  params: Record<string, JurisdictionParam>;
}

export interface Health {
  status: 'ok';
  db: 'pglite' | 'postgres';
}
