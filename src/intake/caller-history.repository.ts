import type { Queryable } from '../db/db';
import type { TicketStatus } from '../tickets/ticket.types';

export interface CallerTicket {
  id: number;
  number: string;
  title: string;
  status: TicketStatus;
  createdAt: Date;
  closedAt: Date | null;
  /** The last callback survey's outcome and satisfaction (回访), if there was one. */
  outcome: string | null;
  satisfaction: string | null;
}

/**
 * A caller's tickets (as the requester, or merged in), newest first, each with its last callback
 * survey's outcome: one query, for the seat's 来电弹屏.
 */
export function ticketsOfCaller(db: Queryable, contactId: number, limit: number): Promise<CallerTicket[]> {
  return db('tickets as t')
    .where('t.contact_id', contactId)
    .orWhereExists(db('ticket_requesters as r').select(db.raw('1')).whereRaw('r.ticket_id = t.id').where('r.contact_id', contactId))
    .select({
      id: 't.id',
      number: 't.number',
      title: 't.title',
      status: 't.status',
      createdAt: 't.created_at',
      closedAt: 't.closed_at',
      outcome: db.raw('(select c.outcome from callbacks c where c.ticket_id = t.id order by c.id desc limit 1)'),
      satisfaction: db.raw('(select c.satisfaction from callbacks c where c.ticket_id = t.id order by c.id desc limit 1)'),
    })
    .orderBy('t.id', 'desc')
    .limit(limit);
}

/** The caller's latest conversation (SMS, mini-program), if any. */
export function lastConversationOf(
  db: Queryable,
  contactId: number,
): Promise<{ id: number; channel: string; lastInboundAt: Date | null; lastReplyAt: Date | null } | undefined> {
  return db('conversations')
    .select({ id: 'id', channel: 'channel', lastInboundAt: 'last_inbound_at', lastReplyAt: 'last_reply_at' })
    .where({ contact_id: contactId })
    .orderBy('id', 'desc')
    .first();
}
