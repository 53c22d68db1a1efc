import { act, createTicket } from '../support/tickets';
import { demoIds, startTestHub, type AuthedAgent, type TestHub } from '../support/test-hub';

let t: TestHub;
let ids: Awaited<ReturnType<typeof demoIds>>;
let operator: AuthedAgent;

beforeAll(async () => {
  t = await startTestHub({ env: { BODY_LIMIT_KB: '64' } });
  ids = await demoIds(t.hub);
  operator = await t.as('operator');
});
afterAll(() => t.close());

const ticketCount = async () => Number((await t.hub.db('tickets').count({ n: '*' }))[0]!.n);

describe('bad input changes nothing and gets a clear 4xx', () => {
  test.each([
    ['a missing request type', { description: '路灯坏了' }, /requestType/],
    ['an unknown request type', { requestType: 'gossip', description: '路灯坏了' }, /requestType/],
    ['an unknown field', { requestType: 'help', description: '路灯坏了', priority: 'high' }, /priority|Unrecognized/],
    ['a wrong type', { requestType: 'help', description: 12345 }, /description/],
    ['an empty description', { requestType: 'help', description: '   ' }, /description/],
    ['an over-long description', { requestType: 'help', description: '很'.repeat(5_001) }, /不超过 5000 个字符/],
    ['an invalid phone', { requestType: 'help', description: '求助', caller: { phone: '12' } }, /phone/],
    ['a malformed ID number', { requestType: 'help', description: '求助', caller: { idNumber: '123' } }, /idNumber/],
    ['a non-numeric category', { requestType: 'help', description: '求助', categoryId: '1; drop table tickets' }, /categoryId/],
  ])('when a ticket is created with %s, then 400 and no ticket', async (_name, body, message) => {
    const before = await ticketCount();
    const res = await operator.post('/api/v1/tickets', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.message).toMatch(message);
    expect(Array.isArray(res.body.error.details.issues)).toBe(true);
    expect(await ticketCount()).toBe(before);
  });

  test('when the category or region does not exist, then 400 and no ticket', async () => {
    const before = await ticketCount();
    expect((await operator.post('/api/v1/tickets', { requestType: 'help', description: '求助', categoryId: 999_999 })).status).toBe(400);
    expect((await operator.post('/api/v1/tickets', { requestType: 'help', description: '求助', regionId: 999_999 })).status).toBe(400);
    expect(await ticketCount()).toBe(before);
  });

  test('when a phone number comes in an odd format, then it is stored as E.164', async () => {
    for (const phone of ['138 1234 0000', '+86-138-1234-0000', '008613812340000', '13812340000']) {
      const ticket = await createTicket(operator, { caller: { phone } });
      const contact = (await operator.get(`/api/v1/tickets/${ticket.id}`)).body.contact;
      expect(contact.phone).toBe('+8613812340000');
    }
    const landline = await createTicket(operator, { caller: { phone: '010-12345678' } });
    expect((await operator.get(`/api/v1/tickets/${landline.id}`)).body.contact.phone).toBe('+861012345678');
  });

  test('when the body is not JSON, too large, or of another type, then 400/413/415', async () => {
    const token = await t.token('operator');
    const broken = await t.http
      .post('/api/v1/tickets')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send('{"requestType":');
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toMatch(/不是有效的 JSON/);
    const huge = await t.http
      .post('/api/v1/tickets')
      .set('Authorization', `Bearer ${token}`)
      .send({ requestType: 'help', description: 'x'.repeat(70 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const form = await t.http
      .post('/api/v1/tickets')
      .set('Authorization', `Bearer ${token}`)
      .type('form')
      .send('requestType=help&description=x');
    expect(form.status).toBe(415);
  });

  test('when an action names an unknown ticket or gets a bad id, then 404 or 400', async () => {
    expect((await operator.post('/api/v1/tickets/999999/dispatch', { departmentId: ids.department('ZJJ') })).status).toBe(404);
    expect((await operator.get('/api/v1/tickets/abc')).status).toBe(400);
    expect((await operator.get('/api/v1/tickets/-1')).status).toBe(400);
    expect((await operator.get('/api/v1/no-such-route')).body.error.code).toBe('NOT_FOUND');
  });

  test('when a dispatch names a missing, inactive or center department, then 400 and the ticket is unchanged', async () => {
    const ticket = await createTicket(operator);
    await t.hub.queue.drain();
    const version = (await operator.get(`/api/v1/tickets/${ticket.id}`)).body.version;
    await act(operator, ticket.id, 'dispatch', { departmentId: 999_999 }, 400);
    await act(operator, ticket.id, 'dispatch', { departmentId: ids.department('CENTER') }, 400);
    await act(operator, ticket.id, 'dispatch', { departmentId: ids.department('ZJJ'), assistDepartmentIds: [ids.department('ZJJ')] }, 400);
    const admin = await t.as('admin');
    await admin.patch(`/api/v1/departments/${ids.department('YJJ')}`, { active: false }).expect(200);
    await act(operator, ticket.id, 'dispatch', { departmentId: ids.department('YJJ') }, 400);
    await act(operator, ticket.id, 'dispatch', { departmentId: ids.department('ZJJ'), surprise: true }, 400);
    const after = (await operator.get(`/api/v1/tickets/${ticket.id}`)).body;
    expect(after).toMatchObject({ version, status: 'triage', assignments: [] });
  });

  test('when a return has no valid reason code, or an extension a past date, then 400', async () => {
    const ticket = await createTicket(operator);
    await t.hub.queue.drain();
    await act(operator, ticket.id, 'dispatch', { departmentId: ids.department('ZJJ') });
    const agent = await t.as('agent');
    await act(agent, ticket.id, 'return', { reasonCode: 'lazy', reason: '不想办' }, 400);
    await act(agent, ticket.id, 'return', { reasonCode: 'other' }, 400);
    await act(agent, ticket.id, 'request_extension', { reason: '忙', requestedDueAt: '2020-01-01T00:00:00Z' }, 400);
    await act(agent, ticket.id, 'request_extension', { reason: '忙', requestedDueAt: 'tomorrow' }, 400);
  });

  test('when filters carry SQL, then they are data, not code', async () => {
    await createTicket(operator, { description: "O'Brien 反映：路面塌陷 100% 需要处理_紧急" });
    const attempts = [
      "q='; drop table tickets; --",
      'q=%25',
      'q=_',
      "q=' or 1=1 --",
      'status=new,triage%27)--',
      'from=2026-01-01T00:00:00Z%27',
      'departmentId=1%20or%201=1',
      'cursor=%27%3B%20drop%20table%20tickets',
    ];
    for (const query of attempts) {
      const res = await operator.get(`/api/v1/tickets?${query}`);
      expect([200, 400]).toContain(res.status);
    }
    expect((await operator.get("/api/v1/tickets?q=' or 1=1 --")).body.items).toEqual([]);
    // A search is for words (and numbers, phones, addresses): punctuation alone finds nothing, and breaks nothing.
    expect((await operator.get('/api/v1/tickets?q=%25')).body.items).toEqual([]);
    expect((await operator.get("/api/v1/tickets?q=O'Brien")).body.items).toHaveLength(1);
    expect(await t.hub.db.schema.hasTable('tickets')).toBe(true);
    expect(await ticketCount()).toBeGreaterThan(0);
  });

  test('when list parameters are out of range, then 400', async () => {
    for (const query of ['limit=0', 'limit=1000', 'status=open', 'overdue=maybe', 'from=yesterday', 'cursor=bm9wZQ', 'sort=id']) {
      const res = await operator.get(`/api/v1/tickets?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
    }
  });
});
