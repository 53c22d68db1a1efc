import WebSocket from 'ws';
import { eventually } from '../support/fake-twilio';
import { cookieOf, listen, type Heard } from '../support/staff-socket';
import { act, createTicket } from '../support/tickets';
import { demoIds, startTestHub, usesRedis, type TestHub } from '../support/test-hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

function refusal(headers: Record<string, string>): Promise<number | undefined> {
  const socket = new WebSocket(`${t.hub.url()!.replace('http', 'ws')}/api/v1/ws`, { headers });
  return new Promise((resolve) => {
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode));
    socket.on('open', () => resolve(101));
    socket.on('error', () => resolve(undefined));
  });
}

describe('the staff WebSocket (/api/v1/ws)', () => {
  test('when a ticket moves, then the center and the department it goes to hear it at once, and another department does not', async () => {
    const [operatorEars, agentEars, otherEars] = await Promise.all([listen(t, 'operator'), listen(t, 'agent'), listen(t, 'cg_agent')]);
    const operator = await t.as('operator');
    const ticket = await createTicket(operator);
    await eventually(() => operatorEars.heard.find((e) => e.type === 'tickets_created'));
    await act(operator, ticket.id, 'dispatch', { departmentId: (await demoIds(t.hub)).department('ZJJ') });

    const expected = { type: 'ticket', ticketId: ticket.id, number: ticket.number, status: 'dispatched', action: 'dispatch' };
    const dispatched = (e: Heard) => e.type === 'ticket' && e.action === 'dispatch';
    expect(await eventually(() => operatorEars.heard.find(dispatched))).toMatchObject(expected);
    expect(await eventually(() => agentEars.heard.find(dispatched))).toMatchObject(expected);
    // The department's notice (the outbox's department channel) rings the agent's bell at once.
    await eventually(() => agentEars.heard.find((e) => e.type === 'notification'));
    // Department staff hear only their department's tickets, and nothing of the center's queues.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(otherEars.heard.map((e) => e.type)).toEqual(['hello']);
    expect(agentEars.heard.some((e) => e.type === 'tickets_created')).toBe(false);
    for (const ears of [operatorEars, agentEars, otherEars]) ears.close();
  });

  test('when the upgrade comes without the session cookie, from another site, or with a dead session, then it is refused', async () => {
    const origin = t.hub.url()!;
    const cookie = await cookieOf(t, 'operator');
    expect(await refusal({ origin })).toBe(401);
    expect(await refusal({ origin, cookie: 'hh_session=hhs_not-a-session' })).toBe(401);
    expect(await refusal({ origin: 'https://evil.example', cookie })).toBe(403);
    expect(await refusal({ cookie })).toBe(403); // no Origin: not a page of the hub
    expect(await refusal({ origin, cookie })).toBe(101);
    const signedOut = await fetch(`${origin}/api/v1/auth/logout`, { method: 'POST', headers: { cookie, origin } });
    expect(signedOut.status).toBe(204);
    expect(await refusal({ origin, cookie })).toBe(401);
  });

  test('when the switch reports an incoming call, then it pops up on the on-duty seats only, with the number and the menu choice', async () => {
    const admin = await t.as('admin');
    const users = (await admin.get('/api/v1/users')).body.items as Array<{ id: number; username: string }>;
    const idOf = (username: string) => users.find((u) => u.username === username)!.id;
    // The switch's integration: an API key of a seat user with the write scope.
    const key = (
      await admin.post('/api/v1/api-keys', { name: 'call-center switch', userId: idOf('supervisor'), scopes: ['read', 'write'] })
    ).body.key as string;
    const proxySeat = await t.as('proxy');
    await proxySeat.patch(`/api/v1/users/${idOf('proxy')}/work`, { onDuty: false }).expect(200);
    const [operatorEars, proxyEars] = await Promise.all([listen(t, 'operator'), listen(t, 'proxy')]);

    const bad = await t.http.post('/api/v1/calls/incoming').set('X-Api-Key', key).send({ callId: 'C-1', phone: '12' });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const unknownField = await t.http.post('/api/v1/calls/incoming').set('X-Api-Key', key).send({ callId: 'C-1', who: 'x' });
    expect(unknownField.status).toBe(400);
    expect(await t.hub.db('calls').where({ call_sid: 'switch:C-1' }).first()).toBeUndefined();

    const rang = await t.http
      .post('/api/v1/calls/incoming')
      .set('X-Api-Key', key)
      .send({ callId: 'C-2', phone: '13912345678', menu: '1 咨询投诉' });
    expect(rang.status).toBe(202);
    expect(rang.body).toEqual({ callSid: 'switch:C-2', offeredTo: 1 });
    expect(await eventually(() => operatorEars.heard.find((e) => e.type === 'call'))).toMatchObject({
      callId: 'switch:C-2',
      phone: '+8613912345678',
      menu: '1 咨询投诉',
      source: 'switch',
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(proxyEars.heard.some((e) => e.type === 'call')).toBe(false); // off duty

    // A department's agent may not report calls.
    const agent = await t.as('agent');
    expect((await agent.post('/api/v1/calls/incoming', { callId: 'C-3', phone: '13912345678' })).status).toBe(403);
    await proxySeat.patch(`/api/v1/users/${idOf('proxy')}/work`, { onDuty: true }).expect(200);
    operatorEars.close();
    proxyEars.close();
  });

  test('when a notification is written for someone (the daily digest), then their bell hears of it at once, and nobody else’s', async () => {
    const [supervisorEars, operatorEars] = await Promise.all([listen(t, 'supervisor'), listen(t, 'operator')]);
    const evening = new Date();
    evening.setUTCHours(15, 0, 0, 0); // 23:00 in Beijing: past the digest's hour
    expect(await t.hub.services.slaAlerts.digest(evening)).toBeGreaterThan(0);
    await eventually(() => supervisorEars.heard.find((e) => e.type === 'notification'));
    const unread = (await (await t.as('supervisor')).get('/api/v1/notifications?unread=true')).body;
    expect(unread.items[0]).toMatchObject({ kind: 'sla.digest' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(operatorEars.heard.some((e) => e.type === 'notification')).toBe(false);
    supervisorEars.close();
    operatorEars.close();
  });

  (usesRedis() ? test : test.skip)(
    'when the change happens on another api process, then this one’s sockets hear it (Redis pub/sub)',
    async () => {
      const peer = await startTestHub({ peerOf: t });
      try {
        const ears = await listen(peer, 'operator');
        const operator = await t.as('operator');
        const ticket = await createTicket(operator);
        await act(operator, ticket.id, 'dispatch', { departmentId: (await demoIds(t.hub)).department('ZJJ') });
        expect(await eventually(() => ears.heard.find((e) => e.ticketId === ticket.id && e.action === 'dispatch'))).toMatchObject({
          status: 'dispatched',
        });
        ears.close();
      } finally {
        await peer.close();
      }
    },
  );
});
