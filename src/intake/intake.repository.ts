import { columnList, pgArray, type Queryable } from '../db/db';
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

/**
 * Stores messages once per channel and provider id, many in one statement; a replay (or the same
 * message twice in one batch) returns the stored row, marked duplicate. Results in input order.
 */
export async function insertInbound(
  db: Queryable,
  messages: readonly InboundMessage[],
): Promise<Array<{ record: InboundRecord; duplicate: boolean }>> {
  if (messages.length === 0) return [];
  const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
  const { rows } = await db.raw<{ rows: InboundRecord[] }>(insertInboundSql, [
    pgArray(messages.map((m) => m.channel)),
    pgArray(messages.map((m) => m.providerId)),
    pgArray(messages.map((m) => m.from.phone ?? null)),
    pgArray(messages.map((m) => m.from.wechatOpenid ?? null)),
    pgArray(messages.map((m) => m.text)),
    pgArray(messages.map((m) => json(m.media))),
    pgArray(messages.map((m) => json(m.location))),
    pgArray(messages.map((m) => m.requestType ?? null)),
    pgArray(messages.map((m) => json(m.raw))),
    pgArray(messages.map((m) => m.receivedAt.toISOString())),
  ]);
  const key = (channel: string, providerId: string) => `${channel} ${providerId}`;
  const stored = new Map(rows.map((row) => [key(row.channel, row.providerId), { record: row, fresh: true }]));
  const missing = messages.filter((m) => !stored.has(key(m.channel, m.providerId)));
  if (missing.length > 0) {
    // Stored before this statement began, or by a concurrent one it waited for: read now.
    const existing = await db('inbound_messages')
      .select(columns)
      .whereIn(
        ['channel', 'provider_id'],
        missing.map((m) => [m.channel, m.providerId]),
      );
    for (const row of existing as InboundRecord[]) stored.set(key(row.channel, row.providerId), { record: row, fresh: false });
  }
  return messages.map((m) => {
    const entry = stored.get(key(m.channel, m.providerId))!;
    const duplicate = !entry.fresh;
    entry.fresh = false; // the same message again later in this batch is a replay
    return { record: entry.record, duplicate };
  });
}

const insertInboundSql = `
  insert into inbound_messages (channel, provider_id, from_phone, from_openid, text, media, location, request_type, raw, received_at)
  select * from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::jsonb[], ?::jsonb[], ?::text[], ?::jsonb[], ?::timestamptz[])
  on conflict (channel, provider_id) do nothing
  returning ${columnList(columns)}`;

/**
 * Messages to process, locked until commit: up to limit of those waiting that no other batch
 * holds, oldest first; only the given ids when there are any; never the excluded ones.
 */
export async function claimInbound(
  db: Queryable,
  options: { limit: number; only?: readonly number[]; except?: readonly number[] },
): Promise<InboundRecord[]> {
  const only = options.only ? pgArray(options.only) : null;
  const { rows } = await db.raw<{ rows: InboundRecord[] }>(
    `with claimed as (
       select id from inbound_messages
       where status = 'received' and (?::bigint[] is null or id = any(?::bigint[])) and id <> all(?::bigint[])
       order by created_at limit ? for update skip locked)
     select ${columnList(columns)} from inbound_messages where id in (select id from claimed) order by id`,
    [only, only, pgArray(options.except ?? []), options.limit],
  );
  return rows;
}

export interface ProcessedMessage {
  id: number;
  kind: InboundKind;
  contactId: number;
  conversationId: number | null;
  ticketId: number | null;
}

export async function markProcessed(db: Queryable, results: readonly ProcessedMessage[]): Promise<void> {
  if (results.length === 0) return;
  await db.raw(
    `update inbound_messages m set status = 'processed', kind = r.kind, contact_id = r.contact_id, conversation_id = r.conversation_id,
            ticket_id = r.ticket_id, processed_at = now()
     from unnest(?::bigint[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[]) as r(id, kind, contact_id, conversation_id, ticket_id)
     where m.id = r.id`,
    [
      results.map((r) => r.id),
      results.map((r) => r.kind),
      results.map((r) => r.contactId),
      results.map((r) => r.conversationId),
      results.map((r) => r.ticketId),
    ].map(pgArray),
  );
}

/** Whether a message has waited longer than a processing job takes (its job was lost: the recovery sweep). */
export async function hasUnprocessed(db: Queryable, olderThanSeconds: number): Promise<boolean> {
  const row = await db('inbound_messages')
    .select('id')
    .where({ status: 'received' })
    .where('created_at', '<', db.raw('now() - make_interval(secs => ?)', [olderThanSeconds]))
    .first();
  return row !== undefined;
}

export interface ConversationRecord {
  id: number;
  contactId: number;
  channel: string;
  ticketId: number | null;
}

/** The contact's open conversation on the channel, opened on first contact. */
export async function openConversation(db: Queryable, contactId: number, channel: string): Promise<ConversationRecord> {
  const [conversation] = await openConversations(db, [{ contactId, channel }]);
  return conversation!;
}

/**
 * Open conversations of many contacts at once (one per contact and channel), each with the
 * status of the ticket it is on, if any.
 */
export async function openConversations(
  db: Queryable,
  keys: ReadonlyArray<{ contactId: number; channel: string }>,
): Promise<Array<ConversationRecord & { ticketStatus: string | null }>> {
  if (keys.length === 0) return [];
  const sorted = [...keys].sort((a, b) => a.contactId - b.contactId || a.channel.localeCompare(b.channel));
  const { rows } = await db.raw<{ rows: Array<ConversationRecord & { ticketStatus: string | null }> }>(
    `insert into conversations as c (contact_id, channel) select * from unnest(?::bigint[], ?::text[])
     on conflict (contact_id, channel) where status = 'open' do update set last_message_at = now()
     returning id, contact_id as "contactId", channel, ticket_id as "ticketId",
               (select status from tickets where id = c.ticket_id) as "ticketStatus"`,
    [sorted.map((k) => k.contactId), sorted.map((k) => k.channel)],
  );
  return rows;
}

/** Citizens' messages joined these conversations: each now waits for a human until a seat replies. */
export async function setConversationTickets(
  db: Queryable,
  links: ReadonlyArray<{ conversationId: number; ticketId: number }>,
): Promise<void> {
  if (links.length === 0) return;
  await db.raw(
    `update conversations c set ticket_id = l.ticket_id, last_message_at = now(), last_inbound_at = now()
     from unnest(?::bigint[], ?::bigint[]) as l(id, ticket_id) where c.id = l.id`,
    [links.map((l) => l.conversationId), links.map((l) => l.ticketId)],
  );
}
