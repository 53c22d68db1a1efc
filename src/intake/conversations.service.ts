import type { Db } from '../db/db';
import type { UnitOfWork } from '../db/unit-of-work';
import { topics } from '../jobs/realtime';
import { renderText } from '../notify/templates';
import { citizenChannelOf } from '../outbox/message-catalogue';
import type { Outbox } from '../outbox/outbox';
import { found } from '../shared/errors';
import type { UserActor } from '../shared/roles';
import type { TicketsService } from '../tickets/tickets.service';
import * as repo from './conversations.repository';

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
    private readonly work: UnitOfWork,
    private readonly outbox: Outbox,
    private readonly tickets: TicketsService,
  ) {}

  list(filter: { waiting: boolean; limit: number; id?: number }): Promise<ConversationSummary[]> {
    return repo.listConversations(this.db, filter);
  }

  /** The conversation with its messages both ways, oldest first. */
  async get(id: number) {
    const summary = found((await this.list({ waiting: false, limit: 1, id }))[0], 'conversation');
    const { inbound, outbound } = await repo.conversationMessages(this.db, summary);
    const messages = [
      ...inbound.map((m) => ({ direction: 'in' as const, id: m.id, text: m.text, media: m.media, status: null, at: m.created_at })),
      ...outbound.map((m) => ({
        direction: 'out' as const,
        id: m.id,
        text: renderText(m.kind, m.payload) ?? '',
        media: [],
        status: m.status,
        at: m.created_at,
      })),
    ].sort((a, b) => a.at.getTime() - b.at.getTime());
    return { ...summary, messages };
  }

  async reply(actor: UserActor, id: number, text: string): Promise<{ outboxId: number }> {
    return this.work.run(async (work) => {
      const conversation = found(await repo.lockOpenConversation(work.trx, id), '进行中的会话');
      const [written] = await this.outbox.write(work, [
        {
          kind: 'citizen.chat_reply',
          channel: citizenChannelOf(conversation.channel),
          recipient: { contactId: conversation.contactId },
          payload: { text, ticketId: conversation.ticketId },
          ticketId: conversation.ticketId,
        },
      ]);
      await repo.markReplied(work.trx, id);
      work.publish(topics.center, { type: 'queue', queue: 'conversations', at: new Date().toISOString() });
      if (conversation.ticketId !== null) {
        await this.tickets.recordOnTimeline(work, conversation.ticketId, {
          type: 'seat_reply',
          actor,
          data: { conversationId: id, text, outboxId: written!.id },
        });
      }
      return { outboxId: written!.id };
    });
  }
}
