import { createTwilioClient } from '../../adapters/twilio/twilio-client';
import { startFakeTwilio } from '../support/fake-twilio';

// The SDK on our node:http client, against a local server that speaks Twilio's Messages API.
const credentials = { accountSid: `AC${'c'.repeat(32)}`, authToken: 'twilio-client-test-token' };
let fake: Awaited<ReturnType<typeof startFakeTwilio>>;

beforeAll(async () => {
  fake = await startFakeTwilio(credentials);
});
afterAll(() => fake.close());

const client = () => createTwilioClient({ ...credentials, apiBase: fake.url, timeoutMs: 300 });
const send = (to: string) => client().messages.create({ to, from: '+8610612345', body: '您的诉求已受理' });

describe('Twilio client', () => {
  test('when Twilio answers, then the message comes back with its sid, sent once', async () => {
    const message = await send('+8613900000101');
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(fake.sent.filter((m) => m.to === '+8613900000101')).toHaveLength(1);
  });

  test('when Twilio does not answer in time, then the send fails with a timeout and the next one goes through', async () => {
    fake.drop('+8613900000102', 1, 'silence');
    const started = Date.now();
    await expect(send('+8613900000102')).rejects.toThrow('twilio: no answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await send('+8613900000102')).sid).toMatch(/^SM/);
  });

  test('when Twilio refuses, then the SDK error carries its code and status', async () => {
    fake.fail('+8613900000103', 1, 400, 21211, "The 'To' number is not a valid phone number.");
    await expect(send('+8613900000103')).rejects.toMatchObject({ status: 400, code: 21211 });
  });
});
