import { shanghaiDay } from '../../src/shared/time';
import { act, createTicket } from '../support/tickets';
import { demoIds, startTestHub, type AuthedAgent, type TestHub } from '../support/test-hub';

let t: TestHub;
let ids: Awaited<ReturnType<typeof demoIds>>;
let admin: AuthedAgent, seat: AuthedAgent, runner: AuthedAgent;

beforeAll(async () => {
  t = await startTestHub({ env: { PROXY_SWEEP_MS: '600000', CALLBACK_SWEEP_MS: '600000' } });
  ids = await demoIds(t.hub);
  admin = await t.as('admin');
  seat = await t.as('proxy');
  runner = await t.as('runner');
});
afterAll(() => t.close());

const post = (who: AuthedAgent, orderId: number, step: string, body: object = {}) =>
  who.post(`/api/v1/proxy/orders/${orderId}/${step}`, body);
const orderOf = async (ticketId: number) => (await t.hub.db('proxy_orders').where({ ticket_id: ticketId }).first()) as { id: number };

/** A 代办 request naming a bundle's situation, dispatched to the county's runner team and accepted by the runner. */
async function bundledOrder(situation: string) {
  const ticket = await createTicket(seat, {
    requestType: 'proxy',
    description: `新办企业，申请代办${situation}`,
    regionId: ids.region('990121200201'),
    caller: { phone: '13922223333', name: '刘老板' },
    proxy: { matter: situation, serviceMode: 'full_proxy', applicantAddress: '西山县石门乡工业园3号' },
  });
  await t.hub.queue.drain();
  await act(seat, ticket.id, 'dispatch', {});
  await t.hub.queue.drain();
  const order = await orderOf(ticket.id);
  expect((await post(runner, order.id, 'accept')).status).toBe(200);
  return { ticket, orderId: order.id };
}

describe('一件事一次办', () => {
  test('when the bundles are read, then 企业开办 lists its situations with one combined checklist', async () => {
    const bundles = (await seat.get('/api/v1/proxy/bundles')).body.items as Array<{ code: string; scenarios: any[] }>;
    const company = bundles.find((b) => b.code === 'COMPANY_START')!;
    const staff = company.scenarios.find((s) => s.code === 'COMPANY_START_STAFF');
    expect(staff.matterIds).toHaveLength(4);
    const idCard = staff.checklist.filter((i: { key: string }) => i.key === 'id_card');
    // Asked by all four matters, once; an original, since the licence asks for one.
    expect(idCard).toEqual([
      expect.objectContaining({ form: 'original', count: 1, matters: expect.arrayContaining(['营业执照办理', '员工参保登记']) }),
    ]);
    expect(staff.reduction).toMatchObject({ materialsSeparate: 12, formsSeparate: 4, formsCombined: 1 });
    expect(staff.reduction.materialsCombined).toBeLessThan(staff.reduction.materialsSeparate);
    const policies = (await seat.get('/api/v1/sla/policies')).body.items as Array<{ matter: string | null; amount: number }>;
    expect(policies.find((p) => p.matter === '企业开办（有员工）')).toMatchObject({ amount: 1 });
  });

  test('when a 企业开办 order is worked, then the shared 身份证 is collected once and the order is done only when all four matters are', async () => {
    const { ticket, orderId } = await bundledOrder('企业开办（有员工）');
    let order = (await runner.get(`/api/v1/proxy/orders/${orderId}`)).body;
    expect(order.matter).toBeNull();
    expect(order.bundle.bundleName).toBe('企业开办一件事');
    expect(order.bundle.matters.map((m: { status: string }) => m.status)).toEqual(['pending', 'pending', 'pending', 'pending']);

    // One 告知单 for the whole situation.
    expect((await post(runner, orderId, 'consult')).status).toBe(200);
    const told = await t.hub.db('outbox').where({ ticket_id: ticket.id }).whereRaw("payload->>'proxyKind' = 'proxy.checklist'");
    expect(told).toHaveLength(1);
    expect(told[0].payload.text).toContain('共4个事项');
    expect(told[0].payload.text.match(/法定代表人身份证/g)).toHaveLength(1);

    expect(
      (
        await post(runner, orderId, 'mandate', {
          consent: true,
          scope: ['collect_materials', 'submit', 'receive_result'],
          validUntil: '2099-12-31',
          signedBy: '刘老板',
          method: 'paper',
        })
      ).status,
    ).toBe(200);
    // The 身份证 once, as an original: it serves all four matters.
    for (const itemKey of ['id_card', 'articles', 'premises', 'name_check', 'licence_copy', 'bank_account', 'staff_list'])
      expect((await post(runner, orderId, 'materials', { itemKey, form: 'original', direction: 'received' })).status).toBe(200);
    order = (await runner.get(`/api/v1/proxy/orders/${orderId}`)).body;
    expect(order.materials.filter((m: { itemKey: string }) => m.itemKey === 'id_card')).toHaveLength(1);
    expect(order.missing).toEqual([]);

    const parts = order.bundle.matters as Array<{ matterId: number; name: string }>;
    expect((await post(runner, orderId, 'submit', { acceptanceNumber: 'X1' })).status).toBe(400);
    for (const [i, part] of parts.entries())
      expect((await post(runner, orderId, 'submit', { acceptanceNumber: `QY2026-${i}`, matterId: part.matterId })).status).toBe(200);
    expect((await post(runner, orderId, 'submit', { acceptanceNumber: 'again', matterId: parts[0]!.matterId })).status).toBe(409);
    order = (await runner.get(`/api/v1/proxy/orders/${orderId}`)).body;
    expect(order.status).toBe('submitted');

    // Three results in: not yet done, and it cannot be delivered.
    for (const part of parts.slice(0, 3))
      expect((await post(runner, orderId, 'matter-result', { matterId: part.matterId, outcome: 'approved' })).status).toBe(200);
    const early = await post(runner, orderId, 'deliver', { method: 'window' });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toContain('员工参保登记');
    expect((await runner.get(`/api/v1/proxy/orders/${orderId}`)).body.status).toBe('submitted');
    expect((await post(runner, orderId, 'matter-result', { matterId: 999999, outcome: 'approved' })).status).toBe(400);

    expect((await post(runner, orderId, 'matter-result', { matterId: parts[3]!.matterId, outcome: 'approved' })).status).toBe(200);
    expect((await post(runner, orderId, 'matter-result', { matterId: parts[3]!.matterId, outcome: 'refused' })).status).toBe(409);
    const done = await post(runner, orderId, 'deliver', { method: 'window' });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('done');
    expect(done.body.bundle.matters.every((m: { status: string }) => m.status === 'approved')).toBe(true);
    await t.hub.queue.drain();
    const reply = await t.hub.db('ticket_events').where({ ticket_id: ticket.id, type: 'reply' }).first();
    expect(reply.data.text).toContain('企业开办（有员工）');

    // The reduction figures: 12 materials asked matter by matter, 7 in the one checklist; 4 forms in one; 4 trips saved.
    const today = shanghaiDay();
    const report = await t.as('supervisor').then((s) => s.get(`/api/v1/reports/outcomes?from=${today}&to=${today}&groupBy=matter`));
    expect(report.status).toBe(200);
    expect(report.body.bundles.find((r: { name: string }) => r.name === '企业开办（有员工）')).toMatchObject({
      orders: 1,
      matters: 4,
      done: 1,
      materialsSeparate: 12,
      materialsCombined: 7,
      materialsCut: 0.4167,
      formsCut: 0.75,
      tripsSaved: 4,
    });
    expect((await runner.get(`/api/v1/reports/outcomes?from=${today}&to=${today}`)).status).toBe(403);
    expect((await seat.get(`/api/v1/reports/outcomes?from=${today}&to=2000-01-01`)).status).toBe(400);
  });

  test('when an admin sets a bundle, then bad input is refused and a situation may not take a matter’s name', async () => {
    const matters = (await admin.get('/api/v1/proxy/matters')).body.items as Array<{ id: number; name: string }>;
    const idOf = (name: string) => matters.find((m) => m.name === name)!.id;
    const good = {
      name: '退休一件事',
      description: null,
      scenarios: [{ code: 'RETIRE_A', name: '职工退休', matterIds: [idOf('社保卡激活/补办'), idOf('医保缴费')], legalDays: 10 }],
    };
    expect((await seat.put('/api/v1/proxy/bundles/RETIRE', good)).status).toBe(403);
    expect((await admin.put('/api/v1/proxy/bundles/retire', good)).status).toBe(400);
    expect(
      (await admin.put('/api/v1/proxy/bundles/RETIRE', { ...good, scenarios: [{ ...good.scenarios[0], matterIds: [idOf('医保缴费')] }] }))
        .status,
    ).toBe(400);
    expect(
      (
        await admin.put('/api/v1/proxy/bundles/RETIRE', {
          ...good,
          scenarios: [{ ...good.scenarios[0], matterIds: [idOf('医保缴费'), 999999] }],
        })
      ).status,
    ).toBe(400);
    expect(
      (await admin.put('/api/v1/proxy/bundles/RETIRE', { ...good, scenarios: [{ ...good.scenarios[0], name: '高龄补贴' }] })).status,
    ).toBe(400);
    expect(await t.hub.db('proxy_bundles').where({ code: 'RETIRE' }).first()).toBeUndefined();
    const created = await admin.put('/api/v1/proxy/bundles/RETIRE', good);
    expect(created.status).toBe(200);
    expect(created.body.scenarios[0].checklist.find((i: { key: string }) => i.key === 'id_card').matters).toHaveLength(2);
    // A situation another bundle holds is refused.
    const stolen = await admin.put('/api/v1/proxy/bundles/OTHER', { ...good, name: '其他一件事' });
    expect(stolen.status).toBe(409);
    // A situation that cannot be served that way is refused at the seat.
    const refused = await seat.post('/api/v1/tickets', {
      requestType: 'proxy',
      description: '申请代办职工退休',
      caller: { phone: '13922224444' },
      proxy: { matter: '职工退休', serviceMode: 'home_assistance', applicantAddress: '西山县城关镇' },
    });
    expect(refused.status).toBe(400);
  });
});
