import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type supertest from 'supertest';

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
}

/**
 * A small server that speaks Slack's Web API (POST /api/<method>, form- or JSON-encoded,
 * bearer token): chat.postMessage, chat.update, chat.postEphemeral, views.open, auth.test.
 * `down` answers 503 to everything, as Slack does in an outage; `silent` answers nothing at all
 * (a hanging API), counting the requests it holds.
 */
export async function startFakeSlack(botToken: string) {
  const calls: SlackCall[] = [];
  const state = { down: false, silent: false, held: 0, messages: 0 };
  const held = new Set<Socket>();
  const server = http.createServer((req, res) => {
    if (state.silent) {
      state.held += 1;
      held.add(req.socket);
      return;
    }
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const reply = (status: number, body: object) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (state.down) return reply(503, { ok: false, error: 'service_unavailable' });
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0]!;
      if (req.headers.authorization !== `Bearer ${botToken}`) return reply(200, { ok: false, error: 'invalid_auth' });
      const args: Record<string, unknown> = (req.headers['content-type'] ?? '').includes('json')
        ? JSON.parse(raw || '{}')
        : Object.fromEntries(new URLSearchParams(raw));
      // Nested values (blocks, views) arrive JSON-encoded in form bodies.
      for (const key of ['blocks', 'view']) if (typeof args[key] === 'string') args[key] = JSON.parse(args[key] as string);
      calls.push({ method, args });
      switch (method) {
        case 'auth.test':
          return reply(200, { ok: true, user_id: 'UBOT', team_id: 'T0001', bot_id: 'B0001' });
        case 'chat.postMessage':
          if (args.channel === 'CMISSING') return reply(200, { ok: false, error: 'channel_not_found' });
          state.messages += 1;
          return reply(200, { ok: true, channel: args.channel, ts: `1700000000.${String(state.messages).padStart(6, '0')}` });
        case 'chat.update':
          return reply(200, { ok: true, channel: args.channel, ts: args.ts });
        case 'chat.postEphemeral':
          return reply(200, { ok: true, message_ts: '1700000000.999999' });
        case 'views.open':
          return reply(200, { ok: true, view: { id: 'V0001' } });
        default:
          return reply(200, { ok: false, error: 'unknown_method' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    calls,
    state,
    of: (method: string) => calls.filter((c) => c.method === method),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of held) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A request as Slack sends it: the raw body signed with the app's signing secret (v0 HMAC-SHA256). */
export function slackPost(
  http: ReturnType<typeof supertest>,
  signingSecret: string,
  body: string,
  options: { timestamp?: number; signature?: string; retryNum?: number } = {},
) {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = options.signature ?? `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  const request = http
    .post('/webhooks/slack/events')
    .set('Content-Type', 'application/x-www-form-urlencoded')
    .set('X-Slack-Request-Timestamp', String(timestamp))
    .set('X-Slack-Signature', signature);
  if (options.retryNum !== undefined) request.set('X-Slack-Retry-Num', String(options.retryNum));
  return request.send(body);
}

/** An interactive payload (block_actions, view_submission) as Slack form-encodes it. */
export const interaction = (payload: object) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

export function buttonClick(options: {
  user: string;
  channel: string;
  ticketId: number;
  action: string;
  messageTs?: string;
  actionTs?: string;
}) {
  return interaction({
    type: 'block_actions',
    team: { id: 'T0001', domain: 'hotline' },
    user: { id: options.user, username: options.user, team_id: 'T0001' },
    api_app_id: 'A0001',
    token: 'legacy',
    trigger_id: `trigger-${options.actionTs ?? '1'}`,
    channel: { id: options.channel, name: 'dept' },
    container: { type: 'message', message_ts: options.messageTs ?? '1700000000.000001', channel_id: options.channel, is_ephemeral: false },
    message: { ts: options.messageTs ?? '1700000000.000001', text: 'card' },
    response_url: 'https://hooks.slack.invalid/actions/1',
    actions: [
      {
        type: 'button',
        action_id: `ticket.${options.action}`,
        block_id: 'ticket',
        value: String(options.ticketId),
        text: { type: 'plain_text', text: options.action },
        action_ts: options.actionTs ?? `${Date.now() / 1000}`,
      },
    ],
  });
}

export function viewSubmission(options: {
  user: string;
  callbackId: string;
  ticketId: number;
  channel: string;
  values: Record<string, Record<string, unknown>>;
  hash?: string;
}) {
  return interaction({
    type: 'view_submission',
    team: { id: 'T0001', domain: 'hotline' },
    user: { id: options.user, username: options.user, team_id: 'T0001' },
    api_app_id: 'A0001',
    token: 'legacy',
    trigger_id: 'trigger-view',
    view: {
      id: 'V0001',
      type: 'modal',
      callback_id: options.callbackId,
      private_metadata: JSON.stringify({ ticketId: options.ticketId, channelId: options.channel }),
      hash: options.hash ?? `${Date.now()}`,
      state: { values: Object.fromEntries(Object.entries(options.values).map(([block, value]) => [block, { value }])) },
    },
  });
}

export function slashCommand(options: { user: string; channel: string; text: string }) {
  return new URLSearchParams({
    token: 'legacy',
    team_id: 'T0001',
    channel_id: options.channel,
    user_id: options.user,
    command: '/12345',
    text: options.text,
    api_app_id: 'A0001',
    response_url: 'https://hooks.slack.invalid/commands/1',
    trigger_id: 'trigger-command',
  }).toString();
}
