import { z } from 'zod';
import type { Db } from '../db/db';
import type { ApiRouter } from '../http/api-router';
import { queueCounts } from './queues.repository';

const count = z.number().int().min(0);

/** The center's work waiting for a person, counted: the seat's queue tabs (live through the staff socket). */
export function registerQueueRoutes(api: ApiRouter, db: Db): void {
  api.route({
    method: 'get',
    path: '/queues',
    tag: 'seats',
    summary: 'How much waits in each of the center’s queues',
    description:
      '待分拨 (triage), conversations waiting for a person, 漏接回拨 (callbackTasks), operator 回访 (callbacks), 退单 to review (returns), ' +
      'unsatisfied callbacks to review (reviews). The staff socket says when they change (`queue`, `ticket`, `tickets_created`).',
    access: ['operator', 'proxy_seat', 'supervisor', 'director', 'admin'],
    response: z.object({
      triage: count,
      conversations: count,
      callbackTasks: count,
      callbacks: count,
      returns: count,
      reviews: count,
    }),
    handler: () => queueCounts(db),
  });
}
