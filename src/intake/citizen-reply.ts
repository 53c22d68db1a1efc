import { citizenChannelOf, type OutboxMessage } from '../outbox/message-catalogue';
import type * as repo from './intake.repository';

/** An answer to the citizen on the channel they wrote on; one per message and kind. */
export function citizenReply(
  message: repo.InboundRecord,
  contactId: number,
  kind: OutboxMessage['kind'],
  payload: Record<string, unknown> = {},
  ticketId: number | null = null,
): OutboxMessage {
  // Checked against the catalogue when written.
  const message_ = { kind, channel: citizenChannelOf(message.channel), recipient: { contactId }, payload, ticketId };
  return { ...message_, dedupeKey: `inbound:${message.id}:${kind}` } as OutboxMessage;
}
