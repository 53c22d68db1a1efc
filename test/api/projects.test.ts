import { shanghaiDay } from '../../src/shared/time';
import { demoIds, startTestHub, type AuthedAgent, type TestHub } from '../support/test-hub';

let t: TestHub;
let ids: Awaited<ReturnType<typeof demoIds>>;
let supervisor: AuthedAgent, agentA: AuthedAgent, agentB: AuthedAgent, outsider: AuthedAgent, headOfDepartment: AuthedAgent;
let aId: number, bId: number, outsiderId: number;

beforeAll(async () => {
  t = await startTestHub();
  ids = await demoIds(t.hub);
  const admin = await t.as('admin');
  supervisor = await t.as('supervisor');
  const agent = async (username: string, displayName: string) => {
    const created = await admin.post('/api/v1/users', {
      username,
      displayName,
      password: `${username}-12345`,
      role: 'agent',
      departmentId: ids.department('XZSPJ'),
    });
    expect(created.status).toBe(201);
    return { id: created.body.id as number, agent: await t.as(username) };
  };
  ({ id: aId, agent: agentA } = await agent('agent_a', '周岚（A岗）'));
  ({ id: bId, agent: agentB } = await agent('agent_b', '吴涛（B岗）'));
  ({ id: outsiderId, agent: outsider } = await agent('agent_c', '郑一'));
  const head = await admin.post('/api/v1/users', {
    username: 'xz_head',
    displayName: '冯军（审批局负责人）',
    password: 'xz_head-12345',
    role: 'dept_head',
    departmentId: ids.department('XZSPJ'),
  });
  expect(head.status).toBe(201);
  headOfDepartment = await t.as('xz_head');
});
afterAll(() => t.close());

const notices = async (who: AuthedAgent, kind: string) =>
  ((await who.get('/api/v1/notifications?limit=200')).body.items as Array<{ kind: string; title: string; body: string }>).filter(
    (n) => n.kind === kind,
  );
const day = (offset: number) => shanghaiDay(new Date(Date.now() + offset * 86_400_000));

const project = () => ({
  name: '年产5万吨新型建材项目',
  enterpriseName: '西山光伏科技有限公司',
  creditCode: '91990121MA0000001X',
  contactName: '孙建国',
  contactPhone: '13833334444',
  investmentWan: 52000,
  departmentId: ids.department('XZSPJ'),
  agentAUserId: aId,
  agentBUserId: bId,
});

describe('项目帮办', () => {
  test('when a ledger is opened with bad input, then it is refused and nothing is kept', async () => {
    expect((await agentA.post('/api/v1/projects', project())).status).toBe(403);
    expect((await supervisor.post('/api/v1/projects', { ...project(), agentBUserId: aId })).status).toBe(400);
    expect((await supervisor.post('/api/v1/projects', { ...project(), agentBUserId: 999999 })).status).toBe(400);
    expect((await supervisor.post('/api/v1/projects', { ...project(), creditCode: '123' })).status).toBe(400);
    expect((await supervisor.post('/api/v1/projects', { ...project(), departmentId: 999999 })).status).toBe(400);
    expect(await t.hub.db('projects').where({ enterprise_name: '西山光伏科技有限公司' }).count({ n: '*' }).first()).toEqual({ n: 0 });
  });

  test('when A is away, then B takes over: B acts, is told, and the overdue approval alerts B and the center, not A', async () => {
    const opened = await supervisor.post('/api/v1/projects', project());
    expect(opened.status).toBe(201);
    const id = opened.body.id as number;
    expect(opened.body).toMatchObject({ stage: 'attraction', onDutyAgentUserId: aId, contactPhone: '13833334444' });
    // Outside the center the enterprise's contact is masked; outside the project it does not exist.
    expect((await agentA.get(`/api/v1/projects/${id}`)).body.contactPhone).not.toBe('13833334444');
    expect((await outsider.get(`/api/v1/projects/${id}`)).status).toBe(404);
    expect((await outsider.post(`/api/v1/projects/${id}/problems`, { description: '无关人员' })).status).toBe(404);
    expect((await agentA.get('/api/v1/projects')).body.items.map((p: { id: number }) => p.id)).toEqual([id]);
    // The head of its 联点部门 reads it (and finds it in the list) but does not act on it.
    expect((await headOfDepartment.get('/api/v1/projects')).body.items.map((p: { id: number }) => p.id)).toEqual([id]);
    expect((await headOfDepartment.get(`/api/v1/projects/${id}`)).body.may).toEqual({ act: false, manage: false });
    expect((await headOfDepartment.post(`/api/v1/projects/${id}/problems`, { description: '部门负责人' })).status).toBe(403);
    expect((await outsider.get('/api/v1/projects')).body.items).toEqual([]);
    expect((await supervisor.get('/api/v1/projects')).body.items.map((p: { name: string }) => p.name)).toContain(
      '西山县新型建材产业园项目',
    );

    // Either acts; the other is told.
    const approval = await agentA.post(`/api/v1/projects/${id}/approvals`, { name: '建设工程规划许可证', dueOn: day(-1) });
    expect(approval.status).toBe(201);
    expect((await agentA.post(`/api/v1/projects/${id}/approvals`, { name: '施工许可', dueOn: day(3), workingDays: 3 })).status).toBe(400);
    expect((await notices(agentB, 'project.update')).some((n) => n.body.includes('建设工程规划许可证'))).toBe(true);
    const approvalId = approval.body.approvals[0].id as number;
    expect(approval.body.approvals[0]).toMatchObject({ status: 'pending', overdue: true });

    // A goes on leave: B is told which projects are now theirs.
    expect(
      (await agentA.put(`/api/v1/projects/absences/${bId}`, { until: new Date(Date.now() + 7 * 86_400_000).toISOString() })).status,
    ).toBe(403);
    expect((await agentA.put(`/api/v1/projects/absences/${aId}`, { until: new Date(Date.now() - 1000).toISOString() })).status).toBe(400);
    const away = await agentA.put(`/api/v1/projects/absences/${aId}`, {
      until: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      note: '年休假',
    });
    expect(away.status).toBe(200);
    const takeover = await notices(agentB, 'project.takeover');
    expect(takeover).toHaveLength(1);
    expect(takeover[0]!.body).toContain('年产5万吨新型建材项目');
    const seen = (await agentB.get(`/api/v1/projects/${id}`)).body;
    expect(seen.onDutyAgentUserId).toBe(bId);
    expect(seen.companions.agentA.awayUntil).not.toBeNull();

    // B acts while A is away; A (away) is not told.
    const before = (await notices(agentA, 'project.update')).length;
    const moved = await agentB.patch(`/api/v1/projects/${id}/approvals/${approvalId}`, {
      status: 'in_progress',
      note: '已约规划局现场踏勘',
    });
    expect(moved.status).toBe(200);
    expect(moved.body.events[0]).toMatchObject({ actorName: '吴涛（B岗）' });
    expect(moved.body.events[0].text).toContain('办理中');
    expect((await agentB.patch(`/api/v1/projects/${id}`, { stage: 'construction' })).body.stage).toBe('construction');
    expect((await agentB.patch(`/api/v1/projects/${id}`, { stage: 'attraction' })).status).toBe(409);
    expect((await agentB.patch(`/api/v1/projects/${id}`, { agentAUserId: outsiderId })).status).toBe(403);
    expect((await notices(agentA, 'project.update')).length).toBe(before);

    // The overdue approval: B and the duty chief are alerted, once; A is away.
    expect(await t.hub.services.projects.alertOverdue()).toBe(1);
    expect(await t.hub.services.projects.alertOverdue()).toBe(0);
    expect(await notices(agentB, 'project.approval_overdue')).toHaveLength(1);
    expect(await notices(supervisor, 'project.approval_overdue')).toHaveLength(1);
    expect(await notices(agentA, 'project.approval_overdue')).toHaveLength(0);
    const record = (await supervisor.get(`/api/v1/projects/${id}`)).body.events.map((e: { text: string }) => e.text);
    expect(record.filter((text: string) => text.includes('超期'))).toHaveLength(1);

    // The supervisors' report: the approval missed its day.
    const report = await supervisor.get(`/api/v1/reports/outcomes?from=${day(-1)}&to=${day(0)}&groupBy=matter`);
    expect(report.body.projects.find((r: { name: string }) => r.name === '建设工程规划许可证')).toMatchObject({
      approvalsDue: 1,
      approvalsOverdue: 1,
    });
    expect(report.body.projects.find((r: { name: string }) => r.name === '（未指定）').projects).toBeGreaterThanOrEqual(2);

    // Back at work: A is on duty again.
    expect((await agentA.delete(`/api/v1/projects/absences/${aId}`)).status).toBe(204);
    expect((await agentA.get(`/api/v1/projects/${id}`)).body.onDutyAgentUserId).toBe(aId);
  });

  test('when problems and appointments are recorded, then an evening appointment is out of hours and a problem is solved once', async () => {
    const id = (await agentA.get('/api/v1/projects')).body.items[0].id as number;
    const raised = await agentA.post(`/api/v1/projects/${id}/problems`, {
      description: '施工用电报装进度慢',
      departmentId: ids.department('GDGS'),
    });
    expect(raised.status).toBe(201);
    const problemId = raised.body.problems[0].id as number;
    expect(
      (await agentA.post(`/api/v1/projects/${id}/problems/${problemId}/solve`, { solution: '供电公司开辟绿色通道，三日内接电' })).status,
    ).toBe(200);
    expect((await agentA.post(`/api/v1/projects/${id}/problems/${problemId}/solve`, { solution: '再次' })).status).toBe(409);
    // A Wednesday evening in Beijing, and a Wednesday morning.
    const evening = await agentA.post(`/api/v1/projects/${id}/meetings`, {
      startsAt: '2027-03-10T19:00:00+08:00',
      endsAt: '2027-03-10T20:30:00+08:00',
      place: '企业会议室',
      purpose: '夜间上门辅导环评材料',
    });
    expect(evening.status).toBe(201);
    const morning = await agentA.post(`/api/v1/projects/${id}/meetings`, {
      startsAt: '2027-03-10T10:00:00+08:00',
      endsAt: '2027-03-10T11:00:00+08:00',
      place: '政务服务中心',
      purpose: '预审材料',
    });
    expect(morning.body.meetings.map((m: { outOfHours: boolean }) => m.outOfHours)).toEqual([false, true]);
    expect(
      (
        await agentA.post(`/api/v1/projects/${id}/meetings`, {
          startsAt: '2027-03-10T11:00:00+08:00',
          endsAt: '2027-03-10T10:00:00+08:00',
          place: '中心',
          purpose: '倒序',
        })
      ).status,
    ).toBe(400);
  });
});
