import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { eventually } from '../support/fake-twilio';
import { startFakeWeChat } from '../support/fake-wechat';
import { act } from '../support/tickets';
import { demoIds, startTestHub, type TestHub } from '../support/test-hub';

const app = { appId: 'wx0123456789abcdef', secret: 'wechat-secret-0123456789' };
let wechat: Awaited<ReturnType<typeof startFakeWeChat>>;
let t: TestHub;

beforeAll(async () => {
  wechat = await startFakeWeChat(app);
  t = await startTestHub({
    env: {
      WECHAT_APPID: app.appId,
      WECHAT_SECRET: app.secret,
      WECHAT_API_BASE: wechat.url,
      WECHAT_STATUS_TEMPLATE_ID: 'TPL-status',
      OUTBOX_RETRY_BASE_MS: '50',
      OUTBOX_SWEEP_MS: '200',
    },
  });
});
afterAll(async () => {
  await t.close();
  await wechat.close();
});

let openidSeq = 0;
async function citizen() {
  const openid = `o${String(openidSeq++).padStart(27, 'x')}`;
  const login = await t.http.post('/api/mp/v1/login').send({ code: `code-${openid}` });
  expect(login.status).toBe(200);
  const auth = `Bearer ${login.body.token}`;
  return {
    openid,
    token: login.body.token as string,
    send: (body: object) =>
      t.http
        .post('/api/mp/v1/messages')
        .set('Authorization', auth)
        .send({ clientMessageId: randomUUID(), ...body }),
    get: (path: string) => t.http.get(`/api/mp/v1${path}`).set('Authorization', auth),
  };
}

async function firstTicket(c: Awaited<ReturnType<typeof citizen>>) {
  const items = await eventually(async () => {
    const list = (await c.get('/tickets')).body.items;
    return list.length > 0 && list;
  });
  return items[0] as { id: number; number: string; status: string };
}

describe('mini-program', () => {
  test('when a citizen signs in with a bad code or no token, then 401; a good code gives a session', async () => {
    expect((await t.http.post('/api/mp/v1/login').send({ code: 'forged' })).status).toBe(401);
    expect((await t.http.post('/api/mp/v1/login').send({})).status).toBe(400);
    expect((await t.http.get('/api/mp/v1/tickets')).status).toBe(401);
    expect((await t.http.get('/api/mp/v1/tickets').set('Authorization', 'Bearer hhc_nope')).status).toBe(401);
    const c = await citizen();
    expect(c.token).toMatch(/^hhc_/);
    // A staff token is no citizen session, and a citizen session opens nothing of the staff API.
    expect((await t.http.get('/api/mp/v1/tickets').set('Authorization', `Bearer ${await t.token('operator')}`)).status).toBe(401);
    expect((await t.http.get('/api/v1/tickets').set('Authorization', `Bearer ${c.token}`)).status).toBe(401);
  });

  test('when a citizen starts a request with pictures and a place, then a ticket opens and the chat shows both sides', async () => {
    const c = await citizen();
    const clientMessageId = randomUUID();
    const body = {
      clientMessageId,
      text: '小区门口的下水道井盖缺失，很危险',
      images: [{ url: 'cloud://prod-1a2b/uploads/manhole.jpg' }],
      location: { address: '东城区东华街道滨河社区2号门', latitude: 31.23, longitude: 121.47 },
    };
    const sent = await c.send(body);
    expect(sent.status).toBe(202);
    const again = await c.send(body);
    expect(again.body).toEqual({ messageId: sent.body.messageId, duplicate: true });
    const ticket = await firstTicket(c);
    const row = await t.hub.db('tickets').where({ id: ticket.id }).first();
    expect(row).toMatchObject({
      channel: 'miniprogram',
      address: '东城区东华街道滨河社区2号门',
      location: { latitude: 31.23, longitude: 121.47 },
      description: '小区门口的下水道井盖缺失，很危险',
    });
    // The place is on the ticket for staff, with its coordinates.
    const detail = await (await t.as('supervisor')).get(`/api/v1/tickets/${ticket.id}`);
    expect(detail.body.location).toEqual({ latitude: 31.23, longitude: 121.47 });
    const chat = await eventually(async () => {
      const items = (await c.get('/messages')).body.items;
      return items.length === 2 && items;
    });
    expect(chat[0]).toMatchObject({
      direction: 'in',
      text: body.text,
      media: [{ url: 'cloud://prod-1a2b/uploads/manhole.jpg', contentType: 'image/jpeg' }],
    });
    expect(chat[1]).toMatchObject({ direction: 'out' });
    expect(chat[1].text).toContain(ticket.number);
    expect((await c.get(`/messages?after=${encodeURIComponent(chat[1].at)}`)).body.items).toEqual([]);
    expect((await c.get('/tickets')).body.items).toHaveLength(1);
  });

  test('when WeChat is down at sign-in, then 503 (try again), not 401', async () => {
    wechat.failLogins(1);
    const res = await t.http.post('/api/mp/v1/login').send({ code: 'code-oDownAtLoginxxxxxxxxxxxxxxx' });
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(/微信无响应/);
    expect((await t.http.post('/api/mp/v1/login').send({ code: 'code-oDownAtLoginxxxxxxxxxxxxxxx' })).status).toBe(200);
  });

  test('when WeChat rotated the access token, then the subscription message is sent with a fresh one', async () => {
    const c = await citizen();
    await c.send({ text: '小区路灯坏了' });
    const ticket = await firstTicket(c);
    await eventually(async () => (await t.hub.db('tickets').where({ id: ticket.id }).first()).status === 'triage');
    const operator = await t.as('operator');
    // A first status change gets a token and caches it …
    await act(operator, ticket.id, 'dispatch', { departmentId: (await demoIds(t.hub)).department('ZJJ') });
    await eventually(() => wechat.subscribeMessages.filter((m) => m.touser === c.openid).length === 1);
    // … then WeChat rotates it: the next send is refused once, refreshes, and goes through.
    const other = await citizen();
    await other.send({ text: '楼道灯坏了' });
    const second = await firstTicket(other);
    await eventually(async () => (await t.hub.db('tickets').where({ id: second.id }).first()).status === 'triage');
    wechat.expireTokens();
    const issued = wechat.tokensIssued();
    await act(operator, second.id, 'dispatch', { departmentId: (await demoIds(t.hub)).department('ZJJ') });
    await eventually(() => wechat.subscribeMessages.find((m) => m.touser === other.openid));
    expect(wechat.tokensIssued()).toBe(issued + 1);
    // The send's outcome is recorded just after WeChat answered.
    await eventually(
      async () =>
        (await t.hub.db('outbox').where({ ticket_id: second.id, kind: 'citizen.ticket_status', status: 'sent' }).first()) !== undefined,
    );
    const row = await t.hub.db('outbox').where({ ticket_id: second.id, kind: 'citizen.ticket_status', status: 'sent' }).first();
    expect(row).toMatchObject({ attempts: 1, last_error: null });
  });

  test('when a message is empty, or carries a bad picture reference or unknown fields, then 400 and nothing is stored', async () => {
    const c = await citizen();
    const before = await t.hub.db('inbound_messages').where({ from_openid: c.openid });
    expect((await c.send({ text: '   ' })).status).toBe(400);
    expect((await c.send({ text: 'x', images: [{ url: 'http://evil.example/a.jpg' }] })).status).toBe(400);
    expect((await c.send({ text: 'x', images: Array.from({ length: 10 }, () => ({ url: 'cloud://a/b.jpg' })) })).status).toBe(400);
    expect((await c.send({ text: 'x', priority: 'vip' })).status).toBe(400);
    expect((await c.send({ clientMessageId: 'short', text: 'x' })).status).toBe(400);
    expect(await t.hub.db('inbound_messages').where({ from_openid: c.openid })).toHaveLength(before.length);
  });

  test('when the ticket moves on, then the open WebSocket hears it at once, a subscription message goes out, and the citizen view hides internals', async () => {
    const c = await citizen();
    await c.send({ text: '公园路灯不亮' });
    const ticket = await firstTicket(c);
    await eventually(async () => (await t.hub.db('tickets').where({ id: ticket.id }).first()).status === 'triage');

    const socket = new WebSocket(`${t.hub.url()!.replace('http', 'ws')}/api/mp/v1/ws?token=${c.token}`);
    const events: Array<{ type: string; status?: string; number?: string }> = [];
    socket.on('message', (data) => events.push(JSON.parse(String(data))));
    await eventually(() => events.some((e) => e.type === 'hello'));

    const operator = await t.as('operator');
    const ids = await demoIds(t.hub);
    await act(operator, ticket.id, 'note', { text: '内部备注：群众情绪激动' });
    await act(operator, ticket.id, 'dispatch', { departmentId: ids.department('CGJ') });
    const pushed = await eventually(() => events.find((e) => e.type === 'ticket'));
    expect(pushed).toMatchObject({ status: 'dispatched', number: ticket.number });
    const subscription = await eventually(() => wechat.subscribeMessages.find((m) => m.touser === c.openid));
    expect(subscription).toMatchObject({
      template_id: 'TPL-status',
      data: { character_string1: { value: ticket.number }, phrase2: { value: '已派单' } },
    });
    socket.close();

    const view = (await c.get(`/tickets/${ticket.id}`)).body;
    expect(view).toMatchObject({ number: ticket.number, status: 'dispatched', statusLabel: '已派单' });
    expect(view.steps.map((s: { text: string }) => s.text)).toEqual(['诉求已受理', '已派至承办单位办理']);
    expect(JSON.stringify(view)).not.toMatch(/内部备注|王敏/);

    const other = await citizen();
    expect((await other.get(`/tickets/${ticket.id}`)).status).toBe(404);
  });

  test('when the WebSocket token is wrong, then the upgrade is refused', async () => {
    const socket = new WebSocket(`${t.hub.url()!.replace('http', 'ws')}/api/mp/v1/ws?token=hhc_wrong`);
    const status = await new Promise<number | undefined>((resolve) => {
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode));
      socket.on('error', () => resolve(undefined));
    });
    expect(status).toBe(401);
  });

  test('when the citizen refused subscription messages, or WeChat is briefly down, then the in-app message still counts and nothing is lost', async () => {
    const refusing = await citizen();
    wechat.refuse(refusing.openid);
    await refusing.send({ text: '占道经营' });
    const ticket = await firstTicket(refusing);
    await eventually(async () => (await t.hub.db('tickets').where({ id: ticket.id }).first()).status === 'triage');
    const operator = await t.as('operator');
    const ids = await demoIds(t.hub);
    wechat.failSends(1);
    await act(operator, ticket.id, 'dispatch', { departmentId: ids.department('CGJ') });
    const row = await eventually(async () => {
      const r = await t.hub.db('outbox').where({ ticket_id: ticket.id, kind: 'citizen.ticket_status' }).first();
      return r?.status === 'sent' && r;
    });
    expect(row.attempts).toBe(2);
    expect(row.last_error).toMatch(/in-app only: .*43101/);
    const chat = (await refusing.get('/messages')).body.items;
    expect(chat.some((m: { text: string }) => m.text.includes('已转交承办单位'))).toBe(true);
  });

  test('when the citizen writes again while the ticket is open, then it joins the ticket', async () => {
    const c = await citizen();
    await c.send({ text: '楼上装修噪音' });
    const ticket = await firstTicket(c);
    await c.send({ text: '补充：每天早上7点开始' });
    await eventually(async () => (await t.hub.db('ticket_events').where({ ticket_id: ticket.id, type: 'citizen_message' })).length === 1);
    expect((await c.get('/tickets')).body.items).toHaveLength(1);
    const view = (await c.get(`/tickets/${ticket.id}`)).body;
    expect(view.steps.at(-1)).toMatchObject({ by: '您', text: '您补充：补充：每天早上7点开始' });
  });

  test('when a replied ticket is called back in the mini-program, then a survey card comes, only its citizen answers it, once, and the answers close the ticket', async () => {
    const admin = await t.as('admin');
    expect((await admin.patch('/api/v1/callbacks/settings', { delayMinutes: 0, quietHours: { from: '00:00', to: '00:00' } })).status).toBe(
      200,
    );
    const c = await citizen();
    await c.send({ text: '小区门口井盖松动' });
    const ticket = await firstTicket(c);
    await eventually(async () => (await t.hub.db('tickets').where({ id: ticket.id }).first()).status === 'triage');
    const operator = await t.as('operator');
    const agent = await t.as('agent');
    await act(operator, ticket.id, 'dispatch', { departmentId: (await demoIds(t.hub)).department('ZJJ') });
    await act(agent, ticket.id, 'sign_for');

    const events: Array<{ type: string; callbackId?: number; step?: string; text?: string }> = [];
    const socket = new WebSocket(`${t.hub.url()!.replace('http', 'ws')}/api/mp/v1/ws?token=${c.token}`);
    socket.on('message', (data) => events.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.once('open', resolve));
    try {
      // The hub says hello once the socket listens for this citizen: a push sent before that would be missed, so the
      // reply (whose callback may run at once, with in-process jobs) comes after it.
      await eventually(() => events.find((e) => e.type === 'hello'));
      await act(agent, ticket.id, 'reply', { text: '井盖已更换', solved: true });
      await t.hub.services.callbacks.sweep();
      await t.hub.queue.drain();
      const pushed = await eventually(() => events.find((e) => e.type === 'survey'));
      expect(pushed).toMatchObject({ step: 'contacted', text: expect.stringContaining(`工单${ticket.number}`) });
    } finally {
      socket.close();
    }
    const card = (await c.get('/survey')).body.survey;
    expect(card).toMatchObject({ callbackId: expect.any(Number), ticketNumber: ticket.number });
    expect(card.questions.map((q: { key: string }) => q.key)).toEqual(['contacted', 'resolved', 'satisfaction', 'comment']);
    expect(card.questions[2].options.map((o: { label: string }) => o.label)).toEqual(['满意', '基本满意', '不满意']);

    const answer = (who: Awaited<ReturnType<typeof citizen>>, body: object) =>
      t.http.post(`/api/mp/v1/surveys/${card.callbackId}/answers`).set('Authorization', `Bearer ${who.token}`).send(body);
    expect((await answer(c, { contacted: true, resolved: true, satisfaction: 'happy' })).status).toBe(400);
    expect((await answer(c, { contacted: 'yes', resolved: true, satisfaction: 'satisfied' })).status).toBe(400);
    expect((await answer(await citizen(), { contacted: true, resolved: true, satisfaction: 'satisfied' })).status).toBe(404);
    const done = await answer(c, { contacted: true, resolved: true, satisfaction: 'satisfied', comment: '很及时' });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ outcome: 'closed' });
    expect((await answer(c, { contacted: true, resolved: false, satisfaction: 'unsatisfied' })).status).toBe(409);
    await eventually(async () => (await t.hub.db('tickets').where({ id: ticket.id }).first()).status === 'closed');
    expect((await c.get('/survey')).body.survey).toBeNull();
  });
});
