import { z } from 'zod';
import { type ApiRouter, idParams } from '../http/api-router';
import { daySchema, instant } from '../http/validate';
import { shanghaiDay } from '../shared/time';
import { accountabilityOutcomes, candidateReasons, hardCaseKinds, hardCaseLevels, hardCaseSources } from '../tickets/hard-case-labels';
import type { HardCaseService } from './hardcase.service';

const center = ['operator', 'proxy_seat', 'supervisor', 'director', 'admin'] as const;
const dispatchers = ['operator', 'supervisor', 'director', 'admin'] as const;
const chiefs = ['supervisor', 'director', 'admin'] as const;
const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式为 YYYY-MM');
/** A Beijing month's instants: [its first day 00:00, the next month's). */
const monthRange = (month: string) => {
  const from = new Date(`${month}-01T00:00:00+08:00`);
  const next = new Date(from.getTime() + 32 * 86_400_000);
  return { from, to: new Date(`${shanghaiDay(next).slice(0, 7)}-01T00:00:00+08:00`) };
};

const hardCaseSchema = z
  .object({
    ticketId: z.number().int(),
    number: z.string(),
    title: z.string(),
    status: z.string(),
    version: z.number().int(),
    kind: z.enum(hardCaseKinds).nullable().describe('null: flagged before kinds existed'),
    source: z.enum(hardCaseSources),
    level: z.enum(hardCaseLevels),
    leadDepartmentName: z.string().nullable(),
    leaderName: z.string().nullable(),
    jointDepartmentNames: z.array(z.string()),
    handledAt: instant.nullable(),
    answeredAt: instant.nullable(),
    flaggedAt: instant,
    nextStage: z.string().nullable(),
    nextDueAt: instant.nullable(),
    accountability: z.number().int(),
    followUp: z
      .object({ orderId: z.number().int(), representativeName: z.string(), orderStatus: z.string() })
      .nullable()
      .describe('not finished on site: the 帮代办 order under the window’s chief representative'),
  })
  .meta({ id: 'HardCase' });

const person = z.object({ userId: z.number().int(), displayName: z.string(), role: z.string(), phone: z.string().nullable() });
const dutyDay = z.object({ day: z.string(), leader: person.nullable(), staff: z.array(person) }).meta({ id: 'DutyDay' });

export function registerHardCaseRoutes(api: ApiRouter, hardCases: HardCaseService): void {
  api.route({
    method: 'get',
    path: '/hard-cases',
    tag: 'hard-cases',
    summary: '办不成事: the hard cases with their kind, source, level and the next deadline of their ladder',
    description: 'Open ones oldest first. The county leader in charge sees the cases reported to them; the center sees all.',
    access: [...center, 'county_leader'],
    query: z.strictObject({
      state: z.enum(['open', 'answered', 'all']).default('open'),
      limit: z.coerce.number().int().min(1).max(200).default(100),
    }),
    response: z.object({ items: z.array(hardCaseSchema) }),
    handler: async ({ actor, query }) => ({ items: await hardCases.list(actor, query.state, query.limit) }),
  });

  api.route({
    method: 'get',
    path: '/hard-cases/leaders',
    tag: 'hard-cases',
    summary: 'The county leaders in charge (县政府分管负责人) a hard case may be reported to (联办)',
    access: center,
    response: z.object({ items: z.array(z.object({ id: z.number().int(), displayName: z.string() })) }),
    handler: async () => ({ items: await hardCases.leaders() }),
  });

  api.route({
    method: 'get',
    path: '/hard-cases/candidates',
    tag: 'hard-cases',
    summary: 'Hard-case candidates the hub found (late 代办 orders and tickets, unsatisfied callbacks), for the duty staff',
    access: center,
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(100) }),
    response: z.object({
      items: z.array(
        z.object({
          id: z.number().int(),
          ticketId: z.number().int(),
          number: z.string(),
          title: z.string(),
          ticketStatus: z.string(),
          leadDepartmentName: z.string().nullable(),
          reason: z.enum(candidateReasons),
          detail: z.string(),
          createdAt: instant,
        }),
      ),
    }),
    handler: async ({ query }) => ({ items: await hardCases.candidates(query.limit) }),
  });

  api.route({
    method: 'post',
    path: '/hard-cases/candidates/discover',
    tag: 'hard-cases',
    summary: 'Look now for new candidates (立即排查), as the ten-minute sweep does; how many were raised',
    description: 'For the duty staff at the start of a shift. Each ticket and reason raises one candidate, ever.',
    access: dispatchers,
    body: z.strictObject({}),
    response: z.object({ raised: z.number().int() }),
    handler: async () => ({ raised: await hardCases.discover() }),
  });

  api.route({
    method: 'post',
    path: '/hard-cases/candidates/:id/accept',
    tag: 'hard-cases',
    summary: 'Take a candidate as a hard case of the given kind (the ticket is flagged 办不成事, found by the hub)',
    access: dispatchers,
    params: idParams,
    body: z.strictObject({ kind: z.enum(hardCaseKinds), reason: z.string().trim().min(1).max(500) }),
    handler: async ({ actor, params, body }) => hardCases.accept(actor, params.id, body),
  });

  api.route({
    method: 'post',
    path: '/hard-cases/candidates/:id/dismiss',
    tag: 'hard-cases',
    summary: 'Dismiss a candidate, with the reason (it is not raised again)',
    access: dispatchers,
    params: idParams,
    body: z.strictObject({ note: z.string().trim().min(1).max(500) }),
    successStatus: 204,
    handler: async ({ actor, params, body }) => void (await hardCases.dismiss(actor, params.id, body.note)),
  });

  api.route({
    method: 'get',
    path: '/hard-cases/report',
    tag: 'hard-cases',
    summary:
      '办不成事月度通报: a Beijing month by kind (opened, answered, on time, open at its end), source and level, the candidates, and 问责 per department',
    access: [...center, 'county_leader'],
    query: z.strictObject({ month: monthSchema.optional() }),
    response: z.object({
      month: z.string(),
      kinds: z.array(
        z.object({
          kind: z.enum([...hardCaseKinds, 'unclassified']),
          opened: z.number().int(),
          answered: z.number().int(),
          answered_on_time: z.number().int(),
          open_at_end: z.number().int(),
        }),
      ),
      sources: z.array(z.object({ source: z.enum(hardCaseSources), n: z.number().int() })),
      levels: z.array(z.object({ level: z.enum(hardCaseLevels), n: z.number().int() })),
      candidates: z.array(
        z.object({ reason: z.enum(candidateReasons), raised: z.number().int(), accepted: z.number().int(), dismissed: z.number().int() }),
      ),
      accountability: z.array(
        z.object({
          departmentId: z.number().int(),
          departmentName: z.string(),
          records: z.number().int(),
          outcomes: z.record(z.string(), z.number().int()),
        }),
      ),
    }),
    handler: async ({ query }) => {
      const month = query.month ?? shanghaiDay(new Date()).slice(0, 7);
      const { from, to } = monthRange(month);
      return { month, ...(await hardCases.report(from, to)) };
    },
  });

  api.route({
    method: 'get',
    path: '/hard-cases/accountability',
    tag: 'hard-cases',
    summary: '问责 records of a Beijing month, newest first',
    access: [...chiefs, 'county_leader'],
    query: z.strictObject({ month: monthSchema.optional(), limit: z.coerce.number().int().min(1).max(500).default(200) }),
    response: z.object({
      items: z.array(
        z.object({
          id: z.number().int(),
          ticketId: z.number().int(),
          number: z.string(),
          title: z.string(),
          departmentId: z.number().int(),
          departmentName: z.string(),
          personName: z.string(),
          finding: z.string(),
          outcome: z.enum(accountabilityOutcomes),
          outcomeNote: z.string().nullable(),
          recordedBy: z.string().nullable(),
          at: instant,
        }),
      ),
    }),
    handler: async ({ query }) => {
      const { from, to } = monthRange(query.month ?? shanghaiDay(new Date()).slice(0, 7));
      return { items: await hardCases.accountability(from, to, query.limit) };
    },
  });

  api.route({
    method: 'get',
    path: '/duty-roster',
    tag: 'hard-cases',
    summary: 'The center’s duty roster (值班领导, 值班人员) for Beijing days from … to (inclusive; today by default)',
    access: [...center, 'county_leader'],
    query: z
      .strictObject({ from: daySchema.optional(), to: daySchema.optional() })
      .refine((q) => !q.from || !q.to || q.from <= q.to, { message: '开始日期不能晚于结束日期', path: ['to'] })
      .refine((q) => !q.from || !q.to || Date.parse(q.to) - Date.parse(q.from) <= 92 * 86_400_000, {
        message: '一次最多三个月',
        path: ['to'],
      }),
    response: z.object({ items: z.array(dutyDay) }),
    handler: async ({ query }) => {
      const today = shanghaiDay(new Date());
      return { items: await hardCases.roster(query.from ?? today, query.to ?? query.from ?? today) };
    },
  });

  api.route({
    method: 'put',
    path: '/duty-roster/:day',
    tag: 'hard-cases',
    summary: 'Set a day’s duty: the duty leader (a supervisor or the director) and the staff on duty',
    access: chiefs,
    params: z.strictObject({ day: daySchema }),
    body: z.strictObject({
      leaderUserId: z.number().int().positive(),
      staffUserIds: z.array(z.number().int().positive()).max(20).default([]),
    }),
    response: dutyDay,
    audit: {
      what: 'duty_roster',
      id: ({ params }) => params.day,
      before: async ({ params }) => (await hardCases.roster(params.day, params.day))[0] ?? null,
    },
    handler: async ({ params, body }) => hardCases.setRoster(params.day, body.leaderUserId, body.staffUserIds),
  });
}
