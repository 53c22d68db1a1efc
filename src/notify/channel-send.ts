import type { Db } from '../db/db';
import type { OutboxRecord } from '../outbox/outbox.repository';
import { DeliveryError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { sharedPlaceLens } from '../shared/pii';
import type { ContactRecord } from '../contacts/contacts.repository';
import { listTickets } from '../tickets/tickets.repository';
import { ticketStatusLabels, type TicketStatus } from '../tickets/ticket.types';
import { recordCard, takeCardSlot } from './chat-cards.repository';
import type { DepartmentInbox } from './department-inbox';
import type { CallPlacer, ChatApi, SmsSender, TicketCard, WeChatApi, WorkChatApi } from './ports';
import { workChatIds } from './work-chat.repository';
import { topics, type RealtimeBus } from '../jobs/realtime';
import { countSegments } from './sms-segments';
import { presentCard } from './ticket-card';
import { renderDepartmentNotice, renderText } from './templates';

export interface NotifyChannels {
  /** A department's notices, in-app: into the notifications of its active staff (always on). */
  department?: DepartmentInbox;
  sms?: SmsSender;
  /** The mini-program: in-app messages pushed over the realtime bus, and subscription messages when a template is set. */
  miniprogram?: { bus: RealtimeBus; wechat?: WeChatApi; statusTemplateId?: string };
  /** The departments' and supervisors' chat (Slack): ticket cards and alerts. */
  slack?: ChatApi;
  /** Outbound calls (the callback survey's phone channel). */
  voice?: CallPlacer;
  /** WeCom (企业微信/政务微信) and DingTalk (钉钉): notices with a link into the console. */
  wecom?: WorkChatApi;
  dingtalk?: WorkChatApi;
}

/** What one send did: sent (with the provider's id), or skipped for a reason (the row is cancelled). */
export type Delivered = { providerId: string | null; segments: number | null; note?: string } | { skip: string };

/** One message sent on its channel: the text rendered from the catalogue's templates, the recipient resolved, the provider called. */
export class ChannelSend {
  constructor(
    private readonly db: Db,
    private readonly senders: NotifyChannels,
    private readonly logger: Logger,
    private readonly publicUrl: string,
  ) {}

  send(row: OutboxRecord, contact: ContactRecord | undefined): Promise<Delivered> {
    if (row.channel === 'slack') return this.deliverChat(row);
    if (row.channel === 'voice') return this.deliverCall(row);
    if (row.channel === 'department') return this.deliverInApp(row);
    if (row.channel === 'wecom' || row.channel === 'dingtalk') return this.deliverWorkChat(row, row.channel);
    return this.deliverToCitizen(row, contact);
  }

  private async deliverToCitizen(row: OutboxRecord, contact: ContactRecord | undefined): Promise<Delivered> {
    // The templates render citizens' messages and staff alerts (masked: an SMS passes through phones and providers).
    const text = renderText(row.kind, row.payload, row.channel);
    if (!text) return { skip: `no text for ${row.kind}` };
    return row.channel === 'sms' ? this.deliverSms(row, text, contact) : this.deliverMiniProgram(row, text, contact);
  }

  /**
   * A department's ticket card shows the ticket as it is now: posted once per channel, then
   * updated in place. Cards of one ticket and channel are delivered one at a time, so two
   * quick changes never post two cards.
   */
  private async deliverChat(row: OutboxRecord): Promise<Delivered> {
    const chat = this.senders.slack!;
    const channel = row.recipient.chatChannel;
    const ticketId = row.payload.ticketId as number | undefined;
    if (!channel) return { skip: 'no chat channel' };
    const [ticket] = ticketId ? await listTickets(this.db, { id: ticketId, limit: 1 }) : [];
    if (row.kind === 'chat.alert') {
      // A supervisors' alert offers their buttons (催办, 督办, 批准延期) instead of the department's.
      const actions = row.payload.actions as TicketCard['actions'] | undefined;
      const card = ticket ? { ...presentCard(ticket), ...(actions ? { actions } : {}) } : undefined;
      const { ts } = await chat.postAlert(channel, sharedPlaceLens.text(String(row.payload.text ?? '')), card);
      return { providerId: ts, segments: null };
    }
    if (!ticket) return { skip: 'the ticket is gone' };
    return this.db.transaction(async (trx) => {
      const shownAs = await takeCardSlot(trx, ticket.id, channel);
      const { ts } = await chat.showCard(channel, presentCard(ticket), shownAs);
      await recordCard(trx, ticket.id, channel, ts, shownAs !== undefined);
      return { providerId: ts, segments: null };
    });
  }

  /** A department's notice, into the notifications of its staff (once per row and user, whatever the retries). */
  private async deliverInApp(row: OutboxRecord): Promise<Delivered> {
    const departmentId = row.recipient.departmentId;
    if (departmentId === undefined) return { skip: 'no department' };
    const notice = renderDepartmentNotice(row.kind, row.payload);
    if (!notice) return { skip: `no text for ${row.kind}` };
    const delivered = await this.senders.department!.deliver(departmentId, {
      kind: row.kind,
      ticketId: row.ticketId,
      ...notice,
      dedupeKey: `outbox:${row.id}`,
    });
    return { providerId: null, segments: null, note: `${delivered} recipients` };
  }

  /** A WeCom or DingTalk notice to the recipients who have an account there (personal data masked, as on any shared screen). */
  private async deliverWorkChat(row: OutboxRecord, platform: 'wecom' | 'dingtalk'): Promise<Delivered> {
    const { title, text, path } = row.payload as { title: string; text: string; path: string };
    const userIds = await workChatIds(this.db, platform, row.recipient as { userId: number } | { departmentId: number });
    if (userIds.length === 0) return { skip: `nobody to tell on ${platform}` };
    const { providerId } = await this.senders[platform]!.sendNotice({
      userIds,
      title: sharedPlaceLens.text(title),
      text: sharedPlaceLens.text(text),
      url: `${this.publicUrl}${path}`,
    });
    return { providerId, segments: null, note: `${userIds.length} recipients` };
  }

  /** An outbound call; what is said comes from the hub's own webhook at the payload's path. */
  private async deliverCall(row: OutboxRecord): Promise<Delivered> {
    const phone = row.recipient.phone;
    const { path, statusPath } = row.payload as { path?: string; statusPath?: string };
    if (!phone || !path || !statusPath) return { skip: 'no phone number or call script' };
    const { providerId } = await this.senders.voice!.placeCall({ to: phone, path, statusPath });
    return { providerId, segments: null };
  }

  private async deliverSms(row: OutboxRecord, text: string, contact: ContactRecord | undefined): Promise<Delivered> {
    const phone = row.recipient.phone ?? contact?.phone;
    if (!phone) return { skip: 'recipient has no phone number' };
    if (contact?.smsOptedOut && row.kind !== 'citizen.opt_out_confirm') return { skip: 'recipient opted out of SMS (退订)' };
    // A send whose outcome is unknown is not repeated blindly: if Twilio has it, it went out.
    const already = row.inDoubt ? await this.senders.sms!.findSent({ to: phone, body: text, since: row.createdAt }) : undefined;
    if (already)
      return {
        providerId: already.providerId,
        segments: countSegments(text).segments,
        note: 'found at the provider after an unknown outcome; not sent again',
      };
    const { providerId } = await this.senders.sms!.send({ to: phone, body: text });
    return { providerId, segments: countSegments(text).segments };
  }

  /**
   * The message is in the citizen's transcript from the moment its row exists; delivery pushes
   * it to an open session and, for status changes, sends a subscription message (订阅消息).
   * A citizen who did not subscribe still has it in the mini-program: sent, with a note.
   */
  private async deliverMiniProgram(row: OutboxRecord, text: string, contact: ContactRecord | undefined): Promise<Delivered> {
    if (!contact) return { skip: 'recipient is not a known contact' };
    const channel = this.senders.miniprogram!;
    const payload = row.payload as { ticketId?: number; number?: string; status?: TicketStatus; callbackId?: number; step?: string | null };
    const type =
      row.kind === 'citizen.ticket_status' ? 'ticket' : row.kind === 'citizen.survey_question' && payload.step ? 'survey' : 'message';
    await channel.bus
      .publish(topics.citizen(contact.id), {
        type,
        ticketId: payload.ticketId,
        number: payload.number,
        status: payload.status,
        ...(type === 'survey' ? { callbackId: payload.callbackId, step: payload.step ?? undefined } : {}),
        text,
        at: new Date().toISOString(),
      })
      .catch((err) => this.logger.warn({ err, outboxId: row.id }, 'realtime push failed; the transcript still has the message'));
    if (row.kind !== 'citizen.ticket_status' || !channel.wechat || !channel.statusTemplateId || !contact.wechatOpenid)
      return { providerId: null, segments: null };
    try {
      const { msgid } = await channel.wechat.sendStatusNotice({
        openid: contact.wechatOpenid,
        templateId: channel.statusTemplateId,
        ticketId: payload.ticketId,
        number: payload.number ?? '',
        statusLabel: payload.status ? ticketStatusLabels[payload.status] : '',
        text,
      });
      return { providerId: msgid, segments: null };
    } catch (error) {
      if (error instanceof DeliveryError && error.permanent)
        return { providerId: null, segments: null, note: `in-app only: ${error.message}` };
      throw error;
    }
  }
}
