import { z } from 'zod';
import type { Db } from '../db/db';
import type { ApiRouter } from '../http/api-router';
import { AppError, invalid } from '../shared/errors';
import { isCenterRole, type UserActor } from '../shared/roles';
import { lifecycle } from './ticket-lifecycle';
import { limits } from './ticket.schemas';
import type { TicketsService } from './tickets.service';
import { departmentLoad, departmentQueueCounts, departmentQueues } from './department-queues';

/** The department a request is about: a department role's own; a center role names it. */
function departmentOf(actor: UserActor, named: number | undefined): number {
  const departmentId = isCenterRole(actor.role) ? named : actor.departmentId;
  if (departmentId === undefined || departmentId === null) throw invalid('请指定部门（departmentId）');
  return departmentId;
}

/** The department workbench's counts: each queue, the department's and mine. */
export function registerDepartmentQueueRoutes(api: ApiRouter, db: Db, tickets: TicketsService): void {
  api.route({
    method: 'get',
    path: '/department-queues',
    tag: 'tickets',
    summary: 'How many tickets wait in each of my department’s queues, the department’s and mine',
    description:
      'sign_for 待签收, handling 办理中, assist 协办, supervision 督办 (an answer due), redo 重办 (reopened after a callback), replied 已答复. ' +
      'The same queues filter GET /tickets?queue=. Center roles name the department.',
    access: 'staff',
    query: z.strictObject({ departmentId: z.coerce.number().int().positive().optional() }),
    response: z.object({
      items: z.array(z.object({ queue: z.enum(departmentQueues), all: z.number().int(), mine: z.number().int() })),
    }),
    handler: async ({ actor, query }) => ({
      items: await departmentQueueCounts(db, departmentOf(actor, query.departmentId), actor.userId),
    }),
  });
  api.route({
    method: 'get',
    path: '/department-load',
    tag: 'tickets',
    summary: 'My department’s load per person: open tickets assigned to each, and how many are overdue',
    description: 'Active agents and the head, the busiest first; open is 待签收 and 办理中. Center roles name the department.',
    access: ['dept_head', 'agent', 'supervisor', 'director', 'admin'],
    query: z.strictObject({ departmentId: z.coerce.number().int().positive().optional() }),
    response: z.object({
      items: z.array(
        z.object({
          userId: z.number().int(),
          displayName: z.string(),
          role: z.string(),
          onDuty: z.boolean(),
          open: z.number().int(),
          overdue: z.number().int(),
        }),
      ),
    }),
    handler: async ({ actor, query }) => ({ items: await departmentLoad(db, departmentOf(actor, query.departmentId)) }),
  });
  api.route({
    method: 'post',
    path: '/tickets/bulk-assign',
    tag: 'ticket actions',
    summary: 'Assign (or reassign) several tickets to one person at once',
    description:
      'Each ticket is assigned on its own, by the same rule as POST /tickets/{id}/assign; the answer says, ticket by ticket, ' +
      'whether it was assigned or why not. At most 50.',
    access: lifecycle.assign.actors.filter((role) => role !== 'system') as Array<
      Exclude<(typeof lifecycle.assign.actors)[number], 'system'>
    >,
    body: z.strictObject({
      ticketIds: z.array(z.number().int().positive()).min(1).max(50),
      userId: z.number().int().positive(),
      note: z.string().trim().min(1).max(limits.note).optional(),
    }),
    response: z.object({
      items: z.array(z.object({ ticketId: z.number().int(), assigned: z.boolean(), message: z.string().nullable() })),
    }),
    handler: async ({ actor, body }) => {
      const items = [];
      for (const ticketId of new Set(body.ticketIds)) {
        try {
          await tickets.perform(actor, ticketId, 'assign', { userId: body.userId, note: body.note }, { readBack: false });
          items.push({ ticketId, assigned: true, message: null });
        } catch (err) {
          if (!(err instanceof AppError) || !err.operational) throw err;
          items.push({ ticketId, assigned: false, message: err.message });
        }
      }
      return { items };
    },
  });
}
