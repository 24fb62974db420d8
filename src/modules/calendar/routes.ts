/** Working-day calendar routes: the calculator (public) and the admin's editor. */
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kernel } from '../../kernel/context.js';
import { authOf } from '../../kernel/http.js';
import * as service from './service.js';

const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD', examples: ['2026-09-30'] });
const Kind = Type.Union([Type.Literal('holiday'), Type.Literal('workday')]);
const DayBody = Type.Object({ kind: Kind, name: Type.String({ minLength: 1, maxLength: 50 }) }, { additionalProperties: false });

export const calendarRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/api/v1/calendar/add-working-days',
    {
      schema: {
        tags: ['calendar'],
        summary: '自某日起算 N 个工作日的期限届满日（自次日起算，民法典第二百零一条）',
        querystring: Type.Object({ from: IsoDate, days: Type.Integer({ minimum: 0, maximum: 3650 }) }),
      },
    },
    async (req) => service.addWorkingDaysFrom(k, req.query.from, req.query.days),
  );
  r.get('/api/v1/calendar/years', { schema: { tags: ['calendar'], summary: '已收录节假日安排的年份' } }, async () => service.listYears(k));
  r.get(
    '/api/v1/calendar/days',
    { schema: { tags: ['calendar'], summary: '某年的节假日与调休上班日', querystring: Type.Object({ year: Type.Integer({ minimum: 1949, maximum: 2200 }) }) } },
    async (req) => service.listDays(k, req.query.year),
  );
  r.put(
    '/api/v1/calendar/days/:day',
    { schema: { tags: ['calendar'], summary: '设置节假日或调休上班日（平台管理员）', params: Type.Object({ day: IsoDate }), body: DayBody } },
    async (req) => service.setDay(k, authOf(req), req.params.day, req.body),
  );
  r.delete(
    '/api/v1/calendar/days/:day',
    { schema: { tags: ['calendar'], summary: '清除某日的设置（平台管理员）', params: Type.Object({ day: IsoDate }) } },
    async (req, reply) => {
      await service.clearDay(k, authOf(req), req.params.day);
      return reply.status(204).send();
    },
  );
  r.put(
    '/api/v1/calendar/years/:year',
    {
      schema: {
        tags: ['calendar'],
        summary: '按国务院通知导入整年安排（平台管理员）',
        params: Type.Object({ year: Type.Integer({ minimum: 1949, maximum: 2200 }) }),
        body: Type.Object(
          { source: Type.String({ minLength: 2, maxLength: 300 }), days: Type.Array(Type.Object({ day: IsoDate, kind: Kind, name: Type.String({ minLength: 1, maxLength: 50 }) }, { additionalProperties: false }), { maxItems: 366 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => service.importYear(k, authOf(req), req.params.year, req.body),
  );
};
