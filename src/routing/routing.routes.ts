import { z } from 'zod';
import { centerRoles } from '../shared/roles';
import { type ApiRouter, idParams } from '../http/api-router';
import { daySchema, instant } from '../http/validate';
import { sendTable, tableFormats } from '../http/table-file';
import { shanghaiDay } from '../shared/time';
import { requestTypes } from '../tickets/ticket.types';
import type { RoutingService } from './routing.service';

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const day = daySchema;
const keywords = z
  .array(z.string().trim().min(1).max(30))
  .max(20)
  .refine((list) => new Set(list.map((k) => k.toLowerCase())).size === list.length, '关键词不能重复');

const entryFields = {
  name: z.string().trim().min(1).max(100),
  categoryId: id.nullable(),
  requestType: z.enum(requestTypes).nullable(),
  regionId: id.nullable(),
  matter: z.string().trim().min(1).max(100).nullable(),
  keywords,
  leadDepartmentId: id,
  assistDepartmentIds: z.array(id).max(10),
  priority: z.number().int().min(-1000).max(1000),
  effectiveFrom: day.nullable(),
  effectiveTo: day.nullable(),
};

const createEntryBody = z.strictObject({
  ...entryFields,
  categoryId: entryFields.categoryId.default(null),
  requestType: entryFields.requestType.default(null),
  regionId: entryFields.regionId.default(null),
  matter: entryFields.matter.default(null),
  keywords: keywords.default([]),
  assistDepartmentIds: entryFields.assistDepartmentIds.default([]),
  priority: entryFields.priority.default(0),
  effectiveFrom: entryFields.effectiveFrom.default(null),
  effectiveTo: entryFields.effectiveTo.default(null),
});

const updateEntryBody = z
  .strictObject(
    Object.fromEntries(Object.entries(entryFields).map(([key, schema]) => [key, schema.optional()])) as {
      [K in keyof typeof entryFields]: z.ZodOptional<(typeof entryFields)[K]>;
    },
  )
  .refine((body) => Object.keys(body).length > 0, '至少修改一项');

const dryRunBody = z.union([
  z.strictObject({ ticketId: id }),
  z.strictObject({
    categoryId: id.nullable().default(null),
    requestType: z.enum(requestTypes),
    regionId: id.nullable().default(null),
    matter: z.string().trim().min(1).max(100).nullable().default(null),
    text: z.string().max(5_000).default(''),
  }),
]);

const named = z.object({ id: z.number().int(), name: z.string() });
const catalogEntry = z
  .object({
    id: z.number().int(),
    name: z.string(),
    categoryId: z.number().int().nullable(),
    requestType: z.string().nullable(),
    regionId: z.number().int().nullable(),
    matter: z.string().nullable(),
    keywords: z.array(z.string()),
    leadDepartmentId: z.number().int(),
    assistDepartmentIds: z.array(z.number().int()),
    priority: z.number().int(),
    effectiveFrom: z.string().nullable(),
    effectiveTo: z.string().nullable(),
    flaggedAt: instant.nullable(),
    flagNote: z.string().nullable(),
    deletedAt: instant.nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'CatalogEntry' });
export const routingDecision = z
  .object({
    outcome: z.enum(['catalog', 'fallback_district', 'center_queue']),
    department: named.nullable(),
    assistDepartments: z.array(named),
    entry: z
      .object({
        id: z.number().int(),
        name: z.string(),
        priority: z.number().int(),
        byMatter: z.boolean(),
        forProxy: z.boolean(),
        matchedOn: z.array(z.string()),
      })
      .nullable(),
    catalogVersion: z.number().int(),
    matchedEntries: z.number().int(),
    explanation: z.array(z.string()).describe('why, step by step, for the operator (zh-CN)'),
  })
  .meta({ id: 'RoutingDecision' });

export function registerRoutingRoutes(api: ApiRouter, routing: RoutingService): void {
  api.route({
    method: 'get',
    path: '/routing/catalog',
    tag: 'routing',
    summary: 'The dispatch catalog (派单目录)',
    description:
      'Entries and the catalog version. inactiveBecause names entries left out because a department they name is inactive; flagged entries were found wrong by an upheld return.',
    access: centerRoles,
    query: z.strictObject({
      includeDeleted: z
        .enum(['true', 'false'])
        .transform((v) => v === 'true')
        .optional(),
      flagged: z
        .enum(['true', 'false'])
        .transform((v) => v === 'true')
        .optional(),
    }),
    response: z.object({ version: z.number().int(), items: z.array(catalogEntry.extend({ inactiveBecause: z.string().nullable() })) }),
    handler: ({ query }) => routing.listEntries(query),
  });
  api.route({
    method: 'get',
    path: '/routing/catalog/:id',
    tag: 'routing',
    summary: 'Get a catalog entry',
    access: centerRoles,
    params: idParams,
    response: catalogEntry,
    handler: ({ params }) => routing.getEntry(params.id),
  });
  api.route({
    method: 'post',
    path: '/routing/catalog',
    tag: 'routing',
    summary: 'Add a catalog entry',
    description:
      'Matches on any of category (level 1 or 2), request type, region (the ticket’s region or an ancestor), matter, keywords; the most specific match wins, then the higher priority. An entry that ties with an existing one is refused (409).',
    access: ['admin'],
    body: createEntryBody,
    successStatus: 201,
    response: catalogEntry.extend({ catalogVersion: z.number().int() }),
    audit: { what: 'catalog_entry' },
    handler: ({ actor, body }) => routing.createEntry(actor, body),
  });
  api.route({
    method: 'patch',
    path: '/routing/catalog/:id',
    tag: 'routing',
    summary: 'Change a catalog entry (clears its correction flag)',
    access: ['admin'],
    params: idParams,
    body: updateEntryBody,
    response: catalogEntry.extend({ catalogVersion: z.number().int() }),
    audit: { what: 'catalog_entry', before: ({ params }) => routing.getEntry(params.id) },
    handler: ({ actor, params, body }) => routing.updateEntry(actor, params.id, body),
  });
  api.route({
    method: 'delete',
    path: '/routing/catalog/:id',
    tag: 'routing',
    summary: 'Delete a catalog entry',
    description: 'Kept for history (tickets it routed still name it); it no longer matches.',
    access: ['admin'],
    params: idParams,
    response: z.object({ catalogVersion: z.number().int() }),
    audit: { what: 'catalog_entry', before: ({ params }) => routing.getEntry(params.id) },
    handler: ({ actor, params }) => routing.deleteEntry(actor, params.id),
  });
  api.route({
    method: 'get',
    path: '/routing/catalog-revisions',
    tag: 'routing',
    summary: 'Catalog versions: every change with before and after',
    access: centerRoles,
    query: z.strictObject({
      entryId: z.coerce.number().int().positive().optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    response: z.object({
      items: z.array(
        z.object({
          version: z.number().int(),
          entryId: z.number().int(),
          change: z.string(),
          before: z.record(z.string(), z.unknown()).nullable(),
          after: z.record(z.string(), z.unknown()).nullable(),
          actorUserId: z.number().int().nullable(),
          createdAt: instant,
        }),
      ),
    }),
    handler: async ({ query }) => ({ items: await routing.revisions(query) }),
  });
  api.route({
    method: 'post',
    path: '/routing/dry-run',
    tag: 'routing',
    summary: 'Who would get this ticket, and by which entry?',
    description: 'Give a ticketId, or the routing facts (requestType, categoryId, regionId, matter, text). Nothing is changed.',
    access: centerRoles,
    body: dryRunBody,
    response: routingDecision,
    handler: ({ body }) => ('ticketId' in body ? routing.decideForTicket(body.ticketId) : routing.decide(body)),
  });
  api.route({
    method: 'get',
    path: '/tickets/:id/routing',
    tag: 'routing',
    summary: 'Where the dispatch catalog sends this ticket (the operator’s suggestion)',
    access: centerRoles,
    params: idParams,
    response: routingDecision,
    handler: ({ params }) => routing.decideForTicket(params.id),
  });
  api.route({
    method: 'get',
    path: '/routing/returns/tickets',
    tag: 'routing',
    summary: 'The tickets behind a figure of the returns report: a department’s or entry’s returns, or those upheld or rejected on review',
    access: centerRoles,
    query: z
      .strictObject({
        groupBy: z.enum(['department', 'entry']).default('department'),
        id: z.coerce.number().int().positive(),
        figure: z.enum(['returned', 'upheld', 'rejected']),
        from: z.iso.datetime({ offset: true }),
        to: z.iso.datetime({ offset: true }),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      })
      .refine((q) => Date.parse(q.from) < Date.parse(q.to), '开始时间须早于结束时间'),
    response: z.object({
      items: z.array(z.object({ ticketId: z.number().int(), number: z.string(), title: z.string(), reason: z.string().nullable() })),
    }),
    handler: async ({ query }) => ({
      items: await routing.returnTickets({ ...query, from: new Date(query.from), to: new Date(query.to) }),
    }),
  });
  api.route({
    method: 'get',
    path: '/routing/returns',
    tag: 'routing',
    summary: 'Returns (退单) per department or per catalog entry',
    description:
      'Tickets routed, returned, return rate, and the review decisions (upheld, rejected) in [from, to). Defaults: the last 30 days.',
    access: centerRoles,
    query: z
      .strictObject({
        groupBy: z.enum(['department', 'entry']).default('department'),
        from: z.iso.datetime({ offset: true }).optional(),
        to: z.iso.datetime({ offset: true }).optional(),
        format: z.enum(['json', ...tableFormats]).default('json'),
      })
      .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), '开始时间须早于结束时间'),
    response: z.object({
      from: instant,
      to: instant,
      groupBy: z.enum(['department', 'entry']),
      items: z.array(
        z
          .object({
            departmentId: z.number().int().optional(),
            catalogEntryId: z.number().int().optional(),
            name: z.string().nullable(),
            routed: z.number().int(),
            returned: z.number().int(),
            returnRate: z.number().nullable(),
            upheld: z.number().int(),
            rejected: z.number().int(),
          })
          .loose(),
      ),
    }),
    handler: async ({ query, res }) => {
      const to = query.to ? new Date(query.to) : new Date();
      const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * 86_400_000);
      const stats = await routing.returnStats({ from, to, groupBy: query.groupBy });
      if (query.format === 'json') return stats;
      const period = `${shanghaiDay(from)} 至 ${shanghaiDay(new Date(to.getTime() - 1))}`;
      const rows = [
        [query.groupBy === 'department' ? '承办单位' : '派单条目', '派出', '退单', '退单率', '退单成立', '退单驳回'],
        ...stats.items.map((r) => [r.name, r.routed, r.returned, r.returnRate ?? '', r.upheld, r.rejected]),
      ];
      await sendTable(res, { name: `returns-${query.groupBy}-${shanghaiDay(from)}`, sheet: `退单 ${period}`, rows }, query.format);
      return undefined;
    },
  });
}
