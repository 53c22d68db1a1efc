import { z } from 'zod';
import { sendTable } from '../http/table-file';
import { type ApiRouter, idParams } from '../http/api-router';
import { lifecycle, ticketActions, type TicketAction } from './ticket-lifecycle';
import { actionBodies, contactView, createTicketBody, listTicketsQuery, ticketDetailSchema, ticketListSchema } from './ticket.schemas';
import type { TicketsService } from './tickets.service';
import { exportTickets } from './ticket-export';
import { registerSavedViewRoutes } from './saved-views.routes';
import { registerDepartmentQueueRoutes } from './department-queues.routes';
import type { Db } from '../db/db';
import { shanghaiDay } from '../shared/time';
import { createThen } from './create-then';

export function registerTicketRoutes(api: ApiRouter, tickets: TicketsService, db: Db): void {
  api.route({
    method: 'post',
    path: '/tickets',
    tag: 'tickets',
    summary: 'Create a ticket (an operator logs a call), and with `then` dispatch, resolve or merge it at once',
    description:
      'The ticket is created whatever becomes of `then`: `followUp` says whether the action was done, or why not (the ticket is then as created).',
    access: ['operator', 'proxy_seat', 'supervisor', 'admin'],
    body: createTicketBody,
    successStatus: 201,
    response: ticketDetailSchema.extend({
      followUp: z.object({ action: z.string(), done: z.boolean(), error: z.string().nullable() }).optional(),
    }),
    handler: async ({ actor, body }) => {
      if (!body.then) return tickets.create(actor, body);
      const { action, ...input } = body.then;
      // A refusal (an article that does not exist, say) leaves the ticket as created; followUp says why.
      const { ticket, refused } = await createThen(tickets, actor, body, { action, body: input as never });
      return { ...(await tickets.get(actor, ticket.id)), followUp: { action, done: !refused, error: refused?.message ?? null } };
    },
  });

  api.route({
    method: 'get',
    path: '/tickets',
    tag: 'tickets',
    summary: 'List tickets',
    description:
      'Newest first. Filters combine with AND; `status` takes a comma-separated list; `regionId` includes every region below it; ' +
      '`categoryId` of a level-1 category includes its children; `q` matches the number exactly or title/description as text; ' +
      '`assignee=me` is my queue, `assignee=none` the department queue (not yet assigned). ' +
      'Pass `nextCursor` back as `cursor` for the next page. Department staff see only their department’s tickets. ' +
      '`format=csv` or `xlsx` answers the whole filtered list (newest first, at most 10,000 rows; `X-Truncated: true` when there were more) ' +
      'as a CSV file or an Excel workbook, masked as the list is.',
    access: 'staff',
    query: listTicketsQuery,
    response: ticketListSchema.describe('or, with format=csv or xlsx, a file'),
    handler: async ({ actor, query, res }) => {
      if (query.format === 'json') return tickets.list(actor, query);
      const { table, truncated } = await exportTickets(tickets, actor, query);
      res.setHeader('X-Truncated', String(truncated));
      await sendTable(res, { name: `tickets-${shanghaiDay(new Date())}`, sheet: '工单', rows: table }, query.format);
      return undefined;
    },
  });

  registerSavedViewRoutes(api, db);
  registerDepartmentQueueRoutes(api, db, tickets);

  api.route({
    method: 'get',
    path: '/tickets/:id',
    tag: 'tickets',
    summary: 'Get a ticket with its timeline',
    access: 'staff',
    params: idParams,
    response: ticketDetailSchema,
    handler: ({ actor, params }) => tickets.get(actor, params.id),
  });

  // Actions only the hub itself performs (the classifier's) have no HTTP route.
  for (const action of ticketActions) if (lifecycle[action].actors.some((role) => role !== 'system')) registerAction(api, tickets, action);
}

function registerAction<A extends TicketAction>(api: ApiRouter, tickets: TicketsService, action: A): void {
  const rule = lifecycle[action];
  const body = actionBodies[action] as z.ZodType;
  api.route({
    method: 'post',
    path: `/tickets/:id/${action.replace(/_/g, '-')}`,
    tag: 'ticket actions',
    summary: `${rule.label} (${action})`,
    description: `From: ${rule.from.join(', ')}${rule.to ? ` → ${rule.to}` : ' (status unchanged)'}.${rule.scope ? ` Department staff: ${rule.scope.replace(/_/g, ' ')} department only.` : ''}`,
    access: rule.actors.filter((role) => role !== 'system') as Exclude<(typeof rule.actors)[number], 'system'>[],
    params: idParams,
    body,
    // Every action answers the ticket as it now is, but for the contact a reveal shows.
    response: action === 'reveal_contact' ? z.object({ contact: contactView }) : ticketDetailSchema,
    handler: ({ actor, params, body: input }) => tickets.perform(actor, params.id, action, input as never),
  });
}
