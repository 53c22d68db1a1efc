import express, { Router, type Response } from 'express';
import { z } from 'zod';
import { twilio } from '../../adapters/twilio/twilio-client';
import { verifyTwilioSignature } from '../../adapters/twilio/twilio-webhook';
import type { CallsService } from '../../src/intake/calls.service';
import type { IntakeService } from '../../src/intake/intake.service';
import type { InboundMessage } from '../../src/intake/intake.types';
import { parseInput } from '../../src/http/validate';
import { normalizePhone } from '../../src/shared/phone';
import { ticketStatusLabels } from '../../src/tickets/ticket.types';

const VoiceResponse = twilio.twiml.VoiceResponse;
type Node = { say(attributes: { language: 'zh-CN' }, text: string): unknown };

const base = '/webhooks/twilio/voice';
/** The operators' queue that seats dequeue from (TaskRouter or a <Dial><Queue>). */
export const seatQueueName = 'hotline-seats';
// <Say> speaks zh-CN; speech recognition takes Twilio's code for Mandarin (Simplified, China).
const speechLanguage = 'cmn-Hans-CN';

const prompts = {
  welcome: '您好，这里是12345政务服务便民热线。咨询、投诉、求助请按1；代办申请请按2；查询工单请按3；人工服务请按0。',
  noInput: '我们没有收到您的按键。如需帮助，请再次拨打12345。再见。',
  wrongKey: '您的输入有误。',
  request: '请说出您的诉求和所在地址，说完后请稍候。',
  proxy: '请说出您要代办的事项、您的姓名和地址，说完后请稍候。',
  record: '请在提示音后留言，说完请按井号键。',
  accepted: '您的诉求已受理，工单号将以短信发送给您。感谢您的来电，再见。',
  queryPrompt: '请输入13位工单号，即8位日期加5位序号，输入完毕请按井号键。',
  notFound: '未查询到该工单，请核对工单号。再见。',
  toOperator: '正在为您转接人工坐席，请稍候。',
  goodbye: '感谢您的来电，再见。',
};

const sid = z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'a Twilio call SID');
export const callParams = z.object({ CallSid: sid, From: z.string().max(64).optional().default('') });
const kindQuery = z.object({ kind: z.enum(['request', 'proxy']).default('request') });

export interface TwilioVoiceDeps {
  authToken: string;
  publicUrl: string;
  intake: IntakeService;
  calls: CallsService;
}

/**
 * The Mandarin IVR: 1 咨询/投诉/求助 (speech, falling back to a recording), 2 代办申请,
 * 3 工单查询 (keypad), 0 人工 (the seats' queue). What the caller says or records becomes an
 * inbound message like any other; the ticket number follows by SMS. Calls that end unserved
 * become callback tasks from the final status callback.
 */
export function twilioVoiceRouter(deps: TwilioVoiceDeps): Router {
  const router = Router();
  router.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));
  router.use(verifyTwilioSignature(deps.authToken, deps.publicUrl));
  // Every webhook of a call records the call (idempotent), so no step depends on having seen the first.
  router.use(async (req, _res, next) => {
    const call = callParams.safeParse(req.body ?? {});
    if (call.success) await deps.calls.callStarted(call.data.CallSid, normalizePhone(call.data.From) ?? null);
    next();
  });

  const parse = <S extends z.ZodType>(schema: S, value: unknown): z.infer<S> => parseInput(schema, value, 'Twilio webhook');
  const twiml = (res: Response, response: InstanceType<typeof VoiceResponse>) => res.type('text/xml').send(response.toString());
  const say = (node: Node, text: string) => node.say({ language: 'zh-CN' }, text);
  const caller = (from: string) => normalizePhone(from) ?? null;

  const receive = (
    callSid: string,
    from: string,
    kind: 'request' | 'proxy',
    part: string,
    content: Pick<InboundMessage, 'text' | 'media'>,
    raw: Record<string, unknown>,
  ) =>
    deps.intake.receive({
      channel: 'phone',
      providerId: `${callSid}:${part}`,
      from: caller(from) ? { phone: caller(from)! } : {},
      ...content,
      ...(kind === 'proxy' ? { requestType: 'proxy' as const } : {}),
      receivedAt: new Date(),
      raw,
    });

  const recordPrompt = (response: InstanceType<typeof VoiceResponse>, kind: string) => {
    say(response, prompts.record);
    response.record({
      maxLength: 120,
      playBeep: true,
      finishOnKey: '#',
      action: `${base}/recording?kind=${kind}`,
      transcribe: true,
      transcribeCallback: `${base}/transcription?kind=${kind}`,
    });
  };

  router.post('/', async (req, res) => {
    parse(callParams, req.body);
    const response = new VoiceResponse();
    const gather = response.gather({ input: ['dtmf'], numDigits: 1, timeout: 8, action: `${base}/menu` });
    say(gather, prompts.welcome);
    if (req.query.retry === undefined) response.redirect(`${base}?retry=1`);
    else say(response, prompts.noInput);
    twiml(res, response);
  });

  router.post('/menu', async (req, res) => {
    const { CallSid, Digits } = parse(callParams.extend({ Digits: z.string().max(20).optional().default('') }), req.body);
    const response = new VoiceResponse();
    const choice = Digits.slice(0, 1);
    if (choice === '1' || choice === '2') {
      const kind = choice === '1' ? 'request' : 'proxy';
      await deps.calls.menuChosen(CallSid, kind);
      const gather = response.gather({
        input: ['speech'],
        language: speechLanguage,
        speechTimeout: 'auto',
        timeout: 6,
        actionOnEmptyResult: true,
        action: `${base}/speech?kind=${kind}`,
      });
      say(gather, kind === 'request' ? prompts.request : prompts.proxy);
    } else if (choice === '3') {
      await deps.calls.menuChosen(CallSid, 'query');
      const gather = response.gather({ input: ['dtmf'], finishOnKey: '#', timeout: 10, action: `${base}/query` });
      say(gather, prompts.queryPrompt);
      say(response, prompts.goodbye);
    } else if (choice === '0') {
      await deps.calls.queuedForSeats(CallSid);
      say(response, prompts.toOperator);
      response.enqueue({ action: `${base}/queue-result` }, seatQueueName);
    } else {
      say(response, prompts.wrongKey);
      response.redirect(base);
    }
    twiml(res, response);
  });

  router.post('/speech', async (req, res) => {
    const { kind } = parse(kindQuery, req.query);
    const { CallSid, From, SpeechResult } = parse(
      callParams.extend({ SpeechResult: z.string().max(5_000).optional().default('') }),
      req.body,
    );
    const response = new VoiceResponse();
    if (!SpeechResult.trim()) {
      recordPrompt(response, kind);
    } else {
      await receive(CallSid, From, kind, 'speech', { text: SpeechResult.trim(), media: [] }, req.body);
      await deps.calls.served(CallSid, 'request_recorded');
      say(response, prompts.accepted);
      response.hangup();
    }
    twiml(res, response);
  });

  router.post('/recording', async (req, res) => {
    const { kind } = parse(kindQuery, req.query);
    const body = parse(
      callParams.extend({ RecordingUrl: z.url().optional(), RecordingDuration: z.coerce.number().int().min(0).optional().default(0) }),
      req.body,
    );
    const response = new VoiceResponse();
    if (body.RecordingUrl && body.RecordingDuration > 0) {
      // The recording itself is the request: Mandarin transcription, if it comes, is added to the ticket.
      await receive(
        body.CallSid,
        body.From,
        kind,
        'recording',
        { text: '', media: [{ url: body.RecordingUrl, contentType: 'audio/wav' }] },
        req.body,
      );
      await deps.calls.served(body.CallSid, 'request_recorded');
      say(response, prompts.accepted);
    } else {
      say(response, prompts.noInput);
    }
    response.hangup();
    twiml(res, response);
  });

  router.post('/transcription', async (req, res) => {
    const { kind } = parse(kindQuery, req.query);
    const body = parse(
      callParams.extend({ TranscriptionStatus: z.string().max(20), TranscriptionText: z.string().max(5_000).optional().default('') }),
      req.body,
    );
    if (body.TranscriptionStatus === 'completed' && body.TranscriptionText.trim()) {
      await receive(body.CallSid, body.From, kind, 'transcription', { text: body.TranscriptionText.trim(), media: [] }, req.body);
    }
    res.status(204).end();
  });

  router.post('/query', async (req, res) => {
    const { CallSid, Digits } = parse(callParams.extend({ Digits: z.string().max(20).optional().default('') }), req.body);
    const response = new VoiceResponse();
    const digits = Digits.replace(/\D/g, '');
    const number = /^\d{13,14}$/.test(digits) ? `${digits.slice(0, 8)}-${digits.slice(8)}` : undefined;
    const status = number ? await deps.calls.ticketStatus(number) : undefined;
    if (number && status) {
      await deps.calls.served(CallSid, 'status_answered');
      say(response, `工单${[...number.replace('-', '')].join(' ')}，当前状态：${ticketStatusLabels[status]}。${prompts.goodbye}`);
    } else {
      say(response, prompts.notFound);
    }
    response.hangup();
    twiml(res, response);
  });

  router.post('/queue-result', async (req, res) => {
    const { CallSid, QueueResult } = parse(callParams.extend({ QueueResult: z.string().max(40).optional().default('') }), req.body);
    if (QueueResult === 'bridged') await deps.calls.served(CallSid, 'operator_connected');
    twiml(res, new VoiceResponse());
  });

  router.post('/status', async (req, res) => {
    const body = parse(
      callParams.extend({
        CallStatus: z.enum(['queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'failed', 'canceled']),
        CallDuration: z.coerce.number().int().min(0).optional(),
      }),
      req.body,
    );
    if (['completed', 'busy', 'no-answer', 'failed', 'canceled'].includes(body.CallStatus)) {
      await deps.calls.callEnded(body.CallSid, body.CallStatus, body.CallDuration);
    }
    res.status(204).end();
  });

  return router;
}
