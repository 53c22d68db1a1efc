import type { Queryable, Tx } from '../db/db';

/**
 * Which chat message shows a ticket's card in a channel. Taken under a lock per ticket and
 * channel (held to the end of the transaction), so two quick changes never post two cards.
 */
export async function takeCardSlot(trx: Tx, ticketId: number, channel: string): Promise<string | undefined> {
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`chat-card:${ticketId}:${channel}`]);
  const row = await trx('chat_cards')
    .select('message_ts')
    .where({ ticket_id: ticketId, channel_id: channel })
    .first<{ message_ts: string } | undefined>();
  return row?.message_ts;
}

export async function recordCard(db: Queryable, ticketId: number, channel: string, messageTs: string, existed: boolean): Promise<void> {
  if (existed) await db('chat_cards').update({ updated_at: db.fn.now() }).where({ ticket_id: ticketId, channel_id: channel });
  else await db('chat_cards').insert({ ticket_id: ticketId, channel_id: channel, message_ts: messageTs });
}
