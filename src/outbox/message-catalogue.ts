import { z } from 'zod';

/**
 * Every message the hub sends, by kind: the channels it may go on, who receives it, and the
 * payload its renderer reads. A message is checked against its entry when it is written, so a
 * misspelt kind or a payload without what its renderer needs fails the action that wrote it.
 * The renderers (src/notify/templates.ts) are a total map over these kinds.
 */
export const channels = ['sms', 'miniprogram', 'department', 'slack', 'voice', 'wecom', 'dingtalk'] as const;
/** The work-chat platforms besides Slack a department or a user may choose (adapters/wecom, adapters/dingtalk). */
export const workChats = ['wecom', 'dingtalk'] as const;
export type WorkChat = (typeof workChats)[number];
export type MessageChannel = (typeof channels)[number];

/**
 * Where a citizen hears back: in the mini-program when they came from it, otherwise by SMS to
 * their phone (phone callers and seat tickets included).
 */
export const citizenChannelOf = (channel: string | null): 'miniprogram' | 'sms' => (channel === 'miniprogram' ? 'miniprogram' : 'sms');

const citizen = ['sms', 'miniprogram'] as const;
const toContact = z.object({ contactId: z.number().int() });
const toPhone = z.object({
  phone: z.string().min(1),
  userId: z.number().int().optional(),
  contactId: z.number().int().nullable().optional(),
});
const toDepartment = z.object({ departmentId: z.number().int() });
const toChat = z.object({ chatChannel: z.string().min(1) });
/** A department's members on the platform, or one user, as found when the message is sent. */
const toWorkChat = z.union([z.object({ departmentId: z.number().int() }), z.object({ userId: z.number().int() })]);

const ticketId = z.number().int();
const number = z.string().min(1);

interface MessageSpec<C extends readonly MessageChannel[], R extends z.ZodType, P extends z.ZodType> {
  channels: C;
  recipient: R;
  payload: P;
}
const spec = <C extends readonly MessageChannel[], R extends z.ZodType, P extends z.ZodType>(s: MessageSpec<C, R, P>) => s;

export const messageCatalogue = {
  /** A lifecycle action the citizen is told about (受理, 转办, 答复, 办结, 合并). */
  'citizen.ticket_status': spec({
    channels: citizen,
    recipient: toContact,
    payload: z.object({
      ticketId,
      number,
      action: z.string(),
      status: z.string(),
      mergedIntoNumber: z.string().optional(),
      /** 答复: the department's answer, for the citizen to read before the callback asks whether it solved their problem. */
      answer: z.string().optional(),
      /** An automatic answer from the knowledge base (智能答复): the citizen may reply 人工 for a person. */
      automatic: z.boolean().optional(),
    }),
  }),
  'citizen.intake_ack': spec({ channels: citizen, recipient: toContact, payload: z.looseObject({ number }) }),
  'citizen.followup_ack': spec({ channels: citizen, recipient: toContact, payload: z.looseObject({ number }) }),
  /** The citizen asked for a person after an automatic answer (转人工). */
  'citizen.handed_to_person': spec({ channels: citizen, recipient: toContact, payload: z.looseObject({ number }) }),
  'citizen.status_reply': spec({
    channels: citizen,
    recipient: toContact,
    payload: z.looseObject({ number, status: z.string(), answer: z.string().optional() }),
  }),
  'citizen.unknown_ticket': spec({ channels: citizen, recipient: toContact, payload: z.looseObject({ number: z.string() }) }),
  'citizen.empty_message': spec({ channels: citizen, recipient: toContact, payload: z.looseObject({}) }),
  'citizen.opt_out_confirm': spec({ channels: citizen, recipient: toContact, payload: z.looseObject({}) }),
  /** A question of the callback survey (回访), or its closing words (step null). */
  'citizen.survey_question': spec({
    channels: citizen,
    recipient: toContact,
    payload: z.object({ callbackId: z.number().int(), ticketId, step: z.string().nullable(), text: z.string().min(1) }),
  }),
  /** The survey by phone: the call's script is served by the hub's own webhook at path. */
  'citizen.survey_call': spec({
    channels: ['voice'] as const,
    recipient: toPhone,
    payload: z.object({ callbackId: z.number().int(), ticketId, attempt: z.number().int(), path: z.string(), statusPath: z.string() }),
  }),
  /** Words a person at the hub wrote to the citizen (a seat's reply, a 代办 runner's news). */
  'citizen.chat_reply': spec({
    channels: citizen,
    recipient: toContact,
    payload: z.looseObject({ text: z.string().min(1), ticketId: ticketId.nullable().optional() }),
  }),
  /** An escalation by SMS to a member of staff (an SLA alert on a ticket, a severe hot spot); personal data in it is masked on delivery. */
  'staff.alert': spec({
    channels: ['sms'] as const,
    recipient: toPhone,
    payload: z.object({ ticketId: ticketId.optional(), text: z.string().min(1) }),
  }),
  'department.ticket_action': spec({
    channels: ['department'] as const,
    recipient: toDepartment,
    payload: z.object({ ticketId, number, action: z.string(), status: z.string() }),
  }),
  'department.citizen_message': spec({
    channels: ['department'] as const,
    recipient: toDepartment,
    payload: z.object({ ticketId, number, messageId: z.number().int() }),
  }),
  /** A notice in WeCom or DingTalk: a title, a line, and a link into the console (path on the hub). */
  'chat.notice': spec({
    channels: workChats,
    recipient: toWorkChat,
    payload: z.object({
      ticketId: ticketId.optional(),
      title: z.string().min(1).max(64),
      text: z.string().min(1).max(500),
      path: z.string().startsWith('/'),
    }),
  }),
  /** A department's ticket card in its chat channel: posted once, then updated in place. */
  'chat.ticket_card': spec({ channels: ['slack'] as const, recipient: toChat, payload: z.object({ ticketId, action: z.string() }) }),
  /** An alert to a chat channel, with the ticket's card and the supervisors' buttons when it has a ticket. */
  'chat.alert': spec({
    channels: ['slack'] as const,
    recipient: toChat,
    payload: z.object({
      ticketId: ticketId.optional(),
      text: z.string().min(1),
      actions: z.array(z.enum(['urge', 'supervise', 'approve_extension', 'view'])).optional(),
    }),
  }),
};

export type MessageCatalogue = typeof messageCatalogue;
export type MessageKind = keyof MessageCatalogue;
export type PayloadOf<K extends MessageKind> = z.infer<MessageCatalogue[K]['payload']>;
export type RecipientOf<K extends MessageKind> = z.infer<MessageCatalogue[K]['recipient']>;

/** A message to write to the outbox, typed by its kind. */
export type OutboxMessage = {
  [K in MessageKind]: {
    kind: K;
    channel: MessageCatalogue[K]['channels'][number];
    recipient: RecipientOf<K>;
    payload: PayloadOf<K>;
    ticketId?: number | null;
    /** A second row with the same key is ignored: the same message is never queued twice. */
    dedupeKey?: string;
  };
}[MessageKind];

/** Checks a message against its kind; throws (failing the action that wrote it) when it does not fit. */
export function checkMessage(message: { kind: string; channel: string; recipient: unknown; payload: unknown }): void {
  const entry = (messageCatalogue as Record<string, MessageSpec<readonly MessageChannel[], z.ZodType, z.ZodType> | undefined>)[
    message.kind
  ];
  if (!entry) throw new Error(`outbox: unknown message kind "${message.kind}"`);
  if (!entry.channels.includes(message.channel as MessageChannel)) {
    throw new Error(`outbox: ${message.kind} does not go on ${message.channel} (only ${entry.channels.join(', ')})`);
  }
  for (const [part, schema] of [
    ['recipient', entry.recipient],
    ['payload', entry.payload],
  ] as const) {
    const parsed = schema.safeParse(message[part]);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || part}: ${i.message}`).join('; ');
      throw new Error(`outbox: ${message.kind} ${part} does not fit its kind: ${issues}`);
    }
  }
}
