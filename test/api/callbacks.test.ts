import { countSegments } from '../../src/notify/sms-segments';
import { randomBytes } from 'node:crypto';
import { eventually, startFakeTwilio } from '../support/fake-twilio';
import { act, createTicket } from '../support/tickets';
import { demoIds, startTestHub, type AuthedAgent, type TestHub } from '../support/test-hub';
import { hotline, signedPost, twilioAccount, twilioEnv } from '../support/twilio';

let fake: Awaited<ReturnType<typeof startFakeTwilio>>;
let t: TestHub;
let ids: Awaited<ReturnType<typeof demoIds>>;
let operator: AuthedAgent, supervisor: AuthedAgent, admin: AuthedAgent, agent: AuthedAgent, head: AuthedAgent;

beforeAll(async () => {
  fake = await startFakeTwilio(twilioAccount);
  // The sweeps stay out of the way: the tests run them when they mean to.
  t = await startTestHub({ env: { ...twilioEnv(fake.url), CALLBACK_SWEEP_MS: '600000', SLA_SWEEP_MS: '600000' } });
  ids = await demoIds(t.hub);
  [operator, supervisor, admin, agent, head] = (await Promise.all(
    ['operator', 'supervisor', 'admin', 'agent', 'head'].map((u) => t.as(u)),
  )) as [AuthedAgent, AuthedAgent, AuthedAgent, AuthedAgent, AuthedAgent];
  // No quiet hours here (the suite may run at night); they have their own unit test.
  // A minute's delay, which the tests pass at once (elapse): a survey without delay starts by itself (its own test).
  const res = await admin.patch('/api/v1/callbacks/settings', { delayMinutes: 1, quietHours: { from: '00:00', to: '00:00' } });
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await t.close();
  await fake.close();
});

let phoneSeq = 0;
const newPhone = () => `+86137${String(Date.now() % 100000).padStart(5, '0')}${String(phoneSeq++).padStart(3, '0')}`;
const sentTo = (phone: string) => fake.sent.filter((m) => m.to === phone).map((m) => m.body);
const callbackOf = async (ticketId: number) =>
  (await t.hub.db('callbacks').where({ ticket_id: ticketId }).orderBy('id', 'desc').first()) as Record<string, any>;
const ticketNow = async (id: number) => (await operator.get(`/api/v1/tickets/${id}`)).body;

/** A ticket from a caller, handled and replied by the housing bureau. */
async function replied(phone: string, overrides: Record<string, unknown> = {}) {
  const ticket = await createTicket(operator, { categoryId: ids.category('0104'), caller: { phone, name: '王先生' }, ...overrides });
  await t.hub.queue.drain();
  await act(operator, ticket.id, 'dispatch', { departmentId: ids.department('ZJJ') });
  await act(agent, ticket.id, 'sign_for');
  await act(agent, ticket.id, 'reply', { text: '已安排维修', solved: true });
  await t.hub.queue.drain(); // the citizen's progress messages of these steps are out
  await elapse(ticket.id);
  return ticket;
}

/** The callback's delay has passed: its first step is due at the next sweep. */
const elapse = (ticketId: number) =>
  t.hub
    .db('callbacks')
    .update({ next_action_at: t.hub.db.raw("now() - interval '1 second'") })
    .where({ ticket_id: ticketId, status: 'scheduled' });

/** The callback sweep runs and its jobs (and the messages they send) settle. */
async function sweep() {
  await t.hub.services.callbacks.sweep();
  await t.hub.queue.drain();
}

/** The citizen texts the hotline; waits until the hub has answered with `expectSent` messages in all. */
async function say(phone: string, text: string, expectSent: number) {
  const res = await signedPost(t, '/webhooks/twilio/sms', {
    MessageSid: `SM${randomBytes(16).toString('hex')}`,
    AccountSid: twilioAccount.accountSid,
    From: phone,
    To: hotline,
    Body: text,
    NumMedia: '0',
  });
  expect(res.status).toBe(200);
  await eventually(() => sentTo(phone).length >= expectSent);
  await t.hub.queue.drain();
  return sentTo(phone).at(-1)!;
}

const callsTo = (phone: string) => fake.calls.filter((c) => c.to === phone);
const callSid = () => `CA${randomBytes(16).toString('hex')}`;
/** A webhook of the survey call, signed as Twilio signs it. */
const callWebhook = (pathAndQuery: string, params: Record<string, string>) =>
  signedPost(t, `/webhooks/twilio/survey${pathAndQuery}`, { AccountSid: twilioAccount.accountSid, ...params });

/** Time passes for a callback: its next step and its window are due now. */
const due = (callbackId: number) =>
  t.hub
    .db('callbacks')
    .update({ next_action_at: t.hub.db.raw("now() - interval '1 second'"), window_ends_at: t.hub.db.raw("now() - interval '1 second'") })
    .where({ id: callbackId });

describe('SMS survey', () => {
  test('when the citizen answers 1, 1, 满意!! and 0, then the three answers are recorded and the ticket is closed (办结)', async () => {
    const phone = newPhone();
    const ticket = await replied(phone);
    expect(await callbackOf(ticket.id)).toMatchObject({ status: 'scheduled', cycle: 0, department_id: ids.department('ZJJ') });
    await sweep();
    await eventually(() => sentTo(phone).some((b) => b.includes('进行回访')));
    const first = sentTo(phone).find((b) => b.includes('进行回访'))!;
    expect(first).toMatch(new RegExp(`^【12345】您好，12345热线对您反映的问题（工单${ticket.number}）进行回访。承办单位是否联系过您？`));
    const count = sentTo(phone).length;
    // Twilio delivers the first answer twice (a webhook retry): it counts once.
    const first1 = {
      MessageSid: `SM${randomBytes(16).toString('hex')}`,
      AccountSid: twilioAccount.accountSid,
      From: phone,
      To: hotline,
      Body: '1',
      NumMedia: '0',
    };
    expect((await signedPost(t, '/webhooks/twilio/sms', first1)).status).toBe(200);
    await eventually(() => sentTo(phone).length >= count + 1);
    expect(sentTo(phone).at(-1)).toMatch(/问题是否已解决/);
    expect((await signedPost(t, '/webhooks/twilio/sms', first1)).status).toBe(200);
    await t.hub.queue.drain();
    expect(sentTo(phone)).toHaveLength(count + 1);
    expect(await say(phone, '１', count + 2)).toMatch(/是否满意/);
    expect(await say(phone, '满意!!', count + 3)).toMatch(/意见或建议/);
    expect(await say(phone, '0', count + 4)).toMatch(/感谢/);
    await eventually(async () => (await ticketNow(ticket.id)).status === 'closed');
    expect(await callbackOf(ticket.id)).toMatchObject({
      status: 'completed',
      outcome: 'closed',
      contacted: true,
      resolved: true,
      satisfaction: 'satisfied',
      comment: null,
      channel: 'sms',
    });
    const close = (await ticketNow(ticket.id)).timeline.at(-1);
    expect(close).toMatchObject({ type: 'close', actor: { kind: 'system', name: 'callback' }, reason: '回访：已解决，满意，办结' });
    // The survey's answers are not tickets.
    expect(await t.hub.db('tickets as t').join('contacts as c', 'c.id', 't.contact_id').where('c.phone', phone)).toHaveLength(1);

    // A late "1" after the survey is thanked, and opens nothing.
    expect(await say(phone, '1', count + 5)).toMatch(/本次回访已结束/);
    expect(await t.hub.db('tickets as t').join('contacts as c', 'c.id', 't.contact_id').where('c.phone', phone)).toHaveLength(1);
  });

  test('when the answers are unclear ("hello", then "5"), then the question is asked once more, then a person calls (the operators’ queue)', async () => {
    const phone = newPhone();
    const ticket = await replied(phone);
    await sweep();
    await eventually(() => sentTo(phone).some((b) => b.includes('进行回访')));
    const count = sentTo(phone).length;
    expect(await say(phone, 'hello 😀', count + 1)).toMatch(/^【12345】未能识别您的回复。承办单位是否联系过您？/);
    expect(await say(phone, '5', count + 2)).toMatch(/话务员/);
    const callback = await callbackOf(ticket.id);
    expect(callback).toMatchObject({ status: 'asking', channel: 'operator' });
    const queue = (await operator.get('/api/v1/callbacks?status=asking&channel=operator')).body.items;
    expect(queue.map((c: { id: number }) => c.id)).toContain(callback.id);
    const events = (await operator.get(`/api/v1/callbacks/${callback.id}`)).body.events.map((e: { type: string; text: string | null }) => [
      e.type,
      e.text,
    ]);
    expect(events).toEqual(
      expect.arrayContaining([
        ['unclear', 'hello 😀'],
        ['unclear', '5'],
      ]),
    );

    // The operator's call: not solved, unsatisfied → 重办 to the same department with the citizen's words.
    const bad = await operator.post(`/api/v1/callbacks/${callback.id}/answers`, {
      reached: true,
      contacted: true,
      resolved: 'no',
      satisfaction: 'unsatisfied',
    });
    expect(bad.status).toBe(400);
    const recorded = await operator.post(`/api/v1/callbacks/${callback.id}/answers`, {
      reached: true,
      contacted: true,
      resolved: false,
      satisfaction: 'unsatisfied',
      comment: '维修后还是漏水',
    });
    expect(recorded.status).toBe(200);
    expect(recorded.body).toMatchObject({ status: 'completed', outcome: 'reopened' });
    await eventually(async () => (await ticketNow(ticket.id)).status === 'dispatched');
    const now = await ticketNow(ticket.id);
    expect(now).toMatchObject({ reopenCount: 1, leadDepartment: { id: ids.department('ZJJ') } });
    expect(now.timeline.at(-1)).toMatchObject({ type: 'reopen', reason: '回访（未解决，不满意）：维修后还是漏水' });
    const clocks = (await operator.get(`/api/v1/tickets/${ticket.id}/clocks`)).body.items;
    expect(
      clocks.filter((c: { cycle: number; state: string }) => c.cycle === 1 && c.state === 'running').map((c: { stage: string }) => c.stage),
    ).toEqual(['sign_for', 'reply']);
    expect((await operator.post(`/api/v1/callbacks/${callback.id}/answers`, { reached: false })).status).toBe(409);

    // Handled again and again unsatisfied: the second reopen is a supervisor's call, who finds it unreasonable.
    await act(agent, ticket.id, 'sign_for');
    await act(agent, ticket.id, 'reply', { text: '已再次维修并验收', solved: true });
    const second = await callbackOf(ticket.id);
    expect(second).toMatchObject({ cycle: 1, status: 'scheduled' });
    await elapse(ticket.id);
    await sweep();
    await eventually(() => sentTo(phone).filter((b) => b.includes('进行回访')).length === 2);
    const base = sentTo(phone).length;
    await say(phone, '是', base + 1);
    await say(phone, '没有解决', base + 2);
    await say(phone, '不满意', base + 3);
    await say(phone, '要求赔偿十万元', base + 4);
    expect(await callbackOf(ticket.id)).toMatchObject({ status: 'completed', outcome: 'review', comment: '要求赔偿十万元' });
    expect((await ticketNow(ticket.id)).status).toBe('replied');
    expect((await operator.get('/api/v1/callbacks?outcome=review')).body.items.map((c: { id: number }) => c.id)).toContain(second.id);
    expect(
      (await operator.post(`/api/v1/callbacks/${second.id}/review`, { decision: 'unreasonable', reason: '超出政策范围' })).status,
    ).toBe(403);
    const reviewed = await supervisor.post(`/api/v1/callbacks/${second.id}/review`, {
      decision: 'unreasonable',
      reason: '诉求超出政策范围，已解释',
    });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body).toMatchObject({ unreasonable: true, unreasonableReason: '诉求超出政策范围，已解释' });
    expect((await ticketNow(ticket.id)).status).toBe('closed');
    expect((await supervisor.post(`/api/v1/callbacks/${second.id}/review`, { decision: 'unreasonable', reason: '再次' })).status).toBe(409);
  });

  test('when nobody answers, then one reminder, then a phone call (three tries), then a person; nobody reached is 未联系上, closed and never counted as satisfied', async () => {
    const phone = newPhone();
    const ticket = await replied(phone);
    await sweep();
    await eventually(() => sentTo(phone).some((b) => b.includes('进行回访')));
    const callback = await callbackOf(ticket.id);
    await t.hub
      .db('callbacks')
      .update({ next_action_at: t.hub.db.raw("now() - interval '1 second'") })
      .where({ id: callback.id });
    await sweep();
    await eventually(() => sentTo(phone).some((b) => b.startsWith('【12345】提醒：承办单位是否联系过您')));
    await due(callback.id);
    await sweep();
    // The SMS window passed: the phone, tried three times (busy, no answer, an answering machine).
    for (const [attempt, how] of [
      [1, 'busy'],
      [2, 'no-answer'],
      [3, 'machine'],
    ] as const) {
      await eventually(() => callsTo(phone).length === attempt);
      expect(await callbackOf(ticket.id)).toMatchObject({ status: 'asking', channel: 'phone', attempt });
      const sid = callSid();
      if (how === 'machine') {
        const answered = await callWebhook(`?callback=${callback.id}&attempt=${attempt}`, { CallSid: sid, AnsweredBy: 'machine_end_beep' });
        expect(answered.text).toMatch(/<Hangup\/>/);
        expect(answered.text).not.toMatch(/<Gather/);
      } else {
        expect((await callWebhook(`/status?callback=${callback.id}&attempt=${attempt}`, { CallSid: sid, CallStatus: how })).status).toBe(
          204,
        );
        // A repeated status webhook of the same call changes nothing.
        await callWebhook(`/status?callback=${callback.id}&attempt=${attempt}`, { CallSid: sid, CallStatus: how });
        await t.hub
          .db('callbacks')
          .update({ next_action_at: t.hub.db.raw("now() - interval '1 second'") })
          .where({ id: callback.id });
      }
      await sweep();
    }
    expect(await callbackOf(ticket.id)).toMatchObject({ status: 'asking', channel: 'operator' });
    const notReached = (await operator.get(`/api/v1/callbacks/${callback.id}`)).body.events.filter((e: { type: string }) =>
      ['call_ended', 'machine'].includes(e.type),
    );
    expect(notReached.map((e: { type: string; text: string }) => e.text)).toEqual(['busy', 'no-answer', 'machine_end_beep']);
    const res = await operator.post(`/api/v1/callbacks/${callback.id}/answers`, { reached: false });
    expect(res.body).toMatchObject({ status: 'unreachable', outcome: 'unreachable' });
    await eventually(async () => (await ticketNow(ticket.id)).status === 'closed');
    expect((await ticketNow(ticket.id)).timeline.at(-1).reason).toMatch(/^回访未联系上/);
  });

  test('when the citizen writes STOP mid-survey, then the SMS opt-out is confirmed and the survey ends, not reached', async () => {
    const phone = newPhone();
    const ticket = await replied(phone);
    await sweep();
    await eventually(() => sentTo(phone).some((b) => b.includes('进行回访')));
    const count = sentTo(phone).length;
    await say(phone, '1', count + 1);
    expect(await say(phone, 'STOP', count + 2)).toMatch(/退订/);
    expect(await callbackOf(ticket.id)).toMatchObject({ status: 'unreachable', unreachable_reason: '群众退订短信', contacted: true });
    await eventually(async () => (await ticketNow(ticket.id)).status === 'closed');
  });

  test('when a reply comes from another number, or after the window, then it is no survey answer and counts for nothing', async () => {
    const phone = newPhone();
    const ticket = await replied(phone);
    await sweep();
    await eventually(() => sentTo(phone).some((b) => b.includes('进行回访')));
    const stranger = newPhone();
    await say(stranger, '1', 1);
    expect(sentTo(stranger)[0]).toMatch(/已受理/);
    expect(await callbackOf(ticket.id)).toMatchObject({ status: 'asking', step: 'contacted', contacted: null });

    const callback = await callbackOf(ticket.id);
    await t.hub
      .db('callbacks')
      .update({ window_ends_at: t.hub.db.raw("now() - interval '1 second'") })
      .where({ id: callback.id });
    const count = sentTo(phone).length;
    // Too late to count: thanked, and neither an answer nor a new request.
    expect(await say(phone, '1', count + 1)).toMatch(/本次回访已结束/);
    expect(await callbackOf(ticket.id)).toMatchObject({ contacted: null });
    expect(await t.hub.db('tickets as t').join('contacts as c', 'c.id', 't.contact_id').where('c.phone', phone)).toHaveLength(1);
  });
});

describe('phone survey', () => {
  test('when the citizen takes the call, then each question is one key in Mandarin, an unclear key is asked again, and the answers close the ticket', async () => {
    const phone = newPhone();
    const ticket = await replied(phone);
    // Unsubscribed from SMS: the phone is their first channel. Twilio fails the first try: the outbox tries again.
    await t.hub.db('contacts').update({ sms_opted_out: true }).where({ phone });
    fake.fail(phone, 1, 503, 20503, 'Service Unavailable');
    await sweep();
    const [call] = await eventually(() => callsTo(phone).length === 1 && callsTo(phone));
    await eventually(
      async () =>
        (await t.hub.db('outbox').where({ ticket_id: ticket.id, kind: 'citizen.survey_call', status: 'sent' }).first())?.attempts === 2,
    );
    const callback = await callbackOf(ticket.id);
    expect(call).toMatchObject({
      from: hotline,
      machineDetection: 'Enable',
      url: `https://hub.example.test/webhooks/twilio/survey?callback=${callback.id}&attempt=1`,
    });
    expect(call!.statusCallback).toBe(`https://hub.example.test/webhooks/twilio/survey/status?callback=${callback.id}&attempt=1`);
    const sid = callSid();
    const q = `callback=${callback.id}&attempt=1`;

    const greeting = await callWebhook(`?${q}`, { CallSid: sid, AnsweredBy: 'human' });
    expect(greeting.headers['content-type']).toMatch(/text\/xml/);
    expect(greeting.text).toContain('现对您反映的问题进行回访');
    expect(greeting.text).toContain(`action="/webhooks/twilio/survey/answer?${q.replace('&', '&amp;')}&amp;step=contacted"`);
    expect(greeting.text).toContain('承办单位是否联系过您？是请按1，否请按2。');
    expect((await callWebhook(`/answer?${q}&step=contacted`, { CallSid: sid, Digits: '1' })).text).toContain('您反映的问题是否已解决');
    expect((await callWebhook(`/answer?${q}&step=resolved`, { CallSid: sid, Digits: '9' })).text).toMatch(
      /未能识别您的按键。.*是否已解决/s,
    );
    // A replayed key for a question already answered is answered with the current question.
    expect((await callWebhook(`/answer?${q}&step=contacted`, { CallSid: sid, Digits: '2' })).text).toContain('是否已解决');
    expect((await callWebhook(`/answer?${q}&step=resolved`, { CallSid: sid, Digits: '1' })).text).toContain(
      '满意请按1，基本满意请按2，不满意请按3',
    );
    const end = await callWebhook(`/answer?${q}&step=satisfaction`, { CallSid: sid, Digits: '2' });
    expect(end.text).toMatch(/感谢您对12345热线工作的支持.*<Hangup\/>/s);
    expect((await callWebhook(`/status?${q}`, { CallSid: sid, CallStatus: 'completed' })).status).toBe(204);
    expect(await callbackOf(ticket.id)).toMatchObject({
      status: 'completed',
      channel: 'phone',
      contacted: true,
      resolved: true,
      satisfaction: 'basic',
      call_sid: sid,
    });
    await eventually(async () => (await ticketNow(ticket.id)).status === 'closed');
    expect(callsTo(phone)).toHaveLength(1);
  });

  test('when a survey webhook is forged or malformed, then it is refused and nothing changes', async () => {
    const body = { AccountSid: twilioAccount.accountSid, CallSid: callSid(), Digits: '1' };
    expect((await t.http.post('/webhooks/twilio/survey/answer?callback=1&attempt=1&step=contacted').type('form').send(body)).status).toBe(
      403,
    );
    expect((await callWebhook('/answer?callback=1&attempt=1&step=mood', body)).status).toBe(400);
    expect((await callWebhook('/answer?callback=x&attempt=1&step=contacted', body)).status).toBe(400);
    expect((await callWebhook('/status?callback=1&attempt=1', { CallSid: 'not-a-sid', CallStatus: 'busy' })).status).toBe(400);
    // A webhook for a survey that is not on the phone now: a polite goodbye, nothing recorded.
    const stale = await callWebhook('/answer?callback=1&attempt=1&step=contacted', body);
    expect(stale.text).toMatch(/感谢您的接听，再见。.*<Hangup\/>/s);
  });
});

describe('callback policies', () => {
  test('when the requester is anonymous, confidential, or the category needs a person, then the policy decides: skipped (closed) or the operators’ queue', async () => {
    const anonymous = await replied(newPhone(), { caller: { phone: newPhone(), anonymous: true } });
    await sweep();
    expect(await callbackOf(anonymous.id)).toMatchObject({ status: 'skipped', outcome: 'skipped' });
    await eventually(async () => (await ticketNow(anonymous.id)).status === 'closed');

    expect(
      (await admin.patch('/api/v1/callbacks/settings', { confidential: 'operator', humanCategoryIds: [ids.category('05')] })).status,
    ).toBe(200);
    const confidential = await replied(newPhone(), { caller: { phone: newPhone(), confidential: true } });
    const wages = await replied(newPhone(), { categoryId: ids.category('0501') });
    await sweep();
    expect(await callbackOf(confidential.id)).toMatchObject({ status: 'asking', channel: 'operator' });
    expect(await callbackOf(wages.id)).toMatchObject({ status: 'asking', channel: 'operator' });
    await admin.patch('/api/v1/callbacks/settings', { confidential: 'normal', humanCategoryIds: [] });
  });

  test('when the callback falls in the quiet hours, then nothing is sent or called until they end, and then it goes on', async () => {
    const beijing = (offsetMinutes: number) => new Date(Date.now() + 8 * 3_600_000 + offsetMinutes * 60_000).toISOString().slice(11, 16);
    expect((await admin.patch('/api/v1/callbacks/settings', { quietHours: { from: beijing(-60), to: beijing(60) } })).status).toBe(200);
    try {
      const phone = newPhone();
      const ticket = await replied(phone);
      const before = sentTo(phone).length;
      await sweep();
      const waiting = await callbackOf(ticket.id);
      expect(waiting).toMatchObject({ status: 'scheduled', remaining_channels: ['sms', 'phone', 'operator'] });
      expect(new Date(waiting.next_action_at).getTime()).toBeGreaterThan(Date.now() + 55 * 60_000);
      expect(sentTo(phone)).toHaveLength(before);
      expect(callsTo(phone)).toHaveLength(0);
      // Morning: the first question goes out on the planned channel.
      await admin.patch('/api/v1/callbacks/settings', { quietHours: { from: '00:00', to: '00:00' } });
      await t.hub
        .db('callbacks')
        .update({ next_action_at: t.hub.db.raw("now() - interval '1 second'") })
        .where({ id: waiting.id });
      await sweep();
      await eventually(() => sentTo(phone).some((b) => b.includes('进行回访')));
      expect(await callbackOf(ticket.id)).toMatchObject({ status: 'asking', channel: 'sms', remaining_channels: ['phone', 'operator'] });
    } finally {
      await admin.patch('/api/v1/callbacks/settings', { quietHours: { from: '00:00', to: '00:00' } });
    }
  });

  test('when settings are malformed or a non-admin changes them, then nothing changes', async () => {
    const before = (await operator.get('/api/v1/callbacks/settings')).body;
    for (const bad of [
      { delayMinutes: -1 },
      { quietHours: { from: '25:00', to: '08:00' } },
      { satisfactionWeights: { satisfied: 2, basic: 1, unsatisfied: 0 } },
      { windowHours: 'long' },
      { unknown: 1 },
      {},
    ]) {
      expect((await admin.patch('/api/v1/callbacks/settings', bad)).status).toBe(400);
    }
    expect((await operator.patch('/api/v1/callbacks/settings', { delayMinutes: 5 })).status).toBe(403);
    expect((await operator.get('/api/v1/callbacks/settings')).body).toEqual(before);
  });
});

describe('三率 KPIs', () => {
  test('when surveys are in, then response, resolution and satisfaction rates come per department, with the tickets behind them, a CSV, a ranking and gauges', async () => {
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const res = await supervisor.get(`/api/v1/kpis?groupBy=department&from=${today}&to=${today}`);
    expect(res.status).toBe(200);
    const housing = res.body.items.find((r: { key: string }) => r.key === String(ids.department('ZJJ')));
    // Answered here: resolved and satisfied by SMS, resolved and basically satisfied by phone, unresolved and
    // unsatisfied twice (one marked unreasonable); not reached: 2 (silence, STOP); skipped: 1 (anonymous).
    expect(housing.surveys).toEqual({ answered: 4, unreachable: 2, skipped: 1, unreasonable: 1 });
    expect(housing.responseRate).toBe(1);
    expect(housing.resolutionRate).toBe(0.5);
    // (1 + 1 + 0) / 3: the unreasonable one is out; 基本满意 weighs 1 by default.
    expect(housing.satisfactionRate).toBeCloseTo(2 / 3, 4);
    expect(housing.onTimeReplyRate).toBe(1);
    expect(housing.reopenRate).toBeGreaterThan(0);
    expect(housing.volume).toBeGreaterThan(0);

    const behind = await supervisor.get(
      `/api/v1/kpis/tickets?groupBy=department&key=${ids.department('ZJJ')}&metric=satisfaction&from=${today}&to=${today}`,
    );
    expect(behind.body.items).toHaveLength(2);
    expect(behind.body.items.map((i: { unreasonable: boolean }) => i.unreasonable).sort()).toEqual([false, true]);

    const reopened = await supervisor.get(
      `/api/v1/kpis/tickets?groupBy=department&key=${ids.department('ZJJ')}&metric=reopened&from=${today}&to=${today}`,
    );
    expect(reopened.body.items.map((i: { type: string }) => i.type)).toEqual(['reopen']);
    expect(
      (
        await supervisor.get(
          `/api/v1/kpis/tickets?groupBy=department&key=${ids.department('ZJJ')}&metric=late_reply&from=${today}&to=${today}`,
        )
      ).body.items,
    ).toEqual([]);
    const csv = await supervisor.get(`/api/v1/kpis?groupBy=channel&from=${today}&to=${today}&format=csv`);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text.startsWith('\uFEFF分组,名称,工单量,已回访,未联系上')).toBe(true);

    const ranking = (await supervisor.get(`/api/v1/kpis/ranking?from=${today}&to=${today}`)).body.bands;
    expect(ranking[0]).toMatchObject({
      band: '1–50',
      departments: expect.arrayContaining([expect.objectContaining({ key: String(ids.department('ZJJ')), rank: expect.any(Number) })]),
    });

    const own = (await head.get(`/api/v1/kpis?groupBy=channel&from=${today}&to=${today}`)).body.items;
    expect(own.map((r: { key: string }) => r.key)).toEqual([String(ids.department('ZJJ'))]);
    expect((await agent.get(`/api/v1/kpis?from=${today}&to=${today}`)).status).toBe(403);
    expect((await supervisor.get(`/api/v1/kpis?from=${today}&to=2020-01-01`)).status).toBe(400);
    expect((await supervisor.get(`/api/v1/kpis/tickets?key=1&metric=happiness&from=${today}&to=${today}`)).status).toBe(400);

    const metrics = await t.http.get('/metrics');
    expect(metrics.text).toMatch(/hotline_kpi_rate\{kpi="satisfaction"\} 0\.6667/);
    expect(metrics.text).toMatch(/hotline_kpi_rate\{kpi="resolution"\} 0\.5/);
    expect(metrics.text).toMatch(/hotline_callbacks_unreachable \d+/);
  });
});

// After the KPIs: these surveys stay open and must not count in them.
describe('the answer reaches the citizen', () => {
  test('when the department answers, then the SMS citizen reads the answer before the survey, 查询 shows it, and a long one fits five segments', async () => {
    const phone = newPhone();
    const ticket = await replied(phone);
    expect(sentTo(phone).at(-1)).toBe(`【12345】您的工单${ticket.number}已由承办单位答复：已安排维修。稍后将回访您，请留意。`);
    expect(await say(phone, `查询 ${ticket.number}`, sentTo(phone).length + 1)).toBe(
      `【12345】工单${ticket.number}当前状态：已答复。承办单位答复：已安排维修`,
    );

    const long = newPhone();
    const other = await createTicket(operator, { categoryId: ids.category('0104'), caller: { phone: long, name: '李女士' } });
    await t.hub.queue.drain();
    await act(operator, other.id, 'dispatch', { departmentId: ids.department('ZJJ') });
    await act(agent, other.id, 'sign_for');
    await act(agent, other.id, 'reply', { text: '经现场核实，'.repeat(60), solved: true });
    await t.hub.queue.drain();
    const sms = sentTo(long).at(-1)!;
    expect(countSegments(sms).segments).toBeLessThanOrEqual(5);
    expect(sms).toMatch(
      /^【12345】您的工单.*已由承办单位答复：经现场核实，.*……（答复全文可在12345小程序查看，或致电12345）。稍后将回访您，请留意。$/,
    );
  });

  test('when the callback has no delay, then the survey starts as soon as the answer is out, without waiting for a sweep', async () => {
    expect((await admin.patch('/api/v1/callbacks/settings', { delayMinutes: 0 })).status).toBe(200);
    try {
      const phone = newPhone();
      const ticket = await replied(phone); // no sweep
      await eventually(() => sentTo(phone).some((b) => b.includes('进行回访')));
      const sent = sentTo(phone);
      expect(sent.findIndex((b) => b.includes('已由承办单位答复：已安排维修'))).toBeLessThan(sent.findIndex((b) => b.includes('进行回访')));
      expect(await callbackOf(ticket.id)).toMatchObject({ status: 'asking', channel: 'sms' });
    } finally {
      await admin.patch('/api/v1/callbacks/settings', { delayMinutes: 1 });
    }
  });

  test('when the category is answered in person, then the citizen is told only that the ticket was answered, and 查询 does not show it', async () => {
    const set = (answerInPerson: boolean) => admin.patch(`/api/v1/categories/${ids.category('01')}`, { answerInPerson });
    expect((await set(true)).body).toMatchObject({ answerInPerson: true });
    try {
      const phone = newPhone();
      const ticket = await replied(phone); // category 0104, below 01
      expect(sentTo(phone).at(-1)).toBe(`【12345】您的工单${ticket.number}已由承办单位答复，稍后将回访您，请留意。`);
      expect(await say(phone, `查询 ${ticket.number}`, sentTo(phone).length + 1)).toBe(`【12345】工单${ticket.number}当前状态：已答复。`);
    } finally {
      await set(false);
    }
    expect((await admin.patch(`/api/v1/categories/${ids.category('01')}`, { answerInPerson: 'yes' })).status).toBe(400);
  });

  test('when the caller asked for confidentiality, then the SMS says only that the ticket was answered', async () => {
    const phone = newPhone();
    const ticket = await replied(phone, { caller: { phone, name: '王先生', confidential: true } });
    expect(sentTo(phone).at(-1)).toBe(`【12345】您的工单${ticket.number}已由承办单位答复，稍后将回访您，请留意。`);
  });
});
