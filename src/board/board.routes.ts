import { z } from 'zod';
import type { KpiService } from '../callback/kpis';
import type { ReadSource } from '../db/read-replica';
import type { ApiRouter } from '../http/api-router';
import { instant } from '../http/validate';
import { shanghaiDay } from '../shared/time';
import { boardFigures, mapFigures } from './board.repository';

const count = z.number().int();
const rate = z.number().nullable();
const named = z.object({ name: z.string(), count });

/** The supervisors' board (督办 / 值班长 / 中心主任): one read of everything the overview shows, live in the console. */
export function registerBoardRoutes(api: ApiRouter, deps: { reads: ReadSource; kpis: KpiService }): void {
  api.route({
    method: 'get',
    path: '/board',
    tag: 'kpis',
    summary:
      'The supervisors’ board: today by channel and hour, open by status, overdue and at risk by department, 三率, busiest categories and places',
    description:
      'today: since 00:00 Beijing time, byHour by Beijing hour. departments: the 12 with the most overdue (past their next deadline) and at ' +
      'risk (due within 4 hours) open tickets. rates: the 三率 of the last 30 days’ callbacks. categories, regions: the last 7 days.',
    access: ['supervisor', 'director', 'admin'],
    response: z.object({
      at: instant,
      today: z.object({ total: count, byChannel: z.array(z.object({ channel: z.string(), count })), byHour: z.array(count).length(24) }),
      open: z.array(z.object({ status: z.string(), count })),
      departments: z.array(z.object({ departmentId: z.number().int(), name: z.string(), open: count, overdue: count, atRisk: count })),
      rates: z.object({ response: rate, resolution: rate, satisfaction: rate }),
      trend: z
        .array(z.object({ day: z.string(), response: rate, resolution: rate, satisfaction: rate, answered: count }))
        .length(30)
        .describe('the 三率 of each of the last 30 Beijing days, today last (null: no survey answered that day)'),
      categories: z.array(named),
      regions: z.array(named),
    }),
    handler: async () => {
      const at = new Date();
      const dayStart = new Date(`${shanghaiDay(at)}T00:00:00+08:00`);
      const monthStart = new Date(dayStart.getTime() - 29 * 86_400_000);
      const [figures, live, days] = await Promise.all([
        boardFigures(deps.reads.db(), dayStart),
        deps.kpis.live(),
        deps.kpis.report({ groupBy: 'day', from: monthStart, to: at }),
      ]);
      const byDay = new Map(days.map((d) => [d.key, d]));
      const trend = Array.from({ length: 30 }, (_, i) => {
        const day = shanghaiDay(new Date(monthStart.getTime() + i * 86_400_000));
        const row = byDay.get(day);
        return {
          day,
          response: row?.responseRate ?? null,
          resolution: row?.resolutionRate ?? null,
          satisfaction: row?.satisfactionRate ?? null,
          answered: row?.surveys.answered ?? 0,
        };
      });
      return {
        at,
        ...figures,
        today: { total: figures.today.byChannel.reduce((n, c) => n + c.count, 0), ...figures.today },
        rates: { response: live.response, resolution: live.resolution, satisfaction: live.satisfaction },
        trend,
      };
    },
  });

  api.route({
    method: 'get',
    path: '/board/map',
    tag: 'kpis',
    summary:
      'The board’s map: each district’s (or township’s) tickets of the last 7 days and overdue now; the week’s tickets with coordinates',
    description:
      'Outlines come from GET /regions/outlines (the same level). volume counts tickets placed in the region or below it since 00:00 ' +
      'Beijing time six days ago; overdue, its open tickets past their next deadline now. points: at most 1,000, newest first.',
    access: ['supervisor', 'director', 'admin'],
    query: z.strictObject({ level: z.enum(['district', 'township']).default('district') }),
    response: z.object({
      level: z.enum(['district', 'township']),
      regions: z.array(z.object({ id: z.number().int(), name: z.string(), volume: count, overdue: count })),
      points: z.array(
        z.object({ ticketId: z.number().int(), number: z.string(), longitude: z.number(), latitude: z.number(), overdue: z.boolean() }),
      ),
    }),
    handler: async ({ query }) => {
      const weekStart = new Date(new Date(`${shanghaiDay(new Date())}T00:00:00+08:00`).getTime() - 6 * 86_400_000);
      return { level: query.level, ...(await mapFigures(deps.reads.db(), query.level, weekStart)) };
    },
  });
}
