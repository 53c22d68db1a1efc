import { startFakeWeChat } from '../support/fake-wechat';
import { act, createTicket } from '../support/tickets';
import { demoIds, startTestHub, type AuthedAgent, type TestHub } from '../support/test-hub';

const app = { appId: 'wx0123456789abcdef', secret: 'wechat-secret-0123456789' };
let wechat: Awaited<ReturnType<typeof startFakeWeChat>>;
let t: TestHub;
let ids: Awaited<ReturnType<typeof demoIds>>;
let admin: AuthedAgent;
let seat: AuthedAgent;
let agent: AuthedAgent;
let head: AuthedAgent;
let runner: AuthedAgent;

beforeAll(async () => {
  wechat = await startFakeWeChat(app);
  t = await startTestHub({ env: { WECHAT_APPID: app.appId, WECHAT_SECRET: app.secret, WECHAT_API_BASE: wechat.url } });
  ids = await demoIds(t.hub);
  [admin, seat, agent, head, runner] = await Promise.all([t.as('admin'), t.as('operator'), t.as('agent'), t.as('head'), t.as('runner')]);
});
afterAll(async () => {
  await t.close();
  await wechat.close();
});

const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
const day = (offset = 0) => new Date(Date.now() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
const outboxOf = (appointmentId: number, occasion: string) =>
  t.hub.db('outbox').where({ kind: 'citizen.chat_reply', dedupe_key: `appointment-${occasion}:${appointmentId}` });

describe('appointments (特殊办, 预约)', () => {
  test('when the seat books a late-hours slot, then it is confirmed, never past capacity, reminded once the day before, and kept or missed recorded', async () => {
    const slot = { departmentId: ids.department('ZJJ'), mode: 'late', startsAt: inHours(20), endsAt: inHours(21), capacity: 2 };
    // Bad slots change nothing.
    expect((await admin.post('/api/v1/appointment-slots', { ...slot, endsAt: inHours(19) })).status).toBe(400);
    expect((await admin.post('/api/v1/appointment-slots', { ...slot, startsAt: inHours(-2), endsAt: inHours(-1) })).status).toBe(400);
    expect((await admin.post('/api/v1/appointment-slots', { ...slot, departmentId: 999_999 })).status).toBe(400);
    expect((await admin.post('/api/v1/appointment-slots', { ...slot, mode: 'midnight' })).status).toBe(400);
    expect((await admin.post('/api/v1/appointment-slots', { ...slot, capacity: 0 })).status).toBe(400);
    expect((await head.post('/api/v1/appointment-slots', { ...slot, departmentId: ids.department('CGJ') })).status).toBe(403);
    expect((await agent.post('/api/v1/appointment-slots', slot)).status).toBe(403);
    expect(await t.hub.db('appointment_slots')).toHaveLength(0);
    const opened = await head.post('/api/v1/appointment-slots', slot);
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ mode: 'late', capacity: 2, booked: 0, departmentName: '市住房和城乡建设局' });

    const book = (phone: string) => seat.post('/api/v1/appointments', { slotId: opened.body.id, phone });
    expect((await seat.post('/api/v1/appointments', { slotId: opened.body.id })).status).toBe(400);
    expect((await agent.post('/api/v1/appointments', { slotId: opened.body.id, phone: '13955550001' })).status).toBe(403);
    const first = await book('13955550001');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'booked', mode: 'late', phone: '+8613955550001' });
    expect((await book('13955550001')).status).toBe(409);
    expect((await book('13955550002')).status).toBe(201);
    const full = await book('13955550003');
    expect(full.status).toBe(409);
    expect(full.body.error.message).toContain('已约满');
    const [confirmation] = await outboxOf(first.body.id, 'booked');
    expect(confirmation).toMatchObject({ channel: 'sms' });
    expect(confirmation.payload.text).toContain('延时办理，请到市住房和城乡建设局窗口');

    // The day before: the citizen and the department's staff are reminded, once.
    expect(await t.hub.services.appointments.remind()).toBe(2);
    expect(await t.hub.services.appointments.remind()).toBe(0);
    expect(await outboxOf(first.body.id, 'reminder')).toHaveLength(1);
    const notices = (await agent.get('/api/v1/notifications?limit=50')).body.items as Array<{ kind: string }>;
    expect(notices.filter((n) => n.kind === 'appointment.reminder')).toHaveLength(2);

    // The department sees its appointments, the caller's number masked; another department does not.
    const listed = (await agent.get(`/api/v1/appointments?from=${day()}&to=${day(2)}`)).body.items;
    expect(listed.map((a: { phone: string }) => a.phone)).toEqual(['+86139****0001', '+86139****0002']);
    expect((await (await t.as('cg_agent')).get(`/api/v1/appointments?from=${day()}&to=${day(2)}`)).body.items).toEqual([]);

    // Kept at once; missed only once its time has come; each once; not by another department.
    expect((await (await t.as('cg_agent')).post(`/api/v1/appointments/${first.body.id}/kept`, {})).status).toBe(403);
    expect((await agent.post(`/api/v1/appointments/${first.body.id}/kept`, { note: '已延时办结' })).body).toMatchObject({ status: 'kept' });
    expect((await agent.post(`/api/v1/appointments/${first.body.id}/missed`, {})).status).toBe(409);
    const second = listed[1].id as number;
    expect((await agent.post(`/api/v1/appointments/${second}/missed`, {})).status).toBe(409);
    await t.hub
      .db('appointment_slots')
      .update({ starts_at: new Date(Date.now() - 3_600_000), ends_at: new Date() })
      .where({ id: opened.body.id });
    expect((await agent.post(`/api/v1/appointments/${second}/missed`, {})).body).toMatchObject({ status: 'missed' });
  });

  test('when a citizen books a home visit in the mini-program for their 代办, then it goes on the runner’s order with the address', async () => {
    const login = await t.http.post('/api/mp/v1/login').send({ code: 'code-oHomeVisit0000000000000000' });
    const auth = `Bearer ${login.body.token}`;
    const mp = {
      get: (path: string) => t.http.get(`/api/mp/v1${path}`).set('Authorization', auth),
      post: (path: string, body: object) => t.http.post(`/api/mp/v1${path}`).set('Authorization', auth).send(body),
    };
    // Their 代办, taken by the seat for the contact the mini-program signed in as.
    const contactId = Number((await t.hub.db('contacts').where({ wechat_openid: 'oHomeVisit0000000000000000' }).first()).id);
    const proxySeat = await t.as('proxy');
    const ticket = await createTicket(proxySeat, {
      requestType: 'proxy',
      description: '卧床老人申请上门办理老年人优待证',
      regionId: ids.region('990121100001'),
      proxy: { matter: '老年人优待证', serviceMode: 'home_assistance', applicantAddress: '城关社区11栋302' },
    });
    await t.hub.db('tickets').update({ contact_id: contactId }).where({ id: ticket.id });
    await act(proxySeat, ticket.id, 'dispatch', {});
    await t.hub.queue.drain();
    const order = await t.hub.db('proxy_orders').where({ ticket_id: ticket.id }).first();
    await runner.post(`/api/v1/proxy/orders/${order.id}/accept`, {});

    const matterId = Number((await t.hub.db('proxy_matters').where({ code: 'ELDER_CARD' }).first()).id);
    const slot = (
      await admin.post('/api/v1/appointment-slots', {
        departmentId: ids.department('XSPT'),
        matterId,
        mode: 'home',
        startsAt: inHours(48),
        endsAt: inHours(50),
        capacity: 3,
      })
    ).body;
    const open = (await mp.get(`/appointment-slots?matterId=${matterId}`)).body.items as Array<{ id: number; mode: string }>;
    expect(open.map((s) => s.id)).toContain(slot.id);
    expect((await mp.post('/appointments', { slotId: 999_999 })).status).toBe(404);
    // Not someone else's ticket.
    const others = await createTicket(proxySeat, { description: '别人的工单', caller: { phone: '13955550099' } });
    expect((await mp.post('/appointments', { slotId: slot.id, ticketId: others.id })).status).toBe(400);

    const booked = await mp.post('/appointments', { slotId: slot.id, ticketId: ticket.id });
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({ status: 'booked', mode: 'home', address: '城关社区11栋302', ticketNumber: ticket.number });
    expect((await outboxOf(booked.body.id, 'booked')).map((m) => m.channel)).toEqual(['miniprogram']);
    // On the runner's order, and in their notices.
    const seen = (await runner.get(`/api/v1/proxy/orders/${order.id}`)).body;
    expect(seen.visits).toEqual([expect.objectContaining({ id: booked.body.id, address: '城关社区11栋302', status: 'booked' })]);
    const notices = (await runner.get('/api/v1/notifications?limit=50')).body.items as Array<{ kind: string; ticketId: number }>;
    expect(notices.find((n) => n.kind === 'appointment.booked')).toMatchObject({ ticketId: ticket.id });

    expect((await mp.get('/appointments')).body.items).toEqual([expect.objectContaining({ id: booked.body.id, status: 'booked' })]);
    expect((await mp.post(`/appointments/${booked.body.id}/cancel`, {})).body).toMatchObject({ status: 'cancelled' });
    expect((await mp.post(`/appointments/${booked.body.id}/cancel`, {})).status).toBe(409);
  });

  test('when a citizen texts 预约 and a slot number, then it is booked and confirmed by SMS, and a full or unknown slot is answered why', async () => {
    const slot = (
      await admin.post('/api/v1/appointment-slots', {
        departmentId: ids.department('ZJJ'),
        mode: 'holiday',
        startsAt: inHours(72),
        endsAt: inHours(75),
        capacity: 1,
      })
    ).body;
    let sid = 0;
    const text = async (phone: string, words: string) => {
      await t.hub.services.intake.receive({
        channel: 'sms',
        providerId: `SMappointment${sid++}`,
        from: { phone },
        text: words,
        media: [],
        receivedAt: new Date(),
        raw: {},
      });
      await t.hub.queue.drain();
    };
    await text('+8613955550021', `预约 ${slot.id}`);
    const [booked] = await t.hub.db('appointments').where({ slot_id: slot.id });
    expect(booked).toMatchObject({ channel: 'sms', status: 'booked' });
    expect((await outboxOf(Number(booked.id), 'booked'))[0].payload.text).toContain('节假日办理');
    expect(await t.hub.db('inbound_messages').where({ provider_id: 'SMappointment0' }).first()).toMatchObject({ kind: 'appointment' });

    await text('+8613955550022', `预约${slot.id}`);
    await text('+8613955550022', '预约 999999');
    const replies = await t.hub
      .db('outbox as o')
      .join('contacts as c', 'c.id', t.hub.db.raw("(o.recipient->>'contactId')::bigint"))
      .where('c.phone', '+8613955550022')
      .orderBy('o.id')
      .select('o.payload');
    expect(replies.map((r) => r.payload.text)).toEqual([
      `时段${slot.id}不能预约（已约满、已开始，或您已预约），请选择其他时段。`,
      '没有编号为999999的预约时段，请核对后重发，或致电12345。',
    ]);
    // The seat cancels the first booking (the citizen called): the place is free again, and the second citizen gets it.
    expect((await agent.post(`/api/v1/appointments/${booked.id}/cancel`, {})).status).toBe(403);
    expect((await seat.post(`/api/v1/appointments/${booked.id}/cancel`, { note: '市民来电取消' })).body).toMatchObject({
      status: 'cancelled',
    });
    expect((await seat.post(`/api/v1/appointments/${booked.id}/cancel`, {})).status).toBe(409);
    await text('+8613955550022', `预约 ${slot.id}`);
    expect(await t.hub.db('appointments').where({ slot_id: slot.id, status: 'booked' })).toHaveLength(1);

    // Nobody opened a ticket by it.
    expect(await t.hub.db('tickets as t').join('contacts as c', 'c.id', 't.contact_id').where('c.phone', '+8613955550022')).toHaveLength(0);
  });
});
