import { z } from 'zod';
import { type ApiRouter, idParams } from '../http/api-router';
import { daySchema, instant } from '../http/validate';
import { shanghaiDay } from '../shared/time';
import { closers, type HotspotsService } from './hotspots.service';
import { windows } from './surge-detector';

const chiefs = ['supervisor', 'director', 'admin'] as const;

const hotspotSchema = z
  .object({
    id: z.number().int(),
    status: z.enum(['open', 'closed']),
    severity: z.enum(['notice', 'severe']),
    window: z.enum(windows),
    category: z.object({ id: z.number().int(), name: z.string(), parentName: z.string().nullable() }),
    region: z.object({ id: z.number().int(), name: z.string(), level: z.string() }),
    ticketCount: z.number().int(),
    expected: z.number().describe('the same window’s mean in the earlier weeks'),
    score: z.number().describe('−log10 of the chance of so many tickets in an ordinary week'),
    windowStart: instant,
    windowEnd: instant,
    firstDetectedAt: instant,
    lastDetectedAt: instant,
    closedAt: instant.nullable(),
    note: z.string().nullable(),
    summary: z.string(),
  })
  .meta({ id: 'Hotspot' });

const ruleSchema = z
  .object({
    window: z.enum(windows),
    minCount: z.number().int().min(1).max(100_000),
    minRatio: z.number().min(1).max(100),
    minScore: z.number().positive().max(300),
    severeScore: z.number().positive().max(300),
    historyWeeks: z.number().int().min(1).max(12),
    everyMinutes: z.number().int().min(1).max(1440),
    active: z.boolean(),
    lastCheckedAt: instant.nullable(),
    updatedAt: instant,
  })
  .meta({ id: 'HotspotRule' });

const comparedRow = { name: z.string(), count: z.number().int(), previous: z.number().int() };

export function registerHotspotRoutes(api: ApiRouter, hotspots: HotspotsService): void {
  api.route({
    method: 'get',
    path: '/hotspots',
    tag: 'hotspots',
    summary: 'Hot spots (热点): surges of one kind of request in one place, open ones first',
    access: chiefs,
    query: z.strictObject({
      status: z.enum(['open', 'closed']).optional(),
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
    response: z.object({ items: z.array(hotspotSchema) }),
    handler: async ({ query }) => ({
      items: await hotspots.list({
        status: query.status,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
        limit: query.limit,
      }),
    }),
  });

  api.route({
    method: 'get',
    path: '/hotspots/report',
    tag: 'hotspots',
    summary: '热点分析: a week or a month against the one before',
    description:
      'Top categories (level 1) and districts, the category × district pairs rising and falling most, and the hot spots found in the period. Weeks run Monday to Sunday, Beijing time.',
    access: chiefs,
    query: z.strictObject({ period: z.enum(['week', 'month']).default('week'), day: daySchema.optional() }),
    response: z.object({
      period: z.enum(['week', 'month']),
      from: instant,
      to: instant,
      total: z.number().int(),
      previousTotal: z.number().int(),
      topCategories: z.array(z.object({ categoryId: z.number().int(), ...comparedRow })),
      topPlaces: z.array(z.object({ regionId: z.number().int(), ...comparedRow })),
      rising: z.array(
        z.object({ categoryId: z.number().int(), regionId: z.number().int().nullable(), ...comparedRow, change: z.number().int() }),
      ),
      falling: z.array(
        z.object({ categoryId: z.number().int(), regionId: z.number().int().nullable(), ...comparedRow, change: z.number().int() }),
      ),
      hotspots: z.array(hotspotSchema),
    }),
    handler: ({ query }) => hotspots.report(query.period, query.day ?? shanghaiDay()),
  });

  api.route({
    method: 'get',
    path: '/hotspots/rules',
    tag: 'hotspots',
    summary: 'The detector’s thresholds, one row per window',
    access: chiefs,
    response: z.object({ items: z.array(ruleSchema) }),
    handler: async () => ({ items: await hotspots.rules() }),
  });

  api.route({
    method: 'patch',
    path: '/hotspots/rules/:window',
    tag: 'hotspots',
    summary: 'Change a window’s thresholds',
    access: ['admin', 'director'],
    params: z.strictObject({ window: z.enum(windows) }),
    body: ruleSchema
      .omit({ window: true, lastCheckedAt: true, updatedAt: true })
      .partial()
      .strict()
      .refine((b) => Object.keys(b).length > 0, '至少修改一个阈值'),
    response: ruleSchema,
    audit: {
      what: 'hotspot_rule',
      id: ({ params }) => params.window,
      before: async ({ params }) => (await hotspots.rules()).find((r) => r.window === params.window),
    },
    handler: ({ params, body }) => hotspots.updateRule(params.window, body),
  });

  api.route({
    method: 'post',
    path: '/hotspots/detect',
    tag: 'hotspots',
    summary: 'Run the detector now over every active window (it also runs by itself, each window at its pace)',
    access: chiefs,
    body: z.strictObject({}),
    response: z.object({ found: z.number().int().describe('hot spots found new') }),
    handler: async () => ({ found: await hotspots.detectNow() }),
  });

  api.route({
    method: 'get',
    path: '/hotspots/:id',
    tag: 'hotspots',
    summary: 'A hot spot with the tickets behind it and the clusters of near-identical texts among them',
    access: chiefs,
    params: idParams,
    response: hotspotSchema.extend({
      tickets: z.array(
        z.object({
          id: z.number().int(),
          number: z.string(),
          title: z.string(),
          status: z.string(),
          createdAt: instant,
          regionName: z.string().nullable(),
        }),
      ),
      clusters: z.array(z.object({ size: z.number().int(), ticketIds: z.array(z.number().int()), sample: z.string() })),
      allowedActions: z.array(z.enum(['close'])).describe('what the caller may do to it now'),
    }),
    handler: ({ actor, params }) => hotspots.get(actor, params.id),
  });

  api.route({
    method: 'post',
    path: '/hotspots/:id/close',
    tag: 'hotspots',
    summary: 'Close a hot spot (handled, or not one), with a note',
    access: closers,
    params: idParams,
    body: z.strictObject({ note: z.string().trim().min(1).max(500) }),
    response: hotspotSchema,
    handler: ({ actor, params, body }) => hotspots.close(params.id, actor.userId, body.note),
  });
}
