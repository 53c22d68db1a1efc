import { unassignedOrders } from '../../src/proxy/orders.repository';
import { act, createTicket } from '../support/tickets';
import { demoIds, startTestHub, type AuthedAgent, type TestHub } from '../support/test-hub';

let t: TestHub;
let ids: Awaited<ReturnType<typeof demoIds>>;
let seat: AuthedAgent;
let operator: AuthedAgent;
let agent: AuthedAgent;
let runner: AuthedAgent;
let admin: AuthedAgent;

beforeAll(async () => {
  t = await startTestHub();
  ids = await demoIds(t.hub);
  [seat, operator, agent, runner, admin] = await Promise.all([
    t.as('proxy'),
    t.as('operator'),
    t.as('agent'),
    t.as('runner'),
    t.as('admin'),
  ]);
});
afterAll(() => t.close());

const contactOf = async (ticketId: number) => Number((await t.hub.db('tickets').where({ id: ticketId }).first()).contact_id);
const proxyRequest = (phone: string, name: string) =>
  createTicket(seat, {
    requestType: 'proxy',
    description: `${name}行动不便，申请代办老年人优待证`,
    regionId: ids.region('990121100001'),
    caller: { phone, name },
    proxy: { matter: '老年人优待证', serviceMode: 'home_assistance', applicantAddress: '城关社区7栋' },
  });
const flag = { vulnerability: ['elderly', 'disabled'], consent: true, method: 'verbal', note: '来电中本人同意' };

describe('vulnerable applicants (特殊群体)', () => {
  test('when the seat flags a caller with their consent, then the center and the runner serving them see it, other departments never do, and it can be withdrawn', async () => {
    const ticket = await proxyRequest('13912340001', '王奶奶');
    const contactId = await contactOf(ticket.id);
    const put = (who: AuthedAgent, body: object, id = contactId) => who.put(`/api/v1/contacts/${id}/vulnerability`, body);

    // Only with consent, of the kinds there are, by the center; a refusal changes nothing.
    expect((await put(agent, flag)).status).toBe(403);
    expect((await put(runner, flag)).status).toBe(403);
    expect((await put(seat, { ...flag, consent: false })).status).toBe(400);
    expect((await put(seat, { ...flag, vulnerability: ['poor'] })).status).toBe(400);
    expect((await put(seat, { ...flag, vulnerability: [] })).status).toBe(400);
    expect((await put(seat, { ...flag, method: 'guess' })).status).toBe(400);
    expect((await put(seat, flag, 999_999)).status).toBe(404);
    expect((await t.hub.db('contacts').where({ id: contactId }).first()).vulnerability).toEqual([]);

    const flagged = await put(seat, flag);
    expect(flagged.status).toBe(200);
    expect(flagged.body).toMatchObject({
      vulnerability: ['elderly', 'disabled'],
      consent: { method: 'verbal', recordedByName: '李娜（代办专席）', note: '来电中本人同意' },
    });
    expect(await t.hub.db('audit_log').where({ action: 'contact.vulnerability_recorded', target: `contact:${contactId}` })).toHaveLength(1);
    expect((await operator.get('/api/v1/callers/history?phone=13912340001')).body.contact.vulnerability).toEqual(['elderly', 'disabled']);
    expect((await operator.get(`/api/v1/tickets/${ticket.id}`)).body.contact.vulnerability).toEqual(['elderly', 'disabled']);

    // The runner serving the order sees it, on the order and the ticket.
    await act(seat, ticket.id, 'dispatch', {});
    await t.hub.queue.drain();
    const order = await t.hub.db('proxy_orders').where({ ticket_id: ticket.id }).first();
    expect((await runner.get(`/api/v1/proxy/orders/${order.id}`)).body.applicant).toEqual({ vulnerability: ['elderly', 'disabled'] });
    expect((await runner.get(`/api/v1/tickets/${ticket.id}`)).body.contact).toMatchObject({
      masked: true,
      vulnerability: ['elderly', 'disabled'],
    });

    // The housing bureau handling her complaint does not learn it.
    const complaint = await createTicket(operator, { description: '楼道灯坏了', caller: { phone: '13912340001', name: '王奶奶' } });
    await act(operator, complaint.id, 'dispatch', { departmentId: ids.department('ZJJ') });
    const seen = (await agent.get(`/api/v1/tickets/${complaint.id}`)).body.contact;
    expect(seen).toMatchObject({ masked: true, vulnerability: [] });
    expect(seen.phone).not.toContain('13912340001');

    const cleared = await seat.delete(`/api/v1/contacts/${contactId}/vulnerability`);
    expect(cleared.status).toBe(200);
    expect(cleared.body).toEqual({ contactId, vulnerability: [], consent: null });
    expect(await t.hub.db('audit_log').where({ action: 'contact.vulnerability_cleared', target: `contact:${contactId}` })).toHaveLength(1);
    expect((await runner.get(`/api/v1/proxy/orders/${order.id}`)).body.applicant).toEqual({ vulnerability: [] });
  });

  test('when runners are busy, then a vulnerable applicant’s order is offered first; and an erasure takes the flag with the rest', async () => {
    await t.hub.db('users').update({ on_duty: false }).where({ role: 'runner' });
    const first = await proxyRequest('13912340011', '赵大爷');
    const second = await proxyRequest('13912340012', '钱奶奶');
    await seat.put(`/api/v1/contacts/${await contactOf(second.id)}/vulnerability`, { ...flag, vulnerability: ['seriously_ill'] });
    for (const ticket of [first, second]) await act(seat, ticket.id, 'dispatch', {});
    await t.hub.queue.drain();
    const orderOf = async (ticketId: number) => Number((await t.hub.db('proxy_orders').where({ ticket_id: ticketId }).first()).id);
    const waiting = (await unassignedOrders(t.hub.db, 100)).map((o) => Number(o.id));
    expect(waiting.indexOf(await orderOf(second.id))).toBeLessThan(waiting.indexOf(await orderOf(first.id)));
    await t.hub.db('users').update({ on_duty: true }).where({ role: 'runner' });

    expect((await admin.post('/api/v1/privacy/erasure-requests', { phone: '13912340012', reason: '本人申请' })).status).toBe(200);
    expect(
      await t.hub
        .db('contacts')
        .where({ id: await contactOf(second.id) })
        .first(),
    ).toMatchObject({
      vulnerability: [],
      vulnerability_consent: null,
    });
  });
});
