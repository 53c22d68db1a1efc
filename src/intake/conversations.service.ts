import { citizenChannelOf } from '../outbox/message-catalogue';
import type { UserActor } from '../shared/roles';
import type { Db } from '../db/db';
import type { NotifyService } from '../notify/notify.service';
import { insertOutbox } from '../outbox/outbox.repository';
import { renderCitizenText } from '../notify/templates';
import { found } from '../shared/errors';
import { lockTicket, updateTicketWithEvent } from '../tickets/tickets.repository';

export interface ConversationSummary {
  id: number;
  channel: string;
  contactId: number;
  phone: string | null;
  name: string | null;
  ticketId: number | null;
  ticketNumber: string | null;
  lastInboundAt: Date | null;
  lastReplyAt: Date | null;
  waiting: boolean;
}

/**
 * The seats' inbox: conversations in which the citizen wrote last and no person has answered
 * (automatic acknowledgements do not count). A seat's reply goes back on the citizen's own
 * channel through the outbox, and onto the ticket's timeline.
 */
export class ConversationsService {
  constructor(
    private readonly db: Db,
    private readonly notify: NotifyService,
  ) {}

  async list(filter: { waiting: boolean; limit: number; id?: number }): Promise<ConversationSummary[]> {
    const query = this.db('conversations as v')
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
        waiting: this.db.raw("v.last_inbound_at > coalesce(v.last_reply_at, '-infinity')"),
      })
      .where('v.status', 'open')
      .whereNotNull('v.last_inbound_at')
      .orderBy('v.last_inbound_at', filter.waiting ? 'asc' : 'desc')
      .limit(filter.limit);
    if (filter.waiting) query.whereRaw("v.last_inbound_at > coalesce(v.last_reply_at, '-infinity')");
    if (filter.id !== undefined) query.where('v.id', filter.id);
    return query;
  }

  /** The conversation with its messages both ways, oldest first. */
  async get(id: number) {
    const summary = found((await this.list({ waiting: false, limit: 1, id }))[0], 'conversation');
    const inbound = await this.db('inbound_messages').select('id', 'text', 'media', 'created_at').where({ conversation_id: id });
    const outbound = await this.db('outbox')
      .select('id', 'kind', 'payload', 'status', 'created_at')
      .where({ channel: citizenChannelOf(summary.channel) })
      .whereRaw("recipient->>'contactId' = ?", [String(summary.contactId)])
      .where('created_at', '>=', this.db('conversations').select('created_at').where({ id }));
    const messages = [
      ...inbound.map((m: { id: number; text: string; media: unknown; created_at: Date }) => ({
        direction: 'in' as const,
        id: m.id,
        text: m.text,
        media: m.media,
        status: null,
        at: m.created_at,
      })),
      ...outbound.map((m: { id: number; kind: string; payload: Record<string, unknown>; status: string; created_at: Date }) => ({
        direction: 'out' as const,
        id: m.id,
        text: renderCitizenText(m.kind, m.payload) ?? '',
        media: [],
        status: m.status,
        at: m.created_at,
      })),
    ].sort((a, b) => a.at.getTime() - b.at.getTime());
    return { ...summary, messages };
  }

  async reply(actor: UserActor, id: number, text: string): Promise<{ outboxId: number }> {
    const rows = await this.db.transaction(async (trx) => {
      const conversation = found(await trx('conversations').where({ id, status: 'open' }).forUpdate().first(), 'open conversation');
      const written = await insertOutbox(trx, [
        {
          kind: 'citizen.chat_reply',
          channel: citizenChannelOf(conversation.channel),
          recipient: { contactId: conversation.contact_id },
          payload: { text, ticketId: conversation.ticket_id },
          ticketId: conversation.ticket_id,
        },
      ]);
      await trx('conversations').update({ last_reply_at: trx.fn.now() }).where({ id });
      if (conversation.ticket_id !== null) {
        const ticket = (await lockTicket(trx, conversation.ticket_id))!;
        await updateTicketWithEvent(
          trx,
          ticket.id,
          { version: ticket.version + 1 },
          {
            type: 'seat_reply',
            actor,
            fromStatus: ticket.status,
            toStatus: ticket.status,
            data: { conversationId: id, text, outboxId: written[0]!.id },
          },
        );
      }
      return written;
    });
    await this.notify.written(rows);
    return { outboxId: rows[0]!.id };
  }
}
