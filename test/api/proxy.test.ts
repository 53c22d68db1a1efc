import sharp from 'sharp';
import { startFakePostal } from '../support/fake-postal';
import { act, createTicket } from '../support/tickets';
import { demoIds, startTestHub, type AuthedAgent, type TestHub } from '../support/test-hub';

const postalKey = 'postal-test-key-0123';
let postal: Awaited<ReturnType<typeof startFakePostal>>;
let t: TestHub;
let ids: Awaited<ReturnType<typeof demoIds>>;
let admin: AuthedAgent, seat: AuthedAgent, runner: AuthedAgent, runner2: AuthedAgent, supervisor: AuthedAgent;
let runnerId: number, runner2Id: number;
const matterId = async (name: string) =>
  ((await admin.get('/api/v1/proxy/matters')).body.items as Array<{ id: number; name: string }>).find((m) => m.name === name)!.id;

beforeAll(async () => {
  postal = await startFakePostal(postalKey);
  t = await startTestHub({
    env: { POSTAL_API_URL: postal.url, POSTAL_API_KEY: postalKey, PROXY_SWEEP_MS: '600000', CALLBACK_SWEEP_MS: '600000' },
  });
  ids = await demoIds(t.hub);
  admin = await t.as('admin');
  seat = await t.as('proxy');
  runner = await t.as('runner');
  supervisor = await t.as('supervisor');
  runnerId = ((await t.hub.db('users').where({ username: 'runner' }).first()) as { id: number }).id;
  // A second runner of the county team: only 石门村, only 高龄补贴.
  const created = await admin.post('/api/v1/users', {
    username: 'runner2',
    displayName: '赵敏（网格员）',
    password: 'runner2-12345',
    role: 'runner',
    departmentId: ids.department('XSPT'),
  });
  expect(created.status).toBe(201);
  runner2Id = created.body.id;
  runner2 = await t.as('runner2');
  const profile = await admin.put(`/api/v1/proxy/runners/${runner2Id}`, {
    kind: 'grid_worker',
    gridRegionIds: [ids.region('990121200201')],
    matterIds: [await matterId('高龄补贴')],
  });
  expect(profile.status).toBe(200);
});
afterAll(async () => {
  await t.close();
  await postal.close();
});

const orderOf = async (ticketId: number) => (await t.hub.db('proxy_orders').where({ ticket_id: ticketId }).first()) as Record<string, any>;
const ticketNow = async (id: number) => (await seat.get(`/api/v1/tickets/${id}`)).body;
const post = (who: AuthedAgent, orderId: number, step: string, body: object = {}) =>
  who.post(`/api/v1/proxy/orders/${orderId}/${step}`, body);

/** A 代办 request taken at the seat and dispatched by the catalog to the county's runner team. */
async function proxyOrder(matter: string, regionCode = '990121200201', phone = '13911112222') {
  const ticket = await createTicket(seat, {
    requestType: 'proxy',
    description: `老人行动不便，申请代办${matter}`,
    regionId: ids.region(regionCode),
    caller: { phone, name: '王大爷' },
    proxy: { matter, serviceMode: 'full_proxy', applicantAddress: '西山县石门乡石门村5组' },
  });
  await t.hub.queue.drain();
  await act(seat, ticket.id, 'dispatch', {});
  await t.hub.queue.drain();
  return { ticket, order: await orderOf(ticket.id) };
}

describe('matters catalog', () => {
  test('when the catalog is read, then the seeds’ high-frequency matters are there, each with its legal limit as a reply policy', async () => {
    const matters = (await seat.get('/api/v1/proxy/matters')).body.items as Array<{
      name: string;
      legalDays: number;
      materials: unknown[];
    }>;
    expect(matters.map((m) => m.name)).toEqual(
      expect.arrayContaining([
        '老年人优待证',
        '社保卡激活/补办',
        '医保缴费',
        '残疾证',
        '身份证到期换证',
        '个体工商户登记',
        '企业开办',
        '水电气报装',
        '高龄补贴',
        '特困人员补贴',
      ]),
    );
    const policies = (await seat.get('/api/v1/sla/policies')).body.items as Array<{ matter: string | null; amount: number; unit: string }>;
    expect(policies.find((p) => p.matter === '特困人员补贴')).toMatchObject({ amount: 20, unit: 'working_days' });
  });

  test('when an admin adds or changes a matter, then bad input is refused and the legal limit follows into the SLA', async () => {
    const good = {
      code: 'BIRTH_REG',
      name: '出生登记',
      departmentId: ids.department('GAJ'),
      legalDays: 5,
      materials: [{ key: 'birth_cert', name: '出生医学证明', form: 'original', count: 1 }],
      serviceModes: ['remote_guidance', 'full_proxy'],
      deliveryOptions: ['window'],
    };
    expect((await admin.post('/api/v1/proxy/matters', { ...good, legalDays: 0 })).status).toBe(400);
    expect((await admin.post('/api/v1/proxy/matters', { ...good, serviceModes: ['teleport'] })).status).toBe(400);
    expect((await admin.post('/api/v1/proxy/matters', { ...good, materials: [good.materials[0], good.materials[0]] })).status).toBe(400);
    expect((await admin.post('/api/v1/proxy/matters', { ...good, departmentId: 999999 })).status).toBe(400);
    expect((await seat.post('/api/v1/proxy/matters', good)).status).toBe(403);
    const created = await admin.post('/api/v1/proxy/matters', good);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      code: 'BIRTH_REG',
      materials: [{ key: 'birth_cert', deferrable: false }],
      tripsSaved: 2,
      active: true,
    });
    expect((await admin.post('/api/v1/proxy/matters', good)).status).toBe(409);
    expect((await admin.patch(`/api/v1/proxy/matters/${created.body.id}`, { name: '新生儿落户' })).status).toBe(400);
    expect((await admin.patch(`/api/v1/proxy/matters/${created.body.id}`, { legalDays: 3 })).body.legalDays).toBe(3);
    const policies = (await seat.get('/api/v1/sla/policies')).body.items as Array<{ matter: string | null; amount: number }>;
    expect(policies.filter((p) => p.matter === '出生登记').map((p) => p.amount)).toEqual([3]);
  });
});

describe('photos of the documents', () => {
  test('when a runner photographs the documents handed over, then the photo is on the order’s ticket, and not for another department', async () => {
    const { ticket, order } = await proxyOrder('水电气报装', '990121200201', '13911117777');
    expect((await post(runner, order.id, 'accept')).status).toBe(200);
    const photo = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#ffffff' } })
      .jpeg()
      .toBuffer();
    const upload = (who: string) =>
      t.http
        .post(`/api/v1/tickets/${ticket.id}/media?name=${encodeURIComponent('身份证复印件.jpg')}`)
        .set('Authorization', `Bearer ${who}`)
        .set('Content-Type', 'image/jpeg')
        .send(photo);
    const kept = await upload(await t.token('runner'));
    expect(kept.status).toBe(201);
    expect(kept.body).toMatchObject({ source: 'runner', kind: 'image' });
    expect((await seat.get(`/api/v1/tickets/${ticket.id}/media`)).body.items.map((m: { id: number }) => m.id)).toContain(kept.body.id);
    expect((await upload(await t.token('cg_agent'))).status).toBe(404);
  });
});

describe('the materials gate', () => {
  test('when a copy stands in for a required original, or fewer than the required number are in, then submit is refused naming them', async () => {
    // 残疾证: 身份证 as an original, 二寸照片 as two originals (the example).
    const ticket = await createTicket(seat, {
      requestType: 'proxy',
      description: '申请代办残疾证，需上门协助',
      regionId: ids.region('990121200201'),
      caller: { phone: '13911114444', name: '李奶奶' },
      proxy: { matter: '残疾证', serviceMode: 'home_assistance', applicantAddress: '西山县石门乡石门村3组' },
    });
    await t.hub.queue.drain();
    await act(seat, ticket.id, 'dispatch', {});
    await t.hub.queue.drain();
    const order = await orderOf(ticket.id);
    expect((await post(runner, order.id, 'accept')).status).toBe(200);
    expect(
      (
        await post(runner, order.id, 'mandate', {
          consent: true,
          scope: ['collect_materials', 'submit'],
          validUntil: '2099-12-31',
          signedBy: '李奶奶',
          method: 'paper',
        })
      ).status,
    ).toBe(200);
    await post(runner, order.id, 'materials', { itemKey: 'diagnosis', form: 'original', direction: 'received' });
    await post(runner, order.id, 'materials', { itemKey: 'id_card', form: 'copy', direction: 'received' });
    await post(runner, order.id, 'materials', { itemKey: 'household', form: 'copy', direction: 'received' });
    await post(runner, order.id, 'materials', { itemKey: 'photo', form: 'original', count: 1, direction: 'received' });
    const refused = await post(runner, order.id, 'submit', { acceptanceNumber: 'MZ2026120400001' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.missing).toEqual(['身份证', '二寸照片']);
    expect(refused.body.error.details.shortfalls).toEqual([
      { itemKey: 'id_card', name: '身份证', form: 'original', needed: 1, held: 0 },
      { itemKey: 'photo', name: '二寸照片', form: 'original', needed: 2, held: 1 },
    ]);
    expect((await runner.get(`/api/v1/proxy/orders/${order.id}`)).body.missing).toEqual(['身份证', '二寸照片']);
    // An original handed back to the applicant is no longer in hand.
    await post(runner, order.id, 'materials', { itemKey: 'id_card', form: 'original', direction: 'received' });
    await post(runner, order.id, 'materials', { itemKey: 'id_card', form: 'original', direction: 'returned' });
    await post(runner, order.id, 'materials', { itemKey: 'photo', form: 'original', count: 1, direction: 'received' });
    expect((await post(runner, order.id, 'submit', { acceptanceNumber: 'MZ2026120400001' })).body.error.details.missing).toEqual([
      '身份证',
    ]);
    await post(runner, order.id, 'materials', { itemKey: 'id_card', form: 'original', direction: 'received' });
    expect((await post(runner, order.id, 'submit', { acceptanceNumber: 'MZ2026120400001' })).status).toBe(200);
  });
});

describe('a 代办 order through the six steps', () => {
  test('when a 代办 request reaches the runner team, then it is offered by grid, skill and load; the runner accepts, and each step needs the mandate', async () => {
    const { ticket, order } = await proxyOrder('老年人优待证');
    // Only the demo runner is trained for it (the second runner knows 高龄补贴 alone).
    expect(order).toMatchObject({
      status: 'offered',
      runner_user_id: runnerId,
      team_id: ids.department('XSPT'),
      service_mode: 'full_proxy',
    });
    expect((await ticketNow(ticket.id)).assigneeUserId).toBe(runnerId);
    const inbox = (await runner.get('/api/v1/notifications')).body.items;
    // The offer is in the runner's inbox (beside the team's notice of the dispatch, which may come before or after it).
    expect(inbox.find((n: { kind: string }) => n.kind === 'proxy.offer')).toMatchObject({ ticketId: ticket.id });

    expect((await post(runner2, order.id, 'accept')).status).toBe(403);
    expect((await post(runner2, order.id, 'consult')).status).toBe(403);
    expect((await post(runner, order.id, 'accept')).status).toBe(200);
    expect((await ticketNow(ticket.id)).status).toBe('accepted');
    expect((await post(runner, order.id, 'accept')).status).toBe(409);

    // 咨询告知: the one-time checklist goes to the applicant.
    expect((await post(runner, order.id, 'consult', { note: '电话告知所需材料' })).status).toBe(200);
    const checklist = await t.hub.db('outbox').where({ ticket_id: ticket.id, kind: 'citizen.chat_reply' }).orderBy('id').first();
    expect(checklist.payload.text).toBe(
      '您申请代办的「老年人优待证」需准备：1.身份证（原件）；2.户口簿（复印件）；3.一寸照片（原件×2，可容缺后补）。法定办理时限5个工作日。',
    );

    // No 代办 action without a valid mandate.
    const early = await post(runner, order.id, 'materials', { itemKey: 'id_card', form: 'copy', direction: 'received' });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/没有有效的授权委托/);
    expect(
      (
        await post(runner, order.id, 'mandate', {
          consent: false,
          scope: ['collect_materials'],
          validUntil: '2099-12-31',
          signedBy: '王大爷',
          method: 'paper',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await post(runner, order.id, 'mandate', {
          consent: true,
          scope: ['collect_materials'],
          validUntil: '2020-01-01',
          signedBy: '王大爷',
          method: 'paper',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await post(runner, order.id, 'mandate', {
          consent: true,
          scope: ['collect_materials', 'fly'],
          validUntil: '2099-12-31',
          signedBy: '王大爷',
          method: 'paper',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await post(runner, order.id, 'mandate', {
          consent: true,
          scope: ['collect_materials', 'submit'],
          validUntil: '2099-12-31',
          signedBy: '王大爷',
          method: 'paper',
        })
      ).status,
    ).toBe(200);

    // 帮办代办: the hand-over log; an item not on the list is kept as "other" with a note.
    expect(
      (await post(runner, order.id, 'materials', { itemKey: 'id_card', form: 'original', direction: 'received', place: '申请人家中' }))
        .status,
    ).toBe(200);
    const other = await post(runner, order.id, 'materials', {
      itemKey: 'pension_book',
      name: '养老金存折',
      form: 'original',
      direction: 'received',
      note: '申请人主动提供',
    });
    expect(other.body.materials.at(-1)).toMatchObject({
      itemKey: 'other',
      name: '养老金存折',
      note: '不在「老年人优待证」材料清单：养老金存折；申请人主动提供',
    });
    expect((await post(runner, order.id, 'defer', { itemKey: 'household', promisedBy: '2099-01-01' })).status).toBe(409);
    expect((await post(runner, order.id, 'defer', { itemKey: 'photo', promisedBy: '2020-01-01' })).status).toBe(400);
    expect((await post(runner, order.id, 'defer', { itemKey: 'photo', promisedBy: '2099-01-01', note: '申请人承诺补交照片' })).status).toBe(
      200,
    );

    // 协调办理: not before every required item is in (the deferred one counts, on its promise).
    const missing = await post(runner, order.id, 'submit', { acceptanceNumber: 'MZ2026112200017' });
    expect(missing.status).toBe(409);
    expect(missing.body.error.details.missing).toEqual(['户口簿']);
    await post(runner, order.id, 'materials', { itemKey: 'household', form: 'copy', direction: 'received' });
    expect((await post(runner, order.id, 'submit', { acceptanceNumber: 'MZ2026112200017' })).body).toMatchObject({
      status: 'submitted',
      acceptanceNumber: 'MZ2026112200017',
      missing: [],
    });
    expect((await post(runner, order.id, 'progress', { text: '民政局已受理，预计5个工作日内办结' })).status).toBe(200);

    // 评价归档: a window pickup needs the mandate to receive the result; the post needs a tracking number.
    expect((await post(runner, order.id, 'deliver', { method: 'window' })).status).toBe(409);
    expect((await post(runner, order.id, 'deliver', { method: 'postal' })).status).toBe(400);
    postal.failNext(1);
    const posted = await post(runner, order.id, 'deliver', { method: 'postal', trackingNumber: 'EMS1234567890CN' });
    expect(posted.body).toMatchObject({ status: 'delivering', delivery: { method: 'postal', status: 'in_transit' } });
    await t.hub.queue.drain();
    // The tracking lookup failed: still pending, checked again later.
    expect(await t.hub.db('proxy_deliveries').where({ order_id: order.id }).first()).toMatchObject({
      status: 'in_transit',
      last_error: 'postal tracking answered HTTP 502',
      checks: 1,
    });
    postal.set('EMS1234567890CN', 'delivered');
    await t.hub
      .db('proxy_deliveries')
      .update({ next_check_at: t.hub.db.raw('now()') })
      .where({ order_id: order.id });
    await t.hub.services.proxy.steps.sweepDeliveries();
    await t.hub.queue.drain();
    const done = (await runner.get(`/api/v1/proxy/orders/${order.id}`)).body;
    expect(done).toMatchObject({ status: 'done', delivery: { status: 'delivered' } });
    expect(done.steps.map((s: { step: string }) => s.step)).toEqual([
      'consult',
      'mandate',
      'collect',
      'collect',
      'collect',
      'collect',
      'coordinate',
      'feedback',
      'archive',
    ]);
    expect(done.steps.map((s: { label: string }) => s.label)).toContain('评价归档');
    // The ticket is answered by the runner, and the callback survey is scheduled.
    const answered = await ticketNow(ticket.id);
    expect(answered.status).toBe('replied');
    expect(answered.timeline.at(-1)).toMatchObject({ type: 'reply', actor: { name: '刘洋（跑手）' } });
    expect(await t.hub.db('callbacks').where({ ticket_id: ticket.id })).toHaveLength(1);
    expect(postal.lookups.filter((n) => n === 'EMS1234567890CN')).toHaveLength(2);
  });

  test('when the runner lets an offer lapse, then it goes to the next runner who covers the grid and the matter', async () => {
    const { order } = await proxyOrder('高龄补贴', '990121200201', '13911113333');
    // The demo runner has one order open now: the second runner, with none, is offered this one.
    expect(order).toMatchObject({ status: 'offered', runner_user_id: runner2Id });
    await t.hub
      .db('proxy_orders')
      .update({ offer_expires_at: t.hub.db.raw("now() - interval '1 second'") })
      .where({ id: order.id });
    await t.hub.services.proxy.orders.sweepOffers();
    await t.hub.queue.drain();
    expect(await orderOf(order.ticket_id)).toMatchObject({ status: 'offered', runner_user_id: runnerId, declined_user_ids: [runner2Id] });
    const declined = await post(runner, order.id, 'decline', { reason: '今天在外乡' });
    expect(declined.status).toBe(200);
    await t.hub.queue.drain();
    // Nobody else covers it: it waits for a runner, and the seat sees why.
    expect(await orderOf(order.ticket_id)).toMatchObject({ status: 'unassigned', runner_user_id: null });
  });

  test('when a runner acts outside their grids or matters, or on another runner’s order, then it is refused', async () => {
    // 城关社区 is outside the second runner's grid; the demo runner is off duty, so the order waits.
    await t.hub.db('users').update({ on_duty: false }).where({ id: runnerId });
    try {
      const { order } = await proxyOrder('高龄补贴', '990121100001', '13911114444');
      expect(order).toMatchObject({ status: 'unassigned' });
      const claim = await post(runner2, order.id, 'claim');
      expect(claim.status).toBe(403);
      expect(claim.body.error.message).toMatch(/不在你的网格或事项范围内/);
      expect((await post(seat, order.id, 'assign', { runnerUserId: runner2Id })).status).toBe(400);
      // Inside the grid but not trained for the matter: refused too.
      const { order: company } = await proxyOrder('个体工商户登记', '990121200201', '13911115555');
      expect((await post(runner2, company.id, 'claim')).status).toBe(403);
    } finally {
      await t.hub.db('users').update({ on_duty: true }).where({ id: runnerId });
    }
  });
});

describe('reports', () => {
  test('when the center asks, then orders, on-time, trips saved and outstanding materials come per matter and mode, also as CSV', async () => {
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const byMatter = (await supervisor.get(`/api/v1/proxy/report?groupBy=matter&from=${today}&to=${today}`)).body.items;
    expect(byMatter.find((r: { name: string }) => r.name === '老年人优待证')).toMatchObject({
      orders: 1,
      done: 1,
      onTime: 1,
      onTimeRate: 1,
      tripsSaved: 2,
      materialsOutstanding: 1,
    });
    expect(byMatter.find((r: { name: string }) => r.name === '高龄补贴')).toMatchObject({ orders: 2, done: 0, tripsSaved: 0 });
    const byMode = (await supervisor.get(`/api/v1/proxy/report?groupBy=mode&from=${today}&to=${today}`)).body.items;
    expect(byMode[0]).toMatchObject({ key: 'full_proxy', name: '全程代办' });
    const csv = await supervisor.get(`/api/v1/proxy/report?groupBy=runner&from=${today}&to=${today}&format=csv`);
    expect(csv.text.startsWith('\uFEFF分组,名称,代办单,办结,按时办结')).toBe(true);

    // Each figure opens the orders behind it: the matter's done order, and the one with a 容缺 item outstanding.
    const elder = byMatter.find((r: { name: string }) => r.name === '老年人优待证');
    const behind = async (figure: string, key = elder.key) =>
      (await supervisor.get(`/api/v1/proxy/report/orders?groupBy=matter&key=${key}&figure=${figure}&from=${today}&to=${today}`)).body.items;
    expect(await behind('done')).toEqual([expect.objectContaining({ status: 'done', number: expect.stringMatching(/^\d{8}/) })]);
    expect(await behind('outstanding')).toHaveLength(1);
    expect(await behind('late')).toEqual([]);
    expect(await behind('orders', byMatter.find((r: { name: string }) => r.name === '高龄补贴').key)).toHaveLength(2);
    const bad = await supervisor.get(`/api/v1/proxy/report/orders?groupBy=matter&key=1&figure=everything&from=${today}&to=${today}`);
    expect(bad.status).toBe(400);
    expect((await runner.get(`/api/v1/proxy/report/orders?groupBy=matter&key=1&figure=done&from=${today}&to=${today}`)).status).toBe(403);
    expect((await supervisor.get(`/api/v1/proxy/report?groupBy=planet&from=${today}&to=${today}`)).status).toBe(400);
    expect((await runner.get(`/api/v1/proxy/report?from=${today}&to=${today}`)).status).toBe(403);
  });

  test('when a 容缺 promise passes its date with the item still missing, then the runner is reminded once', async () => {
    await t.hub.db('proxy_materials').update({ promised_by: '2026-01-01' }).where({ direction: 'deferred' });
    expect(await t.hub.services.proxy.steps.sweepPromises()).toBe(0); // the order is done: nothing to chase
    await t.hub
      .db('proxy_orders')
      .update({ status: 'submitted' })
      .whereIn('id', t.hub.db('proxy_materials').select('order_id').where({ direction: 'deferred' }));
    expect(await t.hub.services.proxy.steps.sweepPromises()).toBe(1);
    expect(await t.hub.services.proxy.steps.sweepPromises()).toBe(0);
    expect((await runner.get('/api/v1/notifications')).body.items[0]).toMatchObject({
      kind: 'proxy.promise_due',
      title: '容缺材料逾期未补：一寸照片',
    });
  });
});

describe('delivery by post', () => {
  test('when the post returns the result, then the runner is told and sends it again', async () => {
    const { ticket, order } = await proxyOrder('老年人优待证', '990121200201', '13911116666');
    await post(runner, order.id, 'accept');
    await post(runner, order.id, 'mandate', {
      consent: true,
      scope: ['collect_materials', 'submit'],
      validUntil: '2099-12-31',
      signedBy: '李大妈',
      method: 'paper',
    });
    for (const itemKey of ['id_card', 'household', 'photo']) {
      await post(runner, order.id, 'materials', {
        itemKey,
        form: itemKey === 'household' ? 'copy' : 'original',
        count: itemKey === 'photo' ? 2 : 1,
        direction: 'received',
      });
    }
    expect((await post(runner, order.id, 'submit', { acceptanceNumber: 'MZ2026112200018' })).status).toBe(200);
    postal.set('EMS0000000001CN', 'returned');
    await post(runner, order.id, 'deliver', { method: 'postal', trackingNumber: 'EMS0000000001CN' });
    await t.hub.queue.drain();
    const back = (await runner.get(`/api/v1/proxy/orders/${order.id}`)).body;
    expect(back).toMatchObject({ status: 'submitted', delivery: { status: 'returned' } });
    expect(back.steps.at(-1)).toMatchObject({ step: 'feedback', note: '邮件被退回，需重新送达' });
    expect((await runner.get('/api/v1/notifications')).body.items[0]).toMatchObject({ kind: 'proxy.returned', ticketId: ticket.id });
    // Sent again with a new number: delivered this time.
    postal.set('EMS0000000002CN', 'delivered');
    const resent = (await post(runner, order.id, 'deliver', { method: 'postal', trackingNumber: 'EMS0000000002CN' })).body.delivery;
    expect(resent).toMatchObject({ trackingNumber: 'EMS0000000002CN' });
    // The answer shows the order as it is when read: the tracking job may already have found it delivered.
    expect(['in_transit', 'delivered']).toContain(resent.status);
    await t.hub.queue.drain();
    expect((await runner.get(`/api/v1/proxy/orders/${order.id}`)).body).toMatchObject({
      status: 'done',
      delivery: { status: 'delivered' },
    });
    expect((await ticketNow(ticket.id)).status).toBe('replied');
  });
});

describe('step templates', () => {
  test('when a runner team follows the 五步走, then its orders list their steps from that template, recorded the same way', async () => {
    const team = ids.department('XSPT');
    expect((await admin.patch(`/api/v1/departments/${ids.department('ZJJ')}`, { stepTemplate: 'five_steps' })).status).toBe(400);
    expect((await admin.patch(`/api/v1/departments/${team}`, { stepTemplate: 'seven_steps' })).status).toBe(400);
    expect((await supervisor.patch(`/api/v1/departments/${team}`, { stepTemplate: 'five_steps' })).status).toBe(403);
    expect((await admin.patch(`/api/v1/departments/${team}`, { stepTemplate: 'five_steps' })).body.stepTemplate).toBe('five_steps');
    try {
      const { order } = await proxyOrder('老年人优待证', '990121200201', '13911113333');
      expect((await post(runner, order.id, 'accept')).status).toBe(200);
      expect((await post(runner, order.id, 'consult', { note: '入户调查摸底，告知所需材料' })).status).toBe(200);
      const mandate = {
        consent: true,
        scope: ['collect_materials', 'submit'],
        validUntil: '2099-12-31',
        signedBy: '王大爷',
        method: 'paper',
      };
      expect((await post(runner, order.id, 'mandate', mandate)).status).toBe(200);
      const seen = (await runner.get(`/api/v1/proxy/orders/${order.id}`)).body;
      expect(seen.template).toMatchObject({ code: 'five_steps', name: '五步走' });
      expect(seen.template.steps.map((s: { label: string; done: boolean }) => [s.label, s.done])).toEqual([
        ['调查摸底', true],
        ['实地走访', true],
        ['申请受理', false],
        ['代办实施', false],
        ['办结评价', false],
      ]);
      expect(seen.template.steps[1]).toMatchObject({ actorName: '刘洋（跑手）', at: expect.any(String) });
      // The record underneath is the team's whatever its template.
      expect(seen.steps.map((s: { step: string }) => s.step)).toEqual(['consult', 'mandate']);
    } finally {
      await admin.patch(`/api/v1/departments/${team}`, { stepTemplate: 'six_steps' });
    }
    const six = (await supervisor.get(`/api/v1/proxy/orders/${(await orderOf((await proxyOrder('老年人优待证')).ticket.id)).id}`)).body;
    expect(six.template.steps.map((s: { label: string }) => s.label)).toEqual([
      '咨询告知',
      '授权委托',
      '帮办代办',
      '协调办理',
      '跟踪反馈',
      '评价归档',
    ]);
  });
});
