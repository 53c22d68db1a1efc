import { ticketSearchIndexer } from '../../src/tickets/ticket-search';
import { binary, xlsxText } from '../support/xlsx';
import { act, createTicket, inDays } from '../support/tickets';
import { hours, travel } from '../support/sla';
import { demoIds, startTestHub, type AuthedAgent, type TestHub } from '../support/test-hub';

let t: TestHub;
let ids: Awaited<ReturnType<typeof demoIds>>;
let operator: AuthedAgent;
const made: Record<string, number> = {};

beforeAll(async () => {
  t = await startTestHub();
  ids = await demoIds(t.hub);
  operator = await t.as('operator');
  made.lamp = (
    await createTicket(operator, {
      description: '路灯不亮',
      categoryId: ids.category('0102'),
      regionId: ids.region('990101001001'),
      requestType: 'complaint',
    })
  ).id;
  made.wage = (
    await createTicket(operator, {
      description: '公司拖欠工资三个月',
      categoryId: ids.category('0501'),
      regionId: ids.region('990121200201'),
      requestType: 'help',
      urgency: 'urgent',
    })
  ).id;
  made.water = (
    await createTicket(operator, {
      description: '整栋楼停水',
      categoryId: ids.category('1201'),
      regionId: ids.region('990101101202'),
      requestType: 'help',
      urgency: 'emergency',
      channel: 'phone',
    })
  ).id;
  made.consult = (
    await createTicket(operator, { description: '咨询公积金提取', categoryId: ids.category('1402'), requestType: 'consult' })
  ).id;
  await t.hub.queue.drain();
  await act(operator, made.wage, 'dispatch', { departmentId: ids.department('RSJ'), replyDueAt: inDays(1) });
  await act(operator, made.water, 'dispatch', { departmentId: ids.department('SWJT') });
  // Two days pass for the water ticket: its emergency deadlines are behind it.
  await travel(t.hub, made.water, hours(48));
});
afterAll(() => t.close());

const list = async (query: string) => {
  const res = await operator.get(`/api/v1/tickets?${query}`);
  expect(res.status).toBe(200);
  return res.body.items.map((x: { id: number }) => x.id) as number[];
};

describe('listing tickets', () => {
  test('when filtering, then each filter narrows the result', async () => {
    expect(await list('status=dispatched')).toEqual([made.water, made.wage]);
    expect(await list('status=triage,dispatched')).toEqual([made.consult, made.water, made.wage, made.lamp]);
    expect(await list(`departmentId=${ids.department('RSJ')}`)).toEqual([made.wage]);
    expect(await list('requestType=help')).toEqual([made.water, made.wage]);
    expect(await list('urgency=emergency')).toEqual([made.water]);
    expect(await list('channel=phone')).toEqual([made.water]);
    expect(await list('overdue=true')).toEqual([made.water]);
    expect(await list('overdue=false')).toEqual([made.consult, made.wage, made.lamp]);
    expect(await list('q=拖欠')).toEqual([made.wage]);
  });

  test('when filtering by a level-1 category or a district, then everything below it is included', async () => {
    expect(await list(`categoryId=${ids.category('01')}`)).toEqual([made.lamp]);
    expect(await list(`categoryId=${ids.category('12')}`)).toEqual([made.water]);
    expect(await list(`regionId=${ids.region('990101')}`)).toEqual([made.water, made.lamp]);
    expect(await list(`regionId=${ids.region('990121')}`)).toEqual([made.wage]);
    expect(await list(`regionId=${ids.region('990000')}`)).toHaveLength(3);
  });

  test('when filtering by date range, then only tickets created inside it come back', async () => {
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(await list(`from=${encodeURIComponent(future)}`)).toEqual([]);
    expect(await list(`to=${encodeURIComponent(future)}`)).toHaveLength(4);
  });

  test('when paging with the cursor, then every ticket comes exactly once in a stable order', async () => {
    for (let i = 0; i < 7; i += 1) await createTicket(operator, { description: `分页 ${i}` });
    const all = await list('limit=200');
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: Array<{ id: number }>; nextCursor: string | null } } = await operator.get(
        `/api/v1/tickets?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...res.body.items.map((x) => x.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect(all).toEqual([...all].sort((a, b) => b - a));
  });
});

describe('exporting and saved views', () => {
  test('when the list is exported as CSV, then it holds the filtered tickets, masked for a department as the list is', async () => {
    const res = await operator.get('/api/v1/tickets?format=csv&status=dispatched');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="?tickets-\d{4}-\d{2}-\d{2}\.csv/);
    expect(res.headers['x-truncated']).toBe('false');
    const lines = res.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toMatch(/^工单号,状态,类型/);
    expect(lines).toHaveLength(1 + (await list('status=dispatched&limit=200')).length);
    expect(lines.slice(1).every((line) => line.includes('已派单'))).toBe(true);
    expect(res.text).toContain('13812345678'); // the center sees the caller in clear

    const lamp = await act(operator, made.lamp!, 'dispatch', { departmentId: ids.department('ZJJ') });
    const head = await t.as('head'); // 住建局's head sees the lamp ticket, the caller masked
    const theirs = await head.get('/api/v1/tickets?format=csv');
    expect(theirs.text).toContain(lamp.number);
    expect(theirs.text).toContain('138****5678');
    expect(theirs.text).not.toContain('13812345678');
    expect(theirs.text).not.toContain('公司拖欠工资'); // another department's ticket
    expect((await operator.get('/api/v1/tickets?format=xml')).status).toBe(400);

    // The same as an Excel workbook: the same rows, masked the same.
    const workbook = await head.get('/api/v1/tickets?format=xlsx').buffer(true).parse(binary);
    expect(workbook.status).toBe(200);
    expect(workbook.headers['content-type']).toMatch(/spreadsheetml/);
    expect(workbook.headers['content-disposition']).toMatch(/tickets-\d{4}-\d{2}-\d{2}\.xlsx/);
    const sheet = xlsxText(workbook.body as Buffer);
    expect(sheet).toContain('工单号');
    expect(sheet).toContain(lamp.number);
    expect(sheet).toContain('138****5678');
    expect(sheet).not.toContain('13812345678');
  });

  test('when a user saves a view, then it is theirs alone, saving the name again replaces it, and bad filters are refused', async () => {
    const saved = await operator.post('/api/v1/ticket-views', { name: '超期急件', query: 'overdue=true&urgency=emergency' });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ name: '超期急件', query: 'overdue=true&urgency=emergency' });
    const again = await operator.post('/api/v1/ticket-views', { name: '超期急件', query: 'overdue=true' });
    expect(again.body).toMatchObject({ id: saved.body.id, query: 'overdue=true' });
    expect((await operator.get('/api/v1/ticket-views')).body.items).toEqual([expect.objectContaining({ name: '超期急件' })]);

    for (const query of ['urgency=whenever', 'cursor=abc', 'format=csv', 'nonsense=1']) {
      const bad = await operator.post('/api/v1/ticket-views', { name: '坏的', query });
      expect([query, bad.status]).toEqual([query, 400]);
    }
    const agent = await t.as('agent');
    expect((await agent.get('/api/v1/ticket-views')).body.items).toEqual([]);
    expect((await agent.delete(`/api/v1/ticket-views/${saved.body.id}`)).status).toBe(404);
    expect((await operator.delete(`/api/v1/ticket-views/${saved.body.id}`)).status).toBe(204);
    expect((await operator.get('/api/v1/ticket-views')).body.items).toEqual([]);
  });
});

// Last: the tickets these make would change what the filters above find.
describe('searching tickets', () => {
  test('when searching, then Chinese words find a ticket however they are cut, and its number, caller’s phone or address find it too', async () => {
    const fund = await createTicket(operator, {
      description: '住房公积金提取需要带哪些材料？',
      requestType: 'consult',
      address: '东城区滨河路18号院3号楼',
      caller: { phone: '13912345678' },
    });
    const other = await createTicket(operator, { description: '滨河路的路灯不亮', requestType: 'complaint' });
    // Words are indexed as triage classifies; a number, a phone or an address find a ticket at once.
    expect(await list(`q=${encodeURIComponent(fund.number)}`)).toEqual([fund.id]);
    await t.hub.queue.drain();
    expect(await list(`q=${encodeURIComponent('公积金')}`)).toEqual([fund.id, made.consult]);
    expect(await list(`q=${encodeURIComponent('公积金 材料')}`)).toEqual([fund.id]);
    expect(await list(`q=${encodeURIComponent('公积金 停车')}`)).toEqual([]);
    expect(await list(`q=${encodeURIComponent(fund.number)}`)).toEqual([fund.id]);
    expect(await list(`q=${encodeURIComponent('139 1234 5678')}`)).toEqual([fund.id]);
    expect(await list(`q=${encodeURIComponent('+86-13912345678')}`)).toEqual([fund.id]);
    expect(await list(`q=${encodeURIComponent('滨河路18号')}`)).toEqual([fund.id]);
    // 滨河路 is in one's address and the other's words.
    expect(await list(`q=${encodeURIComponent('滨河路')}`)).toEqual([other.id, fund.id]);
    // Characters the database's patterns and queries treat specially are only text.
    for (const odd of ['%', "'", '\\', '&|!', '_']) expect(await list(`q=${encodeURIComponent(odd)}`)).toEqual([]);
  });

  test('when tickets were written before the search existed, or dispatched at once, then the background task indexes them and they are found', async () => {
    const old = await createTicket(operator, { description: '小区电梯经常停运，物业不维修', requestType: 'complaint' });
    await t.hub.queue.drain();
    await t.hub.db('tickets').update({ search: null }).where({ id: old.id });
    expect(await list(`q=${encodeURIComponent('电梯')}`)).toEqual([]);
    const atOnce = await createTicket(operator, {
      description: '电梯困人，请马上派人',
      requestType: 'help',
      categoryId: ids.category('0905'),
      then: { action: 'dispatch', departmentId: ids.department('SCJGJ') },
    });
    await t.hub.queue.drain();
    expect(await list(`q=${encodeURIComponent('电梯')}`)).toEqual([]);
    await ticketSearchIndexer(t.hub.db).run();
    expect(await list(`q=${encodeURIComponent('电梯')}`)).toEqual([atOnce.id, old.id]);
    expect(await t.hub.db('tickets').whereNull('search').count({ n: '*' })).toEqual([{ n: 0 }]);
  });
});
