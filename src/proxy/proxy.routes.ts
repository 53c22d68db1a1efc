import { z } from 'zod';
import { stepTemplates } from '../org/org.types';
import { type ApiRouter, idParams } from '../http/api-router';
import { beijingDays, daySchema, instant, periodQuery } from '../http/validate';
import { sendTable, tableFormats } from '../http/table-file';
import { bundleSchema, scenarioFields } from './bundles';
import { mandateScopes, matterFields, matterSchema } from './matters';
import type { ProxyOrders } from './proxy-orders.service';
import type { ProxyService } from './proxy.service';
import type { ProxySteps } from './proxy-steps.service';
import { reportFigures } from './runners.repository';
import { orderOrigins } from './proxy-labels';
import { piiLens, vulnerabilities } from '../shared/pii';

const seats = ['proxy_seat', 'operator', 'supervisor', 'director', 'admin'] as const;
/** Who may hold an order: a runner, or a window's chief representative (a hard case not finished on site). */
const holders = ['runner', 'agent', 'dept_head'] as const;
const teamSide = [...seats, ...holders] as const;
const reportReaders = ['supervisor', 'director', 'admin', 'proxy_seat', 'dept_head'] as const;
const reportGroupings = ['runner', 'team', 'matter', 'grid', 'mode'] as const;

// Answers (documented; checked in the tests).
const checklistItem = z.object({
  key: z.string(),
  name: z.string(),
  form: z.enum(['original', 'copy', 'either']),
  count: z.number().int(),
  deferrable: z.boolean(),
  matters: z.array(z.string()).describe('the matters that need it: collected once for all'),
});
const reduction = z
  .object({
    materialsSeparate: z.number().int(),
    materialsCombined: z.number().int(),
    formsSeparate: z.number().int(),
    formsCombined: z.number().int(),
    tripsSaved: z.number().int(),
  })
  .describe('材料精简 and 多表合一: asked matter by matter against once');
const bundleAnswer = bundleSchema
  .extend({
    id: z.number().int(),
    scenarios: z.array(
      z.object({ ...scenarioFields, id: z.number().int(), bundleId: z.number().int(), bundleName: z.string() }).extend({
        matterNames: z.array(z.string()),
        serviceModes: z.array(z.enum(['remote_guidance', 'home_assistance', 'full_proxy'])).describe('the ways every matter of it allows'),
        eligibility: z.string().nullable(),
        checklist: z.array(checklistItem),
        reduction,
      }),
    ),
  })
  .meta({ id: 'ProxyBundle' });
const matterAnswer = matterSchema.extend({ id: z.number().int() }).loose().meta({ id: 'ProxyMatter' });
const runnerAnswer = z
  .object({
    userId: z.number().int(),
    displayName: z.string(),
    teamId: z.number().int().nullable(),
    onDuty: z.boolean(),
    capacity: z.number().int().nullable(),
    kind: z.string(),
    gridRegionIds: z.array(z.number().int()),
    matterIds: z.array(z.number().int()),
    openOrders: z.number().int(),
  })
  .meta({ id: 'ProxyRunner' });
const orderAnswer = z
  .object({
    id: z.number().int(),
    ticketId: z.number().int(),
    matterId: z.number().int().nullable(),
    serviceMode: z.enum(['remote_guidance', 'home_assistance', 'full_proxy']),
    applicantAddress: z.string().nullable(),
    regionId: z.number().int().nullable(),
    teamId: z.number().int().nullable(),
    runnerUserId: z.number().int().nullable(),
    status: z.string(),
    offeredAt: instant.nullable(),
    offerExpiresAt: instant.nullable(),
    declinedUserIds: z.array(z.number().int()),
    acceptedAt: instant.nullable(),
    acceptanceNumber: z.string().nullable(),
    submittedAt: instant.nullable(),
    doneAt: instant.nullable(),
    dueAt: instant.nullable().describe('its ticket’s answer deadline: the matter’s legal limit'),
    origin: z.enum(orderOrigins).describe('a citizen’s request, a hard case not finished on site, the proactive run'),
    createdAt: instant,
  })
  .meta({ id: 'ProxyOrder' });
const orderDetailAnswer = orderAnswer
  .extend({
    matter: z.object({ id: z.number().int(), code: z.string(), name: z.string(), legalDays: z.number().int() }).nullable(),
    steps: z.array(
      z.object({
        step: z.string(),
        label: z.string(),
        actorName: z.string().nullable(),
        note: z.string().nullable(),
        data: z.unknown(),
        at: instant,
      }),
    ),
    template: z
      .object({
        code: z.enum(stepTemplates),
        name: z.string(),
        steps: z.array(
          z.object({
            key: z.string(),
            label: z.string(),
            covers: z.array(z.string()).describe('the steps of the record it groups'),
            done: z.boolean(),
            at: instant.nullable(),
            actorName: z.string().nullable(),
          }),
        ),
      })
      .describe('the runner team’s step template (六步法, 五步走): the order’s steps as the team names them'),
    visits: z
      .array(z.object({ id: z.number().int(), startsAt: instant, endsAt: instant, address: z.string().nullable(), status: z.string() }))
      .describe('home visits booked on the order (预约 上门办理)'),
    applicant: z
      .object({ vulnerability: z.array(z.enum(vulnerabilities)) })
      .describe('特殊群体 (elderly, disabled, seriously ill): serve at home first'),
    mandate: z
      .object({
        scope: z.array(z.string()),
        validUntil: z.string(),
        signedBy: z.string(),
        method: z.string(),
        revokedAt: instant.nullable(),
        at: instant,
      })
      .nullable(),
    materials: z.array(
      z.object({
        itemKey: z.string(),
        name: z.string(),
        form: z.string(),
        count: z.number().int(),
        direction: z.string(),
        place: z.string().nullable(),
        note: z.string().nullable(),
        promisedBy: z.string().nullable(),
        at: instant,
      }),
    ),
    missing: z.array(z.string()).describe('required items not in hand in the form and number the matter asks for'),
    bundle: z
      .object({
        bundleName: z.string(),
        scenario: z.object({ id: z.number().int(), code: z.string(), name: z.string(), legalDays: z.number().int() }),
        matters: z.array(
          z.object({
            matterId: z.number().int(),
            name: z.string(),
            status: z.enum(['pending', 'submitted', 'approved', 'refused']),
            acceptanceNumber: z.string().nullable(),
            submittedAt: instant.nullable(),
            resultNote: z.string().nullable(),
            resultAt: instant.nullable(),
          }),
        ),
        checklist: z.array(checklistItem),
        reduction: reduction,
      })
      .nullable()
      .describe('一件事一次办: the situation, each matter’s submission and result, and the one combined checklist'),
    delivery: z
      .object({
        method: z.string(),
        trackingNumber: z.string().nullable(),
        status: z.string(),
        lastError: z.string().nullable(),
        deliveredAt: instant.nullable(),
      })
      .nullable(),
  })
  .meta({ id: 'ProxyOrderDetail' });

/**
 * 帮办代办 under /api/v1/proxy: the matters catalog (admin), runners' grids and matters, and the
 * orders — a small, mobile-friendly set for runners: my orders, accept, decline, the six steps.
 */
export function registerProxyRoutes(api: ApiRouter, proxy: { catalog: ProxyService; orders: ProxyOrders; steps: ProxySteps }): void {
  api.route({
    method: 'get',
    path: '/proxy/matters',
    tag: 'proxy',
    summary: 'The matters catalog (事项)',
    access: 'staff',
    response: z.object({ items: z.array(matterAnswer) }),
    handler: async () => ({ items: await proxy.catalog.listMatters() }),
  });
  api.route({
    method: 'post',
    path: '/proxy/matters',
    tag: 'proxy',
    summary: 'Add a matter; its legal time limit becomes the reply SLA of its 代办 tickets',
    access: ['admin'],
    body: matterSchema.extend({
      eligibility: matterFields.eligibility.default(null),
      tripsSaved: matterFields.tripsSaved.default(2),
      active: matterFields.active.default(true),
    }),
    successStatus: 201,
    response: matterAnswer,
    audit: { what: 'proxy_matter' },
    handler: ({ body }) => proxy.catalog.createMatter(body),
  });
  api.route({
    method: 'patch',
    path: '/proxy/matters/:id',
    tag: 'proxy',
    summary: 'Change a matter (not its name)',
    access: ['admin'],
    params: idParams,
    body: matterSchema.partial().refine((b) => Object.keys(b).length > 0, '至少修改一项'),
    response: matterAnswer,
    audit: { what: 'proxy_matter', before: ({ params }) => proxy.catalog.getMatter(params.id) },
    handler: ({ params, body }) => proxy.catalog.updateMatter(params.id, body),
  });

  api.route({
    method: 'get',
    path: '/proxy/bundles',
    tag: 'proxy',
    summary: '一件事一次办: the bundles, each situation with its matters, combined checklist and reduction',
    access: 'staff',
    response: z.object({ items: z.array(bundleAnswer) }),
    handler: async () => ({ items: await proxy.catalog.listBundles() }),
  });
  api.route({
    method: 'put',
    path: '/proxy/bundles/:code',
    tag: 'proxy',
    summary:
      'Create or replace a bundle and its situations (a situation left out is retired); a 代办 ticket names a situation as its matter',
    access: ['admin'],
    params: z.strictObject({ code: bundleSchema.shape.code }),
    body: bundleSchema.omit({ code: true }),
    response: bundleAnswer,
    audit: {
      what: 'proxy_bundle',
      id: ({ params }) => params.code,
      before: async ({ params }) => (await proxy.catalog.listBundles()).find((b) => b.code === params.code) ?? null,
    },
    handler: ({ params, body }) => proxy.catalog.putBundle({ ...body, code: params.code }),
  });

  api.route({
    method: 'get',
    path: '/proxy/runners',
    tag: 'proxy',
    summary: 'Runners with their grids, matters, duty, capacity and open orders',
    access: teamSide,
    query: z.strictObject({ teamId: z.coerce.number().int().positive().optional() }),
    response: z.object({ items: z.array(runnerAnswer) }),
    handler: async ({ query }) => ({ items: await proxy.catalog.listRunners(query.teamId) }),
  });
  api.route({
    method: 'put',
    path: '/proxy/runners/:id',
    tag: 'proxy',
    summary: 'Set a runner’s kind, grids (regions they cover) and trained matters (admin, or the team’s head)',
    access: ['admin', 'dept_head'],
    params: idParams,
    body: z.strictObject({
      kind: z.enum(['runner', 'agent', 'grid_worker', 'postal']).default('runner'),
      gridRegionIds: z.array(z.number().int().positive()).min(1).max(200),
      matterIds: z.array(z.number().int().positive()).max(500),
    }),
    response: runnerAnswer,
    audit: {
      what: 'runner',
      before: async ({ params }) => (await proxy.catalog.listRunners()).find((r) => r.userId === params.id) ?? null,
    },
    handler: ({ actor, params, body }) => proxy.catalog.setRunner(actor, params.id, body),
  });

  api.route({
    method: 'get',
    path: '/proxy/orders',
    tag: 'proxy',
    summary: '代办 orders; runners and chief representatives see theirs, team heads their team’s',
    access: teamSide,
    query: z.strictObject({
      status: z.enum(['unassigned', 'offered', 'accepted', 'submitted', 'delivering', 'done', 'cancelled']).optional(),
      mine: z
        .enum(['true', 'false'])
        .transform((v) => v === 'true')
        .optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
    response: z.object({ items: z.array(orderAnswer.extend({ number: z.string(), title: z.string() })) }),
    handler: async ({ actor, query }) => ({ items: await proxy.orders.list(actor, query) }),
  });
  api.route({
    method: 'get',
    path: '/proxy/orders/:id',
    tag: 'proxy',
    summary: 'An order with its six steps, mandate, materials and delivery',
    access: teamSide,
    params: idParams,
    response: orderDetailAnswer,
    handler: ({ actor, params }) => proxy.orders.get(actor, params.id),
  });

  const note = z.string().trim().min(1).max(500);
  const action = <B extends z.ZodType>(
    path: string,
    summary: string,
    access: readonly (typeof teamSide)[number][],
    body: B,
    run: (...args: [Parameters<ProxyOrders['get']>[0], number, z.infer<B>]) => Promise<unknown>,
  ) =>
    api.route({
      method: 'post',
      path: `/proxy/orders/:id/${path}`,
      tag: 'proxy',
      summary,
      access,
      params: idParams,
      body,
      // The order as it now is; a runner who declines no longer sees it, and is told so.
      response: path === 'decline' ? z.object({ orderId: z.number().int(), declined: z.literal(true) }) : orderDetailAnswer,
      handler: ({ actor, params, body: input }) => run(actor, params.id, input as z.infer<B>),
    });

  action(
    'assign',
    'Offer the order to a runner (who covers the grid and the matter)',
    ['proxy_seat', 'operator', 'supervisor', 'admin', 'dept_head'],
    z.strictObject({ runnerUserId: z.number().int().positive() }),
    (a, id, b) => proxy.orders.assignTo(a, id, b.runnerUserId),
  );
  action('claim', 'A runner takes an unassigned order in their grids', ['runner'], z.strictObject({}), (a, id) =>
    proxy.orders.claim(a, id),
  );
  action('accept', 'Accept the order offered to me (the ticket is signed for)', ['runner'], z.strictObject({}), (a, id) =>
    proxy.orders.accept(a, id),
  );
  action('decline', 'Decline the order offered to me', ['runner'], z.strictObject({ reason: note }), (a, id, b) =>
    proxy.orders.decline(a, id, b.reason),
  );
  action(
    'consult',
    '咨询告知: send the applicant the one-time checklist',
    [...holders, 'proxy_seat', 'operator', 'admin'],
    z.strictObject({ note: note.optional() }),
    (a, id, b) => proxy.steps.consult(a, id, b.note ?? null),
  );
  action(
    'mandate',
    '授权委托: record the applicant’s mandate (consent, scope, validity)',
    holders,
    z.strictObject({
      consent: z.literal(true, 'the applicant’s consent is required'),
      scope: z.array(z.enum(mandateScopes)).min(1).max(4),
      validUntil: daySchema,
      signedBy: z.string().trim().min(1).max(50),
      method: z.enum(['paper', 'sms', 'miniprogram', 'phone_recording']),
    }),
    (a, id, b) => proxy.steps.mandate(a, id, b),
  );
  action(
    'materials',
    '帮办代办: log one hand-over of one item (an item not on the list is kept as other, with a note)',
    holders,
    z.strictObject({
      itemKey: z.string().trim().min(1).max(40),
      name: z.string().trim().min(1).max(100).optional(),
      form: z.enum(['original', 'copy']),
      count: z.number().int().min(1).max(50).default(1),
      direction: z.enum(['received', 'submitted', 'returned']),
      place: z.string().trim().max(200).optional(),
      note: note.optional(),
    }),
    (a, id, b) => proxy.steps.handOver(a, id, b),
  );
  action(
    'defer',
    '容缺: a deferrable item follows later, on the applicant’s promise',
    holders,
    z.strictObject({ itemKey: z.string().trim().min(1).max(40), promisedBy: daySchema, note: note.optional() }),
    (a, id, b) => proxy.steps.defer(a, id, b),
  );
  action(
    'submit',
    '协调办理: submitted to the handling department, with its acceptance number',
    holders,
    z.strictObject({
      acceptanceNumber: z.string().trim().min(1).max(60),
      matterId: z.number().int().positive().optional().describe('a bundled order (一件事一次办): the matter submitted'),
      note: note.optional(),
    }),
    (a, id, b) => proxy.steps.submit(a, id, b),
  );
  action(
    'matter-result',
    '一件事一次办: one matter of a bundled order has its result (办结, or 不予办理 with why); delivered once every matter has',
    holders,
    z.strictObject({ matterId: z.number().int().positive(), outcome: z.enum(['approved', 'refused']), note: note.optional() }),
    (a, id, b) => proxy.steps.result(a, id, b),
  );
  action('progress', '跟踪反馈: progress for the applicant', holders, z.strictObject({ text: note }), (a, id, b) =>
    proxy.steps.progress(a, id, b.text),
  );
  action(
    'deliver',
    '评价归档: the result to the applicant, from the window or posted free with a tracking number',
    holders,
    z.strictObject({
      method: z.enum(['window', 'postal']),
      trackingNumber: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9]{8,30}$/, '邮件单号')
        .optional(),
      note: note.optional(),
    }),
    (a, id, b) => proxy.steps.deliver(a, id, b),
  );
  action(
    'delivered',
    'Confirm that a posted result arrived (without a tracking API)',
    [...holders, 'proxy_seat', 'admin'],
    z.strictObject({}),
    (a, id) => proxy.steps.confirmDelivered(a, id),
  );

  api.route({
    method: 'get',
    path: '/proxy/report/orders',
    tag: 'proxy',
    summary: 'The orders behind a figure of the 代办 report: one group’s orders, done, done late, cancelled, or with materials outstanding',
    description: 'key is the report row’s key ("" for the row without one: unassigned, no matter).',
    access: reportReaders,
    query: periodQuery({
      groupBy: z.enum(reportGroupings),
      key: z.string().max(40),
      figure: z.enum(reportFigures),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    response: z.object({
      items: z.array(
        z.object({ orderId: z.number().int(), ticketId: z.number().int(), number: z.string(), title: z.string(), status: z.string() }),
      ),
    }),
    handler: async ({ actor, query }) => {
      const pii = piiLens(actor);
      const orders = await proxy.catalog.reportOrders({ ...query, ...beijingDays(query) });
      return { items: orders.map((order) => ({ ...order, title: pii.text(order.title) })) };
    },
  });
  api.route({
    method: 'get',
    path: '/proxy/report',
    tag: 'proxy',
    summary: 'Orders per runner, team, matter, grid or mode: done, on time, trips saved, materials outstanding',
    access: reportReaders,
    query: periodQuery({
      groupBy: z.enum(reportGroupings).default('matter'),
      format: z.enum(['json', ...tableFormats]).default('json'),
    }),
    response: z
      .object({
        groupBy: z.string(),
        from: z.string(),
        to: z.string(),
        items: z.array(
          z.object({
            key: z.string().nullable(),
            name: z.string().nullable(),
            orders: z.number().int(),
            done: z.number().int(),
            onTime: z.number().int(),
            onTimeRate: z.number().nullable(),
            cancelled: z.number().int(),
            tripsSaved: z.number().int(),
            materialsOutstanding: z.number().int(),
          }),
        ),
      })
      .describe('or, with format=csv or xlsx, a file'),
    handler: async ({ query, res }) => {
      const rows = await proxy.catalog.report({ groupBy: query.groupBy, ...beijingDays(query) });
      if (query.format === 'json') return { groupBy: query.groupBy, from: query.from, to: query.to, items: rows };
      const table = [
        ['分组', '名称', '代办单', '办结', '按时办结', '按时率', '撤销', '少跑腿次数', '待补材料'],
        ...rows.map((r) => [
          r.key,
          r.name,
          r.orders,
          r.done,
          r.onTime,
          r.onTimeRate ?? '',
          r.cancelled,
          r.tripsSaved,
          r.materialsOutstanding,
        ]),
      ];
      await sendTable(
        res,
        { name: `proxy-${query.groupBy}-${query.from}-${query.to}`, sheet: `帮办代办 ${query.from} 至 ${query.to}`, rows: table },
        query.format,
      );
      return undefined;
    },
  });
}
