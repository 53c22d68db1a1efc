import { citizenChannelOf } from '../outbox/message-catalogue';
import type { UserActor } from '../shared/roles';
import type { Db, Queryable, Tx } from '../db/db';
import type { JobOutcome, JobQueue } from '../jobs/queue';
import type { NotifyService } from '../notify/notify.service';
import { insertOutbox, type NewOutboxMessage } from '../outbox/outbox.repository';
import { AppError, conflict, found, invalid } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { TicketAction } from '../tickets/ticket-lifecycle';
import type { TicketRecord } from '../tickets/ticket.types';
import { findContacts } from '../contacts/contacts.repository';
import { contactAsGiven } from '../tickets/ticket-view';
import type { CallerAsGiven } from '../tickets/ticket.types';
import type { TicketsService } from '../tickets/tickets.service';
import {
  callbackSettingsSchema,
  defaultCallbackSettings,
  nextStep,
  outcomeOf,
  outsideQuietHours,
  parseAnswer,
  satisfactionLabels,
  type CallbackChannel,
  type CallbackSettings,
  type Satisfaction,
  type SurveyStep,
} from './survey';

export type CallbackStatus = 'scheduled' | 'asking' | 'completed' | 'unreachable' | 'skipped' | 'cancelled';
export type CallbackOutcome = 'closed' | 'reopened' | 'review' | 'unreachable' | 'skipped';

export interface CallbackRecord {
  id: number;
  ticketId: number;
  cycle: number;
  contactId: number | null;
  status: CallbackStatus;
  channel: CallbackChannel | null;
  remainingChannels: CallbackChannel[];
  attempt: number;
  step: SurveyStep | null;
  reasked: boolean;
  reminded: boolean;
  nextActionAt: Date | null;
  windowEndsAt: Date | null;
  phone: string | null;
  callSid: string | null;
  contacted: boolean | null;
  resolved: boolean | null;
  satisfaction: Satisfaction | null;
  comment: string | null;
  outcome: CallbackOutcome | null;
  unreachableReason: string | null;
  unreasonable: boolean;
  unreasonableReason: string | null;
  completedAt: Date | null;
  appliedAt: Date | null;
  departmentId: number | null;
  createdAt: Date;
}

const columns = {
  id: 'id',
  ticketId: 'ticket_id',
  cycle: 'cycle',
  contactId: 'contact_id',
  status: 'status',
  channel: 'channel',
  remainingChannels: 'remaining_channels',
  attempt: 'attempt',
  step: 'step',
  reasked: 'reasked',
  reminded: 'reminded',
  nextActionAt: 'next_action_at',
  windowEndsAt: 'window_ends_at',
  phone: 'phone',
  callSid: 'call_sid',
  contacted: 'contacted',
  resolved: 'resolved',
  satisfaction: 'satisfaction',
  comment: 'comment',
  outcome: 'outcome',
  unreachableReason: 'unreachable_reason',
  unreasonable: 'unreasonable',
  unreasonableReason: 'unreasonable_reason',
  completedAt: 'completed_at',
  appliedAt: 'applied_at',
  departmentId: 'department_id',
  createdAt: 'created_at',
} as const satisfies Record<keyof CallbackRecord, string>;

type Patch = Partial<Record<keyof typeof columns, unknown>>;
const toRow = (patch: Patch) =>
  Object.fromEntries(Object.entries(patch).map(([field, value]) => [columns[field as keyof typeof columns], value]));

const callbackActor = { kind: 'system' as const, name: 'callback' };

/** What an inbound message that answered (or came late to) a survey gets back. */
export interface SurveyReply {
  messages: NewOutboxMessage[];
  callbackId: number;
  ticketId: number;
  complete: boolean;
}

/** The mini-program's survey card. */
export interface SurveyCard {
  callbackId: number;
  ticketNumber: string;
  windowEndsAt: Date;
  questions: Array<{
    key: SurveyStep;
    text: string;
    options?: Array<{ value: boolean | Satisfaction; label: string }>;
    optional?: boolean;
  }>;
}

const satisfactionOptions = (['satisfied', 'basic', 'unsatisfied'] as const).map((value) => ({ value, label: satisfactionLabels[value] }));

/** What the phone survey says next: sentences, then maybe a question answered by one key, or the end. */
export interface CallScript {
  say: string[];
  gather?: { step: SurveyStep; prompt: string };
  hangup: boolean;
}

const callWatchdogMs = 30 * 60_000;
const phoneGreeting = '您好，这里是12345政务服务便民热线，现对您反映的问题进行回访。';
/** The SMS wording, for the keypad: 回复1 → 按1. */
const phoneQuestion = (settings: CallbackSettings, step: SurveyStep) => settings.questions[step].replace(/回复/g, '按');
/** A short reply this soon after a finished survey is taken as a late answer, not a new request. */
const lateAnswerHours = 24;

export async function readCallbackSettings(db: Queryable): Promise<CallbackSettings> {
  const row = await db('callback_settings').first<{ settings: unknown } | undefined>('settings');
  const parsed = callbackSettingsSchema.safeParse(row?.settings);
  return parsed.success ? parsed.data : defaultCallbackSettings;
}

/**
 * In the lifecycle's transaction: a reply (答复) schedules the callback of this handling
 * cycle; a reopen, close, cancel or merge ends any callback still open.
 */
export async function callbackTransition(trx: Tx, action: TicketAction, ticket: TicketRecord): Promise<void> {
  if (action === 'reply') {
    const settings = await readCallbackSettings(trx);
    await trx.raw(
      `insert into callbacks (ticket_id, cycle, contact_id, status, next_action_at, department_id)
       values (?, ?, ?, 'scheduled', now() + ? * interval '1 minute', ?)
       on conflict (ticket_id, cycle) do nothing`,
      [ticket.id, ticket.reopenCount, ticket.contactId, settings.delayMinutes, ticket.leadDepartmentId],
    );
    return;
  }
  if (['reopen', 'close', 'cancel', 'merge', 'resolve_directly'].includes(action)) {
    await trx('callbacks')
      .update({ status: 'cancelled', next_action_at: null, updated_at: trx.fn.now() })
      .where({ ticket_id: ticket.id })
      .whereIn('status', ['scheduled', 'asking']);
  }
}

/**
 * The callback survey (回访): who is asked, on which channel, in which order; the questions
 * one at a time, answers parsed leniently, one re-ask and one reminder; the operators'
 * manual-call queue; and the outcome carried out on the ticket — 办结, or 重办 to the same
 * department (a second reopen is a supervisor's call). A survey that reaches nobody is
 * 未联系上, counted apart and never as satisfied.
 */
export class CallbacksService {
  constructor(
    private readonly db: Db,
    private readonly queue: JobQueue,
    private readonly notify: NotifyService,
    private readonly tickets: TicketsService,
    private readonly logger: Logger,
    private readonly options: { phoneCalls: boolean },
  ) {}

  settings(): Promise<CallbackSettings> {
    return readCallbackSettings(this.db);
  }

  async updateSettings(patch: Partial<CallbackSettings>): Promise<CallbackSettings> {
    const next = callbackSettingsSchema.safeParse({ ...(await this.settings()), ...patch });
    if (!next.success)
      throw invalid(`callback settings refused: ${next.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    await this.db('callback_settings')
      .insert({ settings: JSON.stringify(next.data) })
      .onConflict('id')
      .merge({ settings: JSON.stringify(next.data), updated_at: this.db.fn.now() });
    return next.data;
  }

  /** The sweep: every callback whose next step is due gets its job (stable ids: several workers enqueue once). */
  async sweep(): Promise<number> {
    const due: Array<{ id: number; at: Date }> = await this.db('callbacks')
      .select({ id: 'id', at: 'next_action_at' })
      .whereIn('status', ['scheduled', 'asking'])
      .whereNotNull('next_action_at')
      .andWhere('next_action_at', '<=', this.db.raw('now()'))
      .orderBy('next_action_at')
      .limit(500);
    for (const { id, at } of due)
      await this.queue.enqueue('callback.step', { callbackId: id }, { jobId: `callback-${id}-${at.getTime()}` });
    // Outcomes not yet carried out on their ticket (a crash, a concurrent change) are tried again.
    const unapplied: Array<{ id: number }> = await this.db('callbacks')
      .select('id')
      .whereNull('applied_at')
      .whereIn('status', ['completed', 'unreachable', 'skipped'])
      .limit(500);
    const minute = Math.floor(Date.now() / 60_000);
    for (const { id } of unapplied)
      await this.queue.enqueue('callback.apply', { callbackId: id }, { jobId: `callback-apply-${id}-${minute}` });
    return due.length;
  }

  /** The step job: start the survey, remind, or move on to the next channel when the window has passed. */
  async step(callbackId: number): Promise<JobOutcome> {
    const settings = await this.settings();
    const outcome = await this.db.transaction(async (trx) => {
      const locked = await lock(trx, callbackId);
      if (!locked) return undefined;
      const { callback, now } = locked;
      if (!['scheduled', 'asking'].includes(callback.status) || callback.nextActionAt === null || callback.nextActionAt > now)
        return undefined;
      const messages: NewOutboxMessage[] = [];
      if (callback.status === 'scheduled' && callback.remainingChannels.length > 0) {
        // Waited out the quiet hours: on with the channels planned before.
        const ended = await this.tryChannel(trx, callback, callback.remainingChannels, settings, now, messages);
        return { rows: await insertOutbox(trx, messages), apply: ended };
      }
      if (callback.status === 'scheduled') {
        const plan = await this.plan(trx, callback, settings);
        if (plan.skip) {
          await this.finish(
            trx,
            callback,
            { status: 'skipped', outcome: 'skipped', unreachableReason: plan.skip, nextActionAt: null, completedAt: now },
            'skipped',
            plan.skip,
          );
          return { rows: [], apply: true };
        }
        const ended = await this.tryChannel(trx, { ...callback, phone: plan.phone }, plan.channels, settings, now, messages);
        return { rows: await insertOutbox(trx, messages), apply: ended };
      }
      const windowOver = callback.windowEndsAt !== null && callback.windowEndsAt <= now;
      if (callback.step === 'comment' && (windowOver || callback.reminded || callback.channel !== 'phone')) {
        // The three questions are answered; the comment is optional.
        await this.complete(trx, callback, now);
        return { rows: [], apply: true };
      }
      if (!windowOver && !callback.reminded && (callback.channel === 'sms' || callback.channel === 'miniprogram')) {
        await update(trx, callback.id, { reminded: true, nextActionAt: callback.windowEndsAt });
        messages.push(this.question({ ...callback, reminded: true }, settings, 'reminder'));
        await event(trx, callback.id, 'reminder', callback.channel, callback.step, null);
        return { rows: await insertOutbox(trx, messages), apply: false };
      }
      if (callback.channel === 'phone') {
        // A call still "in progress" at its watchdog time lost its status webhook: it did not reach anyone.
        if (callback.step !== null) await event(trx, callback.id, 'call_lost', 'phone', callback.step, null, { attempt: callback.attempt });
        if (callback.attempt < settings.callAttempts && !windowOver) {
          await this.placeCall(trx, callback, now, messages);
          return { rows: await insertOutbox(trx, messages), apply: false };
        }
      }
      await event(trx, callback.id, 'window_passed', callback.channel, callback.step, null);
      const ended = await this.tryChannel(trx, callback, callback.remainingChannels, settings, now, messages);
      return { rows: await insertOutbox(trx, messages), apply: ended };
    });
    if (!outcome) return 'skipped';
    await this.afterCommit(outcome.rows, callbackId, outcome.apply);
    return 'done';
  }

  /** Who is asked and how: the citizen's own channel first, then the phone; policies for confidential and anonymous requesters and human-only categories. */
  private async plan(
    trx: Tx,
    callback: CallbackRecord,
    settings: CallbackSettings,
  ): Promise<{ channels: CallbackChannel[]; phone: string | null; skip?: string }> {
    const ticket = await trx('tickets as t')
      .leftJoin('categories as c', 'c.id', 't.category_id')
      .select({ channel: 't.channel', categoryId: 't.category_id', parentId: 'c.parent_id', contactId: 't.contact_id', caller: 't.caller' })
      .where('t.id', callback.ticketId)
      .first<{
        channel: string;
        categoryId: number | null;
        parentId: number | null;
        contactId: number | null;
        caller: CallerAsGiven | null;
      }>();
    // The ticket's own caller: anonymity and confidentiality as given on this ticket.
    const [found] = callback.contactId === null ? [] : await findContacts(trx, [callback.contactId]);
    const contact = callback.contactId === ticket.contactId ? contactAsGiven(found, ticket.caller) : found;
    const phone = contact?.phone ?? null;
    const human = ticket.categoryId !== null && settings.humanCategoryIds.some((id) => id === ticket.categoryId || id === ticket.parentId);
    if (!contact || contact.anonymous || (!phone && !contact.wechatOpenid)) {
      if (settings.anonymous === 'skip' || !phone) return { channels: [], phone, skip: '匿名或无联系方式，按政策免回访' };
      return { channels: ['operator'], phone };
    }
    if (contact.confidential && settings.confidential !== 'normal') {
      return settings.confidential === 'skip'
        ? { channels: [], phone, skip: '群众要求保密，按政策免回访' }
        : { channels: ['operator'], phone };
    }
    if (human) return { channels: ['operator'], phone };
    const channels: CallbackChannel[] = [];
    if (ticket.channel === 'miniprogram' && contact.wechatOpenid) channels.push('miniprogram');
    if (phone && !contact.smsOptedOut) channels.push('sms');
    if (phone && this.options.phoneCalls) channels.push('phone');
    if (phone) channels.push('operator');
    return { channels, phone };
  }

  /** The first channel of the list that can be tried now; none left: not reached (未联系上). Returns whether the survey ended. */
  private async tryChannel(
    trx: Tx,
    callback: CallbackRecord,
    channels: readonly CallbackChannel[],
    settings: CallbackSettings,
    now: Date,
    messages: NewOutboxMessage[],
  ): Promise<boolean> {
    const [channel, ...rest] = channels;
    if (!channel) {
      await this.finish(
        trx,
        callback,
        { status: 'unreachable', outcome: 'unreachable', unreachableReason: '回访渠道均未联系上', nextActionAt: null, completedAt: now },
        'unreachable',
        null,
      );
      return true;
    }
    const windowEndsAt = new Date(now.getTime() + settings.windowHours * 3_600_000);
    const started: CallbackRecord = {
      ...callback,
      status: 'asking',
      channel,
      remainingChannels: rest,
      step: 'contacted',
      reasked: false,
      reminded: false,
      attempt: 0,
      windowEndsAt,
      callSid: null,
    };
    if (channel === 'operator') {
      // The seats' queue: a person calls and records the answers.
      await update(trx, callback.id, {
        status: 'asking',
        channel,
        remainingChannels: rest,
        step: null,
        nextActionAt: null,
        windowEndsAt: null,
        phone: callback.phone,
      });
      await event(trx, callback.id, 'queued', channel, null, null);
      return false;
    }
    const askAt = outsideQuietHours(now, settings.quietHours);
    if (askAt > now) {
      // Quiet hours (免打扰): no message and no call before the morning; the channels still to try wait with it.
      await update(trx, callback.id, { status: 'scheduled', nextActionAt: askAt, remainingChannels: channels, phone: callback.phone });
      return false;
    }
    if (channel === 'phone') {
      await update(trx, callback.id, {
        status: 'asking',
        channel,
        remainingChannels: rest,
        step: 'contacted',
        reasked: false,
        reminded: false,
        attempt: 0,
        windowEndsAt,
        phone: callback.phone,
      });
      await this.placeCall(trx, started, now, messages);
      return false;
    }
    await update(trx, callback.id, {
      status: 'asking',
      channel,
      remainingChannels: rest,
      step: 'contacted',
      reasked: false,
      reminded: false,
      attempt: 1,
      windowEndsAt,
      nextActionAt: outsideQuietHours(new Date(now.getTime() + settings.reminderMinutes * 60_000), settings.quietHours),
      phone: callback.phone,
    });
    const { number } = await trx('tickets').select('number').where({ id: callback.ticketId }).first<{ number: string }>();
    messages.push(this.question({ ...started, attempt: 1, ticketNumber: number }, settings, 'first'));
    await event(trx, callback.id, 'asked', channel, 'contacted', null);
    return false;
  }

  /** A phone call through the outbox (the voice adapter places it; its webhooks bring the answers). */
  private async placeCall(trx: Tx, callback: CallbackRecord, now: Date, messages: NewOutboxMessage[]): Promise<void> {
    const attempt = callback.attempt + 1;
    // The watchdog: if no status webhook ever comes, the step job treats the call as not reached.
    await update(trx, callback.id, {
      attempt,
      step: 'contacted',
      reasked: false,
      nextActionAt: new Date(now.getTime() + callWatchdogMs),
      callSid: null,
    });
    const query = `callback=${callback.id}&attempt=${attempt}`;
    messages.push({
      kind: 'citizen.survey_call',
      channel: 'voice',
      recipient: { phone: callback.phone, contactId: callback.contactId },
      payload: {
        callbackId: callback.id,
        ticketId: callback.ticketId,
        attempt,
        path: `/webhooks/twilio/survey?${query}`,
        statusPath: `/webhooks/twilio/survey/status?${query}`,
      },
      ticketId: callback.ticketId,
      dedupeKey: `survey-call:${callback.id}:${attempt}`,
    });
    await event(trx, callback.id, 'call_placed', 'phone', null, null, { attempt, at: now });
  }

  private question(
    callback: CallbackRecord & { ticketNumber?: string },
    settings: CallbackSettings,
    why: 'first' | 'next' | 'reask' | 'reminder',
  ): NewOutboxMessage {
    const step = callback.step!;
    const lead =
      why === 'first'
        ? `您好，12345热线对您反映的问题（工单${callback.ticketNumber ?? ''}）进行回访。`
        : why === 'reask'
          ? '未能识别您的回复。'
          : why === 'reminder'
            ? '提醒：'
            : '';
    return {
      kind: 'citizen.survey_question',
      channel: citizenChannelOf(callback.channel),
      recipient: { contactId: callback.contactId },
      payload: { callbackId: callback.id, ticketId: callback.ticketId, step, text: `${lead}${settings.questions[step]}` },
      ticketId: callback.ticketId,
      dedupeKey: `survey:${callback.id}:${callback.channel}:${step}:${why}`,
    };
  }

  /**
   * An inbound SMS or mini-program message from a contact: the answer to their open survey, if
   * they have one on that channel and its window is open. Undefined: not a survey answer, the
   * message goes on as any other.
   */
  async answerFromMessage(trx: Tx, contactId: number, channel: 'sms' | 'miniprogram', text: string): Promise<SurveyReply | undefined> {
    const row = await trx('callbacks')
      .select('id')
      .where({ contact_id: contactId, status: 'asking', channel })
      .whereRaw('window_ends_at > now()')
      .orderBy('id', 'desc')
      .first<{ id: number } | undefined>();
    if (!row) return this.lateAnswer(trx, contactId, text);
    const { callback, now } = (await lock(trx, row.id))!;
    if (callback.status !== 'asking' || !callback.step || (callback.windowEndsAt !== null && callback.windowEndsAt <= now))
      return this.lateAnswer(trx, contactId, text);
    const settings = await readCallbackSettings(trx);
    const answer = parseAnswer(callback.step, text);
    await event(trx, callback.id, answer === undefined ? 'unclear' : 'answer', channel, callback.step, text.slice(0, 500));
    if (answer === undefined) {
      if (!callback.reasked) {
        await update(trx, callback.id, { reasked: true });
        return {
          messages: [this.question(callback, settings, 'reask')],
          callbackId: callback.id,
          ticketId: callback.ticketId,
          complete: false,
        };
      }
      // Unclear twice: a person calls instead.
      await update(trx, callback.id, { channel: 'operator', step: null, nextActionAt: null, windowEndsAt: null, remainingChannels: [] });
      await event(trx, callback.id, 'queued', 'operator', null, '两次未能识别回复，转人工回访');
      return {
        messages: [this.thanks(callback, '您的回复未能识别，稍后将由话务员与您联系。')],
        callbackId: callback.id,
        ticketId: callback.ticketId,
        complete: false,
      };
    }
    const recorded: Patch = { [callback.step]: answer, reasked: false, reminded: false };
    const following = nextStep(callback.step);
    if (!following || callback.step === 'comment') {
      await update(trx, callback.id, recorded);
      await this.complete(trx, { ...callback, ...(recorded as Partial<CallbackRecord>) }, now);
      return {
        messages: [this.thanks(callback, '感谢您对12345热线工作的支持！')],
        callbackId: callback.id,
        ticketId: callback.ticketId,
        complete: true,
      };
    }
    await update(trx, callback.id, {
      ...recorded,
      step: following,
      nextActionAt: outsideQuietHours(new Date(now.getTime() + settings.reminderMinutes * 60_000), settings.quietHours),
    });
    return {
      messages: [this.question({ ...callback, step: following }, settings, 'next')],
      callbackId: callback.id,
      ticketId: callback.ticketId,
      complete: false,
    };
  }

  /**
   * Contacts whose next message might answer a survey (an open one, or one that ended within
   * the late-answer window): intake sends their messages through answerFromMessage.
   */
  async mayAnswerSurvey(trx: Tx, contactIds: readonly number[]): Promise<Set<number>> {
    if (contactIds.length === 0) return new Set();
    const rows = await trx('callbacks')
      .distinct('contact_id')
      .whereIn('contact_id', contactIds)
      .where((q) =>
        q
          .where('status', 'asking')
          .orWhere((ended) =>
            ended
              .whereIn('status', ['completed', 'unreachable'])
              .andWhere('completed_at', '>', trx.raw(`now() - interval '${lateAnswerHours} hours'`)),
          ),
      );
    return new Set(rows.map((r: { contact_id: number }) => Number(r.contact_id)));
  }

  /**
   * "1" or "满意" after the survey's window closed, or just after it ended, is a late answer:
   * thanked, not counted, and not a new request.
   */
  private async lateAnswer(trx: Tx, contactId: number, text: string): Promise<SurveyReply | undefined> {
    if ([...text.trim()].length > 6 || (parseAnswer('satisfaction', text) === undefined && parseAnswer('contacted', text) === undefined))
      return undefined;
    const recent = await trx('callbacks')
      .select(columns)
      .where({ contact_id: contactId })
      .where((q) =>
        q
          .where((open) => open.where('status', 'asking').whereRaw('window_ends_at <= now()'))
          .orWhere((ended) =>
            ended
              .whereIn('status', ['completed', 'unreachable'])
              .andWhere('completed_at', '>', trx.raw(`now() - interval '${lateAnswerHours} hours'`)),
          ),
      )
      .orderBy('id', 'desc')
      .first<CallbackRecord | undefined>();
    if (!recent) return undefined;
    await event(trx, recent.id, 'late_answer', null, null, text.slice(0, 500));
    return {
      messages: [this.thanks(recent, '本次回访已结束，感谢您的反馈。如有新的问题，请直接回复内容。', 'late')],
      callbackId: recent.id,
      ticketId: recent.ticketId,
      complete: false,
    };
  }

  /** The citizen unsubscribed (退订) during a survey: it ends there, not reached, and nobody calls them about it. */
  async optedOut(trx: Tx, contactId: number): Promise<number | undefined> {
    const row = await trx('callbacks')
      .select('id')
      .where({ contact_id: contactId, status: 'asking', channel: 'sms' })
      .first<{ id: number } | undefined>();
    if (!row) return undefined;
    const { callback, now } = (await lock(trx, row.id))!;
    await this.finish(
      trx,
      callback,
      { status: 'unreachable', outcome: 'unreachable', unreachableReason: '群众退订短信', nextActionAt: null, completedAt: now },
      'opted_out',
      null,
    );
    return callback.id;
  }

  private thanks(callback: CallbackRecord, text: string, why = 'done'): NewOutboxMessage {
    return {
      kind: 'citizen.survey_question',
      channel: citizenChannelOf(callback.channel),
      recipient: { contactId: callback.contactId },
      payload: { callbackId: callback.id, ticketId: callback.ticketId, step: null, text },
      ticketId: callback.ticketId,
      dedupeKey: `survey:${callback.id}:${why}:${Date.now()}`,
    };
  }

  /** The answers are in: the outcome is decided (and carried out on the ticket after commit). */
  private async complete(trx: Tx, callback: CallbackRecord, now: Date): Promise<void> {
    const { reopenCount } = await trx('tickets')
      .select({ reopenCount: 'reopen_count' })
      .where({ id: callback.ticketId })
      .first<{ reopenCount: number }>();
    const outcome = outcomeOf(callback, reopenCount);
    await this.finish(
      trx,
      callback,
      { status: 'completed', outcome, step: null, nextActionAt: null, completedAt: now },
      'completed',
      null,
      {
        contacted: callback.contacted,
        resolved: callback.resolved,
        satisfaction: callback.satisfaction,
      },
    );
  }

  private async finish(
    trx: Tx,
    callback: CallbackRecord,
    patch: Patch,
    type: string,
    text: string | null,
    data?: Record<string, unknown>,
  ): Promise<void> {
    await update(trx, callback.id, patch);
    await event(trx, callback.id, type, callback.channel, null, text, { outcome: patch.outcome, ...data });
  }

  /** Carries out a finished survey's outcome on the ticket, once. */
  async apply(callbackId: number): Promise<JobOutcome> {
    const callback = await this.db('callbacks').select(columns).where({ id: callbackId }).first<CallbackRecord | undefined>();
    if (!callback || callback.appliedAt !== null || !['completed', 'unreachable', 'skipped'].includes(callback.status)) return 'skipped';
    const answered = callback.satisfaction
      ? `（${callback.resolved ? '已解决' : '未解决'}，${satisfactionLabels[callback.satisfaction]}）`
      : '';
    try {
      if (callback.outcome === 'closed')
        await this.tickets.perform(
          callbackActor,
          callback.ticketId,
          'close',
          { note: `回访：${answered.slice(1, -1)}，办结` },
          { readBack: false },
        );
      if (callback.outcome === 'unreachable')
        await this.tickets.perform(
          callbackActor,
          callback.ticketId,
          'close',
          { note: `回访未联系上：${callback.unreachableReason ?? ''}` },
          { readBack: false },
        );
      if (callback.outcome === 'skipped')
        await this.tickets.perform(
          callbackActor,
          callback.ticketId,
          'close',
          { note: `免回访：${callback.unreachableReason ?? ''}` },
          { readBack: false },
        );
      if (callback.outcome === 'reopened') {
        await this.tickets.perform(
          callbackActor,
          callback.ticketId,
          'reopen',
          { reason: `回访${answered}${callback.comment ? `：${callback.comment}` : ''}` },
          { readBack: false },
        );
      }
    } catch (error) {
      // The ticket moved on meanwhile (an operator closed or reopened it): nothing left to do here.
      if (!(error instanceof AppError && error.code === 'INVALID_TRANSITION')) throw error;
      this.logger.info({ callbackId, err: error }, 'callback outcome not applied: the ticket moved on');
    }
    await this.db('callbacks').update({ applied_at: this.db.fn.now() }).where({ id: callbackId }).whereNull('applied_at');
    return 'done';
  }

  // The mini-program: the survey as one card, answered at once.

  /** The citizen's open survey in the mini-program, as a card: the questions and their options. */
  async openCard(contactId: number): Promise<SurveyCard | null> {
    const callback = await this.db('callbacks')
      .select(columns)
      .where({ contact_id: contactId, status: 'asking', channel: 'miniprogram' })
      .whereRaw('window_ends_at > now()')
      .orderBy('id', 'desc')
      .first<CallbackRecord | undefined>();
    if (!callback) return null;
    const settings = await this.settings();
    const { number } = await this.db('tickets').select('number').where({ id: callback.ticketId }).first<{ number: string }>();
    return {
      callbackId: callback.id,
      ticketNumber: number,
      windowEndsAt: callback.windowEndsAt!,
      questions: [
        {
          key: 'contacted',
          text: settings.questions.contacted,
          options: [
            { value: true, label: '是' },
            { value: false, label: '否' },
          ],
        },
        {
          key: 'resolved',
          text: settings.questions.resolved,
          options: [
            { value: true, label: '是' },
            { value: false, label: '否' },
          ],
        },
        { key: 'satisfaction', text: settings.questions.satisfaction, options: satisfactionOptions },
        { key: 'comment', text: settings.questions.comment, optional: true },
      ],
    };
  }

  /** The card's answers, all at once; only the citizen whose survey it is, while its window is open. */
  async answerCard(
    contactId: number,
    id: number,
    answers: { contacted: boolean; resolved: boolean; satisfaction: Satisfaction; comment?: string },
  ): Promise<{ outcome: CallbackOutcome }> {
    const outcome = await this.db.transaction(async (trx) => {
      const locked = await lock(trx, id);
      // Another citizen's survey is as good as none.
      if (!locked || locked.callback.contactId !== contactId) throw new AppError('NOT_FOUND', 'survey not found');
      const { callback, now } = locked;
      if (callback.status !== 'asking' || callback.channel !== 'miniprogram')
        throw conflict('this survey is no longer waiting for answers');
      if (callback.windowEndsAt !== null && callback.windowEndsAt <= now) throw conflict('the time to answer this survey has passed');
      const recorded = {
        contacted: answers.contacted,
        resolved: answers.resolved,
        satisfaction: answers.satisfaction,
        comment: answers.comment ?? null,
      };
      await update(trx, id, recorded);
      await event(trx, id, 'answer', 'miniprogram', null, answers.comment ?? null, recorded);
      await this.complete(trx, { ...callback, ...recorded }, now);
      return (await trx('callbacks').select('outcome').where({ id }).first<{ outcome: CallbackOutcome }>())!.outcome;
    });
    await this.afterCommit([], id, true);
    return { outcome };
  }

  // The phone survey: the voice channel's webhooks drive it, one key press per question.

  /** The call was answered: by a person, the first question; by a machine, not reached. */
  async callAnswered(id: number, attempt: number, callSid: string, answeredBy: string | undefined): Promise<CallScript> {
    const settings = await this.settings();
    return this.onCall(id, attempt, async (trx, callback, now) => {
      await update(trx, id, { callSid });
      if (answeredBy && /^(machine|fax)/.test(answeredBy)) {
        await event(trx, id, 'machine', 'phone', null, answeredBy, { attempt });
        await this.notReached(trx, callback, now, settings);
        return { say: [], hangup: true };
      }
      await event(trx, id, 'call_answered', 'phone', null, null, { attempt });
      return { say: [phoneGreeting], gather: { step: 'contacted', prompt: phoneQuestion(settings, 'contacted') }, hangup: false };
    });
  }

  /** A key pressed for a question: the next question, once more, or the end. */
  async callAnswer(id: number, attempt: number, step: SurveyStep, digits: string): Promise<CallScript> {
    const settings = await this.settings();
    let completed = false;
    const script = await this.onCall(id, attempt, async (trx, callback, now) => {
      if (callback.step !== step)
        return { say: [], gather: { step: callback.step!, prompt: phoneQuestion(settings, callback.step!) }, hangup: false };
      const answer = parseAnswer(step, digits);
      await event(trx, id, answer === undefined ? 'unclear' : 'answer', 'phone', step, digits.slice(0, 20));
      if (answer === undefined) {
        if (!callback.reasked) {
          await update(trx, id, { reasked: true });
          return { say: ['未能识别您的按键。'], gather: { step, prompt: phoneQuestion(settings, step) }, hangup: false };
        }
        await update(trx, id, { channel: 'operator', step: null, nextActionAt: null, windowEndsAt: null, remainingChannels: [] });
        await event(trx, id, 'queued', 'operator', null, '两次未能识别按键，转人工回访');
        return { say: ['稍后将由话务员与您联系。再见。'], hangup: true };
      }
      const recorded = { [step]: answer, reasked: false } as Patch;
      const following = nextStep(step);
      // There is no free comment by keypad: the phone survey ends after the third question.
      if (!following || following === 'comment') {
        await update(trx, id, recorded);
        await this.complete(trx, { ...callback, ...(recorded as Partial<CallbackRecord>) }, now);
        completed = true;
        return { say: ['感谢您对12345热线工作的支持，再见。'], hangup: true };
      }
      await update(trx, id, { ...recorded, step: following });
      return { say: [], gather: { step: following, prompt: phoneQuestion(settings, following) }, hangup: false };
    });
    if (completed) await this.afterCommit([], id, true);
    return script;
  }

  /** The call ended: unless the survey was finished, this attempt did not reach the citizen. */
  async callEnded(id: number, attempt: number, callStatus: string): Promise<void> {
    const settings = await this.settings();
    await this.onCall(id, attempt, async (trx, callback, now) => {
      await event(trx, id, 'call_ended', 'phone', callback.step, callStatus, { attempt });
      await this.notReached(trx, callback, now, settings);
      return { say: [], hangup: true };
    });
  }

  /** Under the callback's lock, for the call attempt still current; anything else (a stale webhook) just hangs up. */
  private async onCall(
    id: number,
    attempt: number,
    work: (trx: Tx, callback: CallbackRecord, now: Date) => Promise<CallScript>,
  ): Promise<CallScript> {
    return this.db.transaction(async (trx) => {
      const locked = await lock(trx, id);
      const current =
        locked &&
        locked.callback.status === 'asking' &&
        locked.callback.channel === 'phone' &&
        locked.callback.attempt === attempt &&
        locked.callback.step !== null;
      if (!current) return { say: ['感谢您的接听，再见。'], hangup: true };
      return work(trx, locked!.callback, locked!.now);
    });
  }

  /** Busy, no answer, an answering machine, or a hang-up midway: try again later, or let the step job move on. */
  private async notReached(trx: Tx, callback: CallbackRecord, now: Date, settings: CallbackSettings): Promise<void> {
    const retry = callback.attempt < settings.callAttempts;
    await update(trx, callback.id, {
      step: null,
      nextActionAt: retry ? outsideQuietHours(new Date(now.getTime() + settings.callRetryMinutes * 60_000), settings.quietHours) : now,
      // A finished attempt is no longer the current call: its late webhooks are stale.
      attempt: retry ? callback.attempt : settings.callAttempts,
    });
  }

  // The operators' queue and the supervisors' review

  async list(filter: {
    status?: CallbackStatus;
    channel?: CallbackChannel;
    outcome?: CallbackOutcome;
    ticketId?: number;
    limit: number;
  }): Promise<CallbackRecord[]> {
    const query = this.db('callbacks').select(columns).orderBy('id', 'desc').limit(filter.limit);
    if (filter.status) query.where('status', filter.status);
    if (filter.channel) query.where('channel', filter.channel);
    if (filter.outcome) query.where('outcome', filter.outcome);
    if (filter.ticketId) query.where('ticket_id', filter.ticketId);
    return query;
  }

  async get(id: number): Promise<CallbackRecord & { events: unknown[] }> {
    const callback = found(await this.db('callbacks').select(columns).where({ id }).first<CallbackRecord | undefined>(), 'callback');
    const events = await this.db('callback_events')
      .select({ type: 'type', channel: 'channel', step: 'step', text: 'text', data: 'data', at: 'created_at' })
      .where({ callback_id: id })
      .orderBy('id');
    return { ...callback, events };
  }

  /** An operator's manual call: the answers, or that nobody could be reached. */
  async recordManual(
    actor: UserActor,
    id: number,
    input: { reached: false } | { reached: true; contacted: boolean; resolved: boolean; satisfaction: Satisfaction; comment?: string },
  ): Promise<CallbackRecord> {
    await this.db.transaction(async (trx) => {
      const { callback, now } = found(await lock(trx, id), 'callback');
      if (callback.status !== 'asking' || callback.channel !== 'operator')
        throw conflict(
          `this callback is ${callback.status}${callback.channel ? ` on ${callback.channel}` : ''}, not waiting for a manual call`,
        );
      await trx('callbacks').update({ answered_by: actor.userId }).where({ id });
      if (!input.reached) {
        await this.finish(
          trx,
          callback,
          { status: 'unreachable', outcome: 'unreachable', unreachableReason: '人工回访未联系上', completedAt: now },
          'unreachable',
          null,
          { by: actor.userId },
        );
        return;
      }
      const answers = {
        contacted: input.contacted,
        resolved: input.resolved,
        satisfaction: input.satisfaction,
        comment: input.comment ?? null,
      };
      await update(trx, id, answers);
      await event(trx, id, 'answer', 'operator', null, input.comment ?? null, { ...answers, by: actor.userId });
      await this.complete(trx, { ...callback, ...answers }, now);
    });
    await this.afterCommit([], id, true);
    return this.get(id);
  }

  /**
   * A supervisor's call on an unsatisfied outcome: reopen it (the second reopen), or mark it
   * unreasonable (不合理诉求) with the reason — kept on the record, excluded from the
   * satisfaction rate, the ticket closed.
   */
  async review(actor: UserActor, id: number, input: { decision: 'reopen' | 'unreasonable'; reason: string }): Promise<CallbackRecord> {
    const callback = found(await this.db('callbacks').select(columns).where({ id }).first<CallbackRecord | undefined>(), 'callback');
    if (callback.status !== 'completed' || (callback.outcome !== 'review' && callback.outcome !== 'reopened')) {
      throw conflict('only a completed survey whose citizen was not satisfied or not helped can be reviewed');
    }
    if (input.decision === 'reopen') {
      if (callback.outcome !== 'review') throw conflict('this ticket was reopened already');
      await this.tickets.perform(actor, callback.ticketId, 'reopen', { reason: `督办审核：${input.reason}` }, { readBack: false });
      await this.db('callbacks').update({ outcome: 'reopened', reviewed_by: actor.userId, applied_at: this.db.fn.now() }).where({ id });
    } else {
      if (callback.unreasonable) throw conflict('already marked unreasonable');
      await this.db('callbacks').update({ unreasonable: true, unreasonable_reason: input.reason, reviewed_by: actor.userId }).where({ id });
      if (callback.outcome === 'review') {
        await this.tickets.perform(
          actor,
          callback.ticketId,
          'close',
          { note: `回访不满意经审核为不合理诉求：${input.reason}` },
          { readBack: false },
        );
        await this.db('callbacks').update({ applied_at: this.db.fn.now() }).where({ id });
      }
    }
    await event(this.db, id, 'review', null, null, input.reason, { decision: input.decision, by: actor.userId });
    return this.get(id);
  }

  /** After commit: deliver the outbox rows written, and carry out a finished survey's outcome. */
  async afterCommit(rows: ReadonlyArray<{ id: number; channel: string }>, callbackId: number, apply: boolean): Promise<void> {
    try {
      await this.notify.written(rows);
      if (apply) await this.queue.enqueue('callback.apply', { callbackId }, { jobId: `callback-apply-${callbackId}` });
    } catch (err) {
      this.logger.error({ err, callbackId }, 'after-commit step of a callback failed; the sweep will redo it');
    }
  }
}

async function lock(trx: Tx, id: number): Promise<{ callback: CallbackRecord; now: Date } | undefined> {
  const row = await trx('callbacks')
    .select({ ...columns, now: trx.raw('now()') })
    .where({ id })
    .forUpdate()
    .first<(CallbackRecord & { now: Date }) | undefined>();
  if (!row) return undefined;
  const { now, ...callback } = row;
  return { callback, now };
}

async function update(db: Queryable, id: number, patch: Patch): Promise<void> {
  await db('callbacks')
    .update({ ...toRow(patch), updated_at: db.raw('now()') })
    .where({ id });
}

async function event(
  db: Queryable,
  callbackId: number,
  type: string,
  channel: string | null,
  step: string | null,
  text: string | null,
  data?: Record<string, unknown>,
): Promise<void> {
  await db('callback_events').insert({ callback_id: callbackId, type, channel, step, text, data: data ? JSON.stringify(data) : null });
}
