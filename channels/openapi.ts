import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { errorResponseSchema } from '../src/http/api-router';
import { instant } from '../src/http/validate';
import {
  bookingBody,
  idPath,
  loginBody,
  messageBody,
  slotsQuery,
  surveyAnswerBody,
  transcriptQuery,
} from './miniprogram/miniprogram.routes';
import { appointmentModes } from '../src/appointments/appointments.repository';
import { slotAnswer } from '../src/appointments/appointments.routes';
import { inboundSchema, statusCallbackSchema } from './twilio-sms/twilio-sms.normalize';
import { callParams } from './twilio-voice/twilio-voice.routes';

const errors = { content: { 'application/json': { schema: errorResponseSchema } } };
const form = (schema: z.ZodType) => ({ content: { 'application/x-www-form-urlencoded': { schema } } });
const twiml = { description: 'TwiML', content: { 'text/xml': { schema: z.string() } } };
const signed = {
  403: { description: 'X-Twilio-Signature missing or wrong', ...errors },
  503: { description: 'Twilio is not configured', ...errors },
};

/**
 * The channels' endpoints in the OpenAPI document, from the schemas their routers validate with:
 * the provider webhooks (signed, form-encoded) and the citizens' mini-program API.
 */
export function documentChannels(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/webhooks/twilio/sms',
    tags: ['webhooks'],
    summary: 'An inbound SMS (Twilio): stored, acknowledged with empty TwiML at once, handled in the background',
    description:
      'Signed with X-Twilio-Signature over PUBLIC_URL + path. Idempotent on MessageSid. Control characters are removed from the text; the message is kept.',
    request: { body: form(inboundSchema) },
    responses: { 200: twiml, 400: { description: 'Malformed webhook', ...errors }, ...signed },
  });
  registry.registerPath({
    method: 'post',
    path: '/webhooks/twilio/sms/status',
    tags: ['webhooks'],
    summary: 'A delivery report of an SMS the hub sent (Twilio status callback)',
    request: { body: form(statusCallbackSchema) },
    responses: { 204: { description: 'Recorded' }, 400: { description: 'Malformed report', ...errors }, ...signed },
  });
  for (const [path, summary] of [
    ['/webhooks/twilio/voice', 'A call to 12345 (Twilio Voice): the menu'],
    ['/webhooks/twilio/voice/menu', 'The caller’s choice in the menu'],
    ['/webhooks/twilio/voice/speech', 'What the caller said (speech recognition)'],
    ['/webhooks/twilio/voice/recording', 'A voicemail recording'],
    ['/webhooks/twilio/voice/transcription', 'A voicemail’s transcription'],
    ['/webhooks/twilio/voice/query', 'A status query by ticket number'],
    ['/webhooks/twilio/voice/queue-result', 'The end of the wait for an operator'],
    ['/webhooks/twilio/voice/status', 'A call’s final status'],
    ['/webhooks/twilio/survey', 'A callback survey call is answered (回访)'],
    ['/webhooks/twilio/survey/answer', 'The citizen’s key press in the survey'],
    ['/webhooks/twilio/survey/status', 'A survey call’s final status'],
  ] as const) {
    registry.registerPath({
      method: 'post',
      path,
      tags: ['webhooks'],
      summary,
      request: { body: form(callParams.loose()) },
      responses: { 200: twiml, 400: { description: 'Malformed webhook', ...errors }, ...signed },
    });
  }
  registry.registerPath({
    method: 'post',
    path: '/webhooks/slack/events',
    tags: ['webhooks'],
    summary: 'Slack interactivity and the /12345 slash command (Bolt)',
    description: 'Signed with the Slack signing secret; X-Slack-Request-Timestamp within five minutes of now either way; at most 256 KB.',
    request: {
      body: form(z.object({ payload: z.string().optional(), command: z.string().optional(), text: z.string().optional() }).loose()),
    },
    responses: {
      200: { description: 'Acknowledged' },
      401: { description: 'Signature or timestamp wrong', ...errors },
      413: { description: 'Too large', ...errors },
      503: { description: 'Slack is not configured', ...errors },
    },
  });

  const citizen = [{ citizenAuth: [] }];
  const mp = (method: 'get' | 'post', path: string, summary: string, request: Record<string, unknown>, ok: number, answer: z.ZodType) =>
    registry.registerPath({
      method,
      path: `/api/mp/v1${path}`,
      tags: ['mini-program'],
      summary,
      security: path === '/login' ? [] : citizen,
      request,
      responses: {
        [ok]: { description: summary, content: { 'application/json': { schema: answer } } },
        400: { description: 'Invalid input', ...errors },
        401: { description: 'Not signed in', ...errors },
        503: { description: 'The mini-program is not configured', ...errors },
      },
    });
  const json = (schema: z.ZodType) => ({ body: { content: { 'application/json': { schema } } } });
  const myTicket = z.object({
    id: z.number().int(),
    number: z.string(),
    status: z.string(),
    statusLabel: z.string(),
    title: z.string(),
    createdAt: instant,
    updatedAt: instant,
  });
  mp('post', '/login', 'Sign in with a wx.login() code', json(loginBody), 200, z.object({ token: z.string(), expiresAt: instant }));
  mp(
    'post',
    '/messages',
    'Send a request or a chat message',
    json(messageBody),
    202,
    z.object({ messageId: z.number().int(), duplicate: z.boolean() }),
  );
  mp(
    'get',
    '/messages',
    'The chat transcript',
    { query: transcriptQuery },
    200,
    z.object({ items: z.array(z.object({ direction: z.enum(['in', 'out']), text: z.string(), at: instant }).loose()) }),
  );
  mp(
    'get',
    '/survey',
    'The open callback survey card, if any',
    {},
    200,
    z.object({
      survey: z
        .object({
          callbackId: z.number().int(),
          ticketNumber: z.string(),
          windowEndsAt: instant,
          questions: z.array(
            z.object({
              key: z.string(),
              text: z.string(),
              options: z.array(z.object({ value: z.union([z.boolean(), z.string()]), label: z.string() })).optional(),
              optional: z.boolean().optional(),
            }),
          ),
        })
        .nullable(),
    }),
  );
  mp(
    'post',
    '/surveys/{id}/answers',
    'Answer the survey card at once',
    { params: idPath, ...json(surveyAnswerBody) },
    200,
    z.object({ outcome: z.string() }),
  );
  mp('get', '/tickets', 'My tickets', {}, 200, z.object({ items: z.array(myTicket) }));
  mp(
    'get',
    '/tickets/{id}',
    'One of my tickets, with the steps a citizen sees',
    { params: idPath },
    200,
    myTicket.omit({ updatedAt: true }).extend({
      description: z.string(),
      reply: z.object({ text: z.string().nullable(), at: instant }).nullable(),
      steps: z.array(z.object({ at: instant, by: z.string(), text: z.string() })),
    }),
  );
  const myAppointment = z.object({
    id: z.number().int(),
    status: z.enum(['booked', 'kept', 'missed', 'cancelled']),
    mode: z.enum(appointmentModes),
    startsAt: instant,
    endsAt: instant,
    departmentName: z.string(),
    matterName: z.string().nullable(),
    address: z.string().nullable(),
    ticketNumber: z.string().nullable(),
  });
  mp(
    'get',
    '/appointment-slots',
    'Open appointment slots of the next 30 days (预约)',
    { query: slotsQuery },
    200,
    z.object({ items: z.array(slotAnswer) }),
  );
  mp('post', '/appointments', 'Book a slot (a home visit needs the address)', json(bookingBody), 201, myAppointment);
  mp('get', '/appointments', 'My appointments', {}, 200, z.object({ items: z.array(myAppointment) }));
  mp('post', '/appointments/{id}/cancel', 'Cancel my appointment', { params: idPath }, 200, myAppointment);
}
