import { z } from 'zod';
import { type ApiRouter, idParams } from '../http/api-router';
import type { TicketsService } from '../tickets/tickets.service';
import type { NotifyService } from './notify.service';
import { renderText } from './templates';
import { piiLens } from '../shared/pii';
import { instant } from '../http/validate';

const outboxStatuses = ['pending', 'sending', 'sent', 'failed', 'dead', 'cancelled'] as const;
const outboxMessage = z
  .object({
    id: z.number().int(),
    kind: z.string(),
    channel: z.string(),
    recipient: z.object({
      contactId: z.number().int().optional(),
      phone: z.string().optional(),
      departmentId: z.number().int().optional(),
      chatChannel: z.string().optional(),
    }),
    payload: z.record(z.string(), z.unknown()),
    ticketId: z.number().int().nullable(),
    status: z.enum(outboxStatuses),
    attempts: z.number().int(),
    nextAttemptAt: instant,
    lastError: z.string().nullable(),
    providerId: z.string().nullable(),
    providerStatus: z.string().nullable(),
    segments: z.number().int().nullable(),
    inDoubt: z.boolean().describe('an earlier send may have left: the provider is asked before it is sent again'),
    createdAt: instant,
    sentAt: instant.nullable(),
  })
  .meta({ id: 'OutboxMessage' });

const citizenChannels = new Set(['sms', 'miniprogram', 'voice']);

export function registerNotifyRoutes(api: ApiRouter, notify: NotifyService, tickets: Pick<TicketsService, 'assertVisible'>): void {
  api.route({
    method: 'get',
    path: '/tickets/:id/messages',
    tag: 'outbox',
    summary: 'What the hub sent the citizen about a ticket, as they received it, with each message’s delivery state',
    description:
      'Whoever may see the ticket may see these (no recipient address: the text only). `providerStatus` is the provider’s own word (Twilio: delivered, undelivered…).',
    access: 'staff',
    params: idParams,
    response: z.object({
      items: z.array(
        z.object({
          id: z.number().int(),
          kind: z.string(),
          channel: z.string(),
          text: z.string(),
          status: z.enum(outboxStatuses),
          providerStatus: z.string().nullable(),
          lastError: z.string().nullable(),
          createdAt: instant,
          sentAt: instant.nullable(),
        }),
      ),
    }),
    handler: async ({ actor, params }) => {
      await tickets.assertVisible(actor, params.id);
      const rows = await notify.list({ ticketId: params.id, limit: 200 });
      const pii = piiLens(actor); // a provider's error may quote the number
      return {
        items: rows
          .filter((row) => citizenChannels.has(row.channel))
          .reverse()
          .map((row) => ({
            id: row.id,
            kind: row.kind,
            channel: row.channel,
            text: pii.text(renderText(row.kind, row.payload, row.channel) ?? '') ?? '',
            status: row.status,
            providerStatus: row.providerStatus,
            lastError: pii.text(row.lastError),
            createdAt: row.createdAt,
            sentAt: row.sentAt,
          })),
      };
    },
  });

  api.route({
    method: 'get',
    path: '/outbox',
    tag: 'outbox',
    summary: 'List outbound messages',
    description:
      'Filter by status: `failed` rows wait for a retry, `dead` rows used up their attempts (dead letters) and show their last error.',
    access: ['admin', 'supervisor'],
    query: z.strictObject({
      status: z.enum(outboxStatuses).optional(),
      ticketId: z.coerce.number().int().positive().optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    response: z.object({ items: z.array(outboxMessage) }),
    handler: async ({ query }) => ({ items: await notify.list(query) }),
  });
  api.route({
    method: 'post',
    path: '/outbox/:id/retry',
    tag: 'outbox',
    summary: 'Retry a failed, dead or cancelled message',
    access: ['admin', 'supervisor'],
    params: idParams,
    body: z.strictObject({}),
    response: outboxMessage,
    handler: ({ params }) => notify.retry(params.id),
  });
  api.route({
    method: 'post',
    path: '/outbox/:id/cancel',
    tag: 'outbox',
    summary: 'Withdraw a waiting message',
    description:
      'A pending, failed or dead message is not sent; the reason is kept in `lastError`. A message being sent right now cannot be withdrawn. `retry` brings it back.',
    access: ['admin', 'supervisor'],
    params: idParams,
    body: z.strictObject({ reason: z.string().trim().min(1).max(200) }),
    response: outboxMessage,
    handler: ({ params, body, actor }) => notify.cancel(params.id, body.reason, actor.displayName),
  });
}
