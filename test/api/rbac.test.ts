import { act, createTicket } from '../support/tickets';
import { demoIds, startTestHub, type AuthedAgent, type TestHub } from '../support/test-hub';

let t: TestHub;
let ids: Awaited<ReturnType<typeof demoIds>>;
let operator: AuthedAgent, agent: AuthedAgent, cgAgent: AuthedAgent;

beforeAll(async () => {
  t = await startTestHub();
  ids = await demoIds(t.hub);
  operator = await t.as('operator');
  agent = await t.as('agent');
  cgAgent = await t.as('cg_agent');
});
afterAll(() => t.close());

async function dispatched(caller: object, departmentCode = 'ZJJ') {
  const ticket = await createTicket(operator, {
    caller,
    description: '反映小区物业不作为，电梯长期停运。',
    categoryId: ids.category('0103'),
  });
  await act(operator, ticket.id, 'dispatch', { departmentId: ids.department(departmentCode) });
  return ticket;
}

describe('role-based access and department scoping', () => {
  test('when not signed in, then every API route answers 401', async () => {
    for (const [method, path] of [
      ['get', '/api/v1/tickets'],
      ['post', '/api/v1/tickets'],
      ['get', '/api/v1/regions'],
      ['post', '/api/v1/tickets/1/sign-for'],
      ['get', '/api/v1/auth/me'],
    ] as const) {
      const res = await t.http[method](path).send({});
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({ path, status: 401, code: 'UNAUTHENTICATED' });
    }
    expect((await t.http.get('/api/v1/tickets').set('Authorization', 'Bearer hht_forged')).status).toBe(401);
    expect((await t.http.get('/api/v1/tickets').set('Authorization', 'Basic abc')).status).toBe(401);
  });

  test('when a department agent lists or opens tickets, then only its own department’s tickets exist for it', async () => {
    const ours = await dispatched({ phone: '13811112222', name: '王五' }, 'ZJJ');
    const theirs = await dispatched({ phone: '13833334444', name: '赵六' }, 'CGJ');
    const listed = (await agent.get('/api/v1/tickets?limit=200')).body.items.map((x: { id: number }) => x.id);
    expect(listed).toContain(ours.id);
    expect(listed).not.toContain(theirs.id);
    const other = await agent.get(`/api/v1/tickets/${theirs.id}`);
    expect(other.status).toBe(404);
    expect((await agent.post(`/api/v1/tickets/${theirs.id}/sign-for`, {})).status).toBe(404);
    // Filtering by another department does not widen the scope.
    const filtered = (await agent.get(`/api/v1/tickets?departmentId=${ids.department('CGJ')}`)).body.items;
    expect(filtered).toEqual([]);
  });

  test('when an assisting department opens a ticket, then it sees it but may not act as lead', async () => {
    const ticket = await dispatched({ phone: '13855556666' });
    await act(operator, ticket.id, 'add_assist', { departmentIds: [ids.department('CGJ')] });
    expect((await cgAgent.get(`/api/v1/tickets/${ticket.id}`)).status).toBe(200);
    expect((await cgAgent.post(`/api/v1/tickets/${ticket.id}/return`, { reasonCode: 'other', reason: 'x' })).status).toBe(403);
  });

  test('when department staff read a ticket, then phone and ID numbers are masked; center staff see them in clear', async () => {
    const ticket = await dispatched({ phone: '13812345678', name: '张三', idNumber: '11010119900307123X' });
    const forAgent = (await agent.get(`/api/v1/tickets/${ticket.id}`)).body.contact;
    expect(forAgent).toMatchObject({ name: '张三', phone: '+86138****5678', idNumber: '110101********123X', masked: true });
    const listed = (await agent.get('/api/v1/tickets')).body.items.find((x: { id: number }) => x.id === ticket.id);
    expect(listed.contact.phone).toBe('+86138****5678');
    const forOperator = (await operator.get(`/api/v1/tickets/${ticket.id}`)).body.contact;
    expect(forOperator).toMatchObject({ phone: '+8613812345678', idNumber: '11010119900307123X', masked: false });
  });

  test('when a department reveals a caller’s contact, then it is audited; a confidential or anonymous caller is not revealed', async () => {
    const plain = await dispatched({ phone: '13800000001', name: '钱七' });
    const revealed = await act(agent, plain.id, 'reveal_contact', { purpose: '电话核实' });
    expect(revealed.contact.phone).toBe('+8613800000001');
    const audit = await t.hub.db('ticket_events').where({ ticket_id: plain.id, type: 'reveal_contact' }).first();
    expect(audit).toMatchObject({ reason: '电话核实', actor_kind: 'user' });

    const confidential = await dispatched({ phone: '13800000002', name: '孙八', confidential: true });
    const masked = (await agent.get(`/api/v1/tickets/${confidential.id}`)).body.contact;
    expect(masked).toMatchObject({ name: '孙*', phone: '+86138****0002', confidential: true });
    const refused = await agent.post(`/api/v1/tickets/${confidential.id}/reveal-contact`, { purpose: '核实' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/保密/);

    const anonymous = await dispatched({ phone: '13800000003', anonymous: true });
    expect((await agent.get(`/api/v1/tickets/${anonymous.id}`)).body.contact).toMatchObject({ phone: null, name: null, anonymous: true });
    expect((await agent.post(`/api/v1/tickets/${anonymous.id}/reveal-contact`, { purpose: '核实' })).status).toBe(404);
    // Refusals leave no audit row and no version change.
    expect(await t.hub.db('ticket_events').where({ ticket_id: confidential.id, type: 'reveal_contact' })).toHaveLength(0);
  });

  test('when a department user calls admin or center endpoints, then it gets 403', async () => {
    expect(
      (await agent.post('/api/v1/regions', { code: '990199', name: '新区', level: 'district', parentId: ids.region('990000') })).status,
    ).toBe(403);
    expect((await agent.post('/api/v1/tickets', { requestType: 'consult', description: '咨询' })).status).toBe(403);
    // The refusal speaks to the person at the screen: their role, and what was asked.
    expect((await agent.get('/api/v1/api-keys')).body.error).toEqual({
      code: 'FORBIDDEN',
      message: '承办人员无权执行此操作（GET /api/v1/api-keys）',
    });
    expect(
      (await operator.post('/api/v1/users', { username: 'x1x', displayName: 'x', password: 'long-enough-pw', role: 'admin' })).status,
    ).toBe(403);
  });

  test('when a department head lists users, then only the own department’s users come back', async () => {
    const head = await t.as('head');
    const users = (await head.get(`/api/v1/users?departmentId=${ids.department('CGJ')}`)).body.items;
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((u: { departmentId: number }) => u.departmentId === ids.department('ZJJ'))).toBe(true);
    expect(JSON.stringify(users)).not.toMatch(/password/i);
  });
});

describe('a caller’s details per ticket', () => {
  test('when the same number calls again with another name, or anonymously, then the earlier tickets keep what was said on them', async () => {
    const first = await dispatched({ phone: '13866660001', name: '钱七' });
    const second = await dispatched({ phone: '13866660001', name: '钱小七' });
    const anonymous = await dispatched({ phone: '13866660001', anonymous: true });
    const contactOf = async (id: number) => (await operator.get(`/api/v1/tickets/${id}`)).body.contact;
    expect(await contactOf(first.id)).toMatchObject({ name: '钱七', anonymous: false });
    expect(await contactOf(second.id)).toMatchObject({ name: '钱小七', anonymous: false });
    expect(await contactOf(anonymous.id)).toMatchObject({ anonymous: true });
    // Departments: the earlier tickets still show their callers; the anonymous one shows nobody.
    expect((await agent.get(`/api/v1/tickets/${first.id}`)).body.contact).toMatchObject({ name: '钱七', phone: '+86138****0001' });
    expect((await agent.get(`/api/v1/tickets/${anonymous.id}`)).body.contact).toMatchObject({ name: null, phone: null, anonymous: true });
    // The contact row holds the latest, for lookup.
    const contact = await t.hub.db('contacts').where({ phone: '+8613866660001' }).first();
    expect(contact).toMatchObject({ name: '钱小七', anonymous: true });
  });
});
