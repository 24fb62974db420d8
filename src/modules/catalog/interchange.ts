/**
 * Catalog interchange use cases: the DCAT document (dcat.ts), the XLSX import template, the
 * import of many drafts from one file, and the annual-review export (xlsx.ts holds the workbook
 * work). An import is one transaction: each row is checked by the same rules and inserted by the
 * same `insertDraft` as a draft made in the browser, under a savepoint so a refused row leaves
 * nothing behind; a file with any bad row imports nothing unless the caller accepts a partial
 * import.
 */
import { randomUUID } from 'node:crypto';
import type { PassThrough } from 'node:stream';
import { sql } from 'kysely';
import { Value } from 'typebox/value';
import { audit } from '../../kernel/audit.js';
import { actorOf, hasOrgRole, requirePermission, type AuthContext } from '../../kernel/auth.js';
import { beijingDate } from '../../kernel/clock.js';
import type { Kernel } from '../../kernel/context.js';
import { sm3 } from '../../kernel/crypto.js';
import type { Executor } from '../../kernel/db.js';
import { AppError } from '../../kernel/errors.js';
import { insertDraft } from './entries.service.js';
import { CAN_DRAFT_NEEDS, canDraft, entryViolations } from './rules.js';
import { EntryBody } from './schema.js';
import type { CatalogField, VersionStatus } from './tables.js';
import {
  buildTemplate,
  columnForSource,
  importRejected,
  locateField,
  OPEN_LABELS,
  parseImportWorkbook,
  SHARE_LABELS,
  sortProblems,
  streamExport,
  type ExportEntry,
  type ImportProblem,
  type ParsedEntry,
} from './xlsx.js';

export { publishedCatalogDcat } from './dcat.js';

// ── Template ──

const templates = new Map<string, Promise<Buffer>>();

/** The import template (the same for everyone; built once per jurisdiction and kept). */
export function importTemplate(k: Pick<Kernel, 'profile'>): Promise<Buffer> {
  const key = k.profile.id;
  let t = templates.get(key);
  if (!t) {
    t = buildTemplate({ title: `${k.profile.region.name}公共数据目录导入模板` });
    t.catch(() => templates.delete(key));
    templates.set(key, t);
  }
  return t;
}

// ── Import ──

export interface ImportedEntry {
  /** The row of 目录 it came from, and its 序号. */
  row: number;
  ref: string;
  id: string;
  code: string;
  versionId: string;
  name: string;
}

export interface ImportResult {
  importId: string;
  partial: boolean;
  /** Entry rows read (example rows not counted). */
  entryRows: number;
  imported: ImportedEntry[];
  /** Every problem of the rows not imported (empty unless `partial`). */
  rejected: ImportProblem[];
}

/** Error codes that refuse one row (its content); any other error refuses the whole import. */
const ROW_ERRORS = new Set(['VALIDATION', 'RULE_VIOLATION', 'INVALID_CODE']);

/** The labels a column's values are shown with in the spreadsheet. */
const COLUMN_LABELS: Record<string, Record<string, string>> = { 共享属性: SHARE_LABELS, 开放属性: OPEN_LABELS, 授权运营属性: { true: '是', false: '否' } };

/**
 * Rule messages name JSON keys and values for API clients; in a spreadsheet the column says the
 * key already and values are written as their labels.
 */
function plain(message: string, column: string | null): string {
  const labels = column ? COLUMN_LABELS[column] : undefined;
  return message
    .replace(/（[A-Za-z0-9_.\/ =]+）/g, '')
    .replace(/须为 ([a-z_]+)/g, (all, v: string) => (labels?.[v] ? `须为“${labels[v]}”` : all));
}

/** A problem from a rule message, which may end in "（依据 <article>）". */
function problemAt(where: { sheet: string; row: number; column: string | null }, message: string, source?: string): ImportProblem {
  const m = /（依据 ([^）]+)）$/.exec(message);
  const text = plain(m ? message.slice(0, m.index) : message, where.column);
  const src = m?.[1] ?? source;
  return { ...where, message: text, ...(src ? { source: src } : {}) };
}

const SCHEMA_MESSAGE: Record<string, (p: Record<string, unknown>) => string> = {
  maxLength: (p) => `最多 ${String(p.limit)} 个字符`,
  maxItems: (p) => `最多 ${String(p.limit)} 项`,
  minLength: (p) => `至少 ${String(p.limit)} 个字符`,
  pattern: () => '格式不正确',
  format: () => '格式不正确',
};

/**
 * Every problem of one parsed row before it is inserted: its unreadable cells, what the route's
 * schema would refuse (lengths, counts), and — when it already has a problem, so it will not be
 * inserted — the catalog's rules too, so the user sees all of a row's problems at once.
 */
function preflight(e: ParsedEntry): ImportProblem[] {
  const problems: ImportProblem[] = [];
  const seen = new Set<string>();
  const add = (p: ImportProblem) => {
    const key = `${p.sheet}:${p.row}:${p.column ?? p.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    problems.push(p);
  };
  e.problems.forEach(add);
  for (const err of Value.Errors(EntryBody, e.input)) {
    const message = SCHEMA_MESSAGE[err.keyword];
    if (message) add({ ...locateField(err.instancePath, e), message: message(err.params as Record<string, unknown>) });
  }
  if (problems.length) for (const v of entryViolations(e.input)) add(problemAt(locateField(v.field, e), v.message, v.source));
  return problems;
}

/** The problems of a row `insertDraft` refused. */
function refusalProblems(err: AppError, e: ParsedEntry): ImportProblem[] {
  if (err.fields?.length) return err.fields.map((f) => problemAt(locateField(f.field, e), f.message, err.source));
  return [problemAt({ sheet: '目录', row: e.row, column: columnForSource(err.source) }, err.message, err.source)];
}

/**
 * Imports the entries of a filled-in template as drafts of the caller's org (000 第六条), in one
 * transaction. Without `partial`, any bad row (or orphan data item) refuses the whole file with a
 * 422 listing every problem by sheet, row, column, message and article; with `partial`, the good
 * rows are imported and the bad ones reported. Writes each draft's own audit event and one
 * `catalog.import` event summarising the file.
 */
export async function importEntries(k: Kernel, auth: AuthContext, file: Buffer, opts: { partial: boolean }): Promise<ImportResult> {
  requirePermission(canDraft(auth), CAN_DRAFT_NEEDS);
  const { entries, orphanProblems } = await parseImportWorkbook(file);
  if (entries.length === 0) {
    if (orphanProblems.length) throw importRejected(sortProblems(orphanProblems), 0);
    throw new AppError('VALIDATION', '文件中没有要导入的目录：请在“目录”表填写（序号为“示例”的行不会导入）');
  }
  const importId = randomUUID();
  return k.db.kysely.transaction().execute(async (trx) => {
    const imported: ImportedEntry[] = [];
    const rejected: ImportProblem[] = [...orphanProblems];
    for (const e of entries) {
      const problems = preflight(e);
      if (problems.length) {
        rejected.push(...problems);
        continue;
      }
      // A savepoint per row: a refusal (or a failed statement) undoes only this row.
      await sql`SAVEPOINT catalog_import_row`.execute(trx);
      try {
        const r = await insertDraft(k, trx, auth, e.input);
        await sql`RELEASE SAVEPOINT catalog_import_row`.execute(trx);
        imported.push({ row: e.row, ref: e.ref, ...r, name: e.input.name.trim() });
      } catch (err) {
        await sql`ROLLBACK TO SAVEPOINT catalog_import_row`.execute(trx);
        if (!(err instanceof AppError) || !ROW_ERRORS.has(err.code)) throw err;
        rejected.push(...refusalProblems(err, e));
      }
    }
    const sorted = sortProblems(rejected);
    // Throwing rolls the whole transaction back: nothing of the file stays.
    if (imported.length === 0 || (sorted.length > 0 && !opts.partial)) throw importRejected(sorted, entries.length);
    await audit(k, trx, actorOf(auth), {
      action: 'catalog.import',
      objectType: 'catalog_import',
      objectId: importId,
      details: {
        file: { bytes: file.length, sm3: sm3(file) },
        partial: opts.partial,
        entryRows: entries.length,
        imported: imported.map((i) => i.code),
        rejectedRows: new Set(sorted.map((p) => `${p.sheet}:${p.row}`)).size,
        problems: sorted.length,
      },
    });
    return { importId, partial: opts.partial, entryRows: entries.length, imported, rejected: sorted };
  });
}

// ── Export ──

const BATCH = 500;
const OWN_UNPUBLISHED: VersionStatus[] = ['draft', 'submitted', 'returned'];

/**
 * Which versions an export holds for the caller: every entry's published version (the catalog
 * is notified to every institution, 000 第六条); the caller's own org's versions not yet
 * published; and for the sharing authority, the versions submitted to it for review.
 */
function exportScope(auth: AuthContext) {
  const authority = hasOrgRole(auth, 'sharing_authority');
  return { orgId: auth.org.id, authority };
}

type Scope = ReturnType<typeof exportScope>;
type Cursor = { code: string; version: number };

/** One page of the versions an export holds, after `cursor` in (code, version) order. */
function exportPage(db: Executor, scope: Scope, cursor: Cursor | null) {
  return db
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', 'v.entry_id', 'e.id')
    .innerJoin('orgs as o', 'o.id', 'e.provider_org_id')
    .leftJoin('regions as r', 'r.code', 'e.region_code')
    .select([
      'e.code',
      'e.region_code',
      'r.name as region_name',
      'o.name as provider',
      'v.id as version_id',
      'v.version',
      'v.status',
      'v.published_at',
      'v.updated_at',
      'v.name',
      'v.description',
      'v.format',
      'v.category',
      'v.grade',
      'v.update_frequency',
      'v.provision_methods',
      'v.share_attr',
      'v.share_conditions',
      'v.no_share_basis',
      'v.open_attr',
      'v.open_conditions',
      'v.not_open_reason',
      'v.open_safeguards',
      'v.operation_attr',
      'v.usage_conditions',
      'v.priority_areas',
      'v.assessments',
    ])
    .where((eb) =>
      eb.or([
        eb('v.status', '=', 'published'),
        eb.and([eb('e.provider_org_id', '=', scope.orgId), eb('v.status', 'in', OWN_UNPUBLISHED)]),
        ...(scope.authority ? [eb('v.status', '=', 'submitted')] : []),
      ]),
    )
    .$if(cursor !== null, (q) => q.where(sql<boolean>`(e.code, v.version) > (${cursor?.code ?? ''}, ${cursor?.version ?? 0})`))
    .orderBy('e.code')
    .orderBy('v.version')
    .limit(BATCH)
    .execute();
}

async function* exportEntries(db: Executor, scope: Scope): AsyncGenerator<Array<ExportEntry & { versionId: string }>> {
  let cursor: Cursor | null = null;
  for (;;) {
    const rows = await exportPage(db, scope, cursor);
    yield rows.map((r) => ({
      versionId: r.version_id,
      code: r.code,
      provider: r.provider,
      region: r.region_name ? `${r.region_name}（${r.region_code}）` : r.region_code,
      version: r.version,
      status: r.status,
      publishedAt: r.published_at ? new Date(r.published_at) : null,
      updatedAt: new Date(r.updated_at),
      name: r.name,
      description: r.description,
      format: r.format,
      category: r.category,
      grade: r.grade,
      updateFrequency: r.update_frequency,
      provisionMethods: r.provision_methods,
      shareAttr: r.share_attr,
      shareConditions: r.share_conditions ?? null,
      noShareBasis: r.no_share_basis,
      openAttr: r.open_attr,
      openConditions: r.open_conditions ?? null,
      notOpenReason: r.not_open_reason,
      openSafeguards: r.open_safeguards,
      operationAttr: r.operation_attr,
      usageConditions: r.usage_conditions,
      priorityAreas: r.priority_areas,
      assessments: r.assessments,
    }));
    const last = rows[rows.length - 1];
    if (!last || rows.length < BATCH) return;
    cursor = { code: last.code, version: last.version };
  }
}

async function* exportFields(db: Executor, versionIds: string[]): AsyncGenerator<Array<{ versionId: string; fields: CatalogField[] }>> {
  for (let i = 0; i < versionIds.length; i += BATCH) {
    const ids = versionIds.slice(i, i + BATCH);
    const rows = await db.selectFrom('catalog_versions').select(['id', 'fields']).where('id', 'in', ids).execute();
    const byId = new Map(rows.map((r) => [r.id, r.fields]));
    yield ids.map((id) => ({ versionId: id, fields: byId.get(id) ?? [] }));
  }
}

/**
 * The catalog as an XLSX workbook for the annual review, streamed: one row per entry version the
 * caller may see (see `exportScope`), every attribute in Chinese, data items on a second sheet.
 * Any signed-in user; the export is audited.
 */
export async function exportCatalog(k: Kernel, auth: AuthContext): Promise<{ stream: PassThrough; fileName: string }> {
  const scope = exportScope(auth);
  await k.db.kysely.transaction().execute((trx) =>
    audit(k, trx, actorOf(auth), { action: 'catalog.export', objectType: 'catalog', objectId: null, details: { format: 'xlsx', withUnpublishedOf: scope.orgId, withSubmitted: scope.authority } }),
  );
  const db = k.db.kysely;
  const title = `${k.profile.region.name}公共数据目录`;
  const day = beijingDate(k.clock.now());
  const stream = streamExport({ entries: () => exportEntries(db, scope), fields: (ids) => exportFields(db, ids) }, { title });
  return { stream, fileName: `${title}-${day}.xlsx` };
}
