import { z } from 'zod';
import { type ApiRouter, idParams } from '../http/api-router';
import { beijingDays, instant, periodQuery } from '../http/validate';
import { sendTable, tableFormats } from '../http/table-file';
import type { CallbacksService } from './callbacks.service';
import { drillMetrics, kpiGroupings, type KpiService } from './kpis';
import { callbackChannels, callbackSettingsSchema, satisfactions } from './survey';

const seats = ['operator', 'supervisor', 'director', 'admin'] as const;
const supervising = ['supervisor', 'director', 'admin'] as const;

// Answers (documented; checked in the tests).
const callbackAnswer = z
  .object({
    id: z.number().int(),
    ticketId: z.number().int(),
    cycle: z.number().int(),
    contactId: z.number().int().nullable(),
    status: z.string(),
    channel: z.enum(callbackChannels).nullable(),
    remainingChannels: z.array(z.enum(callbackChannels)),
    attempt: z.number().int(),
    step: z.string().nullable(),
    reasked: z.boolean(),
    reminded: z.boolean(),
    nextActionAt: instant.nullable(),
    windowEndsAt: instant.nullable(),
    phone: z.string().nullable(),
    callSid: z.string().nullable(),
    contacted: z.boolean().nullable(),
    resolved: z.boolean().nullable(),
    satisfaction: z.enum(satisfactions).nullable(),
    comment: z.string().nullable(),
    outcome: z.string().nullable(),
    unreachableReason: z.string().nullable(),
    unreasonable: z.boolean(),
    unreasonableReason: z.string().nullable(),
    completedAt: instant.nullable(),
    appliedAt: instant.nullable(),
    departmentId: z.number().int().nullable(),
    createdAt: instant,
  })
  .meta({ id: 'Callback' });
const rate = z.number().nullable();
const kpiRow = z
  .object({
    key: z.string().nullable(),
    name: z.string().nullable(),
    volume: z.number().int(),
    surveys: z.object({
      answered: z.number().int(),
      unreachable: z.number().int(),
      skipped: z.number().int(),
      unreasonable: z.number().int(),
    }),
    responseRate: rate,
    resolutionRate: rate,
    satisfactionRate: rate,
    onTimeSignForRate: rate,
    onTimeReplyRate: rate,
    returnRate: rate,
    reopenRate: rate,
    directResolutionRate: rate,
  })
  .meta({ id: 'KpiRow' });

export function registerCallbackRoutes(api: ApiRouter, callbacks: CallbacksService, kpis: KpiService): void {
  api.route({
    method: 'get',
    path: '/callbacks/settings',
    tag: 'callbacks',
    summary: 'The callback policy and survey questions',
    access: seats,
    response: callbackSettingsSchema,
    handler: () => callbacks.settings(),
  });
  api.route({
    method: 'patch',
    path: '/callbacks/settings',
    tag: 'callbacks',
    summary: 'Change the callback policy or questions',
    access: ['admin'],
    body: callbackSettingsSchema.partial().refine((b) => Object.keys(b).length > 0, '至少修改一项设置'),
    response: callbackSettingsSchema,
    audit: { what: 'callback_settings', before: () => callbacks.settings() },
    handler: ({ body }) => callbacks.updateSettings(body),
  });
  api.route({
    method: 'get',
    path: '/callbacks',
    tag: 'callbacks',
    summary: 'Callbacks; the operators’ manual-call queue is status=asking&channel=operator, the supervisors’ review queue outcome=review',
    access: seats,
    query: z.strictObject({
      status: z.enum(['scheduled', 'asking', 'completed', 'unreachable', 'skipped', 'cancelled']).optional(),
      channel: z.enum(callbackChannels).optional(),
      outcome: z.enum(['closed', 'reopened', 'review', 'unreachable', 'skipped']).optional(),
      ticketId: z.coerce.number().int().positive().optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    response: z.object({ items: z.array(callbackAnswer) }),
    handler: async ({ query }) => ({ items: await callbacks.list(query) }),
  });
  api.route({
    method: 'get',
    path: '/callbacks/:id',
    tag: 'callbacks',
    summary: 'A callback with what was asked and answered',
    access: seats,
    params: idParams,
    response: callbackAnswer.extend({ events: z.array(z.record(z.string(), z.unknown())) }),
    handler: ({ params }) => callbacks.get(params.id),
  });
  api.route({
    method: 'post',
    path: '/callbacks/:id/answers',
    tag: 'callbacks',
    summary: 'Record a manual callback call: the answers, or that nobody was reached',
    access: seats,
    params: idParams,
    body: z.discriminatedUnion('reached', [
      z.strictObject({ reached: z.literal(false) }),
      z.strictObject({
        reached: z.literal(true),
        contacted: z.boolean(),
        resolved: z.boolean(),
        satisfaction: z.enum(satisfactions),
        comment: z.string().trim().min(1).max(500).optional(),
      }),
    ]),
    response: callbackAnswer,
    handler: ({ actor, params, body }) => callbacks.recordManual(actor, params.id, body),
  });
  api.route({
    method: 'post',
    path: '/callbacks/:id/review',
    tag: 'callbacks',
    summary: 'A supervisor reopens an unsatisfied outcome, or marks it unreasonable (excluded from the satisfaction rate, with the reason)',
    access: supervising,
    params: idParams,
    body: z.strictObject({ decision: z.enum(['reopen', 'unreasonable']), reason: z.string().trim().min(2).max(500) }),
    response: callbackAnswer,
    handler: ({ actor, params, body }) => callbacks.review(actor, params.id, body),
  });

  api.route({
    method: 'get',
    path: '/kpis',
    tag: 'kpis',
    summary:
      '三率 (response, resolution, satisfaction) and on-time, return, reopen, direct-resolution rates per department, region, category or channel',
    description: 'format=csv or xlsx answers a CSV file or an Excel workbook. Department heads see their own department.',
    access: [...supervising, 'operator', 'dept_head'],
    query: periodQuery({
      groupBy: z.enum(kpiGroupings).default('department'),
      format: z.enum(['json', ...tableFormats]).default('json'),
    }),
    response: z
      .object({ groupBy: z.enum(kpiGroupings), from: z.string(), to: z.string(), items: z.array(kpiRow) })
      .describe('or, with format=csv or xlsx, a file'),
    handler: async ({ actor, query, res }) => {
      const departmentId = actor.role === 'dept_head' ? (actor.departmentId ?? -1) : undefined;
      const rows = await kpis.report({
        groupBy: actor.role === 'dept_head' ? 'department' : query.groupBy,
        ...beijingDays(query),
        departmentId,
      });
      if (query.format === 'json') return { groupBy: query.groupBy, from: query.from, to: query.to, items: rows };
      await sendTable(
        res,
        { name: `kpis-${query.groupBy}-${query.from}-${query.to}`, sheet: `三率 ${query.from} 至 ${query.to}`, rows: kpis.table(rows) },
        query.format,
      );
      return undefined;
    },
  });
  api.route({
    method: 'get',
    path: '/kpis/tickets',
    tag: 'kpis',
    summary:
      'The tickets behind a number: surveys not contacted, not resolved, unsatisfied or unreached; late sign-fors and replies; returns; reopens; direct resolutions',
    access: [...supervising, 'operator'],
    query: periodQuery({
      groupBy: z.enum(kpiGroupings).default('department'),
      key: z.string().max(40),
      metric: z.enum(drillMetrics),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    response: z.object({
      metric: z.enum(drillMetrics),
      items: z.array(z.object({ ticketId: z.number().int(), number: z.string(), title: z.string() }).loose()),
    }),
    handler: ({ query }) => kpis.drillDown({ ...query, ...beijingDays(query) }),
  });
  api.route({
    method: 'get',
    path: '/kpis/ranking',
    tag: 'kpis',
    summary: 'Departments ranked by satisfaction, resolution and response within bands of similar volume (分档分类)',
    access: [...supervising, 'operator'],
    query: periodQuery({}),
    response: z.object({
      from: z.string(),
      to: z.string(),
      bands: z.array(z.object({ band: z.string(), departments: z.array(kpiRow.extend({ rank: z.number().int() })) })),
    }),
    handler: async ({ query }) => ({ from: query.from, to: query.to, bands: await kpis.ranking(beijingDays(query)) }),
  });
}
