import { holidayNoticeCheck } from '../../src/sla/sla.jobs';
import { addWorkingTime, compileCalendar, standardWeek } from '../../src/sla/working-calendar';
import { act, createTicket, inDays } from '../support/tickets';
import { hours, travel } from '../support/sla';
import { deleteRedisPrefix, demoIds, startTestHub, usesRedis, type AuthedAgent, type TestHub } from '../support/test-hub';

let t: TestHub;
let ids: Awaited<ReturnType<typeof demoIds>>;
let operator: AuthedAgent, admin: AuthedAgent, supervisor: AuthedAgent, director: AuthedAgent, agent: AuthedAgent, head: AuthedAgent;

// A ladder on natural hours, so the test walks it by moving clocks into the past.
const ladder = [
  { level: 0, name: '黄牌预警', audience: 'assignee', atShare: 0.8 },
  { level: 1, name: '红牌超期', audience: 'assignee', afterAmount: 0, afterUnit: 'natural_hours' },
  { level: 2, name: '升级：部门负责人', audience: 'dept_head', afterAmount: 1, afterUnit: 'natural_hours' },
  { level: 3, name: '升级：督办/值班长', audience: 'supervisor', afterAmount: 2, afterUnit: 'natural_hours', sms: true },
  { level: 4, name: '升级：中心主任', audience: 'director', afterAmount: 3, afterUnit: 'natural_hours', sms: true },
];

beforeAll(async () => {
  // The periodic sweep stays out of the way: the tests sweep when they mean to.
  t = await startTestHub({ env: { SLA_SWEEP_MS: '600000' } });
  ids = await demoIds(t.hub);
  [operator, admin, supervisor, director, agent, head] = (await Promise.all(
    ['operator', 'admin', 'supervisor', 'director', 'agent', 'head'].map((u) => t.as(u)),
  )) as AuthedAgent[] as [AuthedAgent, AuthedAgent, AuthedAgent, AuthedAgent, AuthedAgent, AuthedAgent];
  expect((await admin.put('/api/v1/sla/alert-levels', { levels: ladder })).status).toBe(200);
  await t.hub.db('users').update({ phone: '+8613900000001' }).where({ username: 'director' });
});
afterAll(() => t.close());

const clocksOf = async (ticketId: number) =>
  (await operator.get(`/api/v1/tickets/${ticketId}/clocks`)).body.items as Array<Record<string, any>>;
const open = (clocks: Array<Record<string, any>>, stage: string) =>
  clocks.find((c) => c.stage === stage && ['running', 'paused'].includes(c.state) && c.assignmentId === null);
const alertsOf = (ticketId: number) => t.hub.db('sla_alerts').where({ ticket_id: ticketId }).orderBy('level');
const notificationsOf = async (agentOf: AuthedAgent) => (await agentOf.get('/api/v1/notifications?limit=200')).body;

async function triaged(overrides: Record<string, unknown> = {}) {
  const ticket = await createTicket(operator, { categoryId: ids.category('0102'), regionId: ids.region('990101001001'), ...overrides });
  await t.hub.queue.drain();
  return ticket;
}

async function dispatched(overrides: Record<string, unknown> = {}, dispatchBody: Record<string, unknown> = {}) {
  const ticket = await triaged(overrides);
  await act(operator, ticket.id, 'dispatch', { departmentId: ids.department('ZJJ'), ...dispatchBody });
  return ticket;
}

describe('stage clocks', () => {
  test('when a ticket is taken, dispatched, signed for, contacted, replied and closed, then each stage clock starts and stops on the database clock', async () => {
    const ticket = await triaged();
    let clocks = await clocksOf(ticket.id);
    const dispatch = open(clocks, 'dispatch')!;
    expect(dispatch).toMatchObject({ state: 'running', unit: 'natural_hours', amount: 24 });
    expect(new Date(dispatch.dueAt).getTime() - new Date(dispatch.startedAt).getTime()).toBe(hours(24));
    // Started by the classifier's action, from the moment the ticket was taken.
    expect(dispatch.ledger[0]).toMatchObject({ type: 'start', reason: '派单：一般事项 24 小时', actorKind: 'classifier' });
    expect(dispatch.startedAt).toBe((await operator.get(`/api/v1/tickets/${ticket.id}`)).body.createdAt);

    await act(operator, ticket.id, 'dispatch', { departmentId: ids.department('ZJJ') });
    clocks = await clocksOf(ticket.id);
    expect(clocks.find((c) => c.stage === 'dispatch')).toMatchObject({ state: 'stopped', breachedAt: null });
    const reply = open(clocks, 'reply')!;
    // 7 working days on the standard week with the official holidays: the end of the 7th working day after today.
    const expected = addWorkingTime(new Date(reply.startedAt), 7, 'working_days', compileCalendar({ weekHours: standardWeek }));
    expect(new Date(reply.dueAt).toISOString()).toBe(expected.toISOString());
    expect(open(clocks, 'sign_for')).toMatchObject({ unit: 'working_hours', amount: 2, departmentId: ids.department('ZJJ') });
    const detail = (await operator.get(`/api/v1/tickets/${ticket.id}`)).body;
    expect(detail.replyDueAt).toBe(reply.dueAt);
    expect(detail.nextDue.stage).toBe('sign_for');

    await act(agent, ticket.id, 'sign_for');
    clocks = await clocksOf(ticket.id);
    expect(clocks.find((c) => c.stage === 'sign_for')!.state).toBe('stopped');
    expect(open(clocks, 'first_contact')).toMatchObject({ unit: 'working_days', amount: 1 });

    await act(agent, ticket.id, 'contact_citizen', { method: 'phone' });
    await act(agent, ticket.id, 'reply', { text: '已修复', solved: true });
    clocks = await clocksOf(ticket.id);
    expect(new Set(clocks.filter((c) => c.state === 'stopped').map((c) => c.stage))).toEqual(
      new Set(['dispatch', 'sign_for', 'first_contact', 'reply']),
    );
    expect(open(clocks, 'callback')).toMatchObject({ departmentId: null, unit: 'working_days', amount: 2 });
    await act(operator, ticket.id, 'close');
    clocks = await clocksOf(ticket.id);
    expect(clocks.every((c) => c.state === 'stopped')).toBe(true);
    expect(clocks.every((c) => c.ledger.at(-1).type === 'stop' && c.ledger.at(-1).data.onTime === true)).toBe(true);
    expect((await operator.get(`/api/v1/tickets/${ticket.id}`)).body.nextDue).toBeNull();
  });

  test('when a ticket is an emergency, or an operator raises its urgency, then the emergency policy sets the limits', async () => {
    const emergency = await triaged({ urgency: 'emergency' });
    expect(open(await clocksOf(emergency.id), 'dispatch')).toMatchObject({ amount: 1, unit: 'natural_hours' });

    const ticket = await triaged();
    await act(operator, ticket.id, 'categorize', { categoryId: ids.category('0102'), urgency: 'emergency' });
    const dispatch = open(await clocksOf(ticket.id), 'dispatch')!;
    expect(dispatch).toMatchObject({ amount: 1 });
    expect(new Date(dispatch.dueAt).getTime() - new Date(dispatch.startedAt).getTime()).toBe(hours(1));
    expect(dispatch.ledger.at(-1)).toMatchObject({ type: 'retarget', reason: '时限政策：派单：紧急事项 1 小时' });
  });

  test('when the department waits on the citizen, then the clocks pause, and resuming counts only the rest of the limit', async () => {
    const ticket = await dispatched({ urgency: 'urgent' });
    await act(agent, ticket.id, 'sign_for');
    const before = open(await clocksOf(ticket.id), 'reply')!;
    expect(before).toMatchObject({ unit: 'natural_hours', amount: 24 });
    await travel(t.hub, ticket.id, hours(10));
    await act(agent, ticket.id, 'pause_clocks', { reason: '等待群众补充材料' });
    const paused = open(await clocksOf(ticket.id), 'reply')!;
    expect(paused).toMatchObject({ state: 'paused', dueAt: null, nextAlertAt: null });
    expect(Number(paused.usedMs)).toBeGreaterThanOrEqual(hours(10));
    expect((await operator.get(`/api/v1/tickets/${ticket.id}`)).body.clocksPaused).toBe(true);

    await act(agent, ticket.id, 'resume_clocks', {});
    const resumed = open(await clocksOf(ticket.id), 'reply')!;
    // 24 h limit, 10 h used before the pause: 14 h from the resume.
    expect(new Date(resumed.dueAt).getTime() - new Date(resumed.basisAt).getTime()).toBeCloseTo(hours(14), -4);
    expect(resumed.ledger.map((e: { type: string }) => e.type)).toEqual(['start', 'pause', 'resume']);
  });

  test('when an extension is approved or a supervisor sets a deadline, then the reply clock moves to it and its old alert job does nothing', async () => {
    const ticket = await dispatched();
    const first = open(await clocksOf(ticket.id), 'reply')!;
    await act(agent, ticket.id, 'request_extension', { reason: '需协调多部门', requestedDueAt: inDays(30) });
    const approved = await act(supervisor, ticket.id, 'decide_extension', { decision: 'approve' });
    const moved = open(await clocksOf(ticket.id), 'reply')!;
    expect(moved).toMatchObject({ extensions: 1, manualDue: true, generation: first.generation + 1 });
    expect(moved.dueAt).toBe(approved.replyDueAt);
    expect(moved.ledger.at(-1)).toMatchObject({ type: 'extend', data: { previousDueAt: first.dueAt } });

    // The job planned for the old deadline wakes: stale, nothing is sent.
    expect(await t.hub.services.clocks.alertJob({ clockId: first.id, generation: first.generation, level: first.nextAlertLevel })).toBe(
      'skipped',
    );
    expect(await alertsOf(ticket.id)).toEqual([]);

    const tightened = inDays(1);
    await act(supervisor, ticket.id, 'supervise', { note: '群众多次来电，限期办结', replyDueAt: tightened });
    const retargeted = open(await clocksOf(ticket.id), 'reply')!;
    expect(new Date(retargeted.dueAt).toISOString()).toBe(tightened);
    expect(retargeted.ledger.at(-1)).toMatchObject({ type: 'retarget', reason: '群众多次来电，限期办结' });
  });

  test('when a ticket is co-handled, then each assisting department has its own clocks, stopped by its report', async () => {
    const ticket = await dispatched({}, { assistDepartmentIds: [ids.department('CGJ')] });
    const assist = (await clocksOf(ticket.id)).filter((c) => c.assignmentId !== null);
    expect(assist.map((c) => [c.stage, c.state, c.departmentId])).toEqual([
      ['sign_for', 'running', ids.department('CGJ')],
      ['reply', 'running', ids.department('CGJ')],
    ]);
    const cgAgent = await t.as('cg_agent');
    await act(cgAgent, ticket.id, 'assist_report', { text: '已清理占道' });
    expect((await clocksOf(ticket.id)).filter((c) => c.assignmentId !== null).map((c) => c.state)).toEqual(['stopped', 'stopped']);
  });

  test('when a replied ticket is reopened, then it is handled on new clocks of a new cycle', async () => {
    const ticket = await dispatched();
    await act(agent, ticket.id, 'sign_for');
    await act(agent, ticket.id, 'reply', { text: '已处理', solved: false });
    await act(operator, ticket.id, 'reopen', { reason: '群众不满意' });
    const clocks = await clocksOf(ticket.id);
    expect(clocks.find((c) => c.stage === 'callback')!.state).toBe('cancelled');
    expect(clocks.filter((c) => c.cycle === 1 && c.state === 'running').map((c) => c.stage)).toEqual(['sign_for', 'reply']);
  });
});

describe('alerts', () => {
  test('when a clock passes its yellow share, its deadline and each escalation step, then each level is alerted once to its audience', async () => {
    const ticket = await dispatched({ urgency: 'urgent' });
    await act(agent, ticket.id, 'sign_for');
    // Only the reply clock is left to watch here.
    await act(agent, ticket.id, 'contact_citizen', { method: 'phone' });
    const clocks = t.hub.services.clocks;

    await travel(t.hub, ticket.id, hours(20)); // 20 of 24 h: past the yellow share (0.8)
    await clocks.sweep();
    await clocks.sweep();
    let alerts = await alertsOf(ticket.id);
    expect(alerts.map((a) => [a.level, a.audience, a.via])).toEqual([[0, 'assignee', 'sweep']]);
    const mine = await notificationsOf(agent);
    expect(mine.items[0]).toMatchObject({
      kind: 'sla.alert',
      ticketId: ticket.id,
      title: expect.stringContaining('黄牌预警'),
      readAt: null,
    });
    expect(mine.items[0].body).toMatch(/答复时限 .*剩余 3 小时 59 分|答复时限 .*剩余 4 小时/);

    await travel(t.hub, ticket.id, hours(4.5)); // past the deadline
    await clocks.sweep();
    expect((await alertsOf(ticket.id)).map((a) => a.level)).toEqual([0, 1]);
    const reply = open(await clocksOf(ticket.id), 'reply')!;
    expect(reply.breachedAt).not.toBeNull();
    expect(reply.ledger.filter((e: { type: string }) => ['warn', 'breach'].includes(e.type)).map((e: { type: string }) => e.type)).toEqual([
      'warn',
      'breach',
    ]);
    const overdue = (await supervisor.get('/api/v1/sla/overdue')).body.items.find((o: { ticketId: number }) => o.ticketId === ticket.id);
    expect(overdue).toMatchObject({
      stage: 'reply',
      stageLabel: '答复',
      departmentName: expect.any(String),
      late: expect.stringMatching(/^(29|30) 分$/),
    });
    expect((await operator.get(`/api/v1/tickets?overdue=true`)).body.items.map((x: { id: number }) => x.id)).toContain(ticket.id);

    await travel(t.hub, ticket.id, hours(1)); // +1.5 h: the department head
    await clocks.sweep();
    expect((await alertsOf(ticket.id)).map((a) => a.level)).toEqual([0, 1, 2]);
    expect((await notificationsOf(head)).items[0]).toMatchObject({
      title: expect.stringContaining('升级：部门负责人'),
      ticketId: ticket.id,
    });

    // The department has a duty phone (值班电话) now: the escalations that text people text it too.
    await admin.patch(`/api/v1/departments/${ids.department('ZJJ')}`, { dutyPhone: '+8613900000099' }).expect(200);
    await travel(t.hub, ticket.id, hours(2)); // +3.5 h: the supervisor's step is due and the director's too
    await clocks.sweep();
    // The supervisor's alert plans the director's at once (already due): its job fires it.
    await t.hub.queue.drain();
    await clocks.sweep();
    alerts = await alertsOf(ticket.id);
    expect(alerts.map((a) => a.level)).toEqual([0, 1, 2, 3, 4]);
    expect(
      (await notificationsOf(supervisor)).items.find(
        (n: { ticketId: number; title: string }) => n.ticketId === ticket.id && n.title.includes('督办/值班长'),
      ),
    ).toBeDefined();
    expect((await notificationsOf(director)).items[0]).toMatchObject({ title: expect.stringContaining('升级：中心主任') });
    const sms = await t.hub.db('outbox').where({ ticket_id: ticket.id, kind: 'staff.alert' }).orderBy('id');
    await admin.patch(`/api/v1/departments/${ids.department('ZJJ')}`, { dutyPhone: null }).expect(200);
    const to = (phone: string) => sms.filter((m: { recipient: { phone: string } }) => m.recipient.phone === phone);
    expect(sms).toHaveLength(3);
    expect(to('+8613900000001')).toHaveLength(1);
    expect(to('+8613900000001')[0]).toMatchObject({ channel: 'sms' });
    expect(to('+8613900000001')[0].payload.text).toMatch(/^【12345】升级：中心主任｜工单 /);
    expect(to('+8613900000099').map((m: { payload: { text: string } }) => m.payload.text)).toEqual([
      expect.stringMatching(/^【12345】升级：督办\/值班长｜工单 /),
      expect.stringMatching(/^【12345】升级：中心主任｜工单 /),
    ]);
    expect(open(await clocksOf(ticket.id), 'reply')).toMatchObject({ nextAlertLevel: null, alertedLevel: 4 });
  });

  test('when sweeps and the alert job race for the same due level, then exactly one alert and one notification per person are written', async () => {
    const ticket = await dispatched({ urgency: 'urgent' });
    await act(agent, ticket.id, 'sign_for');
    await act(agent, ticket.id, 'contact_citizen', { method: 'phone' });
    await travel(t.hub, ticket.id, hours(20));
    const reply = open(await clocksOf(ticket.id), 'reply')!;
    const clocks = t.hub.services.clocks;
    const fired = await Promise.all([
      clocks.sweep(),
      clocks.sweep(),
      clocks.fire({ clockId: reply.id, generation: reply.generation, level: 0 }, 'job'),
      clocks.fire({ clockId: reply.id, generation: reply.generation, level: 0 }, 'job'),
    ]);
    expect(fired.slice(2).filter((o) => o === 'fired').length).toBeLessThanOrEqual(1);
    expect(await alertsOf(ticket.id)).toHaveLength(1);
    const rows = await t.hub.db('notifications').whereIn(
      'alert_id',
      (await alertsOf(ticket.id)).map((a) => a.id),
    );
    expect(rows).toHaveLength(1);
  });

  test('when the alert job wakes before the database says the level is due (clock skew), then nothing fires and it waits again', async () => {
    const ticket = await dispatched({ urgency: 'urgent' });
    const reply = open(await clocksOf(ticket.id), 'reply')!;
    expect(await t.hub.services.clocks.alertJob({ clockId: reply.id, generation: reply.generation, level: reply.nextAlertLevel })).toBe(
      'skipped',
    );
    expect(await alertsOf(ticket.id)).toEqual([]);
    expect(open(await clocksOf(ticket.id), 'reply')).toMatchObject({ nextAlertLevel: 0, alertedLevel: -1 });
  });

  (usesRedis() ? test : test.skip)(
    'when Redis is flushed while alerts wait, then nothing is lost: the sweep finds the due ones in Postgres',
    async () => {
      const ticket = await dispatched({ urgency: 'urgent' });
      await act(agent, ticket.id, 'sign_for');
      await act(agent, ticket.id, 'contact_citizen', { method: 'phone' });
      await deleteRedisPrefix(process.env.REDIS_URL!, t.redisPrefix);
      await travel(t.hub, ticket.id, hours(20));
      await t.hub.services.clocks.sweep();
      expect((await alertsOf(ticket.id)).map((a) => a.level)).toEqual([0]);
    },
  );

  test('when a worker dies between a deadline and its alert, then the next sweep (any worker) sends it, and a second sweep sends nothing', async () => {
    const ticket = await dispatched({ urgency: 'urgent' });
    await act(agent, ticket.id, 'sign_for');
    await act(agent, ticket.id, 'contact_citizen', { method: 'phone' });
    await travel(t.hub, ticket.id, hours(20));
    // Another worker process on the same database and Redis: its periodic sweep picks the alert up.
    const peer = await startTestHub({ peerOf: t, env: { SLA_SWEEP_MS: '200' } });
    try {
      const deadline = Date.now() + 8_000;
      while ((await alertsOf(ticket.id)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await peer.close();
    }
    expect((await alertsOf(ticket.id)).map((a) => a.level)).toEqual([0]);
    await t.hub.services.clocks.sweep();
    expect((await alertsOf(ticket.id)).map((a) => a.level)).toEqual([0]);
  });

  test('when notifications are read, then the unread count falls, and nobody marks another person’s', async () => {
    const before = await notificationsOf(agent);
    expect(before.unread).toBeGreaterThan(0);
    const first = before.items[0];
    expect((await head.post(`/api/v1/notifications/${first.id}/read`)).status).toBe(404);
    const read = await agent.post(`/api/v1/notifications/${first.id}/read`);
    expect(read.body.readAt).not.toBeNull();
    expect((await notificationsOf(agent)).unread).toBe(before.unread - 1);
    expect((await agent.get('/api/v1/notifications?unread=true')).body.items.map((n: { id: number }) => n.id)).not.toContain(first.id);
    expect((await agent.post('/api/v1/notifications/read-all', {})).body.marked).toBe(before.unread - 1);
    expect((await notificationsOf(agent)).unread).toBe(0);
    expect((await agent.get('/api/v1/notifications?unread=maybe')).status).toBe(400);
  });

  test('when the digest hour comes, then each supervisor and the director get one overdue digest that day', async () => {
    const digest = t.hub.services.slaAlerts;
    expect(await digest.digest(new Date('2026-11-23T00:00:00Z'))).toBe(0); // 08:00 Beijing: not yet
    expect(await digest.digest(new Date('2026-11-23T01:00:00Z'))).toBe(2);
    expect(await digest.digest(new Date('2026-11-23T02:00:00Z'))).toBe(0);
    const item = (await notificationsOf(supervisor)).items.find((n: { kind: string }) => n.kind === 'sla.digest');
    expect(item.title).toMatch(/^每日超期汇总 2026-11-23：\d+ 项超期/);
    expect(item.body).toMatch(/超时/);
  });
});

describe('SLA configuration', () => {
  const policy = (overrides: Record<string, unknown> = {}) => ({
    name: '测试',
    stage: 'reply',
    amount: 3,
    unit: 'working_days',
    priority: 50,
    ...overrides,
  });

  test('when a policy has a zero, negative or fractional-day limit, or collides with one of equal priority, then it is refused and nothing changes', async () => {
    const count = (await admin.get('/api/v1/sla/policies')).body.items.length;
    expect((await admin.post('/api/v1/sla/policies', policy({ amount: 0 }))).status).toBe(400);
    expect((await admin.post('/api/v1/sla/policies', policy({ amount: -2 }))).status).toBe(400);
    const fractional = await admin.post('/api/v1/sla/policies', policy({ amount: 1.5 }));
    expect(fractional.status).toBe(400);
    expect(fractional.body.error.message).toMatch(/须为整数/);
    expect((await admin.post('/api/v1/sla/policies', policy({ unit: 'weeks' }))).status).toBe(400);
    expect((await admin.post('/api/v1/sla/policies', policy({ categoryId: 999999 }))).status).toBe(400);
    expect((await operator.post('/api/v1/sla/policies', policy())).status).toBe(403);

    const created = await admin.post('/api/v1/sla/policies', policy({ categoryId: ids.category('05') }));
    expect(created.status).toBe(201);
    // Same stage and priority, and a ticket of 0501 (a child of 05) would match both.
    const collides = await admin.post('/api/v1/sla/policies', policy({ categoryId: ids.category('0501'), name: '欠薪' }));
    expect(collides.status).toBe(409);
    expect(collides.body.error.message).toMatch(new RegExp(`时限策略 #${created.body.id}「`));
    expect(
      (await admin.post('/api/v1/sla/policies', policy({ categoryId: ids.category('0501'), name: '欠薪', priority: 60 }))).status,
    ).toBe(201);
    expect((await admin.get('/api/v1/sla/policies')).body.items.length).toBe(count + 2);

    // The more urgent policy applies to a new ticket of its category.
    const ticket = await dispatched({ categoryId: ids.category('0501'), description: '公司拖欠工资' });
    expect(open(await clocksOf(ticket.id), 'reply')).toMatchObject({ amount: 3, unit: 'working_days' });
  });

  test('when the ladder is malformed, then it is refused with the reason', async () => {
    const bad = [
      [],
      [{ level: 0, name: '黄', audience: 'assignee', atShare: 0.8 }],
      [
        { level: 0, name: '红', audience: 'assignee', afterAmount: 0, afterUnit: 'natural_hours' },
        { level: 1, name: '黄', audience: 'assignee', atShare: 0.8 },
      ],
      [{ level: 0, name: '两者', audience: 'assignee', atShare: 0.5, afterAmount: 0, afterUnit: 'natural_hours' }],
      [{ level: 0, name: '坏', audience: 'nobody', afterAmount: 0, afterUnit: 'natural_hours' }],
    ];
    for (const levels of bad) expect((await admin.put('/api/v1/sla/alert-levels', { levels })).status).toBe(400);
    expect((await admin.get('/api/v1/sla/alert-levels')).body.items).toHaveLength(ladder.length);
  });

  test('when a calendar has no working time, malformed hours or a bad day, then it is refused', async () => {
    const none = Array.from({ length: 7 }, () => []);
    const empty = await admin.post('/api/v1/sla/calendars', { name: '空', regionId: ids.region('990121'), weekHours: none });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/no working time in a week/);
    const week = (hours: unknown) => [[], hours, hours, hours, hours, hours, []];
    expect(
      (await admin.post('/api/v1/sla/calendars', { name: '倒', regionId: ids.region('990121'), weekHours: week([['12:00', '09:00']]) }))
        .status,
    ).toBe(400);
    expect(
      (
        await admin.post('/api/v1/sla/calendars', {
          name: '叠',
          regionId: ids.region('990121'),
          weekHours: week([
            ['09:00', '12:00'],
            ['11:00', '17:00'],
          ]),
        })
      ).status,
    ).toBe(400);
    expect(
      (await admin.post('/api/v1/sla/calendars', { name: '时', regionId: ids.region('990121'), weekHours: week([['9:00', '12:00']]) }))
        .status,
    ).toBe(400);
    const calendars = (await admin.get('/api/v1/sla/calendars')).body.items;
    const city = calendars.find((c: { regionId: number | null }) => c.regionId === null);
    expect((await admin.put(`/api/v1/sla/calendars/${city.id}/overrides/2026-02-30`, { kind: 'holiday' })).status).toBe(400);
    expect(
      (await admin.post(`/api/v1/sla/calendars/${city.id}/import`, { year: 2027, holidays: ['2026-10-01'], workdays: [] })).status,
    ).toBe(400);
    expect(
      (await admin.post(`/api/v1/sla/calendars/${city.id}/import`, { year: 2027, holidays: ['2027-10-01'], workdays: ['2027-10-01'] }))
        .status,
    ).toBe(400);
    expect((await admin.get('/api/v1/sla/calendars')).body.items).toHaveLength(calendars.length);
  });

  test('the year view: each day worked or not, the official holidays with their names, 调休 Saturdays and the calendar’s overrides', async () => {
    const calendar = (await admin.get('/api/v1/sla/calendars')).body.items.find((c: { regionId: number | null }) => c.regionId === null);
    expect(
      (await admin.put(`/api/v1/sla/calendars/${calendar.id}/overrides/2026-07-15`, { kind: 'holiday', note: '台风停工' })).status,
    ).toBe(200);
    const res = await admin.get(`/api/v1/sla/calendars/${calendar.id}/days?year=2026`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ year: 2026, noticeKnown: true });
    const day = (date: string) => res.body.days.find((d: { date: string }) => d.date === date);
    expect(res.body.days).toHaveLength(365);
    expect(day('2026-10-01')).toEqual({ date: '2026-10-01', work: false, official: 'holiday', name: '国庆节', override: null });
    expect(day('2026-10-10')).toMatchObject({ work: true, official: 'workday' }); // a 调休 Saturday
    expect(day('2026-07-14')).toMatchObject({ work: true, official: null, override: null });
    expect(day('2026-07-15')).toMatchObject({ work: false, override: { kind: 'holiday', note: '台风停工' } });
    expect((await admin.delete(`/api/v1/sla/calendars/${calendar.id}/overrides/2026-07-15`)).status).toBe(200);
    expect((await admin.get(`/api/v1/sla/calendars/${calendar.id}/days?year=1999`)).status).toBe(400);
    expect((await admin.get('/api/v1/sla/calendars/99999/days?year=2026')).status).toBe(404);
  });

  test('when a district declares an extra holiday, then running clocks of its tickets move past it', async () => {
    // The district's own calendar: the standard week, then every day from tomorrow to the reply deadline's day off
    // (a typhoon, say): the deadline has to move past them, whatever the weekday and hour the test runs at.
    const created = await admin.post('/api/v1/sla/calendars', {
      name: '东城区工作日历',
      regionId: ids.region('990101'),
      weekHours: [0, 1, 2, 3, 4, 5, 6].map((d) => standardWeek[d as 0]),
    });
    expect(created.status).toBe(201);
    const ticket = await dispatched();
    const before = open(await clocksOf(ticket.id), 'reply')!;
    expect(before.calendarId).toBe(created.body.id);
    const beijingDate = (ms: number) => new Date(ms + hours(8)).toISOString().slice(0, 10);
    const today = beijingDate(Date.now());
    const lastDay = beijingDate(Date.parse(before.dueAt));
    const days: string[] = [];
    for (let day = today; day < lastDay;) days.push((day = beijingDate(Date.parse(`${day}T00:00:00+08:00`) + 86_400_000)));
    for (const day of days)
      expect(
        (await admin.put(`/api/v1/sla/calendars/${created.body.id}/overrides/${day}`, { kind: 'holiday', note: '台风停工' })).status,
      ).toBe(200);
    const after = open(await clocksOf(ticket.id), 'reply')!;
    // Later than the end of the last day off (midnight in Beijing).
    expect(Date.parse(after.dueAt)).toBeGreaterThan(Date.parse(`${lastDay}T00:00:00+08:00`) + 86_400_000);
    expect(after.ledger.at(-1)).toMatchObject({ type: 'retarget', reason: '工作日历变更' });
    // Importing next year's official notice replaces that year's overrides only.
    const imported = await admin.post(`/api/v1/sla/calendars/${created.body.id}/import`, {
      year: 2027,
      holidays: ['2027-10-01', '2027-10-02'],
      workdays: ['2027-09-26'],
      note: '国务院办公厅通知',
    });
    expect(imported.status).toBe(200);
    expect(imported.body.overrides.filter((o: { date: string }) => o.date.startsWith('2027'))).toEqual([
      { date: '2027-09-26', kind: 'workday', note: '国务院办公厅通知' },
      { date: '2027-10-01', kind: 'holiday', note: '国务院办公厅通知' },
      { date: '2027-10-02', kind: 'holiday', note: '国务院办公厅通知' },
    ]);
    expect(imported.body.overrides.filter((o: { date: string }) => !o.date.startsWith('2027'))).toHaveLength(
      days.filter((d) => !d.startsWith('2027')).length,
    );
  });
});

describe('a year without its holiday notice', () => {
  test('when next year’s notice is missing from November, then admins are told once a day; once imported, its deadlines are final', async () => {
    // 2039: a year no holiday package will carry for a long while, so the test does not age.
    const november = new Date('2038-11-02T09:00:00+08:00');
    expect(await t.hub.services.slaConfig.missingNotice(new Date('2038-10-31T09:00:00+08:00'))).toBeUndefined();
    expect(await t.hub.services.slaConfig.missingNotice(november)).toBe(2039);
    expect((await t.hub.services.clocks.provisionalCheck())(new Date('2039-06-01T00:00:00Z'))).toBe(true);
    const check = holidayNoticeCheck(t.hub.services.slaConfig, t.hub.db, t.hub.logger, () => november);
    await check.run();
    await check.run();
    const notices = async () =>
      (await admin.get('/api/v1/notifications?limit=200')).body.items.filter(
        (n: { title: string }) => n.title === '2039年放假安排尚未导入',
      );
    expect(await notices()).toHaveLength(1);

    const city = (await admin.get('/api/v1/sla/calendars')).body.items.find((c: { regionId: number | null }) => c.regionId === null);
    expect(
      (
        await admin.post(`/api/v1/sla/calendars/${city.id}/import`, {
          year: 2039,
          holidays: ['2039-01-01', '2039-01-02', '2039-01-03'],
          workdays: [],
          note: '国务院办公厅通知',
        })
      ).status,
    ).toBe(200);
    expect(await t.hub.services.slaConfig.missingNotice(november)).toBeUndefined();
    expect((await t.hub.services.clocks.provisionalCheck())(new Date('2039-06-01T00:00:00Z'))).toBe(false);
    await holidayNoticeCheck(t.hub.services.slaConfig, t.hub.db, t.hub.logger, () => new Date('2038-11-03T09:00:00+08:00')).run();
    expect(await notices()).toHaveLength(1);
    // The clocks and tickets say whether a deadline is provisional.
    const ticket = await dispatched();
    expect(open(await clocksOf(ticket.id), 'reply')).toMatchObject({ provisional: expect.any(Boolean) });
    expect((await operator.get(`/api/v1/tickets/${ticket.id}`)).body).toMatchObject({ deadlinesProvisional: expect.any(Boolean) });
  });
});

describe('reports', () => {
  test('when a supervisor asks for the report, then on-time rates per stage, breaches, overdue and handling time come per department, also as CSV', async () => {
    const today = new Date(Date.now() + hours(8)).toISOString().slice(0, 10);
    const res = await supervisor.get(`/api/v1/sla/report?groupBy=department&from=${today}&to=${today}`);
    expect(res.status).toBe(200);
    const housing = res.body.items.find((r: { id: number }) => r.id === ids.department('ZJJ'));
    expect(housing.stages.sign_for.total).toBeGreaterThan(0);
    expect(housing.stages.sign_for.onTimeRate).toBeGreaterThan(0);
    expect(housing.breaches).toBeGreaterThan(0);
    expect(housing.overdueNow).toBeGreaterThan(0);
    expect(housing.extensions).toBeGreaterThanOrEqual(1);
    const center = res.body.items.find((r: { id: number | null }) => r.id === null);
    expect(center).toMatchObject({ name: '热线中心' });
    expect(center.stages.dispatch.total).toBeGreaterThan(0);

    const csv = await supervisor.get(`/api/v1/sla/report?groupBy=category&from=${today}&to=${today}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="?sla-category-/);
    expect(csv.text.startsWith('\uFEFF分类ID,分类,派单-办结数')).toBe(true);

    expect((await supervisor.get(`/api/v1/sla/report?from=${today}&to=2020-01-01`)).status).toBe(400);
    expect((await supervisor.get('/api/v1/sla/report?from=2026-13-01&to=2026-12-01')).status).toBe(400);
    expect((await operator.get(`/api/v1/sla/report?from=${today}&to=${today}`)).status).toBe(403);
    // A department head sees their own department only.
    const own = (await head.get(`/api/v1/sla/report?from=${today}&to=${today}`)).body.items;
    expect(own.every((r: { id: number }) => r.id === ids.department('ZJJ'))).toBe(true);

    // Each figure opens exactly the tickets behind it.
    const behind = async (query: string, as = supervisor) =>
      (await as.get(`/api/v1/sla/report/tickets?groupBy=department&from=${today}&to=${today}&${query}`)).body.items as Array<{
        ticketId: number;
      }>;
    const distinctClocks = async (where: string) =>
      Number(
        (
          await t.hub.db.raw(`select count(distinct ticket_id)::int as n from sla_clocks where department_id = ? and ${where}`, [
            ids.department('ZJJ'),
          ])
        ).rows[0].n,
      );
    const overdue = await behind(`key=${housing.id}&figure=overdue`);
    expect(overdue.length).toBeGreaterThan(0);
    expect(overdue).toHaveLength(await distinctClocks("state = 'running' and due_at < now()"));
    expect(await behind(`key=${housing.id}&figure=breached`)).toHaveLength(await distinctClocks('breached_at is not null'));
    const lateSignFor = housing.stages.sign_for.total - housing.stages.sign_for.onTime;
    expect(await behind(`key=${housing.id}&figure=late&stage=sign_for`)).toHaveLength(lateSignFor);
    expect((await behind(`key=&figure=late&stage=dispatch`)).length).toBeLessThanOrEqual(center.stages.dispatch.total);
    expect((await supervisor.get(`/api/v1/sla/report/tickets?from=${today}&to=${today}&key=1&figure=late`)).status).toBe(400);
    expect((await operator.get(`/api/v1/sla/report/tickets?from=${today}&to=${today}&key=1&figure=overdue`)).status).toBe(403);
    // The head's drill is their department's, whatever key they name.
    const other = ids.department('DCQ');
    expect(await behind(`key=${other}&figure=overdue`, head)).toEqual([]);
  });
});

describe('the alert center', () => {
  test('when a ticket escalates to the supervisors, then it is in the alert center with where it stands; 催办 and 批准延期 work from there', async () => {
    const ticket = await dispatched();
    await act(agent, ticket.id, 'sign_for');
    await act(agent, ticket.id, 'contact_citizen', { method: 'phone' });
    await travel(t.hub, ticket.id, hours(24 * 20)); // far past every deadline and every escalation step
    await t.hub.services.clocks.sweep();
    await t.hub.services.clocks.sweep();
    await t.hub.queue.drain();
    await act(agent, ticket.id, 'request_extension', { reason: '需协调供电部门', requestedDueAt: inDays(10) });

    const listed = (await supervisor.get('/api/v1/sla/alerts')).body.items as Array<Record<string, any>>;
    const mine = listed.filter((a) => a.ticketId === ticket.id);
    // Only the levels that reach supervisors or the director, or text people: not the yellow card, not the assignee's red one.
    expect(mine.length).toBeGreaterThan(0);
    expect(listed.every((a) => ['升级：督办/值班长', '升级：中心主任'].includes(a.levelName))).toBe(true);
    expect(mine[0]).toMatchObject({
      number: ticket.number,
      overdueNow: true,
      supervised: false,
      urgeCount: 0,
      departmentName: expect.any(String),
    });
    expect(mine[0]!.extensionDueAt).not.toBeNull();
    // The request waits in the supervisors' list of extension requests, with the deadline it would move.
    const pending = (await supervisor.get('/api/v1/sla/extension-requests')).body.items as Array<Record<string, any>>;
    expect(pending.find((p) => p.ticketId === ticket.id)).toMatchObject({
      number: ticket.number,
      reason: '需协调供电部门',
      departmentName: expect.any(String),
      requestedBy: expect.any(String),
      currentDueAt: expect.any(String),
    });

    await act(supervisor, ticket.id, 'urge', { note: '请加快办理，按时答复。' });
    await act(supervisor, ticket.id, 'decide_extension', { decision: 'approve' });
    const after = ((await supervisor.get('/api/v1/sla/alerts')).body.items as Array<Record<string, any>>).find(
      (a) => a.ticketId === ticket.id,
    )!;
    expect(after).toMatchObject({ urgeCount: 1, extensionDueAt: null });
    const left = (await supervisor.get('/api/v1/sla/extension-requests')).body.items as Array<{ ticketId: number }>;
    expect(left.some((p) => p.ticketId === ticket.id)).toBe(false);
    expect((await agent.get('/api/v1/sla/extension-requests')).status).toBe(403);

    expect((await agent.get('/api/v1/sla/alerts')).status).toBe(403);
    expect((await supervisor.get('/api/v1/sla/alerts?sinceHours=0')).status).toBe(400);
  });
});
