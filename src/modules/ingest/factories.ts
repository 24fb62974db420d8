/** Test factories of the ingest module: a published catalog entry with the fields a test needs. */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { AuthContext } from '../../kernel/auth.js';
import type { Kernel } from '../../kernel/context.js';
import type { Executor } from '../../kernel/db.js';
import * as identityRepo from '../identity/repo.js';
import { authFromRow } from '../identity/views.js';
import { versionColumns } from '../catalog/repo.js';
import type { CatalogField } from '../catalog/tables.js';
import { synthBankCard, synthIdNumber, synthUscc } from './synth.js';

/** Every field type and every validated kind of personal information. */
export const PEOPLE_FIELDS: CatalogField[] = [
  { name: 'id_number', label: '公民身份号码', type: 'string', key: true, required: true, piiKind: 'id_number' },
  { name: 'name', label: '姓名', type: 'string', required: true, piiKind: 'name' },
  { name: 'mobile', label: '手机号码', type: 'string', piiKind: 'mobile' },
  { name: 'card', label: '银行卡号', type: 'string', piiKind: 'bank_card' },
  { name: 'region', label: '户籍地区划', type: 'string', piiKind: 'region_code' },
  { name: 'company', label: '工作单位信用代码', type: 'string', piiKind: 'uscc' },
  { name: 'birth', label: '出生日期', type: 'date' },
  { name: 'household', label: '家庭人口', type: 'integer' },
  { name: 'income', label: '月收入', type: 'number' },
  { name: 'active', label: '有效', type: 'boolean' },
  { name: 'updated_at', label: '更新时间', type: 'datetime' },
];

/** Row `i` of a synthetic population over PEOPLE_FIELDS: valid identifiers, two districts, a fixed birth date. */
export const personRow = (i: number): Record<string, string> => ({
  id_number: synthIdNumber('460105', '19900307', i),
  name: `居民${i}`,
  mobile: `139${String(i).padStart(8, '0')}`,
  card: synthBankCard(i),
  region: i % 3 === 0 ? '460106' : '460105',
  company: synthUscc('460100', i),
  birth: '1990-03-07',
  household: String((i % 5) + 1),
  income: `${1000 + i}.50`,
  active: i % 2 ? 'true' : 'false',
  updated_at: '2026-09-18T10:00:00+08:00',
});

/** Rows as the CSV a load takes: a header of the fields' names, then one line a row. */
export const rowsCsv = (rows: ReadonlyArray<Record<string, string>>, fields: readonly CatalogField[] = PEOPLE_FIELDS): string =>
  `${fields.map((f) => f.name).join(',')}\n${rows.map((r) => fields.map((f) => r[f.name]).join(',')).join('\n')}\n`;

/** What a test entry may set beyond its fields and name. */
export interface EntryOptions {
  /** 提供方式 (default: batch only). */
  provisionMethods?: Array<'api' | 'batch' | 'file' | 'sandbox'>;
  /** 开放属性 (default: not open, on personal information). */
  openAttr?: 'unconditional' | 'conditional' | 'none';
}

/** Inserts the published catalog version `version` of an entry with these fields. */
async function insertPublishedVersion(k: Kernel, entryId: string, version: number, fields: CatalogField[], name: string, opts: EntryOptions = {}): Promise<void> {
  const now = k.clock.now();
  await k.db.kysely
    .insertInto('catalog_versions')
    .values({
      id: randomUUID(),
      entry_id: entryId,
      version,
      status: 'published',
      ...versionColumns({
        name,
        format: 'table',
        fields,
        shareAttr: 'conditional',
        shareConditions: { scope: '政务部门履职', usage: '测试' },
        openAttr: opts.openAttr ?? 'none',
        notOpenReason: (opts.openAttr ?? 'none') === 'none' ? 'personal_info' : null,
        operationAttr: false,
        provisionMethods: opts.provisionMethods ?? ['batch'],
        updateFrequency: 'daily',
        category: '人口',
        grade: 'important',
      }),
      change_note: null,
      update_case_id: null,
      created_by: null,
      created_at: now,
      updated_at: now,
      submitted_by: null,
      submitted_at: now,
      reviewed_at: now,
      reviewed_by: null,
      review_comment: null,
      published_at: now,
    })
    .execute();
}

let lastTestSeq = 900;

/**
 * The sequence number of an entry a test makes for an org: past the org's highest (the demo's, and
 * those registered through the API, which take the highest plus one) and past every number this
 * process handed out, so entries made one after another or at once never collide.
 */
export async function nextTestEntrySeq(db: Executor, orgId: string): Promise<number> {
  const top = await db.selectFrom('catalog_entries').select((eb) => eb.fn.max('seq').as('max')).where('provider_org_id', '=', orgId).executeTakeFirst();
  lastTestSeq = Math.max(Number(top?.max ?? 0) + 1, lastTestSeq + 1);
  return lastTestSeq;
}

/** Inserts a published entry (version 1) of the org whose name is given; returns its id. */
export async function makePublishedEntry(k: Kernel, orgName: string, fields: CatalogField[] = PEOPLE_FIELDS, name = '测试人口数据', opts: EntryOptions = {}): Promise<string> {
  const db = k.db.kysely;
  const org = await db.selectFrom('orgs').select(['id', 'uscc', 'region_code']).where('name', '=', orgName).executeTakeFirstOrThrow();
  const seq = await nextTestEntrySeq(db, org.id);
  const id = randomUUID();
  const now = k.clock.now();
  await db
    .insertInto('catalog_entries')
    .values({ id, code: `${org.region_code}-${org.uscc ?? ''}-T${seq}`, provider_org_id: org.id, region_code: org.region_code, seq, published_version: 1, latest_version: 1, created_at: now, updated_at: now })
    .execute();
  await insertPublishedVersion(k, id, 1, fields, name, opts);
  return id;
}

/** Publishes the next catalog version of an entry with `fields` (the previous one superseded); returns its number. */
export async function publishNextVersion(k: Kernel, entryId: string, fields: CatalogField[], name = '测试人口数据'): Promise<number> {
  const db = k.db.kysely;
  const e = await db.selectFrom('catalog_entries').select('latest_version').where('id', '=', entryId).executeTakeFirstOrThrow();
  const version = e.latest_version + 1;
  await db.updateTable('catalog_versions').set({ status: 'superseded' }).where('entry_id', '=', entryId).where('status', '=', 'published').execute();
  await insertPublishedVersion(k, entryId, version, fields, name);
  await db.updateTable('catalog_entries').set({ published_version: version, latest_version: version }).where('id', '=', entryId).execute();
  return version;
}

/** The auth context of a demo user as a session carries it, for calling services with their test hooks. */
export async function authOf(k: Kernel, login: string): Promise<AuthContext> {
  const row = await identityRepo.findAuthRow(k.db.kysely, { login });
  if (!row) throw new Error(`no user ${login}`);
  return authFromRow(row, 'session', null);
}

/** The tables now in schema `datasets`. */
export async function datasetTables(k: Kernel): Promise<Set<string>> {
  const r = await sql<{ name: string }>`SELECT tablename AS name FROM pg_catalog.pg_tables WHERE schemaname = 'datasets'`.execute(k.db.kysely);
  return new Set(r.rows.map((t) => t.name));
}

