import { createTicket } from '../support/tickets';
import { demoIds, startTestHub, type TestHub } from '../support/test-hub';

let t: TestHub;
let ids: Awaited<ReturnType<typeof demoIds>>;

beforeAll(async () => {
  t = await startTestHub();
  ids = await demoIds(t.hub);
});
afterAll(() => t.close());

test('when the same burst pipe is reported twice, then each offers the other for 并单 with why; a different problem nearby is not offered', async () => {
  const operator = await t.as('operator');
  const place = { regionId: ids.region('990101001001'), categoryId: ids.category('1201') };
  const first = await createTicket(operator, {
    ...place,
    description: '东华社区3号楼门口水管爆了，水流了一地',
    address: '东华社区3号楼门口',
    caller: { phone: '13811110001' },
  });
  const second = await createTicket(operator, {
    ...place,
    description: '3号楼门口自来水管破裂，路上全是水',
    address: '东华社区3号楼',
    caller: { phone: '13811110002' },
  });
  const other = await createTicket(operator, {
    ...place,
    description: '东华社区8号楼家里水压很低，洗澡都困难',
    address: '东华社区8号楼',
    caller: { phone: '13811110003' },
  });
  const offered = (await operator.get(`/api/v1/tickets/${second.id}/duplicates`)).body.items as Array<{
    ticketId: number;
    reasons: string[];
  }>;
  expect(offered.map((d) => d.ticketId)).toEqual([first.id]);
  expect(offered[0]!.reasons).toEqual(expect.arrayContaining(['同一地址', '同一分类', expect.stringMatching(/^内容相似/)]));
  expect((await operator.get(`/api/v1/tickets/${first.id}/duplicates`)).body.items.map((d: { ticketId: number }) => d.ticketId)).toEqual([
    second.id,
  ]);
  expect((await operator.get(`/api/v1/tickets/${other.id}/duplicates`)).body.items).toEqual([]);

  expect((await (await t.as('agent')).get(`/api/v1/tickets/${first.id}/duplicates`)).status).toBe(403);
  expect((await operator.get('/api/v1/tickets/999999/duplicates')).status).toBe(404);
  expect((await operator.get(`/api/v1/tickets/${first.id}/duplicates?limit=0`)).status).toBe(400);

  // At the seat, before the call is logged: the same rule on what the operator has typed so far.
  const draft = await operator.post('/api/v1/duplicates/search', {
    ...place,
    description: '东华社区3号楼门口的水管爆裂了，水一直在流',
    address: '东华社区3号楼',
  });
  expect(draft.status).toBe(200);
  expect(draft.body.items.map((d: { ticketId: number }) => d.ticketId).sort()).toEqual([first.id, second.id].sort());
  // The caller is recognised by the number, as the seat types it.
  const byCaller = await operator.post('/api/v1/duplicates/search', { description: '3号楼门口水管爆了还没修', phone: '138 1111 0001' });
  expect(byCaller.body.items[0]).toMatchObject({ ticketId: first.id, reasons: expect.arrayContaining(['同一来电人']) });
  expect((await operator.post('/api/v1/duplicates/search', { description: '水管' })).status).toBe(400);
  expect((await operator.post('/api/v1/duplicates/search', { description: '东华社区水管爆了', regionId: 'x' })).status).toBe(400);
  expect((await (await t.as('agent')).post('/api/v1/duplicates/search', { description: '东华社区水管爆了' })).status).toBe(403);
});
