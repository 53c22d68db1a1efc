import { z } from 'zod';
import { type ApiRouter, idParams } from '../http/api-router';
import type { CallsService } from './calls.service';
import { instant } from '../http/validate';

const seats = ['operator', 'proxy_seat', 'supervisor', 'admin'] as const;

const callbackTask = z
  .object({
    id: z.number().int(),
    callId: z.number().int(),
    callSid: z.string(),
    phone: z.string().nullable(),
    reason: z.enum(['missed', 'abandoned']),
    status: z.enum(['open', 'done']),
    menuChoice: z.string().nullable(),
    callStartedAt: instant,
    note: z.string().nullable(),
    reached: z.boolean().nullable(),
    doneBy: z.number().int().nullable(),
    doneAt: instant.nullable(),
    createdAt: instant,
  })
  .meta({ id: 'CallbackTask' });

export function registerCallRoutes(api: ApiRouter, callsService: CallsService): void {
  api.route({
    method: 'get',
    path: '/callback-tasks',
    tag: 'seats',
    summary: 'The missed-call callback queue (漏接回拨)',
    description: 'Calls that ended before the caller was served, oldest first.',
    access: seats,
    query: z.strictObject({
      status: z.enum(['open', 'done']).default('open'),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    response: z.object({ items: z.array(callbackTask) }),
    handler: async ({ query }) => ({ items: await callsService.listCallbackTasks(query.status, query.limit) }),
  });
  api.route({
    method: 'post',
    path: '/callback-tasks/:id/complete',
    tag: 'seats',
    summary: 'Record a callback as done',
    access: seats,
    params: idParams,
    body: z.strictObject({ reached: z.boolean(), note: z.string().trim().min(1).max(1_000) }),
    response: callbackTask,
    handler: ({ actor, params, body }) => callsService.completeCallbackTask(actor, params.id, body),
  });
}
