/**
 * The demo province's base and theme databases (000 第十条), each with the demo catalog's
 * published entries that belong to it. Runs inside `gongshu seed-demo`'s transaction, after the
 * catalog; like the rest of the seed it is covered by the seed's one `demo.seed` audit event.
 */
import { randomUUID } from 'node:crypto';
import type { Kernel } from '../../kernel/context.js';
import type { Trx } from '../../kernel/db.js';
import { DEMO_CATALOG } from '../catalog/demo-data.js';
import { assertCollection } from './rules.js';
import * as repo from './repo.js';
import type { CollectionKind } from './tables.js';

interface DemoCollection {
  code: string;
  kind: CollectionKind;
  name: string;
  description: string;
  /** Demo org keys (src/modules/identity/demo.ts) of the building departments. */
  leads: string[];
  /** Names of demo catalog entries; those the demo leaves unpublished are left out. */
  entries: string[];
}

export const DEMO_COLLECTIONS: readonly DemoCollection[] = [
  {
    code: 'base-population',
    kind: 'base',
    name: '人口基础库',
    description: '全省人口的身份、户籍和证件基础信息，由公安部门建设完善。',
    leads: ['gat'],
    entries: ['人口基础信息', '居民身份证签发信息', '户籍迁移登记信息'],
  },
  {
    code: 'base-legal-person',
    kind: 'base',
    name: '法人基础库',
    description: '企业、个体工商户等市场主体的登记注册信息，由市场监管部门建设完善。',
    leads: ['scj'],
    entries: ['企业营业执照信息', '个体工商户登记信息'],
  },
  {
    code: 'base-e-licence',
    kind: 'base',
    name: '电子证照库',
    description: '各部门核发的许可证照的电子信息，由省大数据建设运营机构汇聚。',
    leads: ['dsj'],
    entries: ['食品生产许可证信息', '排污许可证信息', '特种设备使用登记信息'],
  },
  {
    code: 'base-credit',
    kind: 'base',
    name: '信用信息库',
    description: '市场主体的经营异常、行政处罚和公共信用评价信息，由营商环境建设部门统筹建设。',
    leads: ['yshj'],
    entries: ['企业经营异常名录', '海口市社会信用评价结果', '行政处罚信息（市场监管）', '环境行政处罚信息'],
  },
  {
    code: 'base-geo',
    kind: 'base',
    name: '自然资源和空间地理基础库',
    description: '不动产、国土空间规划、建设用地和基础测绘成果，由自然资源和规划、测绘地理信息部门建设完善。',
    leads: ['zrzy'],
    entries: ['不动产登记信息', '国土空间规划成果', '建设用地供应信息', '基础测绘地理信息', '矿业权登记信息'],
  },
  {
    code: 'theme-macro-economy',
    kind: 'theme',
    name: '宏观经济',
    description: '重大项目、价格监测和能源消费等宏观经济运行数据。',
    leads: ['hkfgw'],
    entries: ['海口市重大项目库', '海口市价格监测数据', '海口市能源消费统计', '三亚市旅游接待统计', '三亚市免税购物统计'],
  },
  {
    code: 'theme-gov-services',
    kind: 'theme',
    name: '政务服务',
    description: '政务服务事项的受理、办结和评价数据。',
    leads: ['yshj'],
    entries: ['海口市政务服务事项办件信息'],
  },
  { code: 'theme-health', kind: 'theme', name: '医疗健康', description: '医疗机构和卫生健康服务数据。', leads: [], entries: ['三亚市医疗机构信息'] },
  { code: 'theme-social-security', kind: 'theme', name: '社会保障', description: '社会救助和社会保障对象与待遇数据。', leads: [], entries: ['海口市最低生活保障对象信息'] },
  {
    code: 'theme-ecology',
    kind: 'theme',
    name: '生态环境',
    description: '空气、海域水质监测和污染源监管数据。',
    leads: ['sthj'],
    entries: ['空气质量实时监测数据', '重点排污单位名录', '排污许可证信息', '近岸海域水质监测数据', '核与辐射安全监管信息'],
  },
  { code: 'theme-ocean', kind: 'theme', name: '海洋管理', description: '近岸海域环境和海洋资源管理数据。', leads: ['sthj'], entries: ['近岸海域水质监测数据'] },
  { code: 'theme-emergency', kind: 'theme', name: '应急管理', description: '安全生产和特种设备等应急管理相关数据。', leads: [], entries: ['特种设备使用登记信息'] },
  { code: 'theme-state-assets', kind: 'theme', name: '国资监管', description: '国有企业资产、经营和投资监管数据（待纳入目录）。', leads: [], entries: [] },
];

/** Seeds the demo collections with their published member entries; returns how many collections. */
export async function insertDemoCollections(k: Kernel, trx: Trx, orgIds: Map<string, string>): Promise<{ collections: number; members: number }> {
  const published = new Set(DEMO_CATALOG.filter((d) => d.state === 'published').map((d) => d.input.name));
  const known = new Set(DEMO_CATALOG.map((d) => d.input.name));
  const names = [...new Set(DEMO_COLLECTIONS.flatMap((c) => c.entries))];
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) throw new Error(`demo collections name entries the demo catalog lacks: ${unknown.join(', ')}`);
  const wanted = names.filter((n) => published.has(n));
  const rows = wanted.length
    ? await trx
        .selectFrom('catalog_entries as e')
        .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
        .select(['e.id', 'v.name'])
        .where('v.name', 'in', wanted)
        .execute()
    : [];
  const idOf = new Map(rows.map((r) => [r.name, r.id]));
  const now = k.clock.now();
  let members = 0;
  for (const c of DEMO_COLLECTIONS) {
    assertCollection(c, true);
    const leadOrgIds = c.leads.map((key) => {
      const id = orgIds.get(key);
      if (!id) throw new Error(`demo org ${key} missing`);
      return id;
    });
    const id = randomUUID();
    await repo.insertCollection(trx, { id, code: c.code, kind: c.kind, name: c.name, description: c.description, created_at: now, updated_at: now });
    await repo.setLeads(trx, id, leadOrgIds);
    for (const name of c.entries) {
      const entryId = idOf.get(name);
      if (entryId && (await repo.addMember(trx, { collection_id: id, entry_id: entryId, added_at: now, added_by: null }))) members++;
    }
  }
  return { collections: DEMO_COLLECTIONS.length, members };
}
