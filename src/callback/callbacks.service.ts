import type { Db, Tx } from '../db/db';
import { job, type UnitOfWork, type Work } from '../db/unit-of-work';
import type { JobOutcome } from '../jobs/queue';
import type { OutboxMessage } from '../outbox/message-catalogue';
import type { Outbox } from '../outbox/outbox';
import { AppError, conflict, found, invalid } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { UserActor } from '../shared/roles';
import { findContacts } from '../contacts/contacts.repository';
import { contactAsGiven } from '../tickets/ticket-view';
import type { TicketsService } from '../tickets/tickets.service';
import * as repo from './callbacks.repository';
import type { CallbackOutcome, CallbackRecord, CallbackStatus } from './callbacks.repository';
import { applyJob, complete, finish, question } from './survey-steps';
import {
  callbackSettingsSchema,
  outsideQuietHours,
  satisfactionLabels,
  type CallbackChannel,
  type CallbackSettings,
  type Satisfaction,
} from './survey';

const callbackActor = { kind: 'system' as const, name: 'callback' };
const callWatchdogMs = 30 * 60_000;

/**
 * The callback survey (回访): who is asked, on which channel, in which order; the step job that
 * starts, reminds and moves on; the operators' manual-call queue and the supervisors' review;
 * and the outcome carried out on the ticket — 办结, or 重办 to the same department (a second
 * reopen is a supervisor's call). A survey that reaches nobody is 未联系上, counted apart and
 * never as satisfied. Answers arrive through SurveyAnswers (messages, the mini-program card) and
 * PhoneSurvey (the keypad).
 */
export class CallbacksService {
  constructor(
    private readonly db: Db,
    private readonly work: UnitOfWork,
    private readonly outbox: Outbox,
    private readonly tickets: TicketsService,
    private readonly logger: Logger,
    private readonly options: { phoneCalls: boolean },
  ) {}

  settings(): Promise<CallbackSettings> {
    return repo.readCallbackSettings(this.db);
  }

  async updateSettings(patch: Partial<CallbackSettings>): Promise<CallbackSettings> {
    const next = callbackSettingsSchema.safeParse({ ...(await this.settings()), ...patch });
    if (!next.success) throw invalid(`回访设置有误：${next.error.issues.map((i) => `${i.path.join('.')}：${i.message}`).join('；')}`);
    await repo.writeCallbackSettings(this.db, next.data);
    return next.data;
  }

  /** The sweep: every callback whose next step is due gets its job (stable ids: several workers enqueue once). */
  async sweep(): Promise<number> {
    const due = await repo.findDueCallbacks(this.db, 500);
    // Outcomes not yet carried out on their ticket (a crash, a concurrent change) are tried again.
    const unapplied = await repo.findUnapplied(this.db, 500);
    const minute = Math.floor(Date.now() / 60_000);
    await this.work.run(async (work) =>
      work.enqueue(
        ...due.map(({ id, at }) => job('callback.step', { callbackId: id }, { jobId: `callback-${id}-${at.getTime()}` })),
        ...unapplied.map(({ id }) => job('callback.apply', { callbackId: id }, { jobId: `callback-apply-${id}-${minute}` })),
      ),
    );
    return due.length;
  }

  /** The step job: start the survey, remind, or move on to the next channel when the window has passed. */
  async step(callbackId: number): Promise<JobOutcome> {
    const settings = await this.settings();
    return this.work.run(async (work) => {
      const trx = work.trx;
      const locked = await repo.lock(trx, callbackId);
      if (!locked) return 'skipped';
      const { callback, now } = locked;
      if (!['scheduled', 'asking'].includes(callback.status) || callback.nextActionAt === null || callback.nextActionAt > now)
        return 'skipped';
      if (callback.status === 'scheduled' && callback.remainingChannels.length > 0) {
        // Waited out the quiet hours: on with the channels planned before.
        await this.tryChannel(work, callback, callback.remainingChannels, settings, now);
        return 'done';
      }
      if (callback.status === 'scheduled') {
        const plan = await this.plan(trx, callback, settings);
        if (plan.skip) {
          const patch = {
            status: 'skipped',
            outcome: 'skipped',
            unreachableReason: plan.skip,
            nextActionAt: null,
            completedAt: now,
          } as const;
          await finish(trx, callback, patch, 'skipped', plan.skip);
          work.enqueue(applyJob(callback.id));
          return 'done';
        }
        await this.tryChannel(work, { ...callback, phone: plan.phone }, plan.channels, settings, now);
        return 'done';
      }
      const windowOver = callback.windowEndsAt !== null && callback.windowEndsAt <= now;
      if (callback.step === 'comment' && (windowOver || callback.reminded || callback.channel !== 'phone')) {
        // The three questions are answered; the comment is optional.
        await complete(trx, callback, now);
        work.enqueue(applyJob(callback.id));
        return 'done';
      }
      if (!windowOver && !callback.reminded && (callback.channel === 'sms' || callback.channel === 'miniprogram')) {
        await repo.update(trx, callback.id, { reminded: true, nextActionAt: callback.windowEndsAt });
        await this.outbox.write(work, [question({ ...callback, reminded: true }, settings, 'reminder')]);
        await repo.event(trx, callback.id, 'reminder', callback.channel, callback.step, null);
        return 'done';
      }
      if (callback.channel === 'phone') {
        // A call still "in progress" at its watchdog time lost its status webhook: it did not reach anyone.
        if (callback.step !== null)
          await repo.event(trx, callback.id, 'call_lost', 'phone', callback.step, null, { attempt: callback.attempt });
        if (callback.attempt < settings.callAttempts && !windowOver) {
          await this.placeCall(work, callback, now);
          return 'done';
        }
      }
      await repo.event(trx, callback.id, 'window_passed', callback.channel, callback.step, null);
      await this.tryChannel(work, callback, callback.remainingChannels, settings, now);
      return 'done';
    });
  }

  /** Who is asked and how: the citizen's own channel first, then the phone; policies for confidential and anonymous requesters and human-only categories. */
  private async plan(
    trx: Tx,
    callback: CallbackRecord,
    settings: CallbackSettings,
  ): Promise<{ channels: CallbackChannel[]; phone: string | null; skip?: string }> {
    const ticket = await repo.surveyTicketFacts(trx, callback.ticketId);
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

  /** The first channel of the list that can be tried now; none left: not reached (未联系上), and the outcome is carried out. */
  private async tryChannel(
    work: Work,
    callback: CallbackRecord,
    channels: readonly CallbackChannel[],
    settings: CallbackSettings,
    now: Date,
  ): Promise<void> {
    const trx = work.trx;
    const [channel, ...rest] = channels;
    if (!channel) {
      const patch = {
        status: 'unreachable',
        outcome: 'unreachable',
        unreachableReason: '回访渠道均未联系上',
        nextActionAt: null,
        completedAt: now,
      };
      await finish(trx, callback, patch, 'unreachable', null);
      work.enqueue(applyJob(callback.id));
      return;
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
      const patch = {
        status: 'asking',
        channel,
        remainingChannels: rest,
        step: null,
        nextActionAt: null,
        windowEndsAt: null,
        phone: callback.phone,
      };
      await repo.update(trx, callback.id, patch);
      await repo.event(trx, callback.id, 'queued', channel, null, null);
      return;
    }
    const askAt = outsideQuietHours(now, settings.quietHours);
    if (askAt > now) {
      // Quiet hours (免打扰): no message and no call before the morning; the channels still to try wait with it.
      await repo.update(trx, callback.id, { status: 'scheduled', nextActionAt: askAt, remainingChannels: channels, phone: callback.phone });
      return;
    }
    const asking = { status: 'asking', channel, remainingChannels: rest, step: 'contacted', reasked: false, reminded: false, windowEndsAt };
    if (channel === 'phone') {
      await repo.update(trx, callback.id, { ...asking, attempt: 0, phone: callback.phone });
      await this.placeCall(work, started, now);
      return;
    }
    const remindAt = outsideQuietHours(new Date(now.getTime() + settings.reminderMinutes * 60_000), settings.quietHours);
    await repo.update(trx, callback.id, { ...asking, attempt: 1, nextActionAt: remindAt, phone: callback.phone });
    const { number } = await repo.surveyTicketFacts(trx, callback.ticketId);
    await this.outbox.write(work, [question({ ...started, attempt: 1, ticketNumber: number }, settings, 'first')]);
    await repo.event(trx, callback.id, 'asked', channel, 'contacted', null);
  }

  /** A phone call through the outbox (the voice adapter places it; its webhooks bring the answers). */
  private async placeCall(work: Work, callback: CallbackRecord, now: Date): Promise<void> {
    const attempt = callback.attempt + 1;
    // The watchdog: if no status webhook ever comes, the step job treats the call as not reached.
    const watchdog = new Date(now.getTime() + callWatchdogMs);
    await repo.update(work.trx, callback.id, { attempt, step: 'contacted', reasked: false, nextActionAt: watchdog, callSid: null });
    const query = `callback=${callback.id}&attempt=${attempt}`;
    const call: OutboxMessage = {
      kind: 'citizen.survey_call',
      channel: 'voice',
      recipient: { phone: callback.phone!, contactId: callback.contactId },
      payload: {
        callbackId: callback.id,
        ticketId: callback.ticketId,
        attempt,
        path: `/webhooks/twilio/survey?${query}`,
        statusPath: `/webhooks/twilio/survey/status?${query}`,
      },
      ticketId: callback.ticketId,
      dedupeKey: `survey-call:${callback.id}:${attempt}`,
    };
    await this.outbox.write(work, [call]);
    await repo.event(work.trx, callback.id, 'call_placed', 'phone', null, null, { attempt, at: now });
  }

  /** Carries out a finished survey's outcome on the ticket, once. */
  async apply(callbackId: number): Promise<JobOutcome> {
    const callback = await repo.findCallback(this.db, callbackId);
    if (!callback || callback.appliedAt !== null || !['completed', 'unreachable', 'skipped'].includes(callback.status)) return 'skipped';
    const answered = callback.satisfaction
      ? `（${callback.resolved ? '已解决' : '未解决'}，${satisfactionLabels[callback.satisfaction]}）`
      : '';
    const close = (note: string) => this.tickets.perform(callbackActor, callback.ticketId, 'close', { note }, { readBack: false });
    try {
      if (callback.outcome === 'closed') await close(`回访：${answered.slice(1, -1)}，办结`);
      if (callback.outcome === 'unreachable') await close(`回访未联系上：${callback.unreachableReason ?? ''}`);
      if (callback.outcome === 'skipped') await close(`免回访：${callback.unreachableReason ?? ''}`);
      if (callback.outcome === 'reopened') {
        const reason = `回访${answered}${callback.comment ? `：${callback.comment}` : ''}`;
        await this.tickets.perform(callbackActor, callback.ticketId, 'reopen', { reason }, { readBack: false });
      }
    } catch (error) {
      // The ticket moved on meanwhile (an operator closed or reopened it): nothing left to do here.
      if (!(error instanceof AppError && error.code === 'INVALID_TRANSITION')) throw error;
      this.logger.info({ callbackId, err: error }, 'callback outcome not applied: the ticket moved on');
    }
    await repo.markApplied(this.db, callbackId);
    return 'done';
  }

  // The operators' queue and the supervisors' review

  list(filter: { status?: CallbackStatus; channel?: CallbackChannel; outcome?: CallbackOutcome; ticketId?: number; limit: number }) {
    return repo.listCallbacks(this.db, filter);
  }

  async get(id: number): Promise<CallbackRecord & { events: unknown[] }> {
    const callback = found(await repo.findCallback(this.db, id), '回访任务');
    return { ...callback, events: await repo.listCallbackEvents(this.db, id) };
  }

  /** An operator's manual call: the answers, or that nobody could be reached. */
  async recordManual(
    actor: UserActor,
    id: number,
    input: { reached: false } | { reached: true; contacted: boolean; resolved: boolean; satisfaction: Satisfaction; comment?: string },
  ): Promise<CallbackRecord> {
    await this.work.run(async (work) => {
      const trx = work.trx;
      const { callback, now } = found(await repo.lock(trx, id), '回访任务');
      if (callback.status !== 'asking' || callback.channel !== 'operator')
        throw conflict(`该回访当前为 ${callback.status}${callback.channel ? `（${callback.channel}）` : ''}，不在等待人工回访`);
      await repo.setReviewFields(trx, id, { answeredBy: actor.userId });
      work.enqueue(applyJob(id));
      if (!input.reached) {
        const patch = { status: 'unreachable', outcome: 'unreachable', unreachableReason: '人工回访未联系上', completedAt: now };
        await finish(trx, callback, patch, 'unreachable', null, { by: actor.userId });
        return;
      }
      const answers = {
        contacted: input.contacted,
        resolved: input.resolved,
        satisfaction: input.satisfaction,
        comment: input.comment ?? null,
      };
      await repo.update(trx, id, answers);
      await repo.event(trx, id, 'answer', 'operator', null, input.comment ?? null, { ...answers, by: actor.userId });
      await complete(trx, { ...callback, ...answers }, now);
    });
    return this.get(id);
  }

  /**
   * A supervisor's call on an unsatisfied outcome: reopen it (the second reopen), or mark it
   * unreasonable (不合理诉求) with the reason — kept on the record, excluded from the
   * satisfaction rate, the ticket closed.
   */
  async review(actor: UserActor, id: number, input: { decision: 'reopen' | 'unreasonable'; reason: string }): Promise<CallbackRecord> {
    const callback = found(await repo.findCallback(this.db, id), '回访任务');
    if (callback.status !== 'completed' || (callback.outcome !== 'review' && callback.outcome !== 'reopened')) {
      throw conflict('只有市民不满意或未解决的已完成回访才能复核');
    }
    if (input.decision === 'reopen') {
      if (callback.outcome !== 'review') throw conflict('该工单已重办过');
      await this.tickets.perform(actor, callback.ticketId, 'reopen', { reason: `督办审核：${input.reason}` }, { readBack: false });
      await repo.setReviewFields(this.db, id, { outcome: 'reopened', reviewedBy: actor.userId, applied: true });
    } else {
      if (callback.unreasonable) throw conflict('已标记为不合理诉求');
      await repo.setReviewFields(this.db, id, { unreasonable: true, unreasonableReason: input.reason, reviewedBy: actor.userId });
      if (callback.outcome === 'review') {
        const note = `回访不满意经审核为不合理诉求：${input.reason}`;
        await this.tickets.perform(actor, callback.ticketId, 'close', { note }, { readBack: false });
        await repo.setReviewFields(this.db, id, { applied: true });
      }
    }
    await repo.event(this.db, id, 'review', null, null, input.reason, { decision: input.decision, by: actor.userId });
    return this.get(id);
  }
}
