import type { Actor } from '../auth/roles';
import type { Db, Tx } from '../db/db';
import type { JobOutcome, JobQueue } from '../jobs/queue';
import type { NotifyService } from '../notify/notify.service';
import { enqueueOutbox, type NewOutboxMessage } from '../notify/outbox.repository';
import type { Logger } from '../shared/logger';
import type { CallbacksService } from '../callback/callbacks.service';
import type { ContactRecord, TicketRecord } from '../tickets/ticket.types';
import { summarizeTitle } from '../tickets/ticket-view';
import * as tickets from '../tickets/tickets.repository';
import { triageJobId } from '../triage/triage.jobs';
import * as repo from './intake.repository';
import type { InboundKind, InboundMessage } from './intake.types';

const optOutWords = /^(stop|stopall|unsubscribe|cancel|quit|退订|td|取消订阅)$/i;
const statusQuery = /^(?:查询|查|cx)?\s*[:：]?\s*(\d{8}-\d{5,6})\s*$/i;
const ticketNumberInText = /(\d{8}-\d{5,6})/;
const openStatuses = new Set<TicketRecord['status']>(['new', 'triage', 'dispatched', 'accepted', 'returned', 'replied']);

/**
 * Every channel ends here. `receive` runs inside the webhook: store once, enqueue, answer.
 * `process` runs on a worker: find the contact, thread the message into its conversation,
 * and either answer a status query, append a follow-up to the open ticket, or open a new
 * ticket — with the citizen's acknowledgement in the outbox of the same transaction.
 */
export class IntakeService {
  constructor(
    private readonly db: Db,
    private readonly queue: JobQueue,
    private readonly notify: NotifyService,
    private readonly callbacks: CallbacksService,
    private readonly logger: Logger,
  ) {}

  /** Idempotent on (channel, provider id): a replayed webhook stores nothing new. */
  async receive(message: InboundMessage): Promise<{ messageId: number; duplicate: boolean }> {
    const { record, duplicate } = await repo.insertInbound(this.db, message);
    if (record.status === 'received') {
      // Also for a replay: if the first enqueue was lost, this one counts (same job id otherwise).
      await this.queue.enqueue('intake.process', { messageId: record.id }, { jobId: `intake-${record.id}` });
    }
    return { messageId: record.id, duplicate };
  }

  async process(messageId: number): Promise<JobOutcome> {
    const outcome = await this.db.transaction(async (trx) => {
      const message = await repo.lockInbound(trx, messageId);
      if (!message || message.status === 'processed') return undefined;
      const contact =
        message.fromPhone || message.fromOpenid
          ? await tickets.upsertContactByIdentity(trx, { phone: message.fromPhone ?? undefined, wechatOpenid: message.fromOpenid ?? undefined })
          : await tickets.insertAnonymousContact(trx);
      const result = await this.route(trx, message, contact);
      await repo.markProcessed(trx, message.id, { kind: result.kind, contactId: contact.id, conversationId: result.conversationId, ticketId: result.ticketId });
      const outboxRows = await enqueueOutbox(trx, result.outbox);
      return { ...result, outboxRows };
    });
    if (!outcome) return 'skipped';
    await this.notify.written(outcome.outboxRows);
    if (outcome.survey?.complete) await this.callbacks.afterCommit([], outcome.survey.callbackId, true);
    if (outcome.kind === 'request' && outcome.ticketId) {
      await this.queue.enqueue('ticket.triage', { ticketId: outcome.ticketId }, { jobId: triageJobId(outcome.ticketId) });
    }
    return 'done';
  }

  private async route(
    trx: Tx,
    message: repo.InboundRecord,
    contact: ContactRecord,
  ): Promise<{ kind: InboundKind; conversationId: number | null; ticketId: number | null; outbox: NewOutboxMessage[]; survey?: { callbackId: number; complete: boolean } }> {
    const text = message.text.trim();
    const reply = (kind: string, payload: Record<string, unknown> = {}, ticketId: number | null = null): NewOutboxMessage => ({
      kind,
      channel: message.channel === 'miniprogram' ? 'miniprogram' : 'sms',
      recipient: { contactId: contact.id },
      payload,
      ticketId,
      dedupeKey: `inbound:${message.id}:${kind}`,
    });

    if (optOutWords.test(text)) {
      await tickets.setSmsOptOut(trx, contact.id, true);
      // STOP in the middle of a callback survey ends it (not reached); nobody calls about it.
      const endedSurvey = await this.callbacks.optedOut(trx, contact.id);
      return {
        kind: 'opt_out',
        conversationId: null,
        ticketId: null,
        outbox: [reply('citizen.opt_out_confirm')],
        ...(endedSurvey ? { survey: { callbackId: endedSurvey, complete: true } } : {}),
      };
    }
    // The answer to the citizen's open callback survey (回访) on this channel, if they have one.
    if (message.channel !== 'phone' && text) {
      const survey = await this.callbacks.answerFromMessage(trx, contact.id, message.channel, text);
      if (survey) return { kind: 'survey_answer', conversationId: null, ticketId: survey.ticketId, outbox: survey.messages, survey };
    }
    const query = statusQuery.exec(text);
    if (query) {
      const ticket = await tickets.findTicketByNumber(trx, query[1]!);
      return {
        kind: 'status_query',
        conversationId: null,
        ticketId: ticket?.id ?? null,
        outbox: [ticket ? reply('citizen.status_reply', { number: ticket.number, status: ticket.status }, ticket.id) : reply('citizen.unknown_ticket', { number: query[1] })],
      };
    }
    if (!text && message.media.length === 0) {
      return { kind: 'empty', conversationId: null, ticketId: null, outbox: [reply('citizen.empty_message')] };
    }
    if (contact.smsOptedOut && message.channel === 'sms') await tickets.setSmsOptOut(trx, contact.id, false); // writing again re-subscribes

    const conversation = await repo.openConversation(trx, contact.id, message.channel);
    const target = await this.followUpTarget(trx, text, contact.id, conversation.ticketId);
    const citizen: Actor = { kind: 'citizen', name: contact.name ?? message.fromPhone ?? '群众' };
    if (target) {
      const locked = (await tickets.lockTicket(trx, target.id))!;
      await tickets.updateTicketWithEvent(trx, locked.id, { version: locked.version + 1 }, {
        type: 'citizen_message',
        actor: citizen,
        fromStatus: locked.status,
        toStatus: locked.status,
        data: { messageId: message.id, channel: message.channel, text, media: message.media },
      });
      await repo.setConversationTicket(trx, conversation.id, locked.id);
      const departmentNotice: NewOutboxMessage[] =
        locked.leadDepartmentId === null
          ? []
          : [
              {
                kind: 'department.citizen_message',
                channel: 'department',
                recipient: { departmentId: locked.leadDepartmentId },
                payload: { ticketId: locked.id, number: locked.number, messageId: message.id },
                ticketId: locked.id,
                dedupeKey: `inbound:${message.id}:department`,
              },
            ];
      return { kind: 'follow_up', conversationId: conversation.id, ticketId: locked.id, outbox: [reply('citizen.followup_ack', { number: locked.number }, locked.id), ...departmentNotice] };
    }

    const created = await tickets.insertTicket(trx, {
      channel: message.channel,
      requestType: message.requestType ?? 'help',
      urgency: 'normal',
      categoryId: null,
      title: summarizeTitle(text || '（录音/图片附件）'),
      description: text || '（群众留言为录音或图片，见附件）',
      address: message.location?.address ?? null,
      regionId: null,
      matter: null,
      createdBy: null,
      caller: { contactId: contact.id },
      createdEvent: { actor: citizen, data: { channel: message.channel, messageId: message.id, media: message.media } },
    });
    const ticket = created!.ticket;
    await repo.setConversationTicket(trx, conversation.id, ticket.id);
    this.logger.info({ ticketId: ticket.id, messageId: message.id, channel: message.channel }, 'ticket opened from inbound message');
    return { kind: 'request', conversationId: conversation.id, ticketId: ticket.id, outbox: [reply('citizen.intake_ack', { number: ticket.number }, ticket.id)] };
  }

  /** A ticket the message continues: one it names (if the sender asked on it), else the conversation's open ticket. */
  private async followUpTarget(trx: Tx, text: string, contactId: number, conversationTicketId: number | null): Promise<TicketRecord | undefined> {
    const named = ticketNumberInText.exec(text)?.[1];
    if (named) {
      const ticket = await tickets.findTicketByNumber(trx, named);
      if (ticket && openStatuses.has(ticket.status) && (await tickets.isRequester(trx, ticket, contactId))) return ticket;
    }
    if (conversationTicketId === null) return undefined;
    const current = await tickets.findTicket(trx, conversationTicketId);
    return current && openStatuses.has(current.status) ? current : undefined;
  }

  /** Lost processing jobs (Redis flush, crash before enqueue) are found again from Postgres. */
  async sweep(): Promise<number> {
    const ids = await repo.findUnprocessed(this.db, 30, 500);
    const minute = Math.floor(Date.now() / 60_000);
    for (const id of ids) await this.queue.enqueue('intake.process', { messageId: id }, { jobId: `intake-${id}-recovery-${minute}` });
    return ids.length;
  }
}
