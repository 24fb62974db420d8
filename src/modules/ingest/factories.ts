/** Test factories of the ingest module: a published catalog entry with the fields a test needs. */
import { randomUUID } from 'node:crypto';
import type { Kernel } from '../../kernel/context.js';
import { versionColumns } from '../catalog/repo.js';
import type { CatalogField } from '../catalog/tables.js';

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

/** Inserts a published entry (version 1) of the org whose name is given; returns its id. */
export async function makePublishedEntry(k: Kernel, orgName: string, fields: CatalogField[] = PEOPLE_FIELDS, name = '测试人口数据'): Promise<string> {
  const db = k.db.kysely;
  const org = await db.selectFrom('orgs').select(['id', 'uscc', 'region_code']).where('name', '=', orgName).executeTakeFirstOrThrow();
  const seq = 900 + Math.floor(Math.random() * 99_000);
  const id = randomUUID();
  const now = k.clock.now();
  await db
    .insertInto('catalog_entries')
    .values({ id, code: `${org.region_code}-${org.uscc ?? ''}-T${seq}`, provider_org_id: org.id, region_code: org.region_code, seq, published_version: 1, latest_version: 1, created_at: now, updated_at: now })
    .execute();
  await db
    .insertInto('catalog_versions')
    .values({
      id: randomUUID(),
      entry_id: id,
      version: 1,
      status: 'published',
      ...versionColumns({
        name,
        format: 'table',
        fields,
        shareAttr: 'conditional',
        shareConditions: { scope: '政务部门履职', usage: '测试' },
        openAttr: 'none',
        notOpenReason: 'personal_info',
        operationAttr: false,
        provisionMethods: ['batch'],
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
  return id;
}
