import type { Db, Tx } from '../db/db';
import type { UnitOfWork } from '../db/unit-of-work';
import type { OutboxMessage } from '../outbox/message-catalogue';
import { AppError, conflict } from '../shared/errors';
import * as repo from './callbacks.repository';
import type { CallbackOutcome } from './callbacks.repository';
import { applyJob, complete, finish, question, thanks } from './survey-steps';
import { nextStep, outsideQuietHours, parseAnswer, satisfactionLabels, type Satisfaction, type SurveyStep } from './survey';

/** What an inbound message that answered (or came late to) a survey gets back. */
export interface SurveyReply {
  messages: OutboxMessage[];
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

const yesNo = [
  { value: true, label: '是' },
  { value: false, label: '否' },
];
const satisfactionOptions = (['satisfied', 'basic', 'unsatisfied'] as const).map((value) => ({ value, label: satisfactionLabels[value] }));
/** A short reply this soon after a finished survey is taken as a late answer, not a new request. */
const lateAnswerHours = 24;

/**
 * The citizen's side of the survey, by message: an SMS or mini-program message that answers the
 * open question (parsed leniently, re-asked once, then a person calls), a late answer, an
 * unsubscribe (退订) midway; and the mini-program's card, answered at once.
 */
export class SurveyAnswers {
  constructor(
    private readonly db: Db,
    private readonly work: UnitOfWork,
  ) {}

  /**
   * An inbound SMS or mini-program message from a contact, in intake's transaction: the answer to
   * their open survey, if they have one on that channel and its window is open. Undefined: not a
   * survey answer, the message goes on as any other.
   */
  async answerFromMessage(trx: Tx, contactId: number, channel: 'sms' | 'miniprogram', text: string): Promise<SurveyReply | undefined> {
    const open = await repo.findOpenSurvey(trx, contactId, channel);
    if (!open) return this.lateAnswer(trx, contactId, text);
    const { callback, now } = (await repo.lock(trx, open.id))!;
    if (callback.status !== 'asking' || !callback.step || (callback.windowEndsAt !== null && callback.windowEndsAt <= now))
      return this.lateAnswer(trx, contactId, text);
    const settings = await repo.readCallbackSettings(trx);
    const answer = parseAnswer(callback.step, text);
    await repo.event(trx, callback.id, answer === undefined ? 'unclear' : 'answer', channel, callback.step, text.slice(0, 500));
    const reply = (messages: OutboxMessage[], complete = false) => ({
      messages,
      callbackId: callback.id,
      ticketId: callback.ticketId,
      complete,
    });
    if (answer === undefined) {
      if (!callback.reasked) {
        await repo.update(trx, callback.id, { reasked: true });
        return reply([question(callback, settings, 'reask')]);
      }
      // Unclear twice: a person calls instead.
      await repo.update(trx, callback.id, {
        channel: 'operator',
        step: null,
        nextActionAt: null,
        windowEndsAt: null,
        remainingChannels: [],
      });
      await repo.event(trx, callback.id, 'queued', 'operator', null, '两次未能识别回复，转人工回访');
      return reply([thanks(callback, '您的回复未能识别，稍后将由话务员与您联系。')]);
    }
    const recorded: repo.Patch = { [callback.step]: answer, reasked: false, reminded: false };
    const following = nextStep(callback.step);
    if (!following || callback.step === 'comment') {
      await repo.update(trx, callback.id, recorded);
      await complete(trx, { ...callback, ...(recorded as Partial<repo.CallbackRecord>) }, now);
      return reply([thanks(callback, '感谢您对12345热线工作的支持！')], true);
    }
    await repo.update(trx, callback.id, {
      ...recorded,
      step: following,
      nextActionAt: outsideQuietHours(new Date(now.getTime() + settings.reminderMinutes * 60_000), settings.quietHours),
    });
    return reply([question({ ...callback, step: following }, settings, 'next')]);
  }

  /**
   * Contacts whose next message might answer a survey (an open one, or one that ended within
   * the late-answer window): intake sends their messages through answerFromMessage.
   */
  mayAnswerSurvey(trx: Tx, contactIds: readonly number[]): Promise<Set<number>> {
    return repo.contactsWithRecentSurvey(trx, contactIds, lateAnswerHours);
  }

  /**
   * "1" or "满意" after the survey's window closed, or just after it ended, is a late answer:
   * thanked, not counted, and not a new request.
   */
  private async lateAnswer(trx: Tx, contactId: number, text: string): Promise<SurveyReply | undefined> {
    if ([...text.trim()].length > 6 || (parseAnswer('satisfaction', text) === undefined && parseAnswer('contacted', text) === undefined))
      return undefined;
    const recent = await repo.findRecentlyClosedSurvey(trx, contactId, lateAnswerHours);
    if (!recent) return undefined;
    await repo.event(trx, recent.id, 'late_answer', null, null, text.slice(0, 500));
    return {
      messages: [thanks(recent, '本次回访已结束，感谢您的反馈。如有新的问题，请直接回复内容。', 'late')],
      callbackId: recent.id,
      ticketId: recent.ticketId,
      complete: false,
    };
  }

  /** The citizen unsubscribed (退订) during a survey: it ends there, not reached, and nobody calls them about it. */
  async optedOut(trx: Tx, contactId: number): Promise<number | undefined> {
    const row = await repo.findAskingBySms(trx, contactId);
    if (!row) return undefined;
    const { callback, now } = (await repo.lock(trx, row.id))!;
    const patch = {
      status: 'unreachable',
      outcome: 'unreachable',
      unreachableReason: '群众退订短信',
      nextActionAt: null,
      completedAt: now,
    };
    await finish(trx, callback, patch, 'opted_out', null);
    return callback.id;
  }

  /** The citizen's open survey in the mini-program, as a card: the questions and their options. */
  async openCard(contactId: number): Promise<SurveyCard | null> {
    const callback = await repo.findOpenSurvey(this.db, contactId, 'miniprogram');
    if (!callback) return null;
    const settings = await repo.readCallbackSettings(this.db);
    const { number } = await repo.surveyTicketFacts(this.db, callback.ticketId);
    return {
      callbackId: callback.id,
      ticketNumber: number,
      windowEndsAt: callback.windowEndsAt!,
      questions: [
        { key: 'contacted', text: settings.questions.contacted, options: yesNo },
        { key: 'resolved', text: settings.questions.resolved, options: yesNo },
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
    const outcome = await this.work.run(async (work) => {
      const trx = work.trx;
      const locked = await repo.lock(trx, id);
      // Another citizen's survey is as good as none.
      if (!locked || locked.callback.contactId !== contactId) throw new AppError('NOT_FOUND', '未找到回访问卷');
      const { callback, now } = locked;
      if (callback.status !== 'asking' || callback.channel !== 'miniprogram') throw conflict('该回访已不再等待答复');
      if (callback.windowEndsAt !== null && callback.windowEndsAt <= now) throw conflict('该回访已过答复时限');
      const recorded = {
        contacted: answers.contacted,
        resolved: answers.resolved,
        satisfaction: answers.satisfaction,
        comment: answers.comment ?? null,
      };
      await repo.update(trx, id, recorded);
      await repo.event(trx, id, 'answer', 'miniprogram', null, answers.comment ?? null, recorded);
      await complete(trx, { ...callback, ...recorded }, now);
      work.enqueue(applyJob(id));
      return (await repo.findCallback(trx, id))!.outcome!;
    });
    return { outcome };
  }
}
