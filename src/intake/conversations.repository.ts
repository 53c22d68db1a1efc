import type { Queryable } from '../db/db';
import { citizenChannelOf } from '../outbox/message-catalogue';
import type { ConversationSummary } from './conversations.service';

/** A conversation waits for a person: the citizen wrote after the last reply a person gave (acknowledgements do not count). */
export const waitingForPerson = "v.last_inbound_at > coalesce(v.last_reply_at, '-infinity')";

/** The seats' inbox: open conversations the citizen wrote in, those waiting for a person first. */
export function listConversations(db: Queryable, filter: { waiting: boolean; limit: number; id?: number }): Promise<ConversationSummary[]> {
  const query = db('conversations as v')
    .join('contacts as c', 'c.id', 'v.contact_id')
    .leftJoin('tickets as t', 't.id', 'v.ticket_id')
    .select({
      id: 'v.id',
      channel: 'v.channel',
      contactId: 'v.contact_id',
      phone: 'c.phone',
      name: 'c.name',
      ticketId: 'v.ticket_id',
      ticketNumber: 't.number',
      lastInboundAt: 'v.last_inbound_at',
      lastReplyAt: 'v.last_reply_at',
      waiting: db.raw(waitingForPerson),
    })
    .where('v.status', 'open')
    .whereNotNull('v.last_inbound_at')
    .orderBy('v.last_inbound_at', filter.waiting ? 'asc' : 'desc')
    .limit(filter.limit);
  if (filter.waiting) query.whereRaw(waitingForPerson);
  if (filter.id !== undefined) query.where('v.id', filter.id);
  return query;
}

/** A conversation's messages both ways: what the citizen sent on it, and what the outbox sent them on its channel since it opened. */
export async function conversationMessages(db: Queryable, conversation: { id: number; channel: string; contactId: number }) {
  const inbound: Array<{ id: number; text: string; media: unknown; created_at: Date }> = await db('inbound_messages')
    .select('id', 'text', 'media', 'created_at')
    .where({ conversation_id: conversation.id });
  const outbound: Array<{ id: number; kind: string; payload: Record<string, unknown>; status: string; created_at: Date }> = await db(
    'outbox',
  )
    .select('id', 'kind', 'payload', 'status', 'created_at')
    .where({ channel: citizenChannelOf(conversation.channel) })
    .whereRaw("recipient->>'contactId' = ?", [String(conversation.contactId)])
    .where('created_at', '>=', db('conversations').select('created_at').where({ id: conversation.id }));
  return { inbound, outbound };
}

export async function lockOpenConversation(
  db: Queryable,
  id: number,
): Promise<{ id: number; channel: string; contactId: number; ticketId: number | null } | undefined> {
  return db('conversations')
    .select({ id: 'id', channel: 'channel', contactId: 'contact_id', ticketId: 'ticket_id' })
    .where({ id, status: 'open' })
    .forUpdate()
    .first();
}

export async function markReplied(db: Queryable, id: number): Promise<void> {
  await db('conversations').update({ last_reply_at: db.fn.now() }).where({ id });
}
