import type { Tx } from '../db/db';
import { job, type JobRequest } from '../db/unit-of-work';
import { citizenChannelOf, type OutboxMessage } from '../outbox/message-catalogue';
import { event, surveyTicketFacts, update, type CallbackRecord, type Patch } from './callbacks.repository';
import { outcomeOf, type CallbackSettings } from './survey';

/** The steps of a survey that every channel shares: its messages, its end, and the carrying out of its outcome. */

/** A question of the survey, by SMS or in the mini-program. */
export function question(
  callback: CallbackRecord & { ticketNumber?: string },
  settings: CallbackSettings,
  why: 'first' | 'next' | 'reask' | 'reminder',
): OutboxMessage {
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
    recipient: { contactId: callback.contactId! },
    payload: { callbackId: callback.id, ticketId: callback.ticketId, step, text: `${lead}${settings.questions[step]}` },
    ticketId: callback.ticketId,
    dedupeKey: `survey:${callback.id}:${callback.channel}:${step}:${why}`,
  };
}

/** Closing words: thanks, or what happens next. */
export function thanks(callback: CallbackRecord, text: string, why = 'done'): OutboxMessage {
  return {
    kind: 'citizen.survey_question',
    channel: citizenChannelOf(callback.channel),
    recipient: { contactId: callback.contactId! },
    payload: { callbackId: callback.id, ticketId: callback.ticketId, step: null, text },
    ticketId: callback.ticketId,
    dedupeKey: `survey:${callback.id}:${why}:${Date.now()}`,
  };
}

export async function finish(
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

/** The answers are in: the outcome is decided (and carried out on the ticket after commit, by applyJob). */
export async function complete(trx: Tx, callback: CallbackRecord, now: Date): Promise<void> {
  const { reopenCount } = await surveyTicketFacts(trx, callback.ticketId);
  const outcome = outcomeOf(callback, reopenCount);
  await finish(trx, callback, { status: 'completed', outcome, step: null, nextActionAt: null, completedAt: now }, 'completed', null, {
    contacted: callback.contacted,
    resolved: callback.resolved,
    satisfaction: callback.satisfaction,
  });
}

/** Carries a finished survey's outcome out on its ticket, after commit (the sweep retries what is lost). */
export const applyJob = (callbackId: number): JobRequest =>
  job('callback.apply', { callbackId }, { jobId: `callback-apply-${callbackId}` });
