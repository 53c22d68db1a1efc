import { act, createTicket } from '../support/tickets';
import { demoIds, startTestHub, type AuthedAgent, type TestHub } from '../support/test-hub';

let t: TestHub;
let ids: Awaited<ReturnType<typeof demoIds>>;
let operator: AuthedAgent, admin: AuthedAgent, supervisor: AuthedAgent, head: AuthedAgent, agent: AuthedAgent;

beforeAll(async () => {
  t = await startTestHub({ env: { AUTO_DISPATCH: 'true' } });
  ids = await demoIds(t.hub);
  operator = await t.as('operator');
  admin = await t.as('admin');
  supervisor = await t.as('supervisor');
  head = await t.as('head');
  agent = await t.as('agent');
});
afterAll(() => t.close());

async function created(overrides: Record<string, unknown>) {
  const ticket = await createTicket(operator, overrides);
  await t.hub.queue.drain();
  return (await operator.get(`/api/v1/tickets/${ticket.id}`)).body;
}

const userId = async (username: string) => ((await t.hub.db('users').select('id').where({ username }).first()) as { id: number }).id;

async function createUser(username: string, departmentCode: string, role = 'agent') {
  const res = await admin.post('/api/v1/users', {
    username,
    displayName: username,
    password: `${username}-12345`,
    role,
    departmentId: ids.department(departmentCode),
  });
  expect(res.status).toBe(201);
  return res.body.id as number;
}

describe('automatic dispatch', () => {
  test('when a ticket has a confident category and the catalog matches, then it is dispatched without an operator, and the entry and version are recorded', async () => {
    const ticket = await created({ categoryId: ids.category('1201'), description: '幸福小区自来水发黄有异味' });
    expect(ticket.status).toBe('dispatched');
    expect(ticket.leadDepartment.id).toBe(ids.department('SWJT'));
    expect(ticket.routedBy).toEqual({ catalogEntryId: expect.any(Number), catalogVersion: expect.any(Number) });
    const dispatch = ticket.timeline.find((e: { type: string }) => e.type === 'dispatch');
    expect(dispatch.actor).toMatchObject({ kind: 'system', name: 'auto-dispatch' });
    expect(dispatch.reason).toMatch(/匹配派单目录 #\d+「供水」/);
    expect(dispatch.data).toMatchObject({
      departmentId: ids.department('SWJT'),
      catalogEntryId: ticket.routedBy.catalogEntryId,
      routing: { outcome: 'catalog', followed: true },
    });
  });

  test('when the category is suggest-only, then the ticket waits in 待分拨 with the suggestion, and the operator dispatches it in one action', async () => {
    expect((await admin.patch(`/api/v1/categories/${ids.category('12')}`, { dispatchMode: 'suggest' })).status).toBe(200);
    try {
      const ticket = await created({ categoryId: ids.category('1202'), description: '我家停电了' });
      expect(ticket.status).toBe('triage');
      const suggestion = await operator.get(`/api/v1/tickets/${ticket.id}/routing`);
      expect(suggestion.body).toMatchObject({ outcome: 'catalog', department: { id: ids.department('GDGS') }, entry: { name: '供电' } });
      const dispatched = await act(operator, ticket.id, 'dispatch', {});
      expect(dispatched).toMatchObject({
        status: 'dispatched',
        leadDepartment: { id: ids.department('GDGS') },
        routedBy: { catalogEntryId: suggestion.body.entry.id },
      });
    } finally {
      await admin.patch(`/api/v1/categories/${ids.category('12')}`, { dispatchMode: 'auto' });
    }
  });

  test('when a 代办 request names its matter and the classifier is unsure, then the 代办 entry for its place routes it', async () => {
    const seat = await t.as('proxy');
    const ticket = await createTicket(seat, {
      requestType: 'proxy',
      description: '帮忙办一下',
      regionId: ids.region('990121200201'),
      caller: { phone: '13911113333', name: '王大爷' },
      proxy: { matter: '老年人优待证', serviceMode: 'full_proxy', applicantAddress: '西山县石门乡石门村5组' },
    });
    await t.hub.queue.drain();
    const routed = (await operator.get(`/api/v1/tickets/${ticket.id}`)).body;
    expect(routed.category).toBeNull();
    expect(routed).toMatchObject({ status: 'dispatched', leadDepartment: { id: ids.department('XSPT') } });
  });

  test('when no entry matches, then the district government of the place is suggested (兜底) and nothing is dispatched on its own', async () => {
    const ticket = await created({
      categoryId: ids.category('9901'),
      regionId: ids.region('990101001001'),
      description: '咨询一件其他事情',
    });
    expect(ticket.status).toBe('triage');
    const suggestion = (await operator.get(`/api/v1/tickets/${ticket.id}/routing`)).body;
    expect(suggestion).toMatchObject({ outcome: 'fallback_district', department: { id: ids.department('DCQ') }, entry: null });
    const dispatched = await act(operator, ticket.id, 'dispatch', {});
    expect(dispatched).toMatchObject({ leadDepartment: { id: ids.department('DCQ') }, routedBy: null });
  });

  test('when there is neither a match nor a place, then the center queue keeps it and dispatch needs a department', async () => {
    const ticket = await created({ categoryId: ids.category('9901'), description: '其他事情' });
    expect((await operator.get(`/api/v1/tickets/${ticket.id}/routing`)).body).toMatchObject({ outcome: 'center_queue', department: null });
    const res = await operator.post(`/api/v1/tickets/${ticket.id}/dispatch`, {});
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/派单目录没有给出部门.*请指定部门（departmentId）/);
    // An operator who overrides the suggestion is recorded as such.
    const overridden = await act(operator, ticket.id, 'dispatch', { departmentId: ids.department('MZJ') });
    expect(overridden.timeline.at(-1).data.routing).toMatchObject({ outcome: 'center_queue', followed: false });
  });
});

describe('dispatch catalog admin', () => {
  test('when an admin adds a more specific entry, then the catalog version moves, the dry run names it, and tickets are routed by it', async () => {
    const before = (await operator.get('/api/v1/routing/catalog')).body;
    const res = await admin.post('/api/v1/routing/catalog', {
      name: '东城区供水（区水务站）',
      categoryId: ids.category('1201'),
      regionId: ids.region('990101'),
      leadDepartmentId: ids.department('DCQ'),
      assistDepartmentIds: [ids.department('SWJT')],
    });
    expect(res.status).toBe(201);
    expect(res.body.catalogVersion).toBe(before.version + 1);
    const dryRun = await operator.post('/api/v1/routing/dry-run', {
      requestType: 'complaint',
      categoryId: ids.category('1201'),
      regionId: ids.region('990101001001'),
      text: '停水',
    });
    expect(dryRun.status).toBe(200);
    expect(dryRun.body).toMatchObject({
      outcome: 'catalog',
      entry: { id: res.body.id },
      department: { id: ids.department('DCQ') },
      assistDepartments: [{ id: ids.department('SWJT') }],
      catalogVersion: res.body.catalogVersion,
    });
    const ticket = await created({ categoryId: ids.category('1201'), regionId: ids.region('990101001001'), description: '东华社区停水' });
    expect(ticket).toMatchObject({
      status: 'dispatched',
      leadDepartment: { id: ids.department('DCQ') },
      routedBy: { catalogEntryId: res.body.id, catalogVersion: res.body.catalogVersion },
    });
    expect(ticket.assignments.map((a: { role: string; departmentId: number }) => [a.role, a.departmentId])).toEqual([
      ['lead', ids.department('DCQ')],
      ['assist', ids.department('SWJT')],
    ]);

    const revisions = (await operator.get(`/api/v1/routing/catalog-revisions?entryId=${res.body.id}`)).body.items;
    expect(revisions).toEqual([expect.objectContaining({ version: res.body.catalogVersion, change: 'create' })]);
    const deleted = await admin.delete(`/api/v1/routing/catalog/${res.body.id}`);
    expect(deleted.body.catalogVersion).toBe(res.body.catalogVersion + 1);
    const after = await operator.post('/api/v1/routing/dry-run', { ticketId: ticket.id });
    expect(after.body.entry.name).toBe('供水');
    expect((await admin.delete(`/api/v1/routing/catalog/${res.body.id}`)).status).toBe(409);
  });

  test('when an entry conflicts with another, points at a deleted department, or matches on nothing, then it is refused and the catalog is unchanged', async () => {
    const version = (await operator.get('/api/v1/routing/catalog')).body.version;
    const clash = await admin.post('/api/v1/routing/catalog', {
      name: '重复的供水',
      categoryId: ids.category('1201'),
      leadDepartmentId: ids.department('ZJJ'),
    });
    expect(clash.status).toBe(409);
    expect(clash.body.error.message).toMatch(/与派单目录条目 #\d+「供水」冲突/);

    const gone = await admin.post('/api/v1/departments', { code: 'GONE', name: '已撤销单位', kind: 'functional' });
    await admin.patch(`/api/v1/departments/${gone.body.id}`, { active: false });
    const stale = await admin.post('/api/v1/routing/catalog', {
      name: '指向已删除单位',
      categoryId: ids.category('0101'),
      leadDepartmentId: gone.body.id,
    });
    expect(stale.status).toBe(400);
    expect(stale.body.error.message).toMatch(/已停用，派单目录条目不能指向它/);
    expect(
      (await admin.post('/api/v1/routing/catalog', { name: '不存在的单位', categoryId: ids.category('0101'), leadDepartmentId: 999_999 }))
        .status,
    ).toBe(400);
    expect(
      (
        await admin.post('/api/v1/routing/catalog', {
          name: '中心自己',
          categoryId: ids.category('0101'),
          leadDepartmentId: ids.department('CENTER'),
        })
      ).status,
    ).toBe(400);
    expect((await admin.post('/api/v1/routing/catalog', { name: '什么都不匹配', leadDepartmentId: ids.department('ZJJ') })).status).toBe(
      400,
    );
    expect(
      (
        await admin.post('/api/v1/routing/catalog', {
          name: '日期反了',
          categoryId: ids.category('0101'),
          leadDepartmentId: ids.department('ZJJ'),
          effectiveFrom: '2027-01-02',
          effectiveTo: '2027-01-01',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await admin.post('/api/v1/routing/catalog', {
          name: '坏日期',
          categoryId: ids.category('0101'),
          leadDepartmentId: ids.department('ZJJ'),
          effectiveFrom: '2027-02-30',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await admin.post('/api/v1/routing/catalog', {
          name: '重复关键词',
          keywords: ['停水', '停水'],
          leadDepartmentId: ids.department('SWJT'),
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await admin.post('/api/v1/routing/catalog', {
          name: '主协同一',
          categoryId: ids.category('0101'),
          leadDepartmentId: ids.department('ZJJ'),
          assistDepartmentIds: [ids.department('ZJJ')],
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await operator.post('/api/v1/routing/catalog', {
          name: '话务员不能改',
          categoryId: ids.category('0101'),
          leadDepartmentId: ids.department('ZJJ'),
        })
      ).status,
    ).toBe(403);
    // The same conditions at another priority are not a conflict.
    const higher = await admin.post('/api/v1/routing/catalog', {
      name: '供水（高优先）',
      categoryId: ids.category('1201'),
      leadDepartmentId: ids.department('ZJJ'),
      priority: 1,
      effectiveTo: '2020-01-01',
    });
    expect(higher.status).toBe(201);
    expect((await operator.get('/api/v1/routing/catalog')).body.version).toBe(version + 1);
    // An update that would tie is refused too.
    const tie = await admin.patch(`/api/v1/routing/catalog/${higher.body.id}`, { priority: 0 });
    expect(tie.status).toBe(409);
    expect((await admin.patch(`/api/v1/routing/catalog/${higher.body.id}`, {})).status).toBe(400);
  });

  test('when the dry run gets bad input, then it answers 400', async () => {
    expect((await operator.post('/api/v1/routing/dry-run', { categoryId: ids.category('1201') })).status).toBe(400);
    expect((await operator.post('/api/v1/routing/dry-run', { ticketId: 999_999 })).status).toBe(404);
    expect((await agent.post('/api/v1/routing/dry-run', { requestType: 'help' })).status).toBe(403);
  });
});

describe('assignment inside a department', () => {
  test('when the department assigns round-robin, least-open or by skills, then only on-duty agents below capacity get tickets', async () => {
    const zjj = ids.department('ZJJ');
    const [agentId, secondId] = [await userId('agent'), await createUser('agent_b', 'ZJJ')];
    const dispatchOne = async () => {
      const ticket = await created({ categoryId: ids.category('0104'), description: '房屋漏水' });
      expect(ticket.leadDepartment.id).toBe(zjj);
      return ticket;
    };
    // The demo city's other 住建局 agent is off duty here: two agents take turns.
    const thirdId = await userId('zjj_agent');
    await admin.patch(`/api/v1/users/${thirdId}/work`, { onDuty: false });
    try {
      await admin.patch(`/api/v1/departments/${zjj}`, { assignmentStrategy: 'round_robin' });
      const first = await dispatchOne();
      const second = await dispatchOne();
      expect(new Set([first.assigneeUserId, second.assigneeUserId])).toEqual(new Set([agentId, secondId]));
      expect(first.timeline.at(-1).data.assignment).toMatchObject({ strategy: 'round_robin', userId: first.assigneeUserId });

      // Full (capacity) and off duty are skipped; nobody left → the department queue.
      await admin.patch(`/api/v1/departments/${zjj}`, { assignmentStrategy: 'least_open' });
      expect((await head.patch(`/api/v1/users/${agentId}/work`, { capacity: 1 })).status).toBe(200);
      expect((await (await t.as('agent_b')).patch(`/api/v1/users/${secondId}/work`, { onDuty: false })).status).toBe(200);
      const queued = await dispatchOne();
      expect(queued.assigneeUserId).toBeNull();
      expect(queued.timeline.at(-1).data.assignment.why).toMatch(/进入部门队列/);

      await head.patch(`/api/v1/users/${secondId}/work`, { onDuty: true, skills: ['0104'] });
      await admin.patch(`/api/v1/departments/${zjj}`, { assignmentStrategy: 'skills' });
      expect((await dispatchOne()).assigneeUserId).toBe(secondId);

      // My queue, and the department queue.
      const mine = (await (await t.as('agent_b')).get('/api/v1/tickets?assignee=me&status=dispatched')).body.items;
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((item: { assigneeUserId: number }) => item.assigneeUserId === secondId)).toBe(true);
      const queue = (await agent.get('/api/v1/tickets?assignee=none&status=dispatched')).body.items;
      expect(queue.map((item: { id: number }) => item.id)).toContain(queued.id);

      // Someone else's ticket is theirs to sign for; the queue is anyone's.
      await act(agent, second.assigneeUserId === secondId ? second.id : first.id, 'sign_for', {}, 403);
      await act(agent, queued.id, 'sign_for');
    } finally {
      await admin.patch(`/api/v1/departments/${zjj}`, { assignmentStrategy: 'queue' });
      await admin.patch(`/api/v1/users/${agentId}/work`, { capacity: null });
      await admin.patch(`/api/v1/users/${thirdId}/work`, { onDuty: true });
    }
  });

  test('when someone changes work settings they may not, then it is refused', async () => {
    const agentId = await userId('agent');
    expect((await agent.patch(`/api/v1/users/${agentId}/work`, { capacity: 5 })).status).toBe(403);
    expect((await agent.patch(`/api/v1/users/${await userId('cg_agent')}/work`, { onDuty: false })).status).toBe(403);
    expect((await head.patch(`/api/v1/users/${agentId}/work`, { slackUserId: 'U0123ABCD' })).status).toBe(403);
    expect((await head.patch(`/api/v1/users/${agentId}/work`, { skills: ['not a code'] })).status).toBe(400);
    expect((await head.patch(`/api/v1/users/${agentId}/work`, {})).status).toBe(400);
    expect((await admin.patch(`/api/v1/departments/${ids.department('ZJJ')}`, { assignmentStrategy: 'lottery' })).status).toBe(400);
  });
});

describe('returns and arbitration', () => {
  test('when a return is upheld, then the ticket goes elsewhere and the entry that routed it is flagged; return rates are counted per department and entry', async () => {
    const ticket = await created({ categoryId: ids.category('0105'), description: '拆迁补偿不到位' });
    expect(ticket.leadDepartment.id).toBe(ids.department('ZJJ'));
    const entryId = ticket.routedBy.catalogEntryId;
    await act(agent, ticket.id, 'return', { reasonCode: 'not_our_duty', reason: '征收补偿归区政府' });
    const upheld = await act(operator, ticket.id, 'review_return', {
      decision: 'uphold',
      departmentId: ids.department('DCQ'),
      note: '退单成立，改派东城区',
    });
    expect(upheld).toMatchObject({ status: 'dispatched', leadDepartment: { id: ids.department('DCQ') }, routedBy: null });
    const flagged = (await operator.get('/api/v1/routing/catalog?flagged=true')).body.items;
    expect(flagged).toEqual([expect.objectContaining({ id: entryId, flagNote: expect.stringContaining(ticket.number) })]);

    const second = await created({ categoryId: ids.category('0106'), description: '工地夜间施工' });
    await act(agent, second.id, 'return', { reasonCode: 'other', reason: '试试' });
    await act(operator, second.id, 'review_return', { decision: 'reject', note: '属住建职责' });

    const byDepartment = (await operator.get('/api/v1/routing/returns?groupBy=department')).body.items;
    expect(byDepartment.find((r: { departmentId: number }) => r.departmentId === ids.department('ZJJ'))).toMatchObject({
      returned: 2,
      upheld: 1,
      rejected: 1,
      name: '市住房和城乡建设局',
    });
    expect(byDepartment.find((r: { departmentId: number }) => r.departmentId === ids.department('DCQ'))).toMatchObject({
      routed: expect.any(Number),
      returned: 0,
    });
    const byEntry = (await operator.get('/api/v1/routing/returns?groupBy=entry')).body.items;
    expect(byEntry.find((r: { catalogEntryId: number }) => r.catalogEntryId === entryId)).toMatchObject({
      returned: 2,
      upheld: 1,
      rejected: 1,
      name: '城乡建设（待修正）',
    });
    expect(byEntry.find((r: { catalogEntryId: number }) => r.catalogEntryId === entryId).returnRate).toBeGreaterThan(0);
    // Each figure opens its tickets: the two returns, then the one upheld and the one rejected.
    const period = `from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`;
    const behind = async (figure: string) =>
      (await operator.get(`/api/v1/routing/returns/tickets?groupBy=department&id=${ids.department('ZJJ')}&figure=${figure}&${period}`)).body
        .items as Array<{ ticketId: number; reason: string }>;
    expect((await behind('returned')).map((r) => r.ticketId)).toContain(second.id);
    expect(await behind('returned')).toHaveLength(2);
    expect(await behind('rejected')).toEqual([expect.objectContaining({ ticketId: second.id, reason: '属住建职责' })]);
    expect(await behind('upheld')).toHaveLength(1);
    expect((await operator.get(`/api/v1/routing/returns/tickets?id=1&figure=all&${period}`)).status).toBe(400);
    expect((await agent.get(`/api/v1/routing/returns/tickets?id=1&figure=returned&${period}`)).status).toBe(403);
    const csv = await operator.get('/api/v1/routing/returns?groupBy=department&format=csv');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text).toMatch(/^\uFEFF承办单位,派出,退单,退单率,退单成立,退单驳回\r?\n/);
    expect(csv.text).toMatch(/市住房和城乡建设局,\d+,2,[\d.]+,1,1/);

    // Correcting the entry clears its flag.
    await admin.patch(`/api/v1/routing/catalog/${entryId}`, { name: '城乡建设（已核）' });
    expect((await operator.get('/api/v1/routing/catalog?flagged=true')).body.items).toEqual([]);
    expect((await operator.get('/api/v1/routing/returns?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z')).status).toBe(400);
    expect((await agent.get('/api/v1/routing/returns')).status).toBe(403);
  });

  test('when the return window has passed, then the department cannot return the ticket', async () => {
    const ticket = await created({ categoryId: ids.category('0103'), description: '物业乱收费' });
    // The ticket says until when: 24 hours from the department's receiving it.
    const lead = (await agent.get(`/api/v1/tickets/${ticket.id}`)).body.assignments.find((a: { role: string }) => a.role === 'lead');
    const { dispatched_at: dispatchedAt } = await t.hub.db('ticket_assignments').where({ id: lead.id }).first();
    expect(new Date(lead.returnableUntil).getTime()).toBe(dispatchedAt.getTime() + 24 * 3_600_000);
    await t.hub
      .db('ticket_assignments')
      .update({ dispatched_at: t.hub.db.raw("now() - interval '25 hours'") })
      .where({ ticket_id: ticket.id });
    const res = await agent.post(`/api/v1/tickets/${ticket.id}/return`, { reasonCode: 'not_our_duty', reason: '不归我们' });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/派单后 24 小时内才能退单/);
    expect((await operator.get(`/api/v1/tickets/${ticket.id}`)).body.status).toBe('dispatched');
  });

  test('when a ticket is returned a third time, then only a supervisor may review it', async () => {
    const ticket = await created({ categoryId: ids.category('0101'), description: '规划问题' });
    for (let i = 0; i < 2; i++) {
      await act(agent, ticket.id, 'return', { reasonCode: 'other', reason: `第${i + 1}次` });
      await act(operator, ticket.id, 'review_return', { decision: 'reject', note: '驳回' });
    }
    await act(agent, ticket.id, 'return', { reasonCode: 'other', reason: '第3次' });
    expect((await operator.post(`/api/v1/tickets/${ticket.id}/review-return`, { decision: 'reject', note: '驳回' })).status).toBe(403);
    await act(supervisor, ticket.id, 'review_return', { decision: 'reject', note: '督办驳回' });
  });
});
