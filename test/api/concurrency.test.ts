import { refuseInserts } from '../support/faults';
import { act, createTicket } from '../support/tickets';
import { demoIds, startTestHub, type AuthedAgent, type TestHub } from '../support/test-hub';

let t: TestHub;
let ids: Awaited<ReturnType<typeof demoIds>>;
let operator: AuthedAgent;

beforeAll(async () => {
  t = await startTestHub({ env: { DATABASE_POOL_MAX: '10' } });
  ids = await demoIds(t.hub);
  operator = await t.as('operator');
});
afterAll(() => t.close());

describe('concurrent changes', () => {
  test('when 100 tickets are created at once, then every number is unique and consecutive for the day', async () => {
    const created = await Promise.all(Array.from({ length: 100 }, (_, i) => createTicket(operator, { description: `并发测试 ${i}` })));
    const numbers = created.map((c) => c.number);
    expect(new Set(numbers).size).toBe(100);
    const sequence = numbers.map((n) => Number(n.split('-')[1])).sort((a, b) => a - b);
    expect(sequence.at(-1)! - sequence[0]!).toBe(99);
  });

  test('when two agents sign for the same ticket at once, then one wins and the other gets 409', async () => {
    const ticket = await createTicket(operator);
    await t.hub.queue.drain();
    await act(operator, ticket.id, 'dispatch', { departmentId: ids.department('ZJJ') });
    const [agent, head] = [await t.as('agent'), await t.as('head')];
    const results = await Promise.all([
      agent.post(`/api/v1/tickets/${ticket.id}/sign-for`, {}),
      head.post(`/api/v1/tickets/${ticket.id}/sign-for`, {}),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const events = await t.hub.db('ticket_events').where({ ticket_id: ticket.id, type: 'sign_for' });
    expect(events).toHaveLength(1);
  });

  test('when many conflicting actions race on one ticket, then exactly one transition happens', async () => {
    const ticket = await createTicket(operator);
    await t.hub.queue.drain();
    // All of these leave 待分拨, so after the first one none of the others is allowed.
    const supervisor = await t.as('supervisor');
    const attempts = await Promise.all([
      ...['ZJJ', 'CGJ', 'GAJ', 'RSJ'].map((code) =>
        operator.post(`/api/v1/tickets/${ticket.id}/dispatch`, { departmentId: ids.department(code) }),
      ),
      supervisor.post(`/api/v1/tickets/${ticket.id}/resolve-directly`, { answer: '已解答' }),
    ]);
    expect(attempts.filter((r) => r.status === 200)).toHaveLength(1);
    expect(attempts.filter((r) => r.status === 409)).toHaveLength(4);
    expect(await t.hub.db('ticket_events').where({ ticket_id: ticket.id }).whereIn('type', ['dispatch', 'resolve_directly'])).toHaveLength(
      1,
    );
    expect((await t.hub.db('ticket_assignments').where({ ticket_id: ticket.id, role: 'lead' })).length).toBeLessThanOrEqual(1);
  });

  test('when an action carries a stale expectedVersion, then 409 and nothing changes', async () => {
    const ticket = await createTicket(operator);
    await t.hub.queue.drain();
    const current = (await operator.get(`/api/v1/tickets/${ticket.id}`)).body;
    await act(operator, ticket.id, 'note', { text: '第一条', expectedVersion: current.version });
    const stale = await operator.post(`/api/v1/tickets/${ticket.id}/note`, { text: '第二条', expectedVersion: current.version });
    expect(stale.status).toBe(409);
    expect(stale.body.error.details.version).toBe(current.version + 1);
  });
});

describe('atomic transitions', () => {
  test('when the database fails in the middle of a transition, then neither the ticket nor its timeline nor the outbox changes', async () => {
    const ticket = await createTicket(operator);
    await t.hub.queue.drain();
    // A real failure inside the transaction: the event insert for dispatch raises.
    const repair = await refuseInserts(t.hub.db, 'ticket_events', 'type', 'dispatch', 'simulated crash');
    try {
      const res = await operator.post(`/api/v1/tickets/${ticket.id}/dispatch`, { departmentId: ids.department('ZJJ') });
      expect(res.status).toBe(500);
      expect(res.body.error).toEqual({ code: 'INTERNAL', message: '系统内部错误' });
    } finally {
      await repair();
    }
    const after = (await operator.get(`/api/v1/tickets/${ticket.id}`)).body;
    expect(after).toMatchObject({ status: 'triage', leadDepartment: null, assignments: [] });
    expect(await t.hub.db('outbox').where({ ticket_id: ticket.id })).toHaveLength(0);
    // And the ticket still works afterwards.
    await act(operator, ticket.id, 'dispatch', { departmentId: ids.department('ZJJ') });
  });

  test('when someone edits or deletes the timeline, then the database refuses', async () => {
    const ticket = await createTicket(operator);
    await expect(t.hub.db('ticket_events').where({ ticket_id: ticket.id }).update({ reason: 'rewritten' })).rejects.toThrow(/append-only/);
    await expect(t.hub.db('ticket_events').where({ ticket_id: ticket.id }).delete()).rejects.toThrow(/append-only/);
  });
});
