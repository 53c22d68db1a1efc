import { randomBytes } from 'node:crypto';
import { insertInbound } from '../../src/intake/intake.repository';
import { eventually, startFakeTwilio } from '../support/fake-twilio';
import { refuseInserts } from '../support/faults';
import { startTestHub, type TestHub } from '../support/test-hub';
import { hotline, signedPost, twilioAccount, twilioEnv } from '../support/twilio';

/**
 * Intake works off stored messages in batches. These tests store messages the way the webhook
 * does (without enqueueing) and run one processing job, so that they all land in the same batch,
 * and check that the batch decides each message exactly as one-by-one processing would.
 */
let fake: Awaited<ReturnType<typeof startFakeTwilio>>;
let t: TestHub;

beforeAll(async () => {
  fake = await startFakeTwilio(twilioAccount);
  t = await startTestHub({ env: twilioEnv(fake.url) });
});
afterAll(async () => {
  await t.close();
  await fake.close();
});

let phoneSeq = 0;
const newPhone = () => `+861370000${String(1000 + phoneSeq++).padStart(4, '0')}`;
const sentTo = (phone: string) => fake.sent.filter((m) => m.to === phone);
const sms = (phone: string, text: string) => ({
  MessageSid: `SM${randomBytes(16).toString('hex')}`,
  AccountSid: twilioAccount.accountSid,
  From: phone,
  To: hotline,
  Body: text,
  NumMedia: '0',
});

/** Stored as the webhook stores it, but without its job: a later job's batch takes it. */
async function store(phone: string, text: string): Promise<number> {
  const [stored] = await insertInbound(t.hub.db, [
    {
      channel: 'sms',
      providerId: `SM${randomBytes(16).toString('hex')}`,
      from: { phone },
      text,
      media: [],
      receivedAt: new Date(),
      raw: {},
    },
  ]);
  return stored!.record.id;
}

const message = (id: number) => t.hub.db('inbound_messages').where({ id }).first();
const ticketsOf = (phone: string) =>
  t.hub.db('tickets as t').join('contacts as c', 'c.id', 't.contact_id').where('c.phone', phone).select('t.*').orderBy('t.id');

async function viaWebhook(phone: string, text: string, sentCount: number) {
  expect((await signedPost(t, '/webhooks/twilio/sms', sms(phone, text))).status).toBe(200);
  await eventually(() => sentTo(phone).length === sentCount);
}

test('when many kinds of message land in one batch, then each is handled as it would be alone', async () => {
  // Before the batch: a citizen with an open ticket, and one who unsubscribed (退订).
  const withTicket = newPhone();
  await viaWebhook(withTicket, '小区路灯不亮', 1);
  const [open] = await ticketsOf(withTicket);
  const unsubscribed = newPhone();
  await viaWebhook(unsubscribed, '退订', 1);
  await t.hub.queue.drain();

  const [a, b] = [newPhone(), newPhone()];
  const [asker, stopper, silent] = [newPhone(), newPhone(), newPhone()];
  const ids = {
    first: await store(a, '东门井盖丢了，很危险'),
    second: await store(b, '菜市场噪音扰民'),
    secondAgain: await store(b, '补充：每天早上五点开始'),
    followUp: await store(withTicket, '还是没有人来修'),
    query: await store(asker, '查询 20200101-99999'),
    stop: await store(stopper, 'STOP'),
    back: await store(unsubscribed, '楼下餐馆油烟很大'),
    empty: await store(silent, '   '),
  };

  expect(await t.hub.services.intake.process()).toBe('done');
  const kinds = Object.fromEntries(await Promise.all(Object.entries(ids).map(async ([name, id]) => [name, (await message(id)).kind])));
  expect(kinds).toEqual({
    first: 'request',
    second: 'request',
    secondAgain: 'follow_up',
    followUp: 'follow_up',
    query: 'status_query',
    stop: 'opt_out',
    back: 'request',
    empty: 'empty',
  });
  // Every message was processed once: the next job finds nothing left to do.
  expect(await t.hub.services.intake.process()).toBe('skipped');

  const [ticketA] = await ticketsOf(a);
  const [ticketB, ...moreOfB] = await ticketsOf(b);
  expect(moreOfB).toHaveLength(0);
  expect(ticketB).toMatchObject({ description: '菜市场噪音扰民', channel: 'sms', status: expect.stringMatching(/new|triage/) });
  expect(ticketA.number).not.toBe(ticketB.number);
  expect(await t.hub.db('ticket_events').where({ ticket_id: ticketB.id, type: 'citizen_message' }).select('data')).toEqual([
    { data: expect.objectContaining({ text: '补充：每天早上五点开始', messageId: ids.secondAgain }) },
  ]);
  expect(await t.hub.db('ticket_events').where({ ticket_id: open.id, type: 'citizen_message' })).toHaveLength(1);
  expect(await ticketsOf(withTicket)).toHaveLength(1);
  expect(await ticketsOf(asker)).toHaveLength(0);
  // Writing again after 退订 subscribes again.
  expect((await t.hub.db('contacts').where({ phone: unsubscribed }).first()).sms_opted_out).toBe(false);
  expect((await t.hub.db('contacts').where({ phone: stopper }).first()).sms_opted_out).toBe(true);
  expect(await ticketsOf(unsubscribed)).toHaveLength(1);

  // The answers go out, one citizen's in the order their messages came.
  const toB = await eventually(() => sentTo(b).length === 2 && sentTo(b));
  expect(toB[0]!.body).toContain(ticketB.number);
  expect(toB[1]!.body).toMatch(/补充的信息已记入工单/);
  await eventually(
    () =>
      sentTo(a).length === 1 &&
      sentTo(asker).length === 1 &&
      sentTo(stopper).length === 1 &&
      sentTo(silent).length === 1 &&
      sentTo(unsubscribed).length === 2,
  );
  expect(sentTo(asker)[0]!.body).toMatch(/未查询到工单20200101-99999/);
  expect(sentTo(stopper)[0]!.body).toMatch(/已退订/);
  expect(sentTo(unsubscribed)[1]!.body).toContain((await ticketsOf(unsubscribed))[0].number);
});

test('when a burst of new requests lands in one batch, then their tickets are numbered in the order the messages came', async () => {
  const phones = Array.from({ length: 30 }, () => newPhone());
  const ids: number[] = [];
  for (const [i, phone] of phones.entries()) ids.push(await store(phone, `第${i}号楼电梯故障`));
  expect(await t.hub.services.intake.process()).toBe('done');
  const numbers = await Promise.all(phones.map(async (phone) => (await ticketsOf(phone)).map((ticket) => ticket.number)));
  expect(numbers.every((n) => n.length === 1)).toBe(true);
  const sequence = numbers.map(([n]) => Number(n!.split('-')[1]));
  expect(sequence).toEqual(sequence.map((_, i) => sequence[0]! + i));
  expect(
    await t.hub
      .db('outbox')
      .whereIn('ticket_id', t.hub.db('tickets').select('id').whereIn('number', numbers.flat()))
      .where({ kind: 'citizen.intake_ack' }),
  ).toHaveLength(30);
  await eventually(() => phones.every((phone) => sentTo(phone).length === 1));
});

test('when webhooks arrive together, including the same one twice, then one statement stores each message once', async () => {
  const receive = (providerId: string, phone: string, text: string) =>
    t.hub.services.intake.receive({
      channel: 'sms',
      providerId,
      from: { phone },
      text,
      media: [],
      receivedAt: new Date(),
      raw: { MessageSid: providerId },
    });
  const [phoneA, phoneB, phoneC] = [newPhone(), newPhone(), newPhone()];
  const replayed = `SM${randomBytes(16).toString('hex')}`;
  const earlier = `SM${randomBytes(16).toString('hex')}`;
  const before = await receive(earlier, phoneC, '昨天的留言');
  // All in one turn of the event loop: one batch.
  const answers = await Promise.all([
    receive(replayed, phoneA, '路口红绿灯坏了'),
    receive(`SM${randomBytes(16).toString('hex')}`, phoneB, '小区噪音扰民'),
    receive(replayed, phoneA, '路口红绿灯坏了'),
    receive(earlier, phoneC, '昨天的留言'),
  ]);
  expect(answers.map((a) => a.duplicate)).toEqual([false, false, true, true]);
  expect(answers[2]!.messageId).toBe(answers[0]!.messageId);
  expect(answers[3]!.messageId).toBe(before.messageId);
  const stored = await t.hub
    .db('inbound_messages')
    .whereIn('id', [answers[0]!.messageId, answers[1]!.messageId])
    .select('xmin', 'provider_id', 'raw');
  expect(new Set(stored.map((row) => row.xmin)).size).toBe(1);
  expect(stored.find((row) => row.provider_id === replayed)!.raw).toEqual({ MessageSid: replayed });
  expect(await t.hub.db('inbound_messages').where({ provider_id: replayed })).toHaveLength(1);
  // The jobs they asked for process them: one ticket per message stored.
  await eventually(async () => (await Promise.all([phoneA, phoneB, phoneC].map(ticketsOf))).every((tickets) => tickets.length === 1));
});

test('when the database refuses one message of webhooks that arrive together, then only its webhook fails', async () => {
  const repair = await refuseInserts(t.hub.db, 'inbound_messages', 'text', '毒短信');
  try {
    const receive = (phone: string, text: string) =>
      t.hub.services.intake.receive({
        channel: 'sms',
        providerId: `SM${randomBytes(16).toString('hex')}`,
        from: { phone },
        text,
        media: [],
        receivedAt: new Date(),
        raw: {},
      });
    const [phoneA, phoneB] = [newPhone(), newPhone()];
    const outcomes = await Promise.allSettled([receive(phoneA, '排水沟堵塞'), receive(newPhone(), '毒短信'), receive(phoneB, '树枝压线')]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await t.hub.db('inbound_messages').where({ text: '毒短信' })).toHaveLength(0);
    await eventually(async () => (await ticketsOf(phoneA)).length === 1 && (await ticketsOf(phoneB)).length === 1);
  } finally {
    await repair();
  }
});

test('when a stored message lost its job (a Redis flush, a crash before the enqueue), then the recovery sweep has it processed', async () => {
  const phone = newPhone();
  const id = await store(phone, '路口信号灯坏了');
  expect(await t.hub.services.intake.sweep()).toBe(false); // not yet: its job may still be on its way
  await t.hub
    .db('inbound_messages')
    .where({ id })
    .update({ created_at: t.hub.db.raw("now() - interval '31 seconds'") });
  expect(await t.hub.services.intake.sweep()).toBe(true);
  await eventually(async () => (await message(id)).status === 'processed');
  expect(await ticketsOf(phone)).toHaveLength(1);
  await eventually(() => sentTo(phone).length === 1);
});

test('when one message of a batch cannot be processed, then the others still are, and it is retried on its own', async () => {
  // A fault in the database for one message only (a trigger refuses its ticket).
  const repair = await refuseInserts(t.hub.db, 'tickets', 'description', '毒消息');
  try {
    const [bad, good] = [newPhone(), newPhone()];
    const poison = await store(bad, '毒消息');
    const fine = await store(good, '公交站台破损');
    // The job fails for the message it could not process (and is retried); the other one is done.
    await expect(t.hub.services.intake.process()).rejects.toThrow(`inbound messages ${poison} could not be processed`);
    expect(await message(fine)).toMatchObject({ status: 'processed', kind: 'request' });
    expect(await message(poison)).toMatchObject({ status: 'received' });
    await expect(t.hub.services.intake.process()).rejects.toThrow(/could not be processed/);
    expect(await ticketsOf(bad)).toHaveLength(0);
    await repair();
    expect(await t.hub.services.intake.process()).toBe('done');
    expect(await ticketsOf(bad)).toHaveLength(1);
  } finally {
    await repair();
  }
});
