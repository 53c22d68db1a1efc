import express, { Router } from 'express';
import { twilio } from '../../adapters/twilio/twilio-client';
import { verifyTwilioSignature } from '../../adapters/twilio/twilio-webhook';
import type { IntakeService } from '../../src/intake/intake.service';
import type { NotifyService } from '../../src/notify/notify.service';
import { parseInput } from '../../src/http/validate';
import { AppError } from '../../src/shared/errors';
import { normalizeInboundSms, statusCallbackSchema } from './twilio-sms.normalize';

export interface TwilioSmsDeps {
  authToken: string;
  /** The public base URL Twilio calls; signatures are computed over it. */
  publicUrl: string;
  intake: IntakeService;
  notify: NotifyService;
}

/**
 * POST /webhooks/twilio/sms         — an inbound SMS: verify, store, enqueue, answer empty TwiML at once
 * POST /webhooks/twilio/sms/status  — a delivery report for a message we sent
 * No classification and no reply is composed inside the request: Twilio gets its answer fast.
 */
export function twilioSmsRouter(deps: TwilioSmsDeps): Router {
  const router = Router();
  router.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));

  const verifySignature = verifyTwilioSignature(deps.authToken, deps.publicUrl);
  // The answer is the same empty TwiML every time: built once.
  const emptyResponse = new twilio.twiml.MessagingResponse().toString();

  router.post('/sms', verifySignature, async (req, res) => {
    const normalized = normalizeInboundSms(req.body ?? {});
    if (!normalized.ok) throw new AppError('VALIDATION_FAILED', `malformed Twilio webhook: ${normalized.reason}`);
    await deps.intake.receive(normalized.message);
    res.type('text/xml').send(emptyResponse);
  });

  router.post('/sms/status', verifySignature, async (req, res) => {
    const report = parseInput(statusCallbackSchema, req.body ?? {}, 'Twilio status callback');
    await deps.notify.providerStatus(report.MessageSid, report.MessageStatus, report.ErrorCode);
    res.status(204).end();
  });

  return router;
}
