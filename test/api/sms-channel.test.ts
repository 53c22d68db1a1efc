import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { eventually, startFakeTwilio } from '../support/fake-twilio';
import { act } from '../support/tickets';
import { demoIds, startTestHub, usesRedis, type TestHub } from '../support/test-hub';
import { hotline, publicUrl, signedPost as signed, twilioAccount, twilioEnv } from '../support/twilio';

const { accountSid, authToken } = twilioAccount;

let fake: Awaited<ReturnType<typeof startFakeTwilio>>;
let t: TestHub;
const env = () => twilioEnv(fake.url);

beforeAll(async () => {
  fake = await startFakeTwilio(twilioAccount);
  t = await startTestHub({ env: env() });
});
afterAll(async () => {
  await t.close();
  await fake.close();
});

const sid = () => `SM${randomBytes(16).toString('hex')}`;
let phoneSeq = 0;
const newPhone = () => `+861390000${String(1000 + phoneSeq++).padStart(4, '0')}`;

const sms = (from: string, body: string, extra: Record<string, string> = {}) => ({
  MessageSid: sid(),
  AccountSid: accountSid,
  From: from,
  To: hotline,
  Body: body,
  NumMedia: '0',
  ...extra,
});
const sentTo = (phone: string) => fake.sent.filter((m) => m.to === phone);
const ticketsOf = async (phone: string) =>
  t.hub.db('tickets as t').join('contacts as c', 'c.id', 't.contact_id').where('c.phone', phone).select('t.*').orderBy('t.id');
/** The acknowledgement of a citizen's message, by their phone number. */
const ackOf = (hub: TestHub, phone: string) =>
  hub.hub
    .db('outbox')
    .where({ kind: 'citizen.intake_ack' })
    .whereRaw("recipient->>'contactId' = (select id::text from contacts where phone = ?)", [phone])
    .first();
/** A message from a number Twilio refuses: its acknowledgement, dead at once. */
const deadAck = async (phone: string, text: string) => {
  fake.fail(phone, 1, 400, 21211, "The 'To' number is not a valid phone number.");
  await signed(t, '/webhooks/twilio/sms', sms(phone, text));
  return eventually(async () => {
    const r = await ackOf(t, phone);
    return r?.status === 'dead' && r;
  });
};

describe('SMS webhook', () => {
  test('when a forged or unsigned webhook arrives, then 403 and nothing is stored', async () => {
    const params = sms(newPhone(), '路灯坏了');
    expect((await signed(t, '/webhooks/twilio/sms', params, 'wrong-token-000000000')).status).toBe(403);
    expect((await t.http.post('/webhooks/twilio/sms').type('form').send(params)).status).toBe(403);
    // Signed for other parameters than those sent.
    const tampered = twilio.getExpectedTwilioSignature(authToken, `${publicUrl}/webhooks/twilio/sms`, params);
    expect(
      (
        await t.http
          .post('/webhooks/twilio/sms')
          .type('form')
          .set('X-Twilio-Signature', tampered)
          .send({ ...params, Body: '改过的内容' })
      ).status,
    ).toBe(403);
    expect(await t.hub.db('inbound_messages').where({ provider_id: params.MessageSid })).toHaveLength(0);
  });

  test('when a citizen texts a request, then Twilio gets empty TwiML at once and the citizen an acknowledgement with the ticket number', async () => {
    const phone = newPhone();
    const res = await signed(t, '/webhooks/twilio/sms', sms(phone, '东华社区路灯坏了一个月 💡 请尽快修'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/xml/);
    expect(res.text).toMatch(/<Response\s*\/>/);
    const [ack] = await eventually(() => sentTo(phone).length === 1 && sentTo(phone));
    const [ticket] = await ticketsOf(phone);
    expect(ticket).toMatchObject({ channel: 'sms', description: '东华社区路灯坏了一个月 💡 请尽快修' });
    expect(ack!.body).toContain(ticket.number);
    expect(ack!.from).toBe(hotline);
    expect(ack!.statusCallback).toBe(`${publicUrl}/webhooks/twilio/sms/status`);
    await eventually(async () => (await t.hub.db('tickets').where({ id: ticket.id }).first()).status === 'triage');
    // The fake sees the send before the hub records it: wait for the row.
    const row = await eventually(async () => {
      const r = await t.hub.db('outbox').where({ ticket_id: ticket.id, kind: 'citizen.intake_ack' }).first();
      return r?.status === 'sent' && r;
    });
    expect(row).toMatchObject({ provider_id: ack!.sid, attempts: 1, segments: 1 });
  });

  test('when Twilio replays a webhook, then the same answer comes back and nothing is created twice', async () => {
    const phone = newPhone();
    const params = sms(phone, '小区垃圾无人清运');
    const first = await signed(t, '/webhooks/twilio/sms', params);
    await eventually(() => sentTo(phone).length === 1);
    const second = await signed(t, '/webhooks/twilio/sms', params);
    expect(second.status).toBe(first.status);
    expect(second.text).toBe(first.text);
    await new Promise((r) => setTimeout(r, 300));
    expect(await ticketsOf(phone)).toHaveLength(1);
    expect(sentTo(phone)).toHaveLength(1);
    expect(await t.hub.db('inbound_messages').where({ provider_id: params.MessageSid })).toHaveLength(1);
  });

  test('when a citizen asks for a status by number, then the status comes back and no ticket is opened', async () => {
    const phone = newPhone();
    await signed(t, '/webhooks/twilio/sms', sms(phone, '噪音扰民'));
    const [ticket] = await eventually(async () => ((await ticketsOf(phone)).length === 1 ? ticketsOf(phone) : undefined));
    await eventually(() => sentTo(phone).length === 1);
    const asker = newPhone();
    await signed(t, '/webhooks/twilio/sms', sms(asker, `查询 ${ticket.number}`));
    await signed(t, '/webhooks/twilio/sms', sms(asker, `${ticket.number}`));
    await signed(t, '/webhooks/twilio/sms', sms(asker, '查询 20200101-99999'));
    const replies = await eventually(() => sentTo(asker).length === 3 && sentTo(asker));
    expect(replies.filter((m) => m.body.includes(`工单${ticket.number}当前状态`))).toHaveLength(2);
    expect(replies.some((m) => m.body.includes('未查询到工单20200101-99999'))).toBe(true);
    expect(await ticketsOf(asker)).toHaveLength(0);
  });

  test('when a citizen texts again while the ticket is open, then the message joins that ticket and the department is told', async () => {
    const phone = newPhone();
    await signed(t, '/webhooks/twilio/sms', sms(phone, '楼道灯不亮'));
    const [ticket] = await eventually(async () => ((await ticketsOf(phone)).length === 1 ? ticketsOf(phone) : undefined));
    await eventually(async () => (await t.hub.db('tickets').where({ id: ticket.id }).first()).status === 'triage');
    const ids = await demoIds(t.hub);
    await act(await t.as('operator'), ticket.id, 'dispatch', { departmentId: ids.department('ZJJ') });
    await signed(t, '/webhooks/twilio/sms', sms(phone, '补充：是3单元的楼道'));
    await eventually(async () => (await t.hub.db('ticket_events').where({ ticket_id: ticket.id, type: 'citizen_message' })).length === 1);
    expect(await ticketsOf(phone)).toHaveLength(1);
    const event = await t.hub.db('ticket_events').where({ ticket_id: ticket.id, type: 'citizen_message' }).first();
    expect(event).toMatchObject({ actor_kind: 'citizen', data: expect.objectContaining({ text: '补充：是3单元的楼道' }) });
    expect(await t.hub.db('outbox').where({ ticket_id: ticket.id, kind: 'department.citizen_message' })).toHaveLength(1);
    const texts = (await eventually(() => sentTo(phone).length >= 3 && sentTo(phone))).map((m) => m.body);
    expect(texts.some((b) => b.includes('已转交承办单位'))).toBe(true);
    expect(texts.some((b) => b.includes('补充的信息已记入工单'))).toBe(true);
  });

  test('when a citizen texts STOP or 退订, then they are confirmed once and get no further SMS', async () => {
    const phone = newPhone();
    await signed(t, '/webhooks/twilio/sms', sms(phone, '违章停车'));
    const [ticket] = await eventually(async () => ((await ticketsOf(phone)).length === 1 ? ticketsOf(phone) : undefined));
    await eventually(() => sentTo(phone).length === 1);
    await signed(t, '/webhooks/twilio/sms', sms(phone, '退订'));
    await eventually(() => sentTo(phone).length === 2);
    expect(sentTo(phone)[1]!.body).toMatch(/已退订/);
    await eventually(async () => (await t.hub.db('tickets').where({ id: ticket.id }).first()).status === 'triage');
    const ids = await demoIds(t.hub);
    await act(await t.as('operator'), ticket.id, 'dispatch', { departmentId: ids.department('GAJ') });
    const row = await eventually(async () => {
      const r = await t.hub.db('outbox').where({ ticket_id: ticket.id, kind: 'citizen.ticket_status' }).first();
      return r?.status === 'cancelled' && r;
    });
    expect(row.last_error).toMatch(/opted out/);
    expect(sentTo(phone)).toHaveLength(2);
  });

  test('when the body is empty, then a friendly reply; when it carries only a picture, then a ticket with the picture', async () => {
    const phone = newPhone();
    await signed(t, '/webhooks/twilio/sms', sms(phone, '   '));
    await eventually(() => sentTo(phone).length === 1);
    expect(sentTo(phone)[0]!.body).toMatch(/未收到您的内容/);
    expect(await ticketsOf(phone)).toHaveLength(0);
    await signed(
      t,
      '/webhooks/twilio/sms',
      sms(phone, '', { NumMedia: '1', MediaUrl0: 'https://api.twilio.com/media/ME1', MediaContentType0: 'image/jpeg' }),
    );
    const [ticket] = await eventually(async () => ((await ticketsOf(phone)).length === 1 ? ticketsOf(phone) : undefined));
    const created = await t.hub.db('ticket_events').where({ ticket_id: ticket.id, type: 'created' }).first();
    expect(created.data.media).toEqual([{ url: 'https://api.twilio.com/media/ME1', contentType: 'image/jpeg' }]);
  });

  test('when the webhook is malformed or too large, then 400/413 and nothing is stored', async () => {
    const before = Number((await t.hub.db('inbound_messages').count({ n: '*' }))[0]!.n);
    expect((await signed(t, '/webhooks/twilio/sms', { From: newPhone(), Body: '没有 MessageSid' })).status).toBe(400);
    expect((await signed(t, '/webhooks/twilio/sms', { MessageSid: 'not-a-sid', From: newPhone(), Body: 'x' })).status).toBe(400);
    expect((await signed(t, '/webhooks/twilio/sms', sms('not-a-number', 'x'))).status).toBe(400);
    expect((await signed(t, '/webhooks/twilio/sms', sms(newPhone(), '长'.repeat(30_000)))).status).toBe(413);
    expect(Number((await t.hub.db('inbound_messages').count({ n: '*' }))[0]!.n)).toBe(before);
  });
});

describe('SMS delivery', () => {
  test('when Twilio is down, then the acknowledgement waits in the outbox and goes out once Twilio is back, exactly once', async () => {
    const phone = newPhone();
    fake.fail(phone, 2, 503, 20503, 'Service Unavailable');
    await signed(t, '/webhooks/twilio/sms', sms(phone, '井盖丢失，很危险'));
    await eventually(() => sentTo(phone).length === 1);
    const row = await eventually(async () => {
      const r = await ackOf(t, phone);
      return r?.status === 'sent' && r;
    });
    // The first failure counts; the second was the resting channel's probe, which does not.
    expect(row.attempts).toBe(2);
    await new Promise((r) => setTimeout(r, 400));
    expect(sentTo(phone)).toHaveLength(1);
  });

  test('when the connection to Twilio breaks before an answer, then the acknowledgement is sent again later, exactly once', async () => {
    const phone = newPhone();
    fake.drop(phone, 2);
    await signed(t, '/webhooks/twilio/sms', sms(phone, '小区路灯不亮'));
    const row = await eventually(async () => {
      const r = await ackOf(t, phone);
      return r?.status === 'sent' && r;
    });
    // As above: the probe's failure uses no attempt.
    expect(row.attempts).toBe(2);
    expect(sentTo(phone)).toHaveLength(1);
  });

  test('when Twilio takes a message but its answer is lost, then the hub finds it in Twilio’s list and does not send it again', async () => {
    const phone = newPhone();
    const listedBefore = fake.listed;
    fake.drop(phone, 1, 'taken');
    await signed(t, '/webhooks/twilio/sms', sms(phone, '井盖丢失'));
    const row = await eventually(async () => {
      const r = await ackOf(t, phone);
      return r?.status === 'sent' && r;
    });
    expect(row.last_error).toMatch(/found at the provider/);
    expect(row.in_doubt).toBe(false);
    expect(sentTo(phone)).toHaveLength(1);
    expect(fake.listed).toBeGreaterThan(listedBefore);
  });

  test('when a worker dies holding a message, then another takes it once the lease runs out, and asks Twilio before sending', async () => {
    const went = newPhone();
    const never = newPhone();
    // Two messages claimed by a worker (status sending, a 300 ms lease), which sent the first and was killed before recording it.
    const ids: number[] = [];
    for (const phone of [went, never]) {
      const [row] = await t.hub
        .db('outbox')
        .insert({
          kind: 'citizen.opt_out_confirm',
          channel: 'sms',
          recipient: JSON.stringify({ phone }),
          payload: '{}',
          status: 'sending',
          next_attempt_at: new Date(Date.now() + 300),
        })
        .returning('id');
      ids.push(row.id);
    }
    fake.sent.push({
      sid: `SM${randomBytes(16).toString('hex')}`,
      to: went,
      from: hotline,
      body: '【12345】您已退订12345短信通知。如需办理诉求，请拨打12345。',
      at: new Date(),
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    await t.hub.services.notify.sweep();
    const rows = await eventually(async () => {
      const r = await t.hub.db('outbox').whereIn('id', ids).orderBy('id');
      return r.every((x) => x.status === 'sent') && r;
    });
    expect(rows[0].last_error).toMatch(/found at the provider/);
    expect(sentTo(went)).toHaveLength(1);
    expect(sentTo(never)).toHaveLength(1);
  });

  test('when Twilio refuses a number, then the message is dead at once, listed for admins, and can be retried', async () => {
    const phone = newPhone();
    const dead = await deadAck(phone, '路面塌陷');
    expect(dead).toMatchObject({ attempts: 1 });
    expect(dead.last_error).toMatch(/not a valid phone number/);
    const admin = await t.as('admin');
    const listed = (await admin.get('/api/v1/outbox?status=dead')).body.items.map((m: { id: number }) => m.id);
    expect(listed).toContain(dead.id);
    expect((await admin.post(`/api/v1/outbox/${dead.id}/retry`, {})).status).toBe(200);
    await eventually(() => sentTo(phone).length === 1);
    expect((await admin.post(`/api/v1/outbox/${dead.id}/retry`, {})).status).toBe(404);
    expect((await (await t.as('agent')).get('/api/v1/outbox')).status).toBe(403);
  });

  test('when Twilio reports a message undelivered, then it is sent again; reports are verified and repeats are harmless', async () => {
    const phone = newPhone();
    await signed(t, '/webhooks/twilio/sms', sms(phone, '公交站牌倒了'));
    const [first] = await eventually(() => sentTo(phone).length === 1 && sentTo(phone));
    await eventually(async () => (await t.hub.db('outbox').where({ provider_id: first!.sid }).first())?.status === 'sent');
    const report = { MessageSid: first!.sid, MessageStatus: 'undelivered', ErrorCode: '30003', AccountSid: accountSid };
    expect((await signed(t, '/webhooks/twilio/sms/status', report, 'wrong-token-000000000')).status).toBe(403);
    expect((await signed(t, '/webhooks/twilio/sms/status', report)).status).toBe(204);
    await eventually(() => sentTo(phone).length === 2);
    expect((await signed(t, '/webhooks/twilio/sms/status', report)).status).toBe(204);
    const row = await eventually(async () => {
      const r = await t.hub
        .db('outbox')
        .where({ provider_id: sentTo(phone)[1]!.sid })
        .first();
      return r?.status === 'sent' && r;
    });
    expect(row.attempts).toBe(2);
    expect(
      (await signed(t, '/webhooks/twilio/sms/status', { ...report, MessageSid: sentTo(phone)[1]!.sid, MessageStatus: 'delivered' })).status,
    ).toBe(204);
    expect((await t.hub.db('outbox').where({ id: row.id }).first()).provider_status).toBe('delivered');
    await new Promise((r) => setTimeout(r, 300));
    expect(sentTo(phone)).toHaveLength(2);
    expect((await signed(t, '/webhooks/twilio/sms/status', { MessageSid: 'bad', MessageStatus: 'lost' })).status).toBe(400);
  });
  test('when a delivery report overtakes the send’s own answer, then it is kept and applied as soon as the send is recorded', async () => {
    const phone = newPhone();
    let overtaken = false;
    fake.hooks.beforeAnswer = async (message) => {
      if (message.to !== phone || overtaken) return;
      overtaken = true;
      const early = await signed(t, '/webhooks/twilio/sms/status', {
        MessageSid: message.sid,
        MessageStatus: 'undelivered',
        ErrorCode: '30005',
        AccountSid: accountSid,
      });
      expect(early.status).toBe(204);
    };
    try {
      await signed(t, '/webhooks/twilio/sms', sms(phone, '烂尾楼何时复工'));
      await eventually(() => sentTo(phone).length === 2);
      // The fake sees the resend before the hub records it: wait for the hub's own row.
      const row = await eventually(async () => {
        const r = await t.hub
          .db('outbox')
          .where({ provider_id: sentTo(phone)[1]!.sid })
          .first();
        return r?.status === 'sent' && r;
      });
      expect(row.attempts).toBe(2);
      expect(await t.hub.db('outbox').where({ provider_id: sentTo(phone)[0]!.sid })).toHaveLength(0);
      expect(
        await t.hub.db('early_provider_reports').whereIn(
          'provider_id',
          sentTo(phone).map((m) => m.sid),
        ),
      ).toHaveLength(0);
    } finally {
      delete fake.hooks.beforeAnswer;
    }
  });
});

describe('withdrawing an outbound message', () => {
  test('when an admin withdraws a dead message with a reason, then it is cancelled and never sent; bad requests change nothing', async () => {
    const phone = newPhone();
    const dead = await deadAck(phone, '路灯不亮');
    const admin = await t.as('admin');
    const cancel = (id: number, body: object) => admin.post(`/api/v1/outbox/${id}/cancel`, body);
    expect((await cancel(dead.id, {})).status).toBe(400);
    expect((await cancel(dead.id, { reason: '   ' })).status).toBe(400);
    expect((await cancel(dead.id, { reason: 'x', extra: 1 })).status).toBe(400);
    expect((await (await t.as('agent')).post(`/api/v1/outbox/${dead.id}/cancel`, { reason: '号码已停机' })).status).toBe(403);
    expect((await cancel(999_999_999, { reason: '号码已停机' })).status).toBe(404);
    expect(await ackOf(t, phone)).toMatchObject({ status: 'dead', attempts: 1 });

    const cancelled = await cancel(dead.id, { reason: '号码已停机' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      id: dead.id,
      status: 'cancelled',
      lastError: expect.stringMatching(/^cancelled by .+: 号码已停机$/),
    });
    expect((await cancel(dead.id, { reason: '再撤一次' })).status).toBe(404);
    await new Promise((r) => setTimeout(r, 300));
    expect(await ackOf(t, phone)).toMatchObject({ status: 'cancelled' });
    expect(sentTo(phone)).toHaveLength(0);
  });
});

describe('SMS delivery when Twilio does not answer at all', () => {
  test('when sends time out, then the channel rests: later messages wait without using attempts, one probe goes first, then all go out once', async () => {
    // A fake of its own: while it is down it answers nobody, and the first hub's tests must not wait on it.
    const silent = await startFakeTwilio(twilioAccount);
    const hub = await startTestHub({ env: { ...twilioEnv(silent.url), PROVIDER_TIMEOUT_MS: '200', OUTBOX_RETRY_BASE_MS: '100' } });
    try {
      const [first, second, third] = [newPhone(), newPhone(), newPhone()];
      silent.down('silence');
      await signed(hub, '/webhooks/twilio/sms', sms(first, '路灯不亮'));
      const timedOut = await eventually(async () => {
        const row = await ackOf(hub, first);
        return row?.attempts === 1 && row;
      });
      expect(timedOut.last_error).toMatch(/no answer within 200 ms/);

      // Resting (ten times the 200 ms the send took): these are held back, not tried.
      await signed(hub, '/webhooks/twilio/sms', sms(second, '井盖松动'));
      await signed(hub, '/webhooks/twilio/sms', sms(third, '噪音扰民'));
      const held = await eventually(async () => {
        const rows = [await ackOf(hub, second), await ackOf(hub, third)];
        return rows.every((row) => row?.status === 'pending' && /^sms resting until/.test(row.last_error ?? '')) && rows;
      });
      expect(held.map((row) => row.attempts)).toEqual([0, 0]);
      expect(silent.unanswered).toBe(1);
      const pending = (await (await hub.as('admin')).get('/api/v1/outbox?status=pending')).body.items;
      expect(pending.find((m: { id: number }) => m.id === held[0]!.id).lastError).toMatch(/twilio: no answer within 200 ms/);

      silent.up();
      await eventually(() => [first, second, third].every((phone) => silent.sent.filter((m) => m.to === phone).length === 1), 10_000);
      const rows = await eventually(async () => {
        const all = [await ackOf(hub, first), await ackOf(hub, second), await ackOf(hub, third)];
        return all.every((row) => row?.status === 'sent') && all;
      });
      expect(rows.map((row) => row.attempts)).toEqual([2, 1, 1]);
      expect(rows.map((row) => row.last_error)).toEqual([null, null, null]);
      await new Promise((r) => setTimeout(r, 300));
      expect(silent.sent).toHaveLength(3);
      expect(silent.unanswered).toBe(1);
    } finally {
      await hub.close();
      await silent.close();
    }
  });
});

describe('SMS delivery through a long outage', () => {
  // Few attempts and short rests: an outage of many rests in a few seconds.
  const outageEnv = (url: string) => ({
    ...twilioEnv(url),
    PROVIDER_TIMEOUT_MS: '200',
    OUTBOX_RETRY_BASE_MS: '20',
    OUTBOX_MAX_ATTEMPTS: '2',
  });

  test('when Twilio stays down for many rests, then the failed probes use no attempts, and every message goes out once when it is back', async () => {
    const broken = await startFakeTwilio(twilioAccount);
    const hub = await startTestHub({ env: outageEnv(broken.url) });
    try {
      const phones = [newPhone(), newPhone()];
      broken.down('cut');
      // One after the other: the first ack goes out alone (one intake batch, one delivery job) while the channel is open.
      await signed(hub, '/webhooks/twilio/sms', sms(phones[0]!, '停水三天了'));
      await eventually(async () => (await ackOf(hub, phones[0]!))?.attempts === 1, 10_000);
      await signed(hub, '/webhooks/twilio/sms', sms(phones[1]!, '停水三天了'));
      // The first send counts (the channel was open); the probes after it (two at least) fail too, and count not.
      const during = await eventually(async () => {
        if (broken.unanswered < 3) return false;
        const rows = await Promise.all(phones.map((phone) => ackOf(hub, phone)));
        return rows.every((row) => row.status !== 'sending') && rows;
      }, 10_000);
      expect(during.map((row) => row.status)).toEqual(['failed', 'pending']);
      expect(during.map((row) => row.attempts)).toEqual([1, 0]);
      expect(during[1].last_error).toMatch(/^sms resting until .*socket hang up/);

      broken.up();
      await eventually(() => phones.every((phone) => broken.sent.filter((m) => m.to === phone).length === 1), 10_000);
      const after = await eventually(async () => {
        const rows = await Promise.all(phones.map((phone) => ackOf(hub, phone)));
        return rows.every((row) => row?.status === 'sent') && rows;
      });
      expect(after.map((row) => row.attempts)).toEqual([2, 1]);
    } finally {
      await hub.close();
      await broken.close();
    }
  });

  test('when one message always gets a provider error, then it cannot keep the channel shut: the others go out, and it uses its attempts', async () => {
    const fake = await startFakeTwilio(twilioAccount);
    const hub = await startTestHub({ env: outageEnv(fake.url) });
    try {
      const [poison, ...others] = [newPhone(), newPhone(), newPhone()];
      fake.fail(poison!, 1_000, 500);
      await signed(hub, '/webhooks/twilio/sms', sms(poison!, '路灯不亮'));
      await eventually(async () => (await ackOf(hub, poison!))?.attempts === 1);
      for (const phone of others) await signed(hub, '/webhooks/twilio/sms', sms(phone, '井盖松动'));
      await eventually(() => others.every((phone) => fake.sent.filter((m) => m.to === phone).length === 1), 10_000);
      // More traffic opens the channel again and again: each time the bad message is tried with it open, it uses an attempt.
      const later = newPhone();
      await signed(hub, '/webhooks/twilio/sms', sms(later, '噪音扰民'));
      await eventually(() => fake.sent.some((m) => m.to === later), 10_000);
      const dead = await eventually(async () => {
        const row = await ackOf(hub, poison!);
        return row?.status === 'dead' && row;
      }, 10_000);
      expect(dead.attempts).toBe(2);
      expect(fake.sent.filter((m) => m.to === poison)).toHaveLength(0);
    } finally {
      await hub.close();
      await fake.close();
    }
  });
});

describe('scale-out', () => {
  const redisTest = usesRedis() ? test : test.skip;
  redisTest('when two hubs on one PostgreSQL and Redis receive the same webhook, then one ticket and one acknowledgement', async () => {
    const peer = await startTestHub({ env: env(), peerOf: t });
    try {
      const phone = newPhone();
      const params = sms(phone, '同一条短信投递到两个实例');
      const answers = await Promise.all([signed(t, '/webhooks/twilio/sms', params), signed(peer, '/webhooks/twilio/sms', params)]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      await eventually(() => sentTo(phone).length === 1);
      await new Promise((r) => setTimeout(r, 500));
      expect(await ticketsOf(phone)).toHaveLength(1);
      expect(sentTo(phone)).toHaveLength(1);
    } finally {
      await peer.close();
    }
  });
});

describe('without Twilio configuration', () => {
  test('when the channel is not configured, then its webhooks answer 503 and store nothing', async () => {
    const bare = await startTestHub({ queue: 'in-process' });
    try {
      const res = await bare.http.post('/webhooks/twilio/sms').type('form').send(sms(newPhone(), 'x'));
      expect(res.status).toBe(503);
      expect(await bare.hub.db('inbound_messages')).toHaveLength(0);
    } finally {
      await bare.close();
    }
  });

  test('when a hub without SMS is handed an SMS to deliver, then it gives the message back, due, with no attempt used, and sends nothing', async () => {
    const bare = await startTestHub({ queue: 'in-process', env: { OUTBOX_SWEEP_MS: '600000' } });
    try {
      const [row] = await bare.hub
        .db('outbox')
        .insert({ kind: 'staff.alert', channel: 'sms', recipient: { phone: newPhone() }, payload: { text: '测试' } }, ['id']);
      expect(await bare.hub.services.notify.deliver([row.id])).toBe('done');
      const after = await bare.hub.db('outbox').where({ id: row.id }).first();
      expect(after).toMatchObject({ status: 'pending', attempts: 0, provider_id: null });
      expect(new Date(after.next_attempt_at).getTime()).toBeLessThanOrEqual(Date.now() + 1_000);
      await bare.hub.queue.drain();
      expect((await bare.hub.db('outbox').where({ id: row.id }).first()).status).toBe('pending');
    } finally {
      await bare.close();
    }
  });
});
