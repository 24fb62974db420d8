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
    /** Structured data to act on, e.g. the bad rows of an import file. */
    details?: Record<string, unknown>;
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
  /** How the period is counted: working days, or calendar days (e.g. 000 第十条 "一日内"). */
  dayKind?: 'working' | 'calendar';
  /** Working days left; 0 = due today. */
  remainingWorkingDays: number | null;
  overdueWorkingDays: number | null;
  /** Calendar days left (0 = due today) or overdue, for a period counted in calendar days. */
  remainingCalendarDays?: number | null;
  overdueCalendarDays?: number | null;
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

// ── catalog (公共数据目录) ────────────────────────────────────────────────────────────────────
// Mirrors src/modules/catalog/views.ts (EntryView) and model.ts (EntryInput and the vocabulary).

export type CatalogAttr = 'unconditional' | 'conditional' | 'none';
export type CatalogGrade = 'general' | 'important' | 'core';
export type CatalogFieldType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime';
export type CatalogVersionStatus = 'draft' | 'submitted' | 'returned' | 'published' | 'superseded';
export type UpdateFrequency = 'realtime' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly' | 'irregular';
export type ProvisionMethod = 'api' | 'batch' | 'file' | 'sandbox';

/** One data item (数据项) of an entry. */
export interface CatalogField {
  name: string;
  label: string;
  type: CatalogFieldType;
  required?: boolean;
  key?: boolean;
  /** The kind of personal information the column holds, if any (e.g. `id_number`, `phone`). */
  piiKind?: string | null;
  /** Holds commercial secrets (000 第十九条第三项). */
  commercialSecret?: boolean;
  sensitivity?: CatalogGrade;
  /** Why a personal-information column is graded below `important`. */
  downgradeReason?: string | null;
}

/** One assessment recorded before submission (保密风险评估, 个人信息保护影响评估; 000 第六条). */
export interface CatalogAssessment {
  done?: boolean;
  conclusion: string;
  date?: string;
  /** Who assessed (a person or an assessment body). */
  by?: string;
}

export interface CatalogOpenConditions {
  conditions?: string;
  useRequirements?: string;
}

/** An entry at one version (the server's EntryView). */
export interface CatalogEntry {
  id: string;
  code: string;
  provider: { id: string; name: string };
  regionCode: string;
  version: number;
  versionId: string;
  status: CatalogVersionStatus;
  publishedVersion: number | null;
  latestVersion: number;
  name: string;
  description: string;
  format: string;
  fields: CatalogField[];
  shareAttr: CatalogAttr;
  shareConditions: { scope: string; usage: string } | null;
  noShareBasis: string | null;
  openAttr: CatalogAttr;
  openConditions: (CatalogOpenConditions & Record<string, unknown>) | null;
  notOpenReason: string | null;
  openSafeguards: string[];
  operationAttr: boolean;
  provisionMethods: string[];
  usageConditions: string;
  updateFrequency: string;
  category: string;
  grade: CatalogGrade;
  priorityAreas: string[];
  assessments: Record<string, unknown>;
  changeNote: string | null;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  reviewedAt: string | null;
  reviewComment: string | null;
  publishedAt: string | null;
}

/** The body of POST /catalog/entries and PUT /catalog/entries/{id} (the server's EntryInput). */
export interface CatalogEntryInput {
  name: string;
  description?: string;
  format: string;
  fields: CatalogField[];
  shareAttr: CatalogAttr;
  shareConditions?: { scope: string; usage: string } | null;
  noShareBasis?: string | null;
  openAttr: CatalogAttr;
  openConditions?: CatalogOpenConditions | null;
  notOpenReason?: string | null;
  openSafeguards?: string[];
  operationAttr: boolean;
  provisionMethods: ProvisionMethod[];
  usageConditions?: string;
  updateFrequency: UpdateFrequency;
  category: string;
  grade: CatalogGrade;
  priorityAreas?: string[];
  assessments?: Record<string, CatalogAssessment>;
  changeNote?: string | null;
}

export interface NamedRef {
  id: string;
  name: string;
}

/** An entry as the public sees it (the open list): without assessments and the reviewer's comment. */
export type PublicCatalogEntry = Omit<CatalogEntry, 'assessments' | 'reviewComment'>;

export type Seat = 'sharing_authority' | 'cyberspace' | 'staffing' | 'secrecy' | 'public_security' | 'state_security' | 'platform_operator';
export type JointReviewState = 'pending' | 'confirmed' | 'disputed';

export interface SeatView {
  seat: Seat;
  label: string;
  org: NamedRef | null;
}

export interface NegativeSignoff {
  seat: string;
  seatLabel: string;
  decision: 'agree' | 'disagree';
  comment: string;
  user: NamedRef;
  org: NamedRef;
  at: string;
}

/** 负面清单: a published conditional or not-shared entry and its joint review (000 第十一条). */
export interface NegativeListItem {
  entry: CatalogEntry;
  review: {
    state: JointReviewState;
    signoffs: NegativeSignoff[];
    missing: Array<{ seat: Seat; label: string; org: NamedRef | null }>;
  };
}

export type PriorityArea = 'industry' | 'ecology' | 'livelihood' | 'business_environment';

export interface PositiveListSummary {
  provider: NamedRef;
  total: number;
  priority: number;
  byArea: Record<PriorityArea, number>;
}

export interface PositiveListEntry extends PublicCatalogEntry {
  priority: boolean;
}

export interface PositiveList extends PositiveListSummary {
  items: PositiveListEntry[];
  matched: number;
}

export type OperationStatus = 'awaiting_consent' | 'listed' | 'refused' | 'removed';

export interface RegistrationRef {
  id: string;
  registrationCode: string;
  queryCode: string;
  version: number;
  registeredAt: string;
}

/** 授权运营目录 item (000 第二十七、二十八条). */
export interface OperationItem {
  id: string;
  status: OperationStatus;
  viaSharing: boolean;
  note: string;
  entry: CatalogEntry | null;
  listedBy: NamedRef;
  createdAt: string;
  listedAt: string | null;
  consent: { decision: 'give' | 'refuse'; by: NamedRef | null; at: string; comment: string } | null;
  registration: RegistrationRef | null;
}

/** 登记 (000 第二十九条). */
export interface Registration {
  registrationCode: string;
  queryCode: string;
  version: number;
  registeredAt: string;
  entry: {
    id: string;
    code: string;
    name: string;
    provider: NamedRef;
    category: string;
    grade: string;
    format: string;
    updateFrequency: string;
    provisionMethods: string[];
    publishedVersion: number | null;
  };
  operation: { itemId: string; status: OperationStatus; listedBy: NamedRef };
}

/** A run of text, `hit` where a searched word matched. Always rendered as text, never as HTML. */
export interface HighlightSegment {
  text: string;
  hit: boolean;
}

export interface CatalogSearchItem extends CatalogEntry {
  highlight: {
    name: HighlightSegment[];
    /** A window around the first match, with `…` where cut. */
    description: HighlightSegment[];
    /** Labels of the data items a word was found in. */
    fields: string[];
  };
  score: number | null;
}

export type CatalogFacet =
  | 'provider'
  | 'region'
  | 'category'
  | 'grade'
  | 'shareAttr'
  | 'openAttr'
  | 'operationAttr'
  | 'provisionMethod'
  | 'updateFrequency'
  | 'status';

export interface FacetValue {
  /** An org id, region code, enum value, category, or true/false for operationAttr. */
  value: string | boolean;
  /** The org's or region's name (provider and region facets). */
  label?: string;
  count: number;
}

export interface CatalogSearchResult {
  items: CatalogSearchItem[];
  total: number;
  facets: Record<CatalogFacet, FacetValue[]>;
}

export type CatalogScope = 'published' | 'mine' | 'review';

export interface CatalogSearchQuery {
  q?: string;
  scope?: CatalogScope;
  provider?: string[];
  region?: string[];
  category?: string[];
  grade?: string[];
  shareAttr?: string[];
  openAttr?: string[];
  operationAttr?: boolean;
  provisionMethod?: string[];
  updateFrequency?: string[];
  status?: string[];
  sort?: 'relevance' | 'updated' | 'name';
  limit?: number;
  offset?: number;
}

/** A duty on the deadline ledger as the catalog pages show it (review or update). */
export interface CatalogDuty {
  id: string;
  status: DutyStatus;
  startedAt: string;
  workingDays: number | null;
  dueDate: string | null;
  dueAt: string | null;
  overdue: boolean;
  /** Working days left until due (0 = due today); null when overdue, met or untimed. */
  remainingWorkingDays: number | null;
  /** Working days since it started: how long a duty without a deadline has waited. */
  ageWorkingDays: number;
  extensionCount: number;
  extendedDays: number;
  source: string;
}

export interface CatalogVersionSummary {
  version: number;
  versionId: string;
  status: CatalogVersionStatus;
  changeNote: string | null;
  updateCaseId: string | null;
  createdAt: string;
  submittedAt: string | null;
  reviewedAt: string | null;
  publishedAt: string | null;
}

export interface CatalogReview {
  id: string;
  version: number;
  versionId: string;
  decision: 'approve' | 'return';
  comment: string;
  reviewer: NamedRef;
  org: NamedRef;
  at: string;
}

/** A change of law or duties that obliges an update (000 第七条), with its duty. */
export interface CatalogUpdateCase {
  id: string;
  entryId: string;
  kind: 'law' | 'duties';
  description: string;
  status: 'open' | 'submitted' | 'done' | 'cancelled';
  openedAt: string;
  closedAt: string | null;
  versionId: string | null;
  duty: CatalogDuty | null;
}

/** GET /catalog/entries/{id}: a version with its history, as the caller may see it. */
/** One data item's proposed kind of personal information (GET /catalog/entries/{id}/pii-proposal). */
export interface FieldPiiProposal {
  name: string;
  label: string;
  type: string;
  currentKind: string | null;
  notLoaded: boolean;
  kind: string | null;
  kindLabel: string | null;
  confidence: 'certain' | 'likely' | 'possible' | null;
  share: number;
  matched: number;
  sampled: number;
}

export interface PiiProposal {
  entryId: string;
  catalogVersion: number;
  dataVersion: { versionNo: number; rows: number } | null;
  sampleSize: number;
  fields: FieldPiiProposal[];
}

export interface CatalogEntryDetail extends CatalogEntry {
  versions: CatalogVersionSummary[];
  reviews: CatalogReview[];
  published: CatalogEntry | null;
  reviewDuty: CatalogDuty | null;
  updateCases: CatalogUpdateCase[];
}

export interface CatalogReviewQueueItem {
  entryId: string;
  code: string;
  name: string;
  provider: NamedRef;
  version: number;
  versionId: string;
  isUpdate: boolean;
  changeNote: string | null;
  updateCaseId: string | null;
  submittedAt: string | null;
  duty: CatalogDuty | null;
}

/** One problem of an import file, located as the user sees it in the spreadsheet. */
export interface CatalogImportProblem {
  sheet: string;
  /** The spreadsheet row (1 = the header row). */
  row: number;
  /** The header of the offending column, or null for the whole row. */
  column: string | null;
  message: string;
  source?: string;
}

export interface CatalogImportResult {
  importId: string;
  partial: boolean;
  entryRows: number;
  imported: Array<{ row: number; ref: string; id: string; code: string; versionId: string; name: string }>;
  rejected: CatalogImportProblem[];
}
