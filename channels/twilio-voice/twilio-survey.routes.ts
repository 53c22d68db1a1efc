import express, { Router, type Response } from 'express';
import { z } from 'zod';
import { twilio } from '../../adapters/twilio/twilio-client';
import { verifyTwilioSignature } from '../../adapters/twilio/twilio-webhook';
import type { CallScript, PhoneSurvey } from '../../src/callback/phone-survey.service';
import { surveySteps } from '../../src/callback/survey';
import { parseInput } from '../../src/http/validate';

const VoiceResponse = twilio.twiml.VoiceResponse;
const base = '/webhooks/twilio/survey';

const callQuery = z.object({ callback: z.coerce.number().int().positive(), attempt: z.coerce.number().int().positive().max(100) });
const sid = z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'a Twilio call SID');

export interface TwilioSurveyDeps {
  authToken: string;
  publicUrl: string;
  survey: PhoneSurvey;
}

/**
 * The callback survey by phone (回访): Twilio calls the citizen and fetches this TwiML; each
 * question is a <Gather> of one key in Mandarin; an answering machine (AnsweredBy) or a call
 * that ends unfinished is an attempt that reached nobody. The survey itself lives in
 * PhoneSurvey; this turns its scripts into TwiML.
 */
export function twilioSurveyRouter(deps: TwilioSurveyDeps): Router {
  const router = Router();
  router.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));
  router.use(verifyTwilioSignature(deps.authToken, deps.publicUrl));
  const parse = <S extends z.ZodType>(schema: S, value: unknown): z.infer<S> => parseInput(schema, value, 'Twilio webhook');

  const twiml = (res: Response, query: z.infer<typeof callQuery>, script: CallScript) => {
    const response = new VoiceResponse();
    for (const text of script.say) response.say({ language: 'zh-CN' }, text);
    if (script.gather) {
      const action = `${base}/answer?callback=${query.callback}&attempt=${query.attempt}&step=${script.gather.step}`;
      const gather = response.gather({ input: ['dtmf'], numDigits: 1, timeout: 8, action, actionOnEmptyResult: true });
      gather.say({ language: 'zh-CN' }, script.gather.prompt);
    }
    if (script.hangup) response.hangup();
    res.type('text/xml').send(response.toString());
  };

  router.post('/', async (req, res) => {
    const query = parse(callQuery, req.query);
    const body = parse(z.object({ CallSid: sid, AnsweredBy: z.string().max(40).optional() }), req.body);
    twiml(res, query, await deps.survey.callAnswered(query.callback, query.attempt, body.CallSid, body.AnsweredBy));
  });

  router.post('/answer', async (req, res) => {
    const query = parse(callQuery.extend({ step: z.enum(surveySteps) }), req.query);
    const body = parse(z.object({ CallSid: sid, Digits: z.string().max(20).optional().default('') }), req.body);
    twiml(res, query, await deps.survey.callAnswer(query.callback, query.attempt, query.step, body.Digits));
  });

  router.post('/status', async (req, res) => {
    const query = parse(callQuery, req.query);
    const body = parse(
      z.object({
        CallSid: sid,
        CallStatus: z.enum(['queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'failed', 'no-answer', 'canceled']),
      }),
      req.body,
    );
    if (['completed', 'busy', 'failed', 'no-answer', 'canceled'].includes(body.CallStatus))
      await deps.survey.callEnded(query.callback, query.attempt, body.CallStatus);
    res.status(204).end();
  });

  return router;
}
