import { z } from 'zod';
import { type ApiRouter, idParams } from '../http/api-router';
import type { ConversationsService } from './conversations.service';
import { instant } from '../http/validate';

const seats = ['operator', 'proxy_seat', 'supervisor', 'admin'] as const;

const conversationSummary = z
  .object({
    id: z.number().int(),
    channel: z.string(),
    contactId: z.number().int(),
    phone: z.string().nullable(),
    name: z.string().nullable(),
    ticketId: z.number().int().nullable(),
    ticketNumber: z.string().nullable(),
    lastInboundAt: instant.nullable(),
    lastReplyAt: instant.nullable(),
    waiting: z.boolean(),
  })
  .meta({ id: 'ConversationSummary' });
const conversationMessage = z.object({
  direction: z.enum(['in', 'out']),
  id: z.number().int(),
  text: z.string().nullable(),
  media: z.unknown(),
  status: z.string().nullable(),
  at: instant,
});

export function registerConversationRoutes(api: ApiRouter, conversations: ConversationsService): void {
  api.route({
    method: 'get',
    path: '/conversations',
    tag: 'seats',
    summary: 'The seats’ inbox of citizen conversations',
    description: '`waiting=true` (default): conversations in which the citizen wrote last and no seat has answered, longest waiting first.',
    access: seats,
    query: z.strictObject({
      waiting: z
        .enum(['true', 'false'])
        .default('true')
        .transform((v) => v === 'true'),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    response: z.object({ items: z.array(conversationSummary) }),
    handler: async ({ query }) => ({ items: await conversations.list(query) }),
  });
  api.route({
    method: 'get',
    path: '/conversations/:id',
    tag: 'seats',
    summary: 'A conversation with its messages',
    access: seats,
    params: idParams,
    response: conversationSummary.extend({ messages: z.array(conversationMessage) }),
    handler: ({ params }) => conversations.get(params.id),
  });
  api.route({
    method: 'post',
    path: '/conversations/:id/reply',
    tag: 'seats',
    summary: 'Reply to the citizen on their channel',
    description:
      'Goes out by SMS or in the mini-program (the conversation’s channel; phone conversations are answered by SMS) and is recorded on the ticket’s timeline.',
    access: seats,
    params: idParams,
    body: z.strictObject({ text: z.string().trim().min(1).max(500) }),
    successStatus: 202,
    response: z.object({ outboxId: z.number().int() }),
    handler: ({ actor, params, body }) => conversations.reply(actor, params.id, body.text),
  });
}
