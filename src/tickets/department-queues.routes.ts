import { z } from 'zod';
import type { Db } from '../db/db';
import type { ApiRouter } from '../http/api-router';
import { invalid } from '../shared/errors';
import { isCenterRole } from '../shared/roles';
import { departmentQueueCounts, departmentQueues } from './department-queues';

/** The department workbench's counts: each queue, the department's and mine. */
export function registerDepartmentQueueRoutes(api: ApiRouter, db: Db): void {
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
    handler: async ({ actor, query }) => {
      const departmentId = isCenterRole(actor.role) ? query.departmentId : actor.departmentId;
      if (departmentId === undefined || departmentId === null) throw invalid('name the department (departmentId)');
      return { items: await departmentQueueCounts(db, departmentId, actor.userId) };
    },
  });
}
