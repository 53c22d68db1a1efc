import { citizenChannelOf } from '../outbox/message-catalogue';
import type { Actor } from '../shared/roles';
import type { Db, Tx } from '../db/db';
import type { JobOutcome, JobQueue } from '../jobs/queue';
import type { NotifyService } from '../notify/notify.service';
import { insertOutbox, type NewOutboxMessage } from '../outbox/outbox.repository';
import { groupCommit } from '../shared/group-commit';
import type { Logger } from '../shared/logger';
import type { CallbacksService } from '../callback/callbacks.service';
import { insertAnonymousContact, setSmsOptOut, upsertContactsByIdentity, type ContactRecord } from '../contacts/contacts.repository';
import type { TicketRecord } from '../tickets/ticket.types';
import { summarizeTitle } from '../tickets/ticket-view';
import * as tickets from '../tickets/tickets.repository';
import { triageJobs } from '../triage/triage.jobs';
import * as repo from './intake.repository';
import type { InboundKind, InboundMessage } from './intake.types';

const optOutWords = /^(stop|stopall|unsubscribe|cancel|quit|退订|td|取消订阅)$/i;
const statusQuery = /^(?:查询|查|cx)?\s*[:：]?\s*(\d{8}-\d{5,6})\s*$/i;
const ticketNumberInText = /(\d{8}-\d{5,6})/;
const openStatuses = new Set<TicketRecord['status']>(['new', 'triage', 'dispatched', 'accepted', 'returned', 'replied']);

/** Messages processed together in one transaction at most (a burst is worked off in batches of this size). */
const intakeBatchSize = 100;

/** What processing one message did. */
interface Outcome {
  kind: InboundKind;
  conversationId: number | null;
  ticketId: number | null;
  outbox: NewOutboxMessage[];
  survey?: { callbackId: number; complete: boolean };
}
type Routed = Outcome & { message: repo.InboundRecord; contactId: number };
interface PlainRequest {
  message: repo.InboundRecord;
  contact: ContactRecord;
  conversationId: number;
}

/** The ticket a citizen's message opens: triage sets category, region and department. */
function newTicketFields(message: repo.InboundRecord): Omit<tickets.CitizenTicket, 'contactId'> {
  const text = message.text.trim();
  return {
    channel: message.channel,
    requestType: message.requestType ?? 'help',
    title: summarizeTitle(text || '（录音/图片附件）'),
    description: text || '（群众留言为录音或图片，见附件）',
    address: message.location?.address ?? null,
    eventData: { channel: message.channel, messageId: message.id, media: message.media },
  };
}

/** An answer to the citizen on the channel they wrote on; one per message and kind. */
function citizenReply(
  message: repo.InboundRecord,
  contactId: number,
  kind: string,
  payload: Record<string, unknown> = {},
  ticketId: number | null = null,
): NewOutboxMessage {
  return {
    kind,
    channel: citizenChannelOf(message.channel),
    recipient: { contactId },
    payload,
    ticketId,
    dedupeKey: `inbound:${message.id}:${kind}`,
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
    private readonly notify: NotifyService,
    private readonly callbacks: CallbacksService,
    private readonly logger: Logger,
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

  /** One batch in one transaction; returns the ids it processed. */
  private async processBatch(claim: { limit: number; only?: number[]; except?: number[] }): Promise<number[]> {
    const outcome = await this.db.transaction(async (trx) => {
      const batch = await repo.claimInbound(trx, claim);
      if (batch.length === 0) return undefined;
      const contacts = await this.contactsOf(trx, batch);
      const plain = await this.plainRequests(trx, batch, contacts);
      const results: Routed[] = [];
      for (const message of batch) {
        const contact = contacts.get(message.id)!;
        if (!plain.has(message.id)) results.push({ message, contactId: contact.id, ...(await this.route(trx, message, contact)) });
      }
      results.push(...(await this.openTickets(trx, [...plain.values()])));
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
      const outboxRows = await insertOutbox(
        trx,
        results.flatMap((r) => r.outbox),
      );
      return { results, outboxRows };
    });
    if (!outcome) return [];
    await this.notify.written(outcome.outboxRows);
    for (const { survey } of outcome.results) {
      if (survey?.complete) await this.callbacks.afterCommit([], survey.callbackId, true);
    }
    const opened = outcome.results.filter((r) => r.kind === 'request' && r.ticketId !== null);
    await this.queue.enqueueMany('ticket.triage', triageJobs(opened.map((r) => r.ticketId!)));
    return outcome.results.map((r) => r.message.id);
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

  /**
   * The messages that route() would turn into a new ticket, decided for the whole batch at once:
   * a citizen's only message in the batch, no command (退订, 查询), no ticket named, no survey that
   * it might answer, and no open ticket on the conversation. Everything else takes route().
   */
  private async plainRequests(
    trx: Tx,
    batch: readonly repo.InboundRecord[],
    contacts: Map<number, ContactRecord>,
  ): Promise<Map<number, PlainRequest>> {
    const perContact = new Map<number, number>();
    for (const { id } of contacts.values()) perContact.set(id, (perContact.get(id) ?? 0) + 1);
    const candidates = batch.filter((message) => {
      const contact = contacts.get(message.id)!;
      const text = message.text.trim();
      return (
        perContact.get(contact.id) === 1 &&
        (text !== '' || message.media.length > 0) &&
        !optOutWords.test(text) &&
        !statusQuery.test(text) &&
        !ticketNumberInText.test(text) &&
        !(contact.smsOptedOut && message.channel === 'sms')
      );
    });
    const surveyed = await this.callbacks.mayAnswerSurvey(
      trx,
      candidates.filter((m) => m.channel !== 'phone').map((m) => contacts.get(m.id)!.id),
    );
    const unsurveyed = candidates.filter((m) => m.channel === 'phone' || !surveyed.has(contacts.get(m.id)!.id));
    const conversations = await repo.openConversations(
      trx,
      unsurveyed.map((m) => ({ contactId: contacts.get(m.id)!.id, channel: m.channel })),
    );
    const conversationOf = new Map(conversations.map((c) => [`${c.contactId}:${c.channel}`, c]));
    const plain = new Map<number, PlainRequest>();
    for (const message of unsurveyed) {
      const contact = contacts.get(message.id)!;
      const conversation = conversationOf.get(`${contact.id}:${message.channel}`)!;
      if (conversation.ticketStatus !== null && openStatuses.has(conversation.ticketStatus as TicketRecord['status'])) continue;
      plain.set(message.id, { message, contact, conversationId: conversation.id });
    }
    return plain;
  }

  /** New tickets for plain requests, all in one statement, each with its acknowledgement. */
  private async openTickets(trx: Tx, requests: readonly PlainRequest[]): Promise<Routed[]> {
    const created = await tickets.insertCitizenTickets(
      trx,
      requests.map(({ message, contact }) => ({ contactId: contact.id, ...newTicketFields(message) })),
    );
    await repo.setConversationTickets(
      trx,
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

  private async route(trx: Tx, message: repo.InboundRecord, contact: ContactRecord): Promise<Outcome> {
    const text = message.text.trim();
    const reply = (kind: string, payload: Record<string, unknown> = {}, ticketId: number | null = null) =>
      citizenReply(message, contact.id, kind, payload, ticketId);

    if (optOutWords.test(text)) {
      await setSmsOptOut(trx, contact.id, true);
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
        outbox: [
          ticket
            ? reply('citizen.status_reply', { number: ticket.number, status: ticket.status }, ticket.id)
            : reply('citizen.unknown_ticket', { number: query[1] }),
        ],
      };
    }
    if (!text && message.media.length === 0) {
      return { kind: 'empty', conversationId: null, ticketId: null, outbox: [reply('citizen.empty_message')] };
    }
    if (contact.smsOptedOut && message.channel === 'sms') await setSmsOptOut(trx, contact.id, false); // writing again re-subscribes

    const conversation = await repo.openConversation(trx, contact.id, message.channel);
    const target = await this.followUpTarget(trx, text, contact.id, conversation.ticketId);
    const citizen: Actor = { kind: 'citizen', name: contact.name ?? message.fromPhone ?? '群众' };
    if (target) {
      const locked = (await tickets.lockTicket(trx, target.id))!;
      await tickets.updateTicketWithEvent(
        trx,
        locked.id,
        { version: locked.version + 1 },
        {
          type: 'citizen_message',
          actor: citizen,
          fromStatus: locked.status,
          toStatus: locked.status,
          data: { messageId: message.id, channel: message.channel, text, media: message.media },
        },
      );
      await repo.setConversationTickets(trx, [{ conversationId: conversation.id, ticketId: locked.id }]);
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
      return {
        kind: 'follow_up',
        conversationId: conversation.id,
        ticketId: locked.id,
        outbox: [reply('citizen.followup_ack', { number: locked.number }, locked.id), ...departmentNotice],
      };
    }

    const [ticket] = await this.openTickets(trx, [{ message, contact, conversationId: conversation.id }]);
    return ticket!;
  }

  /** A ticket the message continues: one it names (if the sender asked on it), else the conversation's open ticket. */
  private async followUpTarget(
    trx: Tx,
    text: string,
    contactId: number,
    conversationTicketId: number | null,
  ): Promise<TicketRecord | undefined> {
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
  async sweep(): Promise<boolean> {
    const lost = await repo.hasUnprocessed(this.db, 30);
    if (lost) await this.queue.enqueue('intake.process', {}, { coalesce: 'intake' });
    return lost;
  }
}
