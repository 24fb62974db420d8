/** Platform routes: health, the active jurisdiction profile, background job status. */
import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import type { Kernel } from '../../kernel/context.js';
import { authOf } from '../../kernel/http.js';
import { isPlatformAdmin, PLATFORM_ADMIN_NEEDS, requirePermission } from '../../kernel/auth.js';
import { describeSource } from '../../jurisdictions/profile.js';

export const platformRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  app.get('/api/health', { schema: { tags: ['platform'], summary: '健康检查' } }, async () => {
    await sql`SELECT 1`.execute(k.db.kysely);
    return { status: 'ok', db: k.db.kind };
  });

  app.get('/api/v1/jurisdiction', { schema: { tags: ['platform'], summary: '当前适用的管辖规则及其依据' } }, async () => {
    const p = k.profile;
    const params = Object.fromEntries(Object.entries(p.params).map(([key, param]) => [key, { ...param, sourceText: describeSource(p, param.source) }]));
    return { id: p.id, name: p.name, region: p.region, documents: p.documents, params };
  });

  app.get('/api/v1/jobs', { schema: { tags: ['platform'], summary: '后台任务最近一次运行（平台管理员）' } }, async (req) => {
    requirePermission(isPlatformAdmin(authOf(req)), PLATFORM_ADMIN_NEEDS);
    const rows = await k.db.kysely.selectFrom('job_runs').selectAll().orderBy('name').execute();
    return { items: rows.map((r) => ({ name: r.name, lastRunAt: r.last_run_at.toISOString(), lastResult: r.last_result })) };
  });
};
