import type { Db, Tx } from '../db/db';
import { job, type UnitOfWork, type Work } from '../db/unit-of-work';
import type { JobOutcome, JobQueue } from '../jobs/queue';
import { topics } from '../jobs/realtime';
import { answerForCitizen } from '../notify/citizen-answer';
import type { OutboxMessage } from '../outbox/message-catalogue';
import { citizenReply } from './citizen-reply';
import type { Outbox } from '../outbox/outbox';
import { groupCommit } from '../shared/group-commit';
import type { Logger } from '../shared/logger';
import type { Actor } from '../shared/roles';
import type { SurveyAnswers } from '../callback/survey-answers.service';
import { applyJob } from '../callback/survey-steps';
import { findAnswerToHandBack, markHandedBack } from '../knowledge/auto-answer';
import { insertAnonymousContact, setSmsOptOut, upsertContactsByIdentity, type ContactRecord } from '../contacts/contacts.repository';
import type { TicketRecord } from '../tickets/ticket.types';
import { summarizeTitle } from '../tickets/ticket-view';
import { findTicket, findTicketByNumber, isRequester, type CitizenTicket } from '../tickets/tickets.repository';
import type { TicketsService } from '../tickets/tickets.service';
import { asksForPerson, bookedSlot, inboundKind, namedNumber, queriedNumber } from './inbound-kind';
import * as repo from './intake.repository';
import type { InboundKind, InboundMessage, SmsBooking } from './intake.types';

const openStatuses = new Set<string>(['new', 'triage', 'dispatched', 'accepted', 'returned', 'replied']);

/** Messages processed together in one transaction at most (a burst is worked off in batches of this size). */
const intakeBatchSize = 100;

/** What processing one message did. */
interface Outcome {
  kind: InboundKind;
  conversationId: number | null;
  ticketId: number | null;
  outbox: OutboxMessage[];
  survey?: { callbackId: number; complete: boolean };
}
type Routed = Outcome & { message: repo.InboundRecord; contactId: number };
interface NewRequest {
  message: repo.InboundRecord;
  contact: ContactRecord;
  conversationId: number;
}

/** The ticket a citizen's message opens: triage sets category, region and department. */
function newTicketFields(message: repo.InboundRecord): Omit<CitizenTicket, 'contactId'> {
  const text = message.text.trim();
  return {
    channel: message.channel,
    requestType: message.requestType ?? 'help',
    title: summarizeTitle(text || '（录音/图片附件）'),
    description: text || '（群众留言为录音或图片，见附件）',
    address: message.location?.address ?? null,
    location:
      message.location?.latitude !== undefined && message.location.longitude !== undefined
        ? { latitude: message.location.latitude, longitude: message.location.longitude }
        : null,
    eventData: { channel: message.channel, messageId: message.id, media: message.media },
  };
}

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
    private readonly work: UnitOfWork,
    private readonly outbox: Outbox,
    private readonly tickets: TicketsService,
    private readonly surveys: SurveyAnswers,
    private readonly logger: Logger,
    private readonly booking?: SmsBooking,
  ) {}

  /** Idempotent on (channel, provider id): a replayed webhook stores nothing new. */
  async receive(message: InboundMessage): Promise<{ messageId: number; duplicate: boolean }> {
    const { record, duplicate } = await this.store(message);
    return { messageId: record.id, duplicate };
  }

  /**
   * The webhooks of one moment store their messages in one statement and ask for one intake job
   * (group commit): a burst costs one round trip to PostgreSQL and one to the queue, not one each
   * per message. A message the database refuses fails only its webhook (the provider retries it).
   */
  private readonly store = groupCommit(
    (messages: readonly InboundMessage[]) => repo.insertInbound(this.db, messages),
    async (stored) => {
      // Also for a replay: if the first enqueue was lost, this one counts. A job still waiting to start takes these messages too.
      if (!stored.some(({ record }) => record.status === 'received')) return;
      // Stored is handled: the provider gets its 2xx even with the queue down, and the recovery
      // sweep (intakeRecovery) takes the waiting messages once it is back.
      await this.queue.enqueue('intake.process', {}, { coalesce: 'intake' }).catch((err: unknown) => {
        this.logger.warn({ err, messages: stored.length }, 'intake job not enqueued; the recovery sweep will take the stored messages');
      });
    },
  );

  /**
   * Works off the stored messages waiting, in batches: each batch is one transaction, so a burst
   * costs a few statements per batch instead of ten per message. A batch that fails is retried
   * message by message, so one bad message cannot hold up the others; the job then fails (and is
   * retried) for the messages that are left.
   */
  async process(): Promise<JobOutcome> {
    const failed: number[] = [];
    let processed = 0;
    for (;;) {
      let claimed: number[] = [];
      try {
        claimed = await this.processBatch({ limit: intakeBatchSize, except: failed });
      } catch (error) {
        this.logger.warn({ err: error }, 'intake batch failed; processing its messages one by one');
        const ids = await repo.claimInbound(this.db, { limit: intakeBatchSize, except: failed }).then((rows) => rows.map((m) => m.id));
        for (const id of ids) {
          try {
            claimed.push(...(await this.processBatch({ limit: 1, only: [id] })));
          } catch (single) {
            this.logger.error({ err: single, messageId: id }, 'inbound message could not be processed');
            failed.push(id);
          }
        }
        if (claimed.length === 0 && ids.length === 0) throw error;
      }
      processed += claimed.length;
      if (claimed.length < intakeBatchSize) break;
    }
    if (failed.length > 0) throw new Error(`inbound messages ${failed.join(', ')} could not be processed`);
    return processed > 0 ? 'done' : 'skipped';
  }

  /**
   * One batch in one unit of work; returns the ids it processed. What each message is, inboundKind
   * decides (src/intake/inbound-kind.ts). The threads of citizens with one message in the batch that
   * name no ticket are read and written for the whole batch at once: their conversations in one
   * statement, their new tickets in another. The rest go one by one, in order.
   */
  private async processBatch(claim: { limit: number; only?: number[]; except?: number[] }): Promise<number[]> {
    return this.work.run(async (work) => {
      const trx = work.trx;
      const batch = await repo.claimInbound(trx, claim);
      if (batch.length === 0) return [];
      const contacts = await this.contactsOf(trx, batch);
      const perContact = new Map<number, number>();
      for (const { id } of contacts.values()) perContact.set(id, (perContact.get(id) ?? 0) + 1);
      const surveyed = await this.surveys.mayAnswerSurvey(
        trx,
        batch.filter((m) => m.channel !== 'phone').map((m) => contacts.get(m.id)!.id),
      );
      const mayAnswerSurvey = (m: repo.InboundRecord) => surveyed.has(contacts.get(m.id)!.id);
      const bulk = batch.filter(
        (m) =>
          perContact.get(contacts.get(m.id)!.id) === 1 &&
          inboundKind(m, { mayAnswerSurvey: mayAnswerSurvey(m) }) === 'thread' &&
          !namedNumber(m.text) &&
          !asksForPerson(m.text),
      );
      const conversations = await repo.openConversations(
        trx,
        bulk.map((m) => ({ contactId: contacts.get(m.id)!.id, channel: m.channel })),
      );
      const conversationOf = new Map(conversations.map((c) => [`${c.contactId}:${c.channel}`, c]));
      const results: Routed[] = [];
      const requests: NewRequest[] = [];
      for (const message of batch) {
        const contact = contacts.get(message.id)!;
        const conversation = conversationOf.get(`${contact.id}:${message.channel}`);
        if (!bulk.includes(message) || !conversation) {
          results.push({ message, contactId: contact.id, ...(await this.route(work, message, contact, mayAnswerSurvey(message))) });
          continue;
        }
        await this.resubscribe(trx, message, contact);
        const open = conversation.ticketId !== null && openStatuses.has(conversation.ticketStatus ?? '');
        if (open) results.push(await this.followUp(work, message, contact, conversation.id, conversation.ticketId!));
        else requests.push({ message, contact, conversationId: conversation.id });
      }
      results.push(...(await this.openTickets(work, requests)));
      await repo.markProcessed(
        trx,
        results.map((r) => ({
          id: r.message.id,
          kind: r.kind,
          contactId: r.contactId,
          conversationId: r.conversationId,
          ticketId: r.ticketId,
        })),
      );
      await this.outbox.write(
        work,
        results.flatMap((r) => r.outbox),
      );
      // Photos and voicemail are kept by the hub, fetched from the provider once.
      for (const { message } of results) if (message.media.length > 0) work.enqueue(job('media.fetch', { messageId: message.id }));
      // A survey answered in full (or ended by 退订) has its outcome carried out on the ticket.
      for (const { survey } of results) if (survey?.complete) work.enqueue(applyJob(survey.callbackId));
      // The seats' inbox has someone new waiting (a citizen wrote in a conversation).
      if (results.some((r) => r.conversationId !== null))
        work.publish(topics.center, { type: 'queue', queue: 'conversations', at: new Date().toISOString() });
      return results.map((r) => r.message.id);
    });
  }

  /** Each message's contact, found or created by phone or openid (a caller who withheld the number gets one of their own). */
  private async contactsOf(trx: Tx, batch: readonly repo.InboundRecord[]): Promise<Map<number, ContactRecord>> {
    const known = await upsertContactsByIdentity(
      trx,
      batch.map((m) => ({ phone: m.fromPhone ?? undefined, wechatOpenid: m.fromOpenid ?? undefined })),
    );
    const byPhone = new Map(known.filter((c) => c.phone).map((c) => [c.phone!, c]));
    const byOpenid = new Map(known.filter((c) => c.wechatOpenid).map((c) => [c.wechatOpenid!, c]));
    const contacts = new Map<number, ContactRecord>();
    for (const message of batch) {
      const contact = message.fromPhone
        ? byPhone.get(message.fromPhone)
        : message.fromOpenid
          ? byOpenid.get(message.fromOpenid)
          : await insertAnonymousContact(trx);
      contacts.set(message.id, contact!);
    }
    return contacts;
  }

  /** New tickets for citizens' requests, all in one statement, each with its acknowledgement. */
  private async openTickets(work: Work, requests: readonly NewRequest[]): Promise<Routed[]> {
    const created = await this.tickets.openForCitizens(
      work,
      requests.map(({ message, contact }) => ({ contactId: contact.id, ...newTicketFields(message) })),
    );
    await repo.setConversationTickets(
      work.trx,
      requests.map((r, i) => ({ conversationId: r.conversationId, ticketId: created[i]!.id })),
    );
    return requests.map(({ message, contact, conversationId }, i) => {
      const ticket = created[i]!;
      this.logger.info({ ticketId: ticket.id, messageId: message.id, channel: message.channel }, 'ticket opened from inbound message');
      return {
        message,
        contactId: contact.id,
        kind: 'request' as const,
        conversationId,
        ticketId: ticket.id,
        outbox: [citizenReply(message, contact.id, 'citizen.intake_ack', { number: ticket.number }, ticket.id)],
      };
    });
  }

  /** One message, by its kind. */
  private async route(work: Work, message: repo.InboundRecord, contact: ContactRecord, mayAnswerSurvey: boolean): Promise<Outcome> {
    const trx = work.trx;
    const text = message.text.trim();
    const reply = (kind: OutboxMessage['kind'], payload: Record<string, unknown> = {}, ticketId: number | null = null) =>
      citizenReply(message, contact.id, kind, payload, ticketId);
    const nothing = { conversationId: null, ticketId: null };
    switch (inboundKind(message, { mayAnswerSurvey })) {
      case 'opt_out': {
        await setSmsOptOut(trx, contact.id, true);
        // STOP in the middle of a callback survey ends it (not reached); nobody calls about it.
        const endedSurvey = await this.surveys.optedOut(trx, contact.id);
        const survey = endedSurvey ? { survey: { callbackId: endedSurvey, complete: true } } : {};
        return { kind: 'opt_out', ...nothing, outbox: [reply('citizen.opt_out_confirm')], ...survey };
      }
      case 'survey_answer': {
        // The answer to the citizen's open callback survey (回访) on this channel, if it is one.
        const survey = await this.surveys.answerFromMessage(trx, contact.id, message.channel as 'sms' | 'miniprogram', text);
        if (survey) return { kind: 'survey_answer', conversationId: null, ticketId: survey.ticketId, outbox: survey.messages, survey };
        return this.route(work, message, contact, false);
      }
      case 'status_query': {
        const number = queriedNumber(text)!;
        const ticket = await findTicketByNumber(trx, number);
        const answer = ticket
          ? reply(
              'citizen.status_reply',
              { number: ticket.number, status: ticket.status, answer: await answerForCitizen(trx, ticket) },
              ticket.id,
            )
          : reply('citizen.unknown_ticket', { number });
        return { kind: 'status_query', conversationId: null, ticketId: ticket?.id ?? null, outbox: [answer] };
      }
      case 'appointment': {
        // Booked: src/appointments confirms it; refused: the reason, in their words.
        const result = this.booking
          ? await this.booking.bookBySms(work, contact.id, bookedSlot(text)!)
          : { booked: false as const, reason: '短信预约暂未开通，请致电12345预约。' };
        return { kind: 'appointment', ...nothing, outbox: result.booked ? [] : [reply('citizen.chat_reply', { text: result.reason })] };
      }
      case 'empty':
        return { kind: 'empty', ...nothing, outbox: [reply('citizen.empty_message')] };
      case 'thread': {
        await this.resubscribe(trx, message, contact);
        const conversation = await repo.openConversation(trx, contact.id, message.channel);
        const target = await this.followUpTarget(trx, text, contact.id, conversation.ticketId);
        if (target) return this.followUp(work, message, contact, conversation.id, target.id);
        const handed = asksForPerson(text) ? await this.handToPerson(work, message, contact, conversation) : undefined;
        if (handed) return handed;
        const [ticket] = await this.openTickets(work, [{ message, contact, conversationId: conversation.id }]);
        return ticket!;
      }
    }
  }

  /**
   * "人工" (or "没有解决") after an automatic answer (智能答复) on the conversation's ticket, within the
   * window: the ticket goes back to 待分拨 for a person, and the citizen is told. Otherwise undefined
   * (the words open a ticket like any other message).
   */
  private async handToPerson(
    work: Work,
    message: repo.InboundRecord,
    contact: ContactRecord,
    conversation: { id: number; ticketId: number | null },
  ): Promise<Routed | undefined> {
    if (conversation.ticketId === null || !(await findAnswerToHandBack(work.trx, conversation.ticketId))) return undefined;
    const citizen: Actor = { kind: 'citizen', name: contact.name ?? message.fromPhone ?? '群众' };
    const { after: ticket } = await this.tickets.performIn(work, citizen, conversation.ticketId, 'hand_to_person', {
      text: message.text.trim(),
    });
    await markHandedBack(work.trx, ticket.id);
    await repo.setConversationTickets(work.trx, [{ conversationId: conversation.id, ticketId: ticket.id }]);
    this.logger.info({ ticketId: ticket.id, messageId: message.id }, 'citizen asked for a person after an automatic answer');
    return {
      message,
      contactId: contact.id,
      kind: 'hand_to_person',
      conversationId: conversation.id,
      ticketId: ticket.id,
      outbox: [citizenReply(message, contact.id, 'citizen.handed_to_person', { number: ticket.number }, ticket.id)],
    };
  }

  /** Writing again re-subscribes a citizen who had unsubscribed (退订) from SMS. */
  private async resubscribe(trx: Tx, message: repo.InboundRecord, contact: ContactRecord): Promise<void> {
    if (contact.smsOptedOut && message.channel === 'sms') await setSmsOptOut(trx, contact.id, false);
  }

  /** The message continues the citizen's open ticket: on its timeline, acknowledged, and the handling department told. */
  private async followUp(
    work: Work,
    message: repo.InboundRecord,
    contact: ContactRecord,
    conversationId: number,
    ticketId: number,
  ): Promise<Routed> {
    const citizen: Actor = { kind: 'citizen', name: contact.name ?? message.fromPhone ?? '群众' };
    const text = message.text.trim();
    const ticket = await this.tickets.recordOnTimeline(work, ticketId, {
      type: 'citizen_message',
      actor: citizen,
      data: { messageId: message.id, channel: message.channel, text, media: message.media },
    });
    await repo.setConversationTickets(work.trx, [{ conversationId, ticketId: ticket.id }]);
    const outbox = [citizenReply(message, contact.id, 'citizen.followup_ack', { number: ticket.number }, ticket.id)];
    if (ticket.leadDepartmentId !== null) {
      outbox.push({
        kind: 'department.citizen_message',
        channel: 'department',
        recipient: { departmentId: ticket.leadDepartmentId },
        payload: { ticketId: ticket.id, number: ticket.number, messageId: message.id },
        ticketId: ticket.id,
        dedupeKey: `inbound:${message.id}:department`,
      });
    }
    return { message, contactId: contact.id, kind: 'follow_up', conversationId, ticketId: ticket.id, outbox };
  }

  /** A ticket the message continues: one it names (if the sender asked on it), else the conversation's open ticket. */
  private async followUpTarget(
    trx: Tx,
    text: string,
    contactId: number,
    conversationTicketId: number | null,
  ): Promise<TicketRecord | undefined> {
    const named = namedNumber(text);
    if (named) {
      const ticket = await findTicketByNumber(trx, named);
      if (ticket && openStatuses.has(ticket.status) && (await isRequester(trx, ticket, contactId))) return ticket;
    }
    if (conversationTicketId === null) return undefined;
    const current = await findTicket(trx, conversationTicketId);
    return current && openStatuses.has(current.status) ? current : undefined;
  }

  /** Lost processing jobs (Redis flush, crash before enqueue) are found again from Postgres. */
  async sweep(): Promise<boolean> {
    const lost = await repo.hasUnprocessed(this.db, 30);
    if (lost) await this.queue.enqueue('intake.process', {}, { coalesce: 'intake' });
    return lost;
  }
}
