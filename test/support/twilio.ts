import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { startFakeTwilio } from './fake-twilio';
import { startTestHub, type TestHub } from './test-hub';

export const twilioAccount = { accountSid: `AC${'a'.repeat(32)}`, authToken: 'test-auth-token-0123456789' };
export const publicUrl = 'https://hub.example.test';
export const hotline = '+8610612345';

/** Hub settings for the Twilio channels against a local fake Twilio REST API. */
export const twilioEnv = (fakeUrl: string) => ({
  TWILIO_ACCOUNT_SID: twilioAccount.accountSid,
  TWILIO_AUTH_TOKEN: twilioAccount.authToken,
  TWILIO_SMS_FROM: hotline,
  TWILIO_API_BASE: fakeUrl,
  PUBLIC_URL: publicUrl,
  OUTBOX_RETRY_BASE_MS: '50',
  OUTBOX_SWEEP_MS: '200',
});

/** POST a webhook signed exactly as Twilio signs it (the SDK's own algorithm, over the public URL). */
export function signedPost(hub: TestHub, path: string, params: Record<string, string>, signWith = twilioAccount.authToken) {
  const signature = twilio.getExpectedTwilioSignature(signWith, publicUrl + path, params);
  return hub.http.post(path).type('form').set('X-Twilio-Signature', signature).send(params);
}

/** An inbound SMS as Twilio posts it, from this number, with a fresh MessageSid. */
export const inboundSms = (from: string, body: string) => ({
  MessageSid: `SM${randomBytes(16).toString('hex')}`,
  AccountSid: twilioAccount.accountSid,
  From: from,
  To: hotline,
  Body: body,
  NumMedia: '0',
});

/** A hub with the Twilio channels against a fresh fake Twilio; close() stops both. */
export async function startTwilioHub(options: Parameters<typeof startTestHub>[0] = {}) {
  const fake = await startFakeTwilio(twilioAccount);
  const t = await startTestHub({ ...options, env: { ...twilioEnv(fake.url), ...options.env } });
  return {
    fake,
    t,
    async close() {
      await t.close();
      await fake.close();
    },
  };
}
