/**
 * The demo province's orgs and users: 海南省 with its cities, about fifteen orgs covering every
 * org role, and a user for each role. Credit codes are synthetic but carry valid GB 32100 check
 * characters.
 */
import { randomUUID } from 'node:crypto';
import { usccCheckChar, idNumberCheckChar } from '../../kernel/codes.js';
import type { Kernel } from '../../kernel/context.js';
import type { Trx } from '../../kernel/db.js';
import type { OrgRole, UserRole } from '../../kernel/auth.js';
import { hashPassword } from './passwords.js';

/** A synthetic credit code: registration dept + category, region, a numbered org code, check char. */
export function demoUscc(prefix: '11' | '12' | '91', region: string, n: number): string {
  const first17 = `${prefix}${region}MB${String(n).padStart(7, '0')}`;
  return first17 + (usccCheckChar(first17) as string);
}

export interface DemoUser {
  login: string;
  name: string;
  roles: UserRole[];
}

export interface DemoOrg {
  key: string;
  name: string;
  region: string;
  prefix: '11' | '12' | '91';
  roles: OrgRole[];
  parent?: string;
  kind?: 'organization' | 'person';
  users: DemoUser[];
}

export const DEMO_ORGS: DemoOrg[] = [
  { key: 'dsj', name: '海南省大数据管理局', region: '460000', prefix: '12', roles: ['platform_admin'], users: [{ login: 'admin', name: '平台管理员', roles: ['org_admin'] }, { login: 'dsj_clerk', name: '林晓', roles: ['clerk'] }] },
  { key: 'yshj', name: '海南省营商环境建设厅', region: '460000', prefix: '11', roles: ['sharing_authority'], users: [{ login: 'yshj_reviewer', name: '陈静', roles: ['reviewer'] }, { login: 'yshj_admin', name: '王海', roles: ['org_admin'] }] },
  { key: 'sjj', name: '海南省数据局', region: '460000', prefix: '11', roles: ['data_authority'], users: [{ login: 'sjj_reviewer', name: '吴敏', roles: ['reviewer'] }] },
  {
    key: 'gat',
    name: '海南省公安厅',
    region: '460000',
    prefix: '11',
    roles: ['institution'],
    users: [
      { login: 'gat_clerk', name: '李明', roles: ['clerk'] },
      { login: 'gat_officer', name: '周强', roles: ['data_officer'] },
      { login: 'gat_admin', name: '郑伟', roles: ['org_admin'] },
    ],
  },
  { key: 'scj', name: '海南省市场监督管理局', region: '460000', prefix: '11', roles: ['institution'], users: [{ login: 'scj_clerk', name: '黄丽', roles: ['clerk'] }, { login: 'scj_officer', name: '何军', roles: ['data_officer'] }] },
  { key: 'sthj', name: '海南省生态环境厅', region: '460000', prefix: '11', roles: ['institution'], users: [{ login: 'sthj_clerk', name: '符芳', roles: ['clerk'] }, { login: 'sthj_officer', name: '邢涛', roles: ['data_officer'] }] },
  { key: 'zrzy', name: '海南省自然资源和规划厅', region: '460000', prefix: '11', roles: ['institution'], users: [{ login: 'zrzy_clerk', name: '云翔', roles: ['clerk'] }] },
  { key: 'hk', name: '海口市人民政府', region: '460100', prefix: '11', roles: ['institution'], users: [{ login: 'hk_admin', name: '冯波', roles: ['org_admin'] }] },
  {
    key: 'hkfgw',
    name: '海口市发展和改革委员会',
    region: '460100',
    prefix: '11',
    roles: ['institution'],
    parent: 'hk',
    users: [
      { login: 'hkfgw_analyst', name: '蔡宁', roles: ['clerk'] },
      { login: 'hkfgw_officer', name: '韩冬', roles: ['data_officer'] },
    ],
  },
  { key: 'sy', name: '三亚市政务服务数据管理局', region: '460200', prefix: '11', roles: ['institution'], users: [{ login: 'sy_clerk', name: '羊帆', roles: ['clerk'] }] },
  {
    key: 'ssjg',
    name: '海南省公共数据授权运营实施中心',
    region: '460000',
    prefix: '12',
    roles: ['implementing_agency'],
    users: [
      { login: 'ssjg_clerk', name: '孙悦', roles: ['clerk'] },
      { login: 'expert_li', name: '李教授', roles: ['expert'] },
    ],
  },
  { key: 'yy', name: '海南数据运营有限公司', region: '460100', prefix: '91', roles: ['operator'], users: [{ login: 'yunying_engineer', name: '钟毅', roles: ['clerk'] }, { login: 'yunying_admin', name: '欧阳华', roles: ['org_admin'] }] },
  { key: 'kf', name: '海南智数科技有限公司', region: '460100', prefix: '91', roles: ['developer'], users: [{ login: 'kaifa_dev', name: '曾琪', roles: ['clerk', 'org_admin'] }] },
  { key: 'gm', name: '海口云帆贸易有限公司', region: '460100', prefix: '91', roles: ['buyer'], users: [{ login: 'goumai_buyer', name: '谢远', roles: ['org_admin'] }] },
  {
    key: 'wx',
    name: '中共海南省委网络安全和信息化委员会办公室',
    region: '460000',
    prefix: '11',
    roles: ['auditor'],
    users: [
      { login: 'auditor_wx', name: '梁审', roles: ['auditor'] },
      { login: 'wx_reviewer', name: '莫言清', roles: ['reviewer'] },
    ],
  },
  { key: 'gs', name: '海南椰林食品有限公司', region: '460200', prefix: '91', roles: ['public'], users: [{ login: 'yelin_admin', name: '许诺', roles: ['org_admin'] }] },
  { key: 'zs', name: '张三', region: '460100', prefix: '91', roles: ['public'], kind: 'person', users: [{ login: 'zhangsan', name: '张三', roles: [] }] },
  // The other seats of the negative list's joint review (000 第十一条).
  { key: 'bb', name: '中共海南省委机构编制委员会办公室', region: '460000', prefix: '11', roles: ['auditor'], users: [{ login: 'bb_reviewer', name: '卢定', roles: ['reviewer'] }] },
  { key: 'bm', name: '海南省国家保密局', region: '460000', prefix: '11', roles: ['auditor'], users: [{ login: 'bm_reviewer', name: '邓密', roles: ['reviewer'] }] },
  { key: 'aq', name: '海南省国家安全厅', region: '460000', prefix: '11', roles: ['auditor'], users: [{ login: 'aq_reviewer', name: '严守', roles: ['reviewer'] }] },
];

/** True when the database already holds orgs (the seed never runs twice). */
export async function hasOrgs(trx: Trx): Promise<boolean> {
  return !!(await trx.selectFrom('orgs').select('id').limit(1).executeTakeFirst());
}

/** Inserts the demo orgs and users. Returns org ids by key. */
export async function insertDemoIdentity(k: Kernel, trx: Trx, passwords: { admin: string; demo: string }): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const [adminHash, demoHash] = await Promise.all([hashPassword(passwords.admin), hashPassword(passwords.demo)]);
  const now = k.clock.now();
  let n = 1;
  for (const o of DEMO_ORGS) {
    const id = randomUUID();
    ids.set(o.key, id);
    const person = o.kind === 'person';
    await trx
      .insertInto('orgs')
      .values({
        id,
        name: o.name,
        uscc: person ? null : demoUscc(o.prefix, o.region, n++),
        kind: person ? 'person' : 'organization',
        region_code: o.region,
        parent_id: o.parent ? (ids.get(o.parent) ?? null) : null,
        roles: o.roles,
        created_at: now,
      })
      .execute();
    for (const u of o.users) {
      const idNumber = person ? demoIdNumber(o.region, '19900307', 123) : null;
      await trx
        .insertInto('users')
        .values({
          id: randomUUID(),
          org_id: id,
          login: u.login,
          name: u.name,
          password_hash: u.login === 'admin' ? adminHash : demoHash,
          roles: u.roles,
          id_number_enc: idNumber ? k.crypto.encrypt(idNumber) : null,
          id_number_hmac: idNumber ? k.crypto.hmac(idNumber) : null,
          phone: null,
          locked_until: null,
          created_at: now,
          last_login_at: null,
        })
        .execute();
    }
  }
  return ids;
}

/** A synthetic resident ID number with a valid GB 11643 check character. */
export function demoIdNumber(region: string, birth: string, seq: number): string {
  const first17 = `${region}${birth}${String(seq).padStart(3, '0')}`;
  return first17 + (idNumberCheckChar(first17) as string);
}
