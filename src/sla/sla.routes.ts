import { piiLens } from '../shared/pii';
import { z } from 'zod';
import { isCenterRole } from '../shared/roles';
import { type ApiRouter, idParams } from '../http/api-router';
import { sendTable, tableFormats } from '../http/table-file';
import { beijingDays, daySchema, instant, periodQuery } from '../http/validate';
import { notFound } from '../shared/errors';
import { requestTypes, urgencies } from '../tickets/ticket.types';
import type { TicketsService } from '../tickets/tickets.service';
import type { ClockService } from './clocks.service';
import type { SlaConfigService } from './sla-config.service';
import type { SlaReports } from './sla-reports';
import { audiences, limitUnits, stages } from './sla-rules';

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, '时间格式为 HH:MM');
const dayHours = z.array(z.tuple([clock, clock])).max(6);
const calendarFields = {
  name: z.string().trim().min(1).max(100),
  /** Sunday first: seven lists of [from, to] working intervals. */
  weekHours: z.array(dayHours).length(7),
  makeUpDayHours: dayHours.min(1).nullable(),
};

const policyFields = {
  name: z.string().trim().min(1).max(100),
  stage: z.enum(stages),
  requestType: z.enum(requestTypes).nullable(),
  urgency: z.enum(urgencies).nullable(),
  categoryId: id.nullable(),
  matter: z.string().trim().min(1).max(100).nullable(),
  amount: z.number().positive('the limit must be greater than 0').max(10_000),
  unit: z.enum(limitUnits),
  priority: z.number().int().min(-1000).max(1000),
};

const levelSchema = z.strictObject({
  level: z.number().int().min(0).max(20),
  name: z.string().trim().min(1).max(50),
  audience: z.enum(audiences),
  atShare: z.number().gt(0).lt(1).nullable().default(null),
  afterAmount: z.number().min(0).max(10_000).nullable().default(null),
  afterUnit: z.enum(limitUnits).nullable().default(null),
  sms: z.boolean().default(false),
});

// Answers (documented; checked in the tests).
const hoursAnswer = z.array(z.tuple([z.string(), z.string()]));
const calendarAnswer = z
  .object({
    id: z.number().int(),
    name: z.string(),
    regionId: z.number().int().nullable(),
    weekHours: z.array(hoursAnswer).describe('Sunday first: working intervals per weekday'),
    makeUpDayHours: hoursAnswer.nullable().optional(),
    overrides: z.array(z.object({ date: z.string(), kind: z.enum(['holiday', 'workday']), note: z.string().nullable() })),
  })
  .meta({ id: 'WorkCalendar' });
const policyAnswer = z
  .object({
    id: z.number().int(),
    name: z.string(),
    stage: z.enum(stages),
    requestType: z.string().nullable(),
    urgency: z.string().nullable(),
    categoryId: z.number().int().nullable(),
    matter: z.string().nullable(),
    amount: z.number(),
    unit: z.enum(limitUnits),
    priority: z.number().int(),
  })
  .meta({ id: 'SlaPolicy' });
const levelAnswer = z
  .object({
    level: z.number().int(),
    name: z.string(),
    audience: z.enum(audiences),
    atShare: z.number().nullable(),
    afterAmount: z.number().nullable(),
    afterUnit: z.enum(limitUnits).nullable(),
    sms: z.boolean(),
  })
  .meta({ id: 'AlertLevel' });
const clockAnswer = z
  .object({
    id: z.number().int(),
    ticketId: z.number().int(),
    assignmentId: z.number().int().nullable(),
    departmentId: z.number().int().nullable(),
    stage: z.enum(stages),
    cycle: z.number().int(),
    policyId: z.number().int().nullable(),
    calendarId: z.number().int().nullable(),
    amount: z.number(),
    unit: z.enum(limitUnits),
    state: z.enum(['running', 'paused', 'stopped', 'cancelled']),
    startedAt: instant,
    limitMs: z.number(),
    usedMs: z.number(),
    basisAt: instant,
    dueAt: instant.nullable(),
    stoppedAt: instant.nullable(),
    breachedAt: instant.nullable(),
    extensions: z.number().int(),
    manualDue: z.boolean(),
    provisional: z.boolean().describe('due in a year whose holiday notice is not imported yet: it may move'),
    ledger: z.array(z.record(z.string(), z.unknown())),
  })
  .meta({ id: 'StageClock' });
const overdueAnswer = z.object({
  ticketId: z.number().int(),
  number: z.string(),
  title: z.string(),
  stage: z.enum(stages),
  stageLabel: z.string(),
  departmentId: z.number().int().nullable(),
  departmentName: z.string().nullable(),
  assignment: z.enum(['lead', 'assist']),
  dueAt: instant,
  lateMs: z.number(),
  late: z.string(),
  supervised: z.boolean(),
  urgeCount: z.number().int(),
});
const stageFigures = z.object({ total: z.number().int(), onTime: z.number().int(), onTimeRate: z.number().nullable() });
const reportRow = z.object({
  id: z.number().int().nullable(),
  name: z.string(),
  stages: z.record(z.string(), stageFigures),
  breaches: z.number().int(),
  overdueNow: z.number().int(),
  extensions: z.number().int(),
  closed: z.number().int(),
  avgHandlingHours: z.number().nullable(),
});

const slaAdmins = ['admin'] as const;

/** A calendar's day, as the audit log keeps it: `calendar_day:1/2026-10-10`, the override before and after. */
const dayOf = (calendar: { overrides: Array<{ date: string }> } | null, date: string) =>
  calendar?.overrides.find((o) => o.date === date) ?? null;
const supervising = ['supervisor', 'director', 'admin'] as const;

export function registerSlaRoutes(
  api: ApiRouter,
  deps: { config: SlaConfigService; clocks: ClockService; reports: SlaReports; tickets: TicketsService },
): void {
  const { config, clocks, reports, tickets } = deps;
  const calendarDayAudit = {
    what: 'calendar_day',
    id: ({ params }: { params: { id: number; date: string } }) => `${params.id}/${params.date}`,
    before: async ({ params }: { params: { id: number; date: string } }) => dayOf(await config.getCalendar(params.id), params.date),
    after: (calendar: unknown, { params }: { params: { id: number; date: string } }) =>
      dayOf(calendar as Parameters<typeof dayOf>[0], params.date),
  };

  api.route({
    method: 'get',
    path: '/sla/calendars',
    tag: 'sla',
    summary: 'List working calendars',
    description:
      'The default (regionId null) and each region’s own; official holidays and 调休 come from chinese-days, then the overrides listed here.',
    access: 'staff',
    response: z.object({ items: z.array(calendarAnswer) }),
    handler: async () => ({ items: await config.listCalendars() }),
  });
  api.route({
    method: 'get',
    path: '/sla/calendars/:id/days',
    tag: 'sla',
    summary: 'A year of a calendar, day by day (the year view)',
    description:
      'Each day: whether it is worked, what the official calendar says (a holiday or a 调休 workday, with the holiday’s name when the notice is known) and the calendar’s own override.',
    access: 'staff',
    params: idParams,
    query: z.strictObject({ year: z.coerce.number().int().min(2004).max(2040) }),
    response: z.object({
      year: z.number().int(),
      noticeKnown: z.boolean().describe('whether the State Council’s notice for the year is known (packaged or imported)'),
      days: z.array(
        z.object({
          date: z.string(),
          work: z.boolean(),
          official: z.enum(['holiday', 'workday']).nullable(),
          name: z.string().nullable(),
          override: z.object({ kind: z.enum(['holiday', 'workday']), note: z.string().nullable() }).nullable(),
        }),
      ),
    }),
    handler: async ({ params, query }) => ({
      year: query.year,
      noticeKnown: await config.noticeKnown(query.year),
      days: await config.yearOf(params.id, query.year),
    }),
  });
  api.route({
    method: 'post',
    path: '/sla/calendars',
    tag: 'sla',
    summary: 'Create a region’s working calendar',
    access: slaAdmins,
    body: z.strictObject({ ...calendarFields, regionId: id.nullable(), makeUpDayHours: calendarFields.makeUpDayHours.default(null) }),
    successStatus: 201,
    response: calendarAnswer,
    audit: { what: 'calendar' },
    handler: ({ body }) => config.createCalendar(body),
  });
  api.route({
    method: 'patch',
    path: '/sla/calendars/:id',
    tag: 'sla',
    summary: 'Change a calendar’s hours (running clocks are re-planned)',
    access: slaAdmins,
    params: idParams,
    body: z
      .strictObject({
        name: calendarFields.name.optional(),
        weekHours: calendarFields.weekHours.optional(),
        makeUpDayHours: calendarFields.makeUpDayHours.optional(),
      })
      .refine((b) => Object.keys(b).length > 0, '至少修改一项'),
    response: calendarAnswer,
    audit: { what: 'calendar', before: ({ params }) => config.getCalendar(params.id) },
    handler: ({ params, body }) => config.updateCalendar(params.id, body),
  });
  api.route({
    method: 'put',
    path: '/sla/calendars/:id/overrides/:date',
    tag: 'sla',
    summary: 'Add a holiday or a workday to a calendar (running clocks are re-planned)',
    access: slaAdmins,
    params: z.strictObject({ id: z.coerce.number().int().positive(), date: daySchema }),
    body: z.strictObject({ kind: z.enum(['holiday', 'workday']), note: z.string().trim().min(1).max(200).nullable().default(null) }),
    response: calendarAnswer,
    audit: calendarDayAudit,
    handler: ({ params, body, actor }) => config.setOverride(params.id, { date: params.date, ...body }, actor),
  });
  api.route({
    method: 'delete',
    path: '/sla/calendars/:id/overrides/:date',
    tag: 'sla',
    summary: 'Remove a calendar override',
    access: slaAdmins,
    params: z.strictObject({ id: z.coerce.number().int().positive(), date: daySchema }),
    response: calendarAnswer,
    audit: { ...calendarDayAudit, change: 'deleted' },
    handler: ({ params }) => config.removeOverride(params.id, params.date),
  });
  api.route({
    method: 'post',
    path: '/sla/calendars/:id/import',
    tag: 'sla',
    summary: 'Import a year’s holidays and make-up workdays (replaces that year’s overrides)',
    description: 'For a year the chinese-days package does not know yet: the State Council’s notice, day by day.',
    access: slaAdmins,
    params: idParams,
    body: z.strictObject({
      year: z.number().int().min(2000).max(2100),
      holidays: z.array(daySchema).max(60),
      workdays: z.array(daySchema).max(30),
      note: z.string().trim().min(1).max(200).nullable().default(null),
    }),
    response: calendarAnswer,
    audit: { what: 'calendar', change: 'changed', before: ({ params }) => config.getCalendar(params.id) },
    handler: ({ params, body, actor }) => config.importYear(params.id, body, actor),
  });

  api.route({
    method: 'get',
    path: '/sla/policies',
    tag: 'sla',
    summary: 'List SLA policies (the limit of each stage, by request type, urgency, category, matter)',
    access: 'staff',
    response: z.object({ items: z.array(policyAnswer) }),
    handler: async () => ({ items: await config.listPolicies() }),
  });
  api.route({
    method: 'post',
    path: '/sla/policies',
    tag: 'sla',
    summary: 'Create an SLA policy',
    description:
      'The matching policy of highest priority sets the limit; two policies that can match one ticket for one stage may not share a priority (409).',
    access: slaAdmins,
    body: z.strictObject({
      ...policyFields,
      requestType: policyFields.requestType.default(null),
      urgency: policyFields.urgency.default(null),
      categoryId: policyFields.categoryId.default(null),
      matter: policyFields.matter.default(null),
      priority: policyFields.priority.default(0),
    }),
    successStatus: 201,
    response: policyAnswer,
    audit: { what: 'sla_policy' },
    handler: ({ body }) => config.createPolicy(body),
  });
  api.route({
    method: 'patch',
    path: '/sla/policies/:id',
    tag: 'sla',
    summary: 'Change an SLA policy (new clocks use it; running ones follow on their next re-plan)',
    access: slaAdmins,
    params: idParams,
    body: z
      .strictObject(
        Object.fromEntries(Object.entries(policyFields).map(([k, s]) => [k, s.optional()])) as {
          [K in keyof typeof policyFields]: z.ZodOptional<(typeof policyFields)[K]>;
        },
      )
      .refine((b) => Object.keys(b).length > 0, '至少修改一项'),
    response: policyAnswer,
    audit: { what: 'sla_policy', before: ({ params }) => config.getPolicy(params.id) },
    handler: ({ params, body }) => config.updatePolicy(params.id, body),
  });
  api.route({
    method: 'delete',
    path: '/sla/policies/:id',
    tag: 'sla',
    summary: 'Delete an SLA policy',
    access: slaAdmins,
    params: idParams,
    audit: { what: 'sla_policy', before: ({ params }) => config.getPolicy(params.id) },
    handler: ({ params }) => config.deletePolicy(params.id),
  });

  api.route({
    method: 'get',
    path: '/sla/alert-levels',
    tag: 'sla',
    summary: 'The warning and escalation ladder',
    access: 'staff',
    response: z.object({ items: z.array(levelAnswer) }),
    handler: async () => ({ items: await config.listLevels() }),
  });
  api.route({
    method: 'put',
    path: '/sla/alert-levels',
    tag: 'sla',
    summary: 'Replace the warning and escalation ladder',
    description:
      'Yellow warnings at a share of the limit (atShare) first, then the deadline (afterAmount 0) and each escalation after it, one audience up.',
    access: slaAdmins,
    body: z.strictObject({ levels: z.array(levelSchema).min(1).max(20) }),
    response: z.object({ items: z.array(levelAnswer) }),
    audit: { what: 'alert_levels', before: async () => ({ items: await config.listLevels() }) },
    handler: async ({ body }) => ({ items: await config.replaceLevels(body.levels) }),
  });

  api.route({
    method: 'get',
    path: '/tickets/:id/clocks',
    tag: 'sla',
    summary: 'A ticket’s stage clocks with their ledgers',
    access: 'staff',
    params: idParams,
    response: z.object({ items: z.array(clockAnswer) }),
    handler: async ({ actor, params }) => {
      // Whoever may see the ticket may see its clocks.
      await tickets.assertVisible(actor, params.id);
      return { items: await clocks.ofTicket(params.id) };
    },
  });

  api.route({
    method: 'get',
    path: '/sla/overdue',
    tag: 'sla',
    summary: 'What is overdue now, with how late',
    description: 'Department staff see their own department’s.',
    access: 'staff',
    query: z.strictObject({
      departmentId: z.coerce.number().int().positive().optional(),
      stage: z.enum(stages).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(200),
    }),
    response: z.object({ items: z.array(overdueAnswer) }),
    handler: async ({ actor, query }) => {
      const pii = piiLens(actor);
      const items = await reports.overdue({
        ...query,
        departmentId: isCenterRole(actor.role) ? query.departmentId : (actor.departmentId ?? -1),
      });
      return { items: items.map((item) => ({ ...item, title: pii.text(item.title) })) };
    },
  });

  api.route({
    method: 'get',
    path: '/sla/extension-requests',
    tag: 'sla',
    summary: 'Extension requests awaiting a decision, oldest first (decided with the ticket’s decide-extension action)',
    access: supervising,
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(200) }),
    response: z.object({
      items: z.array(
        z.object({
          requestId: z.number().int(),
          ticketId: z.number().int(),
          number: z.string(),
          title: z.string(),
          departmentName: z.string().nullable(),
          requestedBy: z.string().nullable(),
          reason: z.string(),
          currentDueAt: instant.nullable(),
          requestedDueAt: instant,
          requestedAt: instant,
        }),
      ),
    }),
    handler: async ({ query }) => ({ items: await reports.pendingExtensions(query.limit) }),
  });

  api.route({
    method: 'get',
    path: '/sla/alerts',
    tag: 'sla',
    summary: 'The alert center: the latest red and escalated alerts, newest first, with where each ticket stands now',
    description:
      'Alerts of the levels that reach supervisors or the director, or that text people. overdueNow: the clock still runs past its deadline; ' +
      'extensionDueAt: a pending extension request (批准延期 approves it).',
    access: supervising,
    query: z.strictObject({
      sinceHours: z.coerce
        .number()
        .int()
        .min(1)
        .max(24 * 31)
        .default(48),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    response: z.object({
      items: z.array(
        z.object({
          alertId: z.number().int(),
          at: instant,
          level: z.number().int(),
          levelName: z.string(),
          audience: z.string(),
          ticketId: z.number().int(),
          number: z.string(),
          title: z.string(),
          status: z.string(),
          version: z.number().int(),
          stage: z.enum(stages),
          stageLabel: z.string(),
          departmentName: z.string().nullable(),
          dueAt: instant,
          overdueNow: z.boolean(),
          supervised: z.boolean(),
          urgeCount: z.number().int(),
          extensionDueAt: instant.nullable(),
        }),
      ),
    }),
    handler: async ({ actor, query }) => {
      const pii = piiLens(actor);
      return { items: (await reports.alerts(query)).map((item) => ({ ...item, title: pii.text(item.title) })) };
    },
  });

  api.route({
    method: 'get',
    path: '/sla/report',
    tag: 'sla',
    summary: 'On-time rates per stage, breaches, overdue now, extensions and handling time, per department or category',
    description: 'format=csv (UTF-8 with BOM) or xlsx answers a CSV file or an Excel workbook.',
    access: [...supervising, 'dept_head'],
    query: periodQuery({
      groupBy: z.enum(['department', 'category']).default('department'),
      departmentId: z.coerce.number().int().positive().optional(),
      format: z.enum(['json', ...tableFormats]).default('json'),
    }),
    response: z
      .object({ groupBy: z.enum(['department', 'category']), from: z.string(), to: z.string(), items: z.array(reportRow) })
      .describe('or, with format=csv or xlsx, a file'),
    handler: async ({ actor, query, res }) => {
      const { from, to } = beijingDays(query);
      const departmentId = isCenterRole(actor.role) ? query.departmentId : (actor.departmentId ?? undefined);
      if (departmentId === undefined && !isCenterRole(actor.role)) throw notFound('部门');
      const rows = await reports.report({ groupBy: query.groupBy, from, to, departmentId });
      if (query.format === 'json') return { groupBy: query.groupBy, from: query.from, to: query.to, items: rows };
      await sendTable(
        res,
        {
          name: `sla-${query.groupBy}-${query.from}-${query.to}`,
          sheet: `时限 ${query.from} 至 ${query.to}`,
          rows: reports.table(rows, query.groupBy),
        },
        query.format,
      );
      return undefined;
    },
  });

  api.route({
    method: 'get',
    path: '/sla/report/tickets',
    tag: 'sla',
    summary: 'The tickets behind a figure of the SLA report: a stage done late, deadlines breached in the period, overdue now',
    description: 'key is the row’s id ("" for the row without one: the hotline center’s own clocks, or no category).',
    access: [...supervising, 'dept_head'],
    query: periodQuery({
      groupBy: z.enum(['department', 'category']).default('department'),
      key: z.union([z.literal(''), z.coerce.number().int().positive()]),
      figure: z.enum(['late', 'breached', 'overdue']),
      stage: z.enum(stages).optional(),
      departmentId: z.coerce.number().int().positive().optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }).refine((q) => q.figure !== 'late' || q.stage !== undefined, 'figure=late 须指明阶段（stage）'),
    response: z.object({
      items: z.array(z.object({ ticketId: z.number().int(), number: z.string(), title: z.string(), status: z.string() })),
    }),
    handler: async ({ actor, query }) => {
      const departmentId = isCenterRole(actor.role) ? query.departmentId : (actor.departmentId ?? undefined);
      if (departmentId === undefined && !isCenterRole(actor.role)) throw notFound('部门');
      const pii = piiLens(actor);
      const items = await reports.behind({ ...query, ...beijingDays(query), key: query.key === '' ? null : query.key, departmentId });
      return { items: items.map((item) => ({ ...item, title: pii.text(item.title) })) };
    },
  });

  api.route({
    method: 'post',
    path: '/sla/sweep',
    tag: 'sla',
    summary: 'Run the alert sweep now (it also runs on every worker periodically)',
    access: slaAdmins,
    body: z.strictObject({}),
    response: z.object({ fired: z.number().int() }),
    handler: async () => ({ fired: await clocks.sweep() }),
  });
}
