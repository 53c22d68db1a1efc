import type { MessageKind, PayloadOf } from '../outbox/message-catalogue';
import { sharedPlaceLens } from '../shared/pii';
import { countSegments, ucs2PartUnits } from './sms-segments';
import { ticketStatusLabels, type TicketStatus } from '../tickets/ticket.types';
import { lifecycle, type TicketAction } from '../tickets/ticket-lifecycle';

/**
 * The renderers of the outbox's messages, by channel, in zh-CN: one place, so wording is reviewed
 * once. Each map is total over the kinds that go on its channels (src/outbox/message-catalogue.ts),
 * so a new kind without its words does not compile. Chat messages are rendered by the chat adapter
 * from the ticket's card; a survey call's words come from the phone survey's webhook.
 */
const sign = '【12345】';

const statusLabel = (status: string) => ticketStatusLabels[status as TicketStatus] ?? '未知';

/** An SMS carries at most this many segments; a longer answer is shortened and says where to read it all. */
export const smsAnswerSegments = 5;

/** The department's answer within an SMS of at most smsAnswerSegments segments: cut short with where the rest is, when it does not fit. */
function fitAnswer(before: string, answer: string, after: string, channel: string | undefined): string {
  const whole = `${before}${answer}${after}`;
  if (channel !== 'sms' || countSegments(whole).segments <= smsAnswerSegments) return whole;
  const more = '……（答复全文可在12345小程序查看，或致电12345）';
  const room = smsAnswerSegments * ucs2PartUnits - before.length - after.length - more.length;
  return `${before}${[...answer].slice(0, Math.max(0, room)).join('')}${more}${after}`;
}

const actionText: Partial<Record<TicketAction, (p: PayloadOf<'citizen.ticket_status'>) => string>> = {
  dispatch: (p) => `您的工单${p.number}已转交承办单位办理。`,
  reply: (p) => `您的工单${p.number}已由承办单位答复，稍后将回访您，请留意。`,
  close: (p) => `您的工单${p.number}已办结，感谢您对12345热线的支持。`,
  resolve_directly: (p) => `您的工单${p.number}已办结，感谢您对12345热线的支持。`,
  merge: (p) => `您反映的问题已并入工单${p.mergedIntoNumber ?? ''}统一办理，办理进展将一并告知您。`,
};

/** Kinds sent as text by SMS or in the mini-program. */
type TextKind = Extract<MessageKind, `citizen.${string}` | 'staff.alert'>;
type Texts = { [K in Exclude<TextKind, 'citizen.survey_call'>]: (payload: PayloadOf<K>, channel?: string) => string | undefined };

const texts: Texts = {
  'citizen.ticket_status': (p, channel) => {
    // 答复 with its answer: the citizen reads it before the callback asks whether it solved their problem.
    if (p.action === 'reply' && p.answer)
      // One full stop between the answer and what follows, whether or not the answer ends with one.
      return fitAnswer(
        `${sign}您的工单${p.number}已由承办单位答复：`,
        p.answer.replace(/[。.！!？?]+$/u, ''),
        '。稍后将回访您，请留意。',
        channel,
      );
    // 智能答复: the article's answer, and how to reach a person if it does not answer the question.
    if (p.action === 'resolve_directly' && p.automatic && p.answer)
      return fitAnswer(
        `${sign}您咨询的问题（工单${p.number}）答复如下：`,
        p.answer.replace(/[。.！!？?]+$/u, ''),
        '。如未解决您的问题，请回复“人工”，我们将转人工为您办理。',
        channel,
      );
    const text = actionText[p.action as TicketAction];
    return text ? sign + text(p) : undefined;
  },
  'citizen.intake_ack': (p) => `${sign}您的诉求已受理，工单号${p.number}。回复“查询 ${p.number}”可了解办理进度。`,
  'citizen.followup_ack': (p) => `${sign}您补充的信息已记入工单${p.number}，承办单位将一并处理。`,
  'citizen.handed_to_person': (p) => `${sign}已为您转人工办理，工单号${p.number}，工作人员将尽快处理并回复您。`,
  'citizen.status_reply': (p, channel) =>
    p.answer
      ? fitAnswer(`${sign}工单${p.number}当前状态：${statusLabel(p.status)}。承办单位答复：`, p.answer, '', channel)
      : `${sign}工单${p.number}当前状态：${statusLabel(p.status)}。`,
  'citizen.unknown_ticket': (p) => `${sign}未查询到工单${p.number}，请核对工单号；如需反映问题，请直接回复内容。`,
  'citizen.empty_message': () => `${sign}未收到您的内容，请直接回复您要反映的问题。`,
  'citizen.survey_question': (p) => sign + p.text,
  'citizen.chat_reply': (p) => sign + p.text,
  'citizen.opt_out_confirm': () => `${sign}您已退订12345短信通知。如需办理诉求，请拨打12345。`,
  // An SLA escalation passes through phones and providers: personal data in it is masked (src/shared/pii.ts).
  'staff.alert': (p) => sharedPlaceLens.text(p.text),
};

/**
 * The text of a message sent by SMS or in the mini-program; undefined when its kind has none (or its
 * payload is not one of it). On `sms` a long answer is shortened to fit its segments.
 */
export function renderText(kind: string, payload: unknown, channel?: string): string | undefined {
  const render = (texts as Record<string, ((p: never, channel?: string) => string | undefined) | undefined>)[kind];
  return render ? render(payload as never, channel) : undefined;
}

type Notices = {
  [K in Extract<MessageKind, `department.${string}`>]: (payload: PayloadOf<K>) => { title: string; body: string };
};

const notices: Notices = {
  'department.ticket_action': (p) => ({
    title: `工单${p.number}：${p.action in lifecycle ? lifecycle[p.action as TicketAction].label : '工单动态'}`,
    body: `当前状态：${statusLabel(p.status)}`,
  }),
  'department.citizen_message': (p) => ({ title: `工单${p.number}：市民补充信息`, body: '市民发来补充信息，请在工单时间线查看。' }),
};

/** What a department's staff read in their notifications (the ticket page has the rest). */
export function renderDepartmentNotice(kind: string, payload: unknown): { title: string; body: string } | undefined {
  const render = (notices as Record<string, ((p: never) => { title: string; body: string }) | undefined>)[kind];
  return render ? render(payload as never) : undefined;
}
