import type { Db, Tx } from '../db/db';
import type { UnitOfWork, Work } from '../db/unit-of-work';
import * as repo from './callbacks.repository';
import type { CallbackRecord } from './callbacks.repository';
import { applyJob, complete } from './survey-steps';
import { nextStep, outsideQuietHours, parseAnswer, type CallbackSettings, type SurveyStep } from './survey';

/** What the phone survey says next: sentences, then maybe a question answered by one key, or the end. */
export interface CallScript {
  say: string[];
  gather?: { step: SurveyStep; prompt: string };
  hangup: boolean;
}

const phoneGreeting = '您好，这里是12345政务服务便民热线，现对您反映的问题进行回访。';
/** The SMS wording, for the keypad: 回复1 → 按1. */
const phoneQuestion = (settings: CallbackSettings, step: SurveyStep) => settings.questions[step].replace(/回复/g, '按');

/** The phone survey: the voice channel's webhooks drive it, one key press per question. */
export class PhoneSurvey {
  constructor(
    private readonly db: Db,
    private readonly work: UnitOfWork,
  ) {}

  /** The call was answered: by a person, the first question; by a machine, not reached. */
  async callAnswered(id: number, attempt: number, callSid: string, answeredBy: string | undefined): Promise<CallScript> {
    const settings = await repo.readCallbackSettings(this.db);
    return this.onCall(id, attempt, async ({ trx }, callback, now) => {
      await repo.update(trx, id, { callSid });
      if (answeredBy && /^(machine|fax)/.test(answeredBy)) {
        await repo.event(trx, id, 'machine', 'phone', null, answeredBy, { attempt });
        await this.notReached(trx, callback, now, settings);
        return { say: [], hangup: true };
      }
      await repo.event(trx, id, 'call_answered', 'phone', null, null, { attempt });
      return { say: [phoneGreeting], gather: { step: 'contacted', prompt: phoneQuestion(settings, 'contacted') }, hangup: false };
    });
  }

  /** A key pressed for a question: the next question, once more, or the end. */
  async callAnswer(id: number, attempt: number, step: SurveyStep, digits: string): Promise<CallScript> {
    const settings = await repo.readCallbackSettings(this.db);
    return this.onCall(id, attempt, async (work, callback, now) => {
      const trx = work.trx;
      if (callback.step !== step)
        return { say: [], gather: { step: callback.step!, prompt: phoneQuestion(settings, callback.step!) }, hangup: false };
      const answer = parseAnswer(step, digits);
      await repo.event(trx, id, answer === undefined ? 'unclear' : 'answer', 'phone', step, digits.slice(0, 20));
      if (answer === undefined) {
        if (!callback.reasked) {
          await repo.update(trx, id, { reasked: true });
          return { say: ['未能识别您的按键。'], gather: { step, prompt: phoneQuestion(settings, step) }, hangup: false };
        }
        await repo.update(trx, id, { channel: 'operator', step: null, nextActionAt: null, windowEndsAt: null, remainingChannels: [] });
        await repo.event(trx, id, 'queued', 'operator', null, '两次未能识别按键，转人工回访');
        return { say: ['稍后将由话务员与您联系。再见。'], hangup: true };
      }
      const recorded = { [step]: answer, reasked: false } as repo.Patch;
      const following = nextStep(step);
      // There is no free comment by keypad: the phone survey ends after the third question.
      if (!following || following === 'comment') {
        await repo.update(trx, id, recorded);
        await complete(trx, { ...callback, ...(recorded as Partial<CallbackRecord>) }, now);
        work.enqueue(applyJob(id));
        return { say: ['感谢您对12345热线工作的支持，再见。'], hangup: true };
      }
      await repo.update(trx, id, { ...recorded, step: following });
      return { say: [], gather: { step: following, prompt: phoneQuestion(settings, following) }, hangup: false };
    });
  }

  /** The call ended: unless the survey was finished, this attempt did not reach the citizen. */
  async callEnded(id: number, attempt: number, callStatus: string): Promise<void> {
    const settings = await repo.readCallbackSettings(this.db);
    await this.onCall(id, attempt, async ({ trx }, callback, now) => {
      await repo.event(trx, id, 'call_ended', 'phone', callback.step, callStatus, { attempt });
      await this.notReached(trx, callback, now, settings);
      return { say: [], hangup: true };
    });
  }

  /** Under the callback's lock, for the call attempt still current; anything else (a stale webhook) just hangs up. */
  private onCall(
    id: number,
    attempt: number,
    step: (work: Work, callback: CallbackRecord, now: Date) => Promise<CallScript>,
  ): Promise<CallScript> {
    return this.work.run(async (work) => {
      const locked = await repo.lock(work.trx, id);
      const current =
        locked &&
        locked.callback.status === 'asking' &&
        locked.callback.channel === 'phone' &&
        locked.callback.attempt === attempt &&
        locked.callback.step !== null;
      if (!current) return { say: ['感谢您的接听，再见。'], hangup: true };
      return step(work, locked!.callback, locked!.now);
    });
  }

  /** Busy, no answer, an answering machine, or a hang-up midway: try again later, or let the step job move on. */
  private async notReached(trx: Tx, callback: CallbackRecord, now: Date, settings: CallbackSettings): Promise<void> {
    const retry = callback.attempt < settings.callAttempts;
    await repo.update(trx, callback.id, {
      step: null,
      nextActionAt: retry ? outsideQuietHours(new Date(now.getTime() + settings.callRetryMinutes * 60_000), settings.quietHours) : now,
      // A finished attempt is no longer the current call: its late webhooks are stale.
      attempt: retry ? callback.attempt : settings.callAttempts,
    });
  }
}
