import { starterCategoryExamples } from '../../src/triage/starter-set';
import { eventually } from '../support/fake-twilio';
import { act, createTicket } from '../support/tickets';
import { demoIds, startTestHub, type TestHub } from '../support/test-hub';

let t: TestHub;
let sequence = 0;

beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

/** A request arriving by itself (no operator), as the SMS channel hands it to intake. */
async function citizenTicket(text: string) {
  sequence += 1;
  await t.hub.services.intake.receive({
    channel: 'sms',
    providerId: `SM${String(sequence).padStart(32, '0')}`,
    from: { phone: `+8613700${String(sequence).padStart(6, '0')}` },
    text,
    media: [],
    receivedAt: new Date(),
    raw: {},
  });
  await t.hub.queue.drain();
  return t.hub.db('tickets').where({ description: text }).first();
}

describe('triage by the local classifier', () => {
  test('when a citizen texts about a water outage in a community, then the ticket is placed, raised to urgent and categorised', async () => {
    const ids = await demoIds(t.hub);
    const ticket = await citizenTicket('东华社区停水了一整天，请尽快恢复供水');
    expect(ticket).toMatchObject({
      status: 'triage',
      urgency: 'urgent',
      request_type: 'help',
      region_id: ids.region('990101001001'),
      category_id: ids.category('1201'),
    });
    // Sure of the level-2 category, the suggestion names it (供水, not only 水电气暖).
    expect(ticket.classification).toMatchObject({
      by: 'local',
      category: { code: '1201', name: '供水' },
      region: { name: '东华社区' },
      address: '东华社区',
      urgency: { value: 'urgent' },
    });
    expect(ticket.address).toBe('东华社区');
    const event = await t.hub.db('ticket_events').where({ ticket_id: ticket.id, type: 'classify' }).first();
    expect(event).toMatchObject({ actor_kind: 'classifier', from_status: 'new', to_status: 'triage' });
    expect(event.data.applied).toMatchObject({ categoryId: ids.category('1201'), urgency: 'urgent' });
  });

  test('when a complaint asks for speed, then the learned request type still says complaint, not help', async () => {
    const ticket = await citizenTicket('小区门口下水道堵了，污水漫到马路上，请尽快处理');
    expect(ticket.request_type).toBe('complaint');
    expect(ticket.classification.requestType).toEqual({ value: 'complaint', confidence: expect.any(Number) });
    const thanks = await citizenTicket('感谢社区网格员帮我家老人买药');
    expect(thanks.request_type).toBe('praise');
  });

  test('when the request is a question or an emergency, then the rules say so', async () => {
    const question = await citizenTicket('请问公积金提取需要什么材料');
    expect(question).toMatchObject({ request_type: 'consult', urgency: 'normal' });
    const fire = await citizenTicket('新桥村发生火灾有人被困');
    expect(fire.urgency).toBe('emergency');
    expect(fire.classification.region.name).toBe('新桥村');
  });

  test('when the model is unsure, then the category is only suggested, not filled in', async () => {
    const ticket = await citizenTicket('这个事情到底归谁管');
    expect(ticket.category_id).toBeNull();
    expect(ticket.classification.category.confidence).toBeLessThan(0.6);
    expect(ticket.classification.alternatives.length).toBeGreaterThan(0);
  });

  test('when an operator set the category and type, then the classifier leaves them and only suggests', async () => {
    const ids = await demoIds(t.hub);
    const operator = await t.as('operator');
    const created = await createTicket(operator, {
      requestType: 'complaint',
      categoryId: ids.category('0501'),
      description: '东华社区停水了很久了，一直没人管',
    });
    await t.hub.queue.drain();
    const ticket = await t.hub.db('tickets').where({ id: created.id }).first();
    expect(ticket).toMatchObject({ request_type: 'complaint', category_id: ids.category('0501'), urgency: 'urgent', region_id: null });
    expect(ticket.classification.category.code).toBe('12');
  });

  test('when an operator acted before the classifier, then the classifier does nothing', async () => {
    const ids = await demoIds(t.hub);
    const operator = await t.as('operator');
    const created = await createTicket(operator, { description: '路灯坏了' });
    await t.hub.queue.drain();
    await t.hub.db('tickets').update({ status: 'new' }).where({ id: created.id });
    await act(operator, created.id, 'dispatch', { departmentId: ids.department('ZJJ') });
    expect(await t.hub.services.triage.triage(created.id)).toBe('skipped');
    expect(await t.hub.services.triage.triage(999_999)).toBe('skipped');
  });

  test('when a model is trained elsewhere, then running hubs switch to it; labels must belong to the taxonomy', async () => {
    const before = (await t.hub.db('classifier_models').where({ active: true }).first()).version;
    const peer = await startTestHub({ peerOf: t });
    try {
      const examples = [
        ...['路灯坏了', '井盖丢了', '电梯坏了', '楼道漏水'].map((text) => ({ text, label: '城乡建设' })),
        ...['拖欠工资', '不发工资', '社保断缴', '辞退无赔偿'].map((text) => ({ text, label: '05' })),
      ];
      const version = await peer.hub.services.triage.train(examples, 'test');
      expect(version).toBe(before + 1);
      await t.hub.services.triage.reloadIfChanged();
      const ticket = await citizenTicket('单位拖欠工资半年');
      expect(ticket.classification.modelVersion).toBe(version);
      expect(ticket.classification.category.code).toBe('05');
      await expect(
        peer.hub.services.triage.train(
          [
            { text: 'x', label: '不存在的类别' },
            { text: 'y', label: '05' },
          ],
          'test',
        ),
      ).rejects.toThrow(/无法识别：不存在的类别/);
      expect((await t.hub.db('classifier_models').where({ active: true })).map((m: { version: number }) => m.version)).toEqual([version]);
    } finally {
      await peer.close();
    }
  });
});

describe('triage jobs', () => {
  test('when one ticket of a triage job fails, then the others are triaged and the job retries the one that failed', async () => {
    // The three tickets below take the next three ids; the second one's classification is refused inside PostgreSQL.
    const next = Number((await t.hub.db.raw("select nextval('tickets_id_seq') as id")).rows[0].id);
    const refused = next + 2;
    await t.hub.db.raw(
      `create function refuse_classify() returns trigger language plpgsql as $$
       begin
         if new.ticket_id = ${refused} and new.type = 'classify' then raise exception 'refused for the test'; end if;
         return new;
       end $$;
       create trigger refuse_classify before insert on ticket_events for each row execute function refuse_classify();`,
    );
    const texts = ['滨河社区路灯不亮', '新桥村道路坑洼', '城关社区垃圾未清运'];
    try {
      const stored = await Promise.all(
        texts.map((text, i) =>
          t.hub.services.intake.receive({
            channel: 'sms',
            providerId: `SMbatch${i}${'0'.repeat(27)}`,
            from: { phone: `+8613711${String(i).padStart(6, '0')}` },
            text,
            media: [],
            receivedAt: new Date(),
            raw: {},
          }),
        ),
      );
      expect(stored.every((s) => !s.duplicate)).toBe(true);
      await t.hub.queue.drain();
      const tickets = await t.hub.db('tickets').whereIn('description', texts).orderBy('id');
      expect(tickets.map((ticket: { id: number }) => ticket.id)).toEqual([next + 1, next + 2, next + 3]);
      expect(tickets.map((ticket: { status: string }) => ticket.status)).toEqual(['triage', 'new', 'triage']);
    } finally {
      await t.hub.db.raw('drop trigger refuse_classify on ticket_events; drop function refuse_classify();');
    }
    await eventually(async () => (await t.hub.db('tickets').where({ id: refused }).first()).status === 'triage', 8_000);
    expect(
      await t.hub
        .db('ticket_events')
        .whereIn('ticket_id', [next + 1, refused, next + 3])
        .where({ type: 'classify' }),
    ).toHaveLength(3);
  });
});

describe('suggested department', () => {
  test('when tickets of a category usually went to one department, then the classifier suggests it with its share', async () => {
    // An earlier test left a tiny model active: start again from the built-in one.
    await t.hub.services.triage.train(starterCategoryExamples(), 'test reset');
    const ids = await demoIds(t.hub);
    const operator = await t.as('operator');
    const first = await citizenTicket('小区停电了一整晚');
    expect(first.classification.department).toBeNull();
    // Triaged before any of them is dispatched: a category's suggestion, once there is one, is kept for a minute.
    const earlier = [];
    for (const [text, department] of [
      ['家里停电了', 'GDGS'],
      ['整栋楼停电', 'GDGS'],
      ['停水停电', 'SWJT'],
    ] as const)
      earlier.push({ ticket: await citizenTicket(text), department });
    for (const { ticket, department } of earlier) {
      await act(operator, ticket.id, 'categorize', { categoryId: ids.category('1202') });
      await act(operator, ticket.id, 'dispatch', { departmentId: ids.department(department) });
    }
    const next = await citizenTicket('小区停电没有通知，什么时候来电');
    expect(next.classification.category.code).toBe('1202');
    expect(next.classification.department).toEqual({
      id: ids.department('GDGS'),
      name: '示范供电公司',
      confidence: expect.closeTo(0.667, 2),
    });
    // Within the minute the same answer comes from memory: no query over the history per ticket.
    await act(operator, next.id, 'dispatch', { departmentId: ids.department('SWJT') });
    const again = await citizenTicket('又停电了，什么时候恢复供电');
    expect(again.classification.department).toEqual(next.classification.department);
  });
});

describe('learning from operators', () => {
  test('when a seat logs a call with a category and answers it on the phone (直接办结), then that category is a label too', async () => {
    const ids = await demoIds(t.hub);
    const operator = await t.as('operator');
    const ticket = await createTicket(operator, { categoryId: ids.category('0201'), description: '饭店油烟扰民应该向哪个部门反映？' });
    await act(operator, ticket.id, 'resolve_directly', { answer: '已告知可向生态环境部门反映，并提供了联系电话' });
    const labels = await t.hub.db('classification_labels').where({ ticket_id: ticket.id });
    expect(labels.map((l: { category_code: string }) => l.category_code)).toEqual(['0201']);
  });

  test('when an operator corrects or confirms the category, then it is a label, and enough labels retrain the model', async () => {
    const ids = await demoIds(t.hub);
    const operator = await t.as('operator');
    const hub = await startTestHub({ peerOf: t, env: { CLASSIFIER_RETRAIN_MIN_LABELS: '2' } });
    try {
      const corrected = await citizenTicket('楼下烧烤店油烟很大，晚上还很吵');
      const categorized = await act(operator, corrected.id, 'categorize', {
        categoryId: ids.category('1503'),
        requestType: 'complaint',
        note: '烧烤摊占道经营',
      });
      expect(categorized).toMatchObject({ category: { code: '1503' }, requestType: 'complaint' });
      const confirmed = await citizenTicket('单位拖欠工资两个月不发');
      await act(operator, confirmed.id, 'dispatch', { departmentId: ids.department('RSJ') });
      const labels = await t.hub.db('classification_labels').whereIn('ticket_id', [corrected.id, confirmed.id]).orderBy('ticket_id');
      expect(labels.map((l: { source: string; category_code: string }) => [l.category_code, l.source])).toEqual([
        ['1503', 'corrected'],
        ['0501', 'confirmed'],
      ]);
      expect((await operator.post(`/api/v1/tickets/${corrected.id}/categorize`, { categoryId: 999_999 })).status).toBe(400);
      expect(
        (await (await t.as('agent')).post(`/api/v1/tickets/${corrected.id}/categorize`, { categoryId: ids.category('02') })).status,
      ).toBe(403);

      const before = (await t.hub.db('classifier_models').where({ active: true }).first()).version;
      const version = await hub.hub.services.triage.retrainIfDue(2);
      expect(version).toBe(before + 1);
      const stored = await t.hub.db('classifier_models').where({ version }).first();
      expect(stored.training_source).toMatch(/operator labels/);
      // Nothing new since: no retraining.
      expect(await hub.hub.services.triage.retrainIfDue(2)).toBeUndefined();
    } finally {
      await hub.close();
    }
  });
});

describe('the model’s versions', () => {
  test('when an admin retrains now, the new version is active; an older one can be made active again; both are audited', async () => {
    const admin = await t.as('admin');
    const before = (await admin.get('/api/v1/triage/models')).body;
    expect(before.items.length).toBeGreaterThanOrEqual(1);
    expect(before.items.filter((v: { active: boolean }) => v.active)).toHaveLength(1);
    const previous = before.items.find((v: { active: boolean }) => v.active).version as number;

    const trained = await admin.post('/api/v1/triage/models/retrain', {});
    expect(trained.status).toBe(201);
    expect(trained.body).toMatchObject({
      version: before.items[0].version + 1,
      active: true,
      trainingSource: expect.stringMatching(/on request/),
    });
    // Scored on every fifth example of each label, held out of a model trained on the rest.
    expect(trained.body.metrics).toMatchObject({ heldOutExamples: expect.any(Number), heldOutAccuracy: expect.any(Number) });
    expect(trained.body.metrics.heldOutExamples).toBeGreaterThanOrEqual(10);
    expect(trained.body.metrics.heldOutAccuracy).toBeGreaterThan(0.3);
    expect(trained.body.metrics.heldOutAccuracy).toBeLessThanOrEqual(1);
    expect(t.hub.services.triage.activeVersion).toBe(trained.body.version);

    const back = await admin.post(`/api/v1/triage/models/${previous}/activate`, {});
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ version: previous, active: true });
    expect(t.hub.services.triage.activeVersion).toBe(previous);
    const after = (await admin.get('/api/v1/triage/models')).body.items as Array<{ version: number; active: boolean }>;
    expect(after.filter((v) => v.active).map((v) => v.version)).toEqual([previous]);
    expect((await admin.get(`/api/v1/audit-log?target=classifier_model:${previous}`)).body.items[0]).toMatchObject({
      action: 'settings.changed',
      details: { before: { active: false }, after: { active: true } },
    });

    // The reload task (every 15 s) running while a retraining's transaction is open must not swap the new model,
    // not yet committed, back for the old one it still reads.
    let training = true;
    const retrained = t.hub.services.triage.retrainNow().finally(() => (training = false));
    while (training) await t.hub.services.triage.reloadIfChanged();
    expect(t.hub.services.triage.activeVersion).toBe((await retrained).version);
    await admin.post(`/api/v1/triage/models/${previous}/activate`, {});

    expect((await admin.post('/api/v1/triage/models/9999/activate', {})).status).toBe(404);
    expect((await (await t.as('operator')).get('/api/v1/triage/models')).status).toBe(403);
    expect((await (await t.as('supervisor')).post('/api/v1/triage/models/retrain', {})).status).toBe(403);
  });
});
