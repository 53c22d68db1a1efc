import { App, ExpressReceiver, LogLevel, type BlockAction, type ButtonAction, type Logger as BoltLogger } from '@slack/bolt';
import { Router } from 'express';
import { z } from 'zod';
import type { CardAction, ChatApi, TicketCard } from '../../src/notify/ports';
import { DeliveryError } from '../../src/notify/ports';
import { AppError } from '../../src/shared/errors';
import type { ChatAction, ChatActionsService } from '../../src/routing/chat-actions.service';
import type { Logger } from '../../src/shared/logger';
import { returnReasons } from '../../src/tickets/ticket.types';
import { replyModal, returnModal, ticketCardMessage, type ModalContext } from './ticket-blocks';

/** Slack's interactive payloads are a few KB; a modal's state stays well below this. */
const maxSlackBodyBytes = 256 * 1024;

export interface SlackOptions {
  botToken: string;
  signingSecret: string;
  /** Slack's Web API base (tests point it at a local server). */
  apiUrl?: string;
  /** How long a Web API call may wait for Slack's answer. */
  timeoutMs: number;
}

/**
 * Slack through Bolt: one app whose WebClient posts and updates the departments' ticket cards
 * (the ChatApi port) and whose receiver takes the buttons, forms and /12345 at
 * POST /webhooks/slack/events. Bolt verifies the signing secret (401 otherwise); handlers
 * record the interaction and leave the work to the chat.action job, well within Slack's 3 s.
 */
export function createSlackApp(options: SlackOptions, logger: Logger): { app: App; router: Router; chat: ChatApi } {
  const router = Router();
  // Before Bolt: a clear JSON 413 for an over-size request, and a timestamp within five minutes
  // either way (Bolt refuses only old ones; a request signed for the future could be replayed later).
  router.use('/slack/events', (req, _res, next) => {
    if (Number(req.headers['content-length'] ?? 0) > maxSlackBodyBytes)
      return next(new AppError('PAYLOAD_TOO_LARGE', `a Slack request is at most ${maxSlackBodyBytes / 1024} KB`));
    const timestamp = Number(req.headers['x-slack-request-timestamp']);
    if (req.method === 'POST' && !(Number.isFinite(timestamp) && Math.abs(Date.now() / 1000 - timestamp) <= 300)) {
      return next(new AppError('UNAUTHENTICATED', 'X-Slack-Request-Timestamp missing or more than five minutes from now'));
    }
    next();
  });
  const boltLogger = toBoltLogger(logger);
  // processBeforeResponse: Slack gets its 200 once the interaction is recorded and queued (a few ms),
  // so an answered request is never lost; the work itself runs in the chat.action job.
  const receiver = new ExpressReceiver({
    signingSecret: options.signingSecret,
    router,
    endpoints: '/slack/events',
    logger: boltLogger,
    processBeforeResponse: true,
  });
  const app = new App({
    token: options.botToken,
    receiver,
    logger: boltLogger,
    // The outbox retries failed sends; the client fails fast instead of retrying for minutes.
    clientOptions: { slackApiUrl: options.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: options.timeoutMs },
    tokenVerificationEnabled: false,
  });
  return { app, router, chat: new SlackChatApi(app) };
}

/** Buttons, forms and the slash command, handed to the core. */
export function registerSlackHandlers(app: App, actions: ChatActionsService): void {
  app.action<BlockAction<ButtonAction>>(
    /^ticket\.(sign_for|return|reply|view|urge|supervise|approve_extension)$/,
    async ({ ack, body, action, client }) => {
      await ack();
      const button = action.action_id.slice('ticket.'.length) as CardAction;
      const ticketId = Number(action.value);
      const channelId = body.channel?.id ?? '';
      const slackUserId = body.user.id;
      if (!Number.isSafeInteger(ticketId) || ticketId <= 0) return;
      if (button === 'return' || button === 'reply') {
        const kind = button;
        // A form is opened only for someone who may use it; the trigger expires in 3 s, so it is opened here.
        const refusal = await actions.refusal(slackUserId, ticketId, kind);
        if (refusal) return actions.tell(channelId, slackUserId, refusal);
        const context: ModalContext = { ticketId, channelId };
        await client.views.open({ trigger_id: body.trigger_id, view: kind === 'return' ? returnModal(context) : replyModal(context) });
        return;
      }
      const [kind, form] = buttonActions[button];
      await actions.submit(`action:${body.container.message_ts ?? ''}:${action.action_ts}:${slackUserId}`, {
        slackUserId,
        channelId,
        ticketId,
        action: kind,
        body: form,
      });
    },
  );

  app.view(/^ticket\.(return|reply)$/, async ({ ack, body, view }) => {
    const context = modalContext.safeParse(safeJson(view.private_metadata));
    if (!context.success) return ack();
    const values = view.state.values;
    const value = (block: string) => values[block]?.value;
    if (view.callback_id === 'ticket.return') {
      const form = returnForm.safeParse({ reasonCode: value('reason_code')?.selected_option?.value, reason: value('reason')?.value ?? '' });
      if (!form.success)
        return ack({ response_action: 'errors', errors: fieldErrors(form.error, { reasonCode: 'reason_code', reason: 'reason' }) });
      await ack();
      await actions.submit(`view:${view.id}:${view.hash}`, {
        slackUserId: body.user.id,
        channelId: context.data.channelId,
        ticketId: context.data.ticketId,
        action: 'return',
        body: form.data,
      });
      return;
    }
    const form = replyForm.safeParse({ text: value('text')?.value ?? '', solved: value('solved')?.selected_option?.value });
    if (!form.success) return ack({ response_action: 'errors', errors: fieldErrors(form.error, { text: 'text', solved: 'solved' }) });
    await ack();
    await actions.submit(`view:${view.id}:${view.hash}`, {
      slackUserId: body.user.id,
      channelId: context.data.channelId,
      ticketId: context.data.ticketId,
      action: 'reply',
      body: { text: form.data.text, solved: form.data.solved === 'yes' },
    });
  });

  app.command('/12345', async ({ ack, command }) => {
    await ack({ response_type: 'ephemeral', text: await actions.status(command.user_id, command.text) });
  });
}

/** What a one-click button performs (the supervisors' buttons on an overdue alert carry a standard note). */
const buttonActions: Record<Exclude<CardAction, 'return' | 'reply'>, [ChatAction, Record<string, unknown>]> = {
  sign_for: ['sign_for', {}],
  view: ['view', {}],
  urge: ['urge', { note: '值班长通过 Slack 催办：该工单已超期，请尽快办理' }],
  supervise: ['supervise', { note: '超期督办：请书面反馈办理情况及原因' }],
  approve_extension: ['decide_extension', { decision: 'approve', note: '值班长通过 Slack 批准延期' }],
};

const modalContext = z.strictObject({ ticketId: z.number().int().positive(), channelId: z.string().max(40) });
const returnForm = z.strictObject({
  reasonCode: z.enum(returnReasons, '请选择退单原因'),
  reason: z.string().trim().min(1, '请填写说明').max(500),
});
const replyForm = z.strictObject({
  text: z.string().trim().min(1, '请填写答复内容').max(3000),
  solved: z.enum(['yes', 'no'], '请选择是否已解决'),
});

function fieldErrors(error: z.ZodError, blocks: Record<string, string>): Record<string, string> {
  return Object.fromEntries(error.issues.map((issue) => [blocks[String(issue.path[0])] ?? 'text', issue.message]));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The ChatApi port over Slack's Web API; Slack's errors become delivery errors the outbox understands. */
class SlackChatApi implements ChatApi {
  constructor(private readonly app: App) {}

  /** A card is one Slack message: posted the first time, then edited in place (chat.update) by its ts. */
  async showCard(channel: string, card: TicketCard, shownAs?: string): Promise<{ ts: string }> {
    if (shownAs !== undefined) {
      await call(() => this.app.client.chat.update({ channel, ts: shownAs, ...ticketCardMessage(card) }));
      return { ts: shownAs };
    }
    const result = await call(() => this.app.client.chat.postMessage({ channel, ...ticketCardMessage(card) }));
    return { ts: String(result.ts) };
  }

  async postAlert(channel: string, text: string, card?: TicketCard): Promise<{ ts: string }> {
    const message = card ? ticketCardMessage(card, text) : { text };
    const result = await call(() => this.app.client.chat.postMessage({ channel, ...message }));
    return { ts: String(result.ts) };
  }

  async postEphemeral(channel: string, user: string, text: string): Promise<void> {
    await call(() => this.app.client.chat.postEphemeral({ channel, user, text }));
  }
}

/** Slack answers that retrying will not fix (a missing channel, a revoked token) are permanent. */
const transientPlatformErrors = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    const { code, data } = error as { code?: string; data?: { error?: string } };
    if (code === 'slack_webapi_platform_error') {
      const reason = data?.error ?? 'unknown_error';
      throw new DeliveryError(`Slack refused: ${reason}`, !transientPlatformErrors.has(reason));
    }
    throw new DeliveryError(`Slack unavailable: ${(error as Error).message}`, false);
  }
}

function toBoltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'slack' });
  let level = LogLevel.INFO;
  return {
    debug: (...messages: unknown[]) => child.debug(messages.map(String).join(' ')),
    info: (...messages: unknown[]) => child.info(messages.map(String).join(' ')),
    warn: (...messages: unknown[]) => child.warn(messages.map(String).join(' ')),
    error: (...messages: unknown[]) => child.error(messages.map(String).join(' ')),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
