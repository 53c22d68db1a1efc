import type { UserActor } from '../../src/shared/roles';
import { createTicketBody } from '../../src/tickets/ticket.schemas';
import { refuseInserts } from '../support/faults';
import { demoIds, startTestHub, type TestHub } from '../support/test-hub';

// Creations that arrive in the same turn of the event loop are written by one statement (group
// commit). Calling the service several times in one turn puts them in one batch for certain.
let t: TestHub;
let ids: Awaited<ReturnType<typeof demoIds>>;
let operator: UserActor;

beforeAll(async () => {
  t = await startTestHub();
  ids = await demoIds(t.hub);
  operator = (await t.hub.services.auth.authenticate(await t.token('operator')))!;
});
afterAll(() => t.close());

const create = (input: Record<string, unknown>) =>
  t.hub.services.tickets.create(operator, createTicketBody.parse({ requestType: 'complaint', description: '小区门口路灯不亮', ...input }));
const outcome = (promise: Promise<{ number: string }>) =>
  promise.then(
    (ticket) => ticket.number,
    (err: Error) => err.message,
  );

test('when creations of one moment differ in caller, category and region, then each is answered as if it were alone', async () => {
  const results = await Promise.all(
    [
      create({ caller: { phone: '13700001111', name: '李四' }, categoryId: ids.category('0101'), regionId: ids.region('990101') }),
      create({ caller: { phone: '137 0000 1111', confidential: true }, description: '同一位市民第二次来电' }),
      create({ caller: { name: '匿名来电', anonymous: true } }),
      create({ caller: { name: '另一位无号码市民' } }),
      create({}),
      create({ categoryId: 999_999 }),
      create({ regionId: 999_999 }),
    ].map(outcome),
  );
  const [first, second, noPhone, otherNoPhone, noCaller, badCategory, badRegion] = results;
  expect(badCategory).toBe('分类 999999 不存在或已停用');
  expect(badRegion).toBe('区域 999999 不存在');
  // The five written ones are numbered in the order they arrived, one after the other.
  const written = [first, second, noPhone, otherNoPhone, noCaller] as string[];
  const sequence = written.map((number) => Number(number.split('-')[1]));
  expect(sequence).toEqual(sequence.map((_, i) => sequence[0]! + i));

  const tickets = await t.hub.db('tickets').whereIn('number', written).select('number', 'contact_id', 'category_id', 'region_id', 'xmin');
  // One transaction wrote them all (not the one-by-one fallback).
  expect(new Set(tickets.map((row) => row.xmin)).size).toBe(1);
  const byNumber = new Map(tickets.map((row) => [row.number, row]));
  expect(byNumber.get(first)).toMatchObject({ category_id: ids.category('0101'), region_id: ids.region('990101') });
  // One citizen per phone number: the second call found the first caller, kept the name, added confidentiality.
  expect(byNumber.get(second)!.contact_id).toBe(byNumber.get(first)!.contact_id);
  const caller = await t.hub.db('contacts').where({ phone: '+8613700001111' });
  expect(caller).toHaveLength(1);
  expect(caller[0]).toMatchObject({ name: '李四', confidential: true });
  // Callers without a number are new citizens each, each with their own name.
  const [a, b] = [byNumber.get(noPhone)!.contact_id, byNumber.get(otherNoPhone)!.contact_id];
  expect(a).not.toBe(b);
  expect(await t.hub.db('contacts').whereIn('id', [a, b]).orderBy('id').pluck('name')).toEqual(['匿名来电', '另一位无号码市民']);
  expect(byNumber.get(noCaller)!.contact_id).toBeNull();
  // Each has its 'created' event, and the refused ones left nothing behind.
  const events = await t.hub
    .db('ticket_events')
    .whereIn('ticket_id', t.hub.db('tickets').whereIn('number', written).select('id'))
    .where({ type: 'created' });
  expect(events).toHaveLength(5);
  expect(await t.hub.db('tickets').where({ category_id: 999_999 }).orWhere({ region_id: 999_999 })).toHaveLength(0);
});

test('when the database refuses one creation of a batch, then the others are still written and only that one fails', async () => {
  const repair = await refuseInserts(t.hub.db, 'tickets', 'description', '毒工单');
  try {
    const before = Number((await t.hub.db('tickets').count({ n: '*' }))[0]!.n);
    const results = await Promise.all(
      [create({ description: '公交站台破损' }), create({ description: '毒工单' }), create({ description: '井盖缺失' })].map(outcome),
    );
    expect(results[1]).toMatch(/refused for the test$/);
    expect(results[0]).toMatch(/^\d{8}-\d{5}$/);
    expect(results[2]).toMatch(/^\d{8}-\d{5}$/);
    expect(Number((await t.hub.db('tickets').count({ n: '*' }))[0]!.n)).toBe(before + 2);
    expect(await t.hub.db('tickets').where({ description: '毒工单' })).toHaveLength(0);
  } finally {
    await repair();
  }
  // Both written tickets go to triage like any other.
  await t.hub.queue.drain();
  expect(await t.hub.db('tickets').whereIn('description', ['公交站台破损', '井盖缺失']).whereNot({ status: 'new' })).toHaveLength(2);
});
