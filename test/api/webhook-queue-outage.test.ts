import { eventually } from '../support/fake-twilio';
import { startTcpProxy } from '../support/tcp-proxy';
import { usesRedis, type TestHub } from '../support/test-hub';
import { inboundSms as sms, signedPost, startTwilioHub } from '../support/twilio';

// Redis is only in the picture with REDIS_URL (the embedded run has no queue to lose).
const describeWithRedis = usesRedis() ? describe : describe.skip;

describeWithRedis('webhooks while Redis is down', () => {
  let hub: Awaited<ReturnType<typeof startTwilioHub>>;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let t: TestHub;

  beforeAll(async () => {
    const redis = new URL(process.env.REDIS_URL!);
    proxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    hub = await startTwilioHub({ queue: 'bullmq', env: { REDIS_URL: `redis://127.0.0.1:${proxy.port}` } });
    t = hub.t;
  });
  afterAll(async () => {
    await proxy.restore().catch(() => undefined);
    await hub.close();
    await proxy.close();
  });

  test('when a message is stored but the queue is unreachable, then Twilio gets 200 and the message is handled once Redis is back', async () => {
    await proxy.cut();
    const phone = '+8613700001111';
    const params = sms(phone, '小区停水了');
    const res = await signedPost(t, '/webhooks/twilio/sms', params);
    expect(res.status).toBe(200);
    expect(await t.hub.db('inbound_messages').where({ provider_id: params.MessageSid }).first()).toMatchObject({ status: 'received' });

    await proxy.restore();
    await eventually(
      () =>
        t.hub.queue.ping().then(
          () => true,
          () => false,
        ),
      15_000,
    );
    // The next webhook (or, at the latest, the recovery sweep) enqueues intake for every waiting message.
    expect((await signedPost(t, '/webhooks/twilio/sms', sms('+8613700002222', '路灯坏了'))).status).toBe(200);
    await eventually(
      async () => (await t.hub.db('inbound_messages').where({ provider_id: params.MessageSid }).first()).status === 'processed',
      15_000,
    );
    await eventually(() => hub.fake.sent.some((m) => m.to === phone), 15_000);
  });
});
