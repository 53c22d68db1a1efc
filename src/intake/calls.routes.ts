import { z } from 'zod';
import { vulnerabilities } from '../shared/pii';
import { type ApiRouter, idParams } from '../http/api-router';
import type { CallerHistory } from './caller-history.service';
import type { CallsService } from './calls.service';
import { ticketStatuses } from '../tickets/ticket.types';
import { instant } from '../http/validate';

/** Who records a citizen's vulnerability, with their consent: the center's seats and chiefs. */
const recorders = ['operator', 'proxy_seat', 'supervisor', 'admin'] as const;
const consentMethods = ['verbal', 'written', 'sms', 'miniprogram'] as const;

const seats = ['operator', 'proxy_seat', 'supervisor', 'admin'] as const;

const callbackTask = z
  .object({
    id: z.number().int(),
    callId: z.number().int(),
    callSid: z.string(),
    phone: z.string().nullable(),
    reason: z.enum(['missed', 'abandoned']),
    status: z.enum(['open', 'done']),
    menuChoice: z.string().nullable(),
    callStartedAt: instant,
    note: z.string().nullable(),
    reached: z.boolean().nullable(),
    doneBy: z.number().int().nullable(),
    doneAt: instant.nullable(),
    createdAt: instant,
  })
  .meta({ id: 'CallbackTask' });

export function registerCallRoutes(api: ApiRouter, callsService: CallsService): void {
  api.route({
    method: 'get',
    path: '/callback-tasks',
    tag: 'seats',
    summary: 'The missed-call callback queue (漏接回拨)',
    description: 'Calls that ended before the caller was served, oldest first.',
    access: seats,
    query: z.strictObject({
      status: z.enum(['open', 'done']).default('open'),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    response: z.object({ items: z.array(callbackTask) }),
    handler: async ({ query }) => ({ items: await callsService.listCallbackTasks(query.status, query.limit) }),
  });
  api.route({
    method: 'post',
    path: '/calls/incoming',
    tag: 'seats',
    summary: 'A call rings for the seats (the call-center switch reports it): it pops up on the on-duty seats’ consoles',
    description:
      'For the switch’s integration (an API key with the write scope). The call is offered over the staff WebSocket to every ' +
      'operator and proxy seat on duty (a `menu` of `proxy` to the proxy seats only), or to the one `seat` (a username) the switch ' +
      'rang, with the caller’s number and what they chose in the switch’s menu. The IVR’s "0 人工" does the same by itself.',
    access: seats,
    body: z.strictObject({
      callId: z.string().trim().min(1).max(64).describe('the switch’s own id of the call'),
      phone: z.string().trim().min(3).max(32).optional().describe('absent when the number is withheld'),
      menu: z.string().trim().min(1).max(50).optional().describe('what the caller chose in the menu'),
      seat: z.string().trim().min(1).max(64).optional().describe('the username of the one seat the switch rang'),
    }),
    successStatus: 202,
    response: z.object({ callSid: z.string(), offeredTo: z.number().int().describe('how many seats on duty were offered the call') }),
    handler: ({ body }) => callsService.incoming(body),
  });
  api.route({
    method: 'post',
    path: '/callback-tasks/:id/complete',
    tag: 'seats',
    summary: 'Record a callback as done',
    access: seats,
    params: idParams,
    body: z.strictObject({ reached: z.boolean(), note: z.string().trim().min(1).max(1_000) }),
    response: callbackTask,
    handler: ({ actor, params, body }) => callsService.completeCallbackTask(actor, params.id, body),
  });
}

const callerTicket = z.object({
  id: z.number().int(),
  number: z.string(),
  title: z.string(),
  status: z.enum(ticketStatuses),
  createdAt: instant,
  closedAt: instant.nullable(),
  outcome: z.string().nullable(),
  satisfaction: z.string().nullable(),
});

/** 来电弹屏: a caller's history by phone number, for the hotline center's roles only. */
export function registerCallerRoutes(api: ApiRouter, history: CallerHistory): void {
  api.route({
    method: 'get',
    path: '/callers/history',
    tag: 'seats',
    summary: 'Who is calling: a caller’s open and past tickets by phone number (来电弹屏)',
    description:
      'The contact as the hotline knows it (confidential, anonymous, unsubscribed), open tickets, past ones with the callback survey’s outcome and satisfaction, and the last conversation. Center roles only: the caller is shown in clear.',
    access: ['operator', 'proxy_seat', 'supervisor', 'director', 'admin'],
    query: z.strictObject({ phone: z.string().trim().min(3).max(32) }),
    response: z.object({
      phone: z.string(),
      contact: z
        .object({
          id: z.number().int(),
          name: z.string().nullable(),
          phone: z.string().nullable(),
          anonymous: z.boolean(),
          confidential: z.boolean(),
          smsOptedOut: z.boolean(),
          vulnerability: z.array(z.enum(vulnerabilities)).describe('特殊群体, flagged with consent (PUT /contacts/{id}/vulnerability)'),
        })
        .nullable(),
      open: z.array(callerTicket),
      past: z.array(callerTicket),
      lastConversation: z
        .object({ id: z.number().int(), channel: z.string(), lastInboundAt: instant.nullable(), lastReplyAt: instant.nullable() })
        .nullable(),
    }),
    handler: ({ query }) => history.lookup(query.phone),
  });

  const vulnerabilityAnswer = z.object({
    contactId: z.number().int(),
    vulnerability: z.array(z.enum(vulnerabilities)),
    consent: z
      .object({ method: z.enum(consentMethods), recordedByName: z.string(), note: z.string().nullable(), at: z.string() })
      .loose()
      .nullable(),
  });
  api.route({
    method: 'put',
    path: '/contacts/:id/vulnerability',
    tag: 'seats',
    summary: 'Flag a citizen as elderly, disabled or seriously ill (特殊群体), with their consent; audited',
    description:
      'Seen then by the center and the runners who serve them (never by other departments), and their 代办 is offered as home assistance first.',
    access: recorders,
    params: idParams,
    body: z.strictObject({
      vulnerability: z.array(z.enum(vulnerabilities)).min(1).max(3),
      consent: z.literal(true, 'the citizen’s consent is required'),
      method: z.enum(consentMethods).describe('how the consent was given: verbal (on a recorded call), written, sms, miniprogram'),
      note: z.string().trim().min(1).max(200).optional(),
    }),
    response: vulnerabilityAnswer,
    handler: ({ actor, params, body }) =>
      history.setVulnerability(actor, params.id, [...new Set(body.vulnerability)], { method: body.method, note: body.note ?? null }),
  });
  api.route({
    method: 'delete',
    path: '/contacts/:id/vulnerability',
    tag: 'seats',
    summary: 'Clear the flag (the citizen withdrew their consent, or it no longer applies); audited',
    access: recorders,
    params: idParams,
    response: vulnerabilityAnswer,
    handler: ({ actor, params }) => history.setVulnerability(actor, params.id, [], null),
  });
}
