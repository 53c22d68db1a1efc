import type { InboundKind } from './intake.types';

const optOutWords = /^(stop|stopall|unsubscribe|cancel|quit|退订|td|取消订阅)$/i;
const statusQuery = /^(?:查询|查|cx)?\s*[:：]?\s*(\d{8}-\d{5,6})\s*$/i;
const booking = /^(?:预约|yy)\s*[:：]?\s*(\d{1,9})\s*$/i;
const ticketNumberInText = /(\d{8}-\d{5,6})/;

/** A message that opens a ticket or continues an open one: which, its conversation and the ticket it names decide. */
export type InboundDecision = Exclude<InboundKind, 'request' | 'follow_up' | 'hand_to_person'> | 'thread';

/**
 * What an inbound message is: the one rule, in this order. 退订 (or STOP) unsubscribes; a citizen
 * with a survey open (or just ended) may be answering it; "查询 <工单号>" asks for a status; nothing
 * at all is empty; "预约 <时段编号>" books an appointment slot; anything else is the citizen's matter, a thread (a follow-up to their open
 * ticket, or a new request).
 */
export function inboundKind(
  message: { channel: string; text: string; media: readonly unknown[] },
  facts: { mayAnswerSurvey: boolean },
): InboundDecision {
  const text = message.text.trim();
  if (optOutWords.test(text)) return 'opt_out';
  if (message.channel !== 'phone' && text !== '' && facts.mayAnswerSurvey) return 'survey_answer';
  if (statusQuery.test(text)) return 'status_query';
  if (booking.test(text)) return 'appointment';
  if (text === '' && message.media.length === 0) return 'empty';
  return 'thread';
}

/** The citizen asks for a person (转人工), or says an answer did not solve it. */
const personWords = /^(人工|转人工|人工服务|要人工|找人工|没有解决|没解决|未解决|问题没有解决|问题没解决)[。.!！]*$/;
export const asksForPerson = (text: string): boolean => personWords.test(text.trim());

/** The ticket number a status query asks about. */
export const queriedNumber = (text: string): string | undefined => statusQuery.exec(text.trim())?.[1];

/** A ticket number the citizen names in their message (to add to that ticket). */
export const namedNumber = (text: string): string | undefined => ticketNumberInText.exec(text)?.[1];

/** The slot a booking by SMS names ("预约 12"). */
export const bookedSlot = (text: string): number | undefined => {
  const found = booking.exec(text.trim());
  return found ? Number(found[1]) : undefined;
};
