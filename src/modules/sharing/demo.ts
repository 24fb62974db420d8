/**
 * The demo's sandbox grants (数据可用不可见), made through the sharing services like any other grant —
 * request, signature, the provider's answer — so each step is audited and on the deadline ledger:
 * - the operator 海南数据运营有限公司 analyses 人口基础信息 of 省公安厅 with the default column
 *   policies (ID number join key, name hidden, gender plain, birth date and address group keys), no
 *   differential privacy, no release approval;
 * - it also analyses 企业营业执照信息 of 省市场监管局 (unconditional: granted at once on signature),
 *   on which the provider then turns differential privacy on.
 */
import type { AuthContext } from '../../kernel/auth.js';
import { beijingDate } from '../../kernel/clock.js';
import type { Kernel } from '../../kernel/context.js';
import * as identityRepo from '../identity/repo.js';
import { authFromRow } from '../identity/views.js';
import { setSandboxSettings } from './sandbox-settings.js';
import { createRequest, decideRequest, signRequest } from './service.js';

async function authOf(k: Kernel, login: string): Promise<AuthContext | null> {
  const row = await identityRepo.findAuthRow(k.db.kysely, { login });
  return row ? authFromRow(row, 'session', null) : null;
}

async function publishedEntryId(k: Kernel, name: string): Promise<string | null> {
  const e = await k.db.kysely
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select('e.id')
    .where('v.name', '=', name)
    .orderBy('e.created_at')
    .executeTakeFirst();
  return e?.id ?? null;
}

export interface DemoSandboxGrants {
  /** The operator's grant on 人口基础信息 (default policies). */
  population: string | null;
  /** The operator's grant on 企业营业执照信息 (differential privacy on). */
  licences: string | null;
}

/** Seeds the demo's sandbox grants; an entry or user the demo lacks skips its grant. */
export async function insertDemoSandboxGrants(k: Kernel): Promise<DemoSandboxGrants> {
  const [engineer, operatorAdmin, gat, scj] = await Promise.all(['yunying_engineer', 'yunying_admin', 'gat_officer', 'scj_officer'].map((login) => authOf(k, login)));
  const out: DemoSandboxGrants = { population: null, licences: null };
  if (!engineer || !operatorAdmin) return out;
  const validUntil = `${Number(beijingDate(k.clock.now()).slice(0, 4)) + 1}-12-31`;
  const request = {
    basis: '《海南省公共数据产品开发利用暂行管理办法》第十一条；公共数据资源授权运营协议',
    scope: '海南数据运营有限公司数据产品研发部，仅在平台隐私沙箱内使用',
    method: 'sandbox' as const,
    validUntil,
  };

  const population = await publishedEntryId(k, '人口基础信息');
  if (population && gat) {
    const r = await createRequest(k, engineer, {
      ...request,
      entryId: population,
      fields: ['id_number', 'name', 'gender', 'birth_date', 'address'],
      scenario: '全省人口年龄、性别结构统计产品研发（数据可用不可见）',
    });
    await signRequest(k, operatorAdmin, r.id);
    // The default policies: the provider names none.
    const d = await decideRequest(k, gat, r.id, { decision: 'approve', reason: '同意在平台隐私沙箱内按默认列策略分析，原始数据不出域' });
    out.population = d.grantId;
  }

  const licences = await publishedEntryId(k, '企业营业执照信息');
  if (licences && scj) {
    const r = await createRequest(k, engineer, {
      ...request,
      entryId: licences,
      fields: ['uscc', 'type', 'reg_date', 'reg_capital'],
      scenario: '市场主体注册资本分布分析产品研发（差分隐私）',
    });
    const signed = await signRequest(k, operatorAdmin, r.id);
    if (signed.grantId) {
      await setSandboxSettings(k, scj, signed.grantId, {
        dp: { epsilonBudget: 5, epsilonPerQuery: 0.5, bounds: { reg_capital: [0, 100_000] }, maxRowsPerSubject: 1 },
        reason: '注册资本按差分隐私提供：ε 总预算 5，每次查询 0.5',
      });
      out.licences = signed.grantId;
    }
  }
  return out;
}
