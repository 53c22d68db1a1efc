import { returningAs, type Queryable } from '../db/db';
import type { InboundKind, InboundMessage } from './intake.types';

export interface InboundRecord {
  id: number;
  channel: InboundMessage['channel'];
  providerId: string;
  fromPhone: string | null;
  fromOpenid: string | null;
  text: string;
  media: InboundMessage['media'];
  location: InboundMessage['location'] | null;
  requestType: 'proxy' | null;
  status: 'received' | 'processed';
  kind: InboundKind | null;
  contactId: number | null;
  conversationId: number | null;
  ticketId: number | null;
  receivedAt: Date;
}

const columns = {
  id: 'id',
  channel: 'channel',
  providerId: 'provider_id',
  fromPhone: 'from_phone',
  fromOpenid: 'from_openid',
  text: 'text',
  media: 'media',
  location: 'location',
  requestType: 'request_type',
  status: 'status',
  kind: 'kind',
  contactId: 'contact_id',
  conversationId: 'conversation_id',
  ticketId: 'ticket_id',
  receivedAt: 'received_at',
};

/** Stores a message once per channel and provider id; a replay returns the stored row. */
export async function insertInbound(db: Queryable, message: InboundMessage): Promise<{ record: InboundRecord; duplicate: boolean }> {
  const [inserted] = await db('inbound_messages')
    .insert({
      channel: message.channel,
      provider_id: message.providerId,
      from_phone: message.from.phone ?? null,
      from_openid: message.from.wechatOpenid ?? null,
      text: message.text,
      media: JSON.stringify(message.media),
      location: message.location ? JSON.stringify(message.location) : null,
      request_type: message.requestType ?? null,
      raw: message.raw,
      received_at: message.receivedAt,
    })
    .onConflict(['channel', 'provider_id'])
    .ignore()
    .returning(returningAs(columns));
  if (inserted) return { record: inserted as InboundRecord, duplicate: false };
  const existing = await db('inbound_messages').select(columns).where({ channel: message.channel, provider_id: message.providerId }).first();
  return { record: existing as InboundRecord, duplicate: true };
}

export async function lockInbound(db: Queryable, id: number): Promise<InboundRecord | undefined> {
  return db('inbound_messages').select(columns).where({ id }).forUpdate().first();
}

export async function markProcessed(
  db: Queryable,
  id: number,
  result: { kind: InboundKind; contactId: number; conversationId: number | null; ticketId: number | null },
): Promise<void> {
  await db('inbound_messages')
    .update({ status: 'processed', kind: result.kind, contact_id: result.contactId, conversation_id: result.conversationId, ticket_id: result.ticketId, processed_at: db.fn.now() })
    .where({ id });
}

/** Messages whose processing job was lost (the recovery sweep). */
export async function findUnprocessed(db: Queryable, olderThanSeconds: number, limit: number): Promise<number[]> {
  const rows = await db('inbound_messages')
    .select('id')
    .where({ status: 'received' })
    .where('created_at', '<', db.raw('now() - make_interval(secs => ?)', [olderThanSeconds]))
    .orderBy('id')
    .limit(limit);
  return rows.map((r: { id: number }) => r.id);
}

export interface ConversationRecord {
  id: number;
  contactId: number;
  channel: string;
  ticketId: number | null;
}

/** The contact's open conversation on the channel, opened on first contact. */
export async function openConversation(db: Queryable, contactId: number, channel: string): Promise<ConversationRecord> {
  const { rows } = await db.raw<{ rows: ConversationRecord[] }>(
    `insert into conversations (contact_id, channel) values (?, ?)
     on conflict (contact_id, channel) where status = 'open' do update set last_message_at = now()
     returning id, contact_id as "contactId", channel, ticket_id as "ticketId"`,
    [contactId, channel],
  );
  return rows[0]!;
}

/** A citizen's message joined the conversation: it now waits for a human until a seat replies. */
export async function setConversationTicket(db: Queryable, id: number, ticketId: number): Promise<void> {
  await db('conversations').update({ ticket_id: ticketId, last_message_at: db.fn.now(), last_inbound_at: db.fn.now() }).where({ id });
}
