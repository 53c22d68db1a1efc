import type { Queryable } from '../db/db';

export interface NewOutboxMessage {
  kind: string;
  channel: string;
  recipient: Record<string, unknown>;
  payload: Record<string, unknown>;
  ticketId?: number | null;
  /** A second row with the same key is ignored: the same message is never queued twice. */
  dedupeKey?: string;
}

/** Written inside the transaction of the change that causes the message; delivered by a worker after commit. */
export async function enqueueOutbox(db: Queryable, messages: readonly NewOutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await db('outbox')
    .insert(
      messages.map((m) => ({
        kind: m.kind,
        channel: m.channel,
        recipient: m.recipient,
        payload: m.payload,
        ticket_id: m.ticketId ?? null,
        dedupe_key: m.dedupeKey ?? null,
      })),
    )
    .onConflict('dedupe_key')
    .ignore();
}
