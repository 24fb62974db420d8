/** Test factories of the open data portal: a published open entry with the fields a test needs, and its data. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Kernel } from '../../kernel/context.js';
import { versionColumns } from '../catalog/repo.js';
import { indexVersion } from '../catalog/search.js';
import { nextTestEntrySeq } from '../ingest/factories.js';
import type { Attr, CatalogField } from '../catalog/tables.js';

/** Monthly figures without personal information. */
export const STATS_FIELDS: CatalogField[] = [
  { name: 'month', label: '统计月份', type: 'string', key: true, required: true },
  { name: 'region', label: '区划', type: 'string', key: true, required: true },
  { name: 'visitors', label: '接待人次', type: 'integer' },
  { name: 'revenue', label: '收入（万元）', type: 'number' },
  { name: 'note', label: '备注', type: 'string' },
];

export interface OpenEntryOptions {
  openAttr?: Attr;
  category?: string;
  description?: string;
  updateFrequency?: string;
  priorityAreas?: string[];
}

/** Inserts a published entry (version 1, indexed for search) of the org whose name is given; returns its id and code. */
export async function makeOpenEntry(k: Kernel, orgName: string, name: string, fields: CatalogField[] = STATS_FIELDS, opts: OpenEntryOptions = {}): Promise<{ id: string; code: string; versionId: string }> {
  const db = k.db.kysely;
  const org = await db.selectFrom('orgs').select(['id', 'uscc', 'region_code']).where('name', '=', orgName).executeTakeFirstOrThrow();
  const seq = await nextTestEntrySeq(db, org.id);
  const id = randomUUID();
  const versionId = randomUUID();
  const code = `${org.region_code}-${org.uscc ?? ''}-T${seq}`;
  const now = k.clock.now();
  const openAttr = opts.openAttr ?? 'unconditional';
  await db
    .insertInto('catalog_entries')
    .values({ id, code, provider_org_id: org.id, region_code: org.region_code, seq, published_version: 1, latest_version: 1, created_at: now, updated_at: now })
    .execute();
  await db
    .insertInto('catalog_versions')
    .values({
      id: versionId,
      entry_id: id,
      version: 1,
      status: 'published',
      ...versionColumns({
        name,
        description: opts.description ?? `${name}的测试数据。`,
        format: 'table',
        fields,
        shareAttr: 'unconditional',
        shareConditions: null,
        openAttr,
        openConditions: openAttr === 'conditional' ? { conditions: '须说明用途', useRequirements: '不得转授' } : null,
        notOpenReason: openAttr === 'none' ? 'law' : null,
        operationAttr: false,
        provisionMethods: ['api', 'file'],
        updateFrequency: (opts.updateFrequency ?? 'monthly') as 'monthly',
        category: opts.category ?? '旅游',
        grade: 'general',
        priorityAreas: (opts.priorityAreas ?? []) as Array<'industry'>,
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
  await indexVersion(db, versionId);
  return { id, code, versionId };
}

/** Loads `csv` into the entry as its provider's clerk (replace mode); returns the load report. */
export async function loadCsv(app: FastifyInstance, clerk: { cookie: string; csrf: string }, entryId: string, csv: string) {
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/catalog/entries/${entryId}/loads?mode=replace`,
    headers: { cookie: clerk.cookie, 'x-csrf-token': clerk.csrf, 'content-type': 'text/csv' },
    payload: csv,
  });
  if (res.statusCode !== 201) throw new Error(`load failed: ${res.statusCode} ${res.body}`);
  return res.json() as { status: string; rowsAccepted: number };
}

/** `n` rows of monthly figures as CSV; row i's note holds a comma and a quote to test quoting. */
export function statsCsv(n: number): string {
  const lines = ['month,region,visitors,revenue,note'];
  for (let i = 1; i <= n; i++) {
    const month = `2026-${String(((i - 1) % 12) + 1).padStart(2, '0')}`;
    const region = `4602${String(Math.floor((i - 1) / 12)).padStart(2, '0')}`;
    lines.push(`${month},${region},${1000 + i},${(i * 1.5).toFixed(2)},"备注${i}，含""引号"", 和逗号"`);
  }
  return `${lines.join('\n')}\n`;
}
