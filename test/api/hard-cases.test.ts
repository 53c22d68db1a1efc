import { travel } from '../support/sla';
import { act, createTicket } from '../support/tickets';
import { demoIds, startTestHub, type AuthedAgent, type TestHub } from '../support/test-hub';

let t: TestHub;
let ids: Awaited<ReturnType<typeof demoIds>>;
let operator: AuthedAgent;
let supervisor: AuthedAgent;
let director: AuthedAgent;
let agent: AuthedAgent;
let head: AuthedAgent;
let leader: AuthedAgent;
let seat: AuthedAgent;

beforeAll(async () => {
  t = await startTestHub();
  ids = await demoIds(t.hub);
  [operator, supervisor, director, agent, head, leader, seat] = await Promise.all([
    t.as('operator'),
    t.as('supervisor'),
    t.as('director'),
    t.as('agent'),
    t.as('head'),
    t.as('leader'),
    t.as('proxy'),
  ]);
});
afterAll(() => t.close());

const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const userId = async (username: string) => Number((await t.hub.db('users').where({ username }).first()).id);
const notificationsOf = async (who: AuthedAgent) =>
  (await who.get('/api/v1/notifications?limit=200')).body.items as Array<{
    kind: string;
    ticketId: number | null;
    title: string;
    body: string;
  }>;

/** A citizen's matter at the housing bureau's window, signed for. */
async function atTheWindow(description = '办理不动产登记，窗口称材料不全不予受理') {
  const ticket = await createTicket(operator, { description, caller: { phone: '13800138000', name: '刘女士' } });
  await act(operator, ticket.id, 'dispatch', { departmentId: ids.department('ZJJ') });
  await act(agent, ticket.id, 'sign_for');
  return ticket;
}

describe('hard cases by kind (分类别处理)', () => {
  test('when a 不给办 case is taken, then it is handled at once, answered only after its 问责 record, and the record counts in the month’s 通报', async () => {
    const ticket = await atTheWindow('窗口工作人员以系统故障为由拖了两周不给办');
    await act(agent, ticket.id, 'flag_hard_case', { kind: 'refused', reason: '窗口推诿' });
    expect((await t.hub.db('hard_cases').where({ ticket_id: ticket.id }).first()).source).toBe('window');
    await act(agent, ticket.id, 'hard_case_answer', { text: '已办结' }, 409);
    await act(head, ticket.id, 'hard_case_handle', { text: '责令窗口当日办理' });
    const refused = await act(agent, ticket.id, 'hard_case_answer', { text: '已办结' }, 409);
    expect(refused.error.message).toContain('问责');

    // Only supervisors record it; a department that does not exist changes nothing.
    const record = { departmentId: ids.department('ZJJ'), personName: '李某', finding: '无正当理由拖延不办', outcome: 'notice' };
    await act(agent, ticket.id, 'record_accountability', record, 403);
    await act(supervisor, ticket.id, 'record_accountability', { ...record, departmentId: 999_999 }, 400);
    await act(supervisor, ticket.id, 'record_accountability', { ...record, outcome: 'fired' }, 400);
    expect(await t.hub.db('accountability_records').where({ ticket_id: ticket.id })).toHaveLength(0);
    const recorded = await act(supervisor, ticket.id, 'record_accountability', record);
    expect(recorded.timeline.at(-1)).toMatchObject({ type: 'record_accountability', reason: '无正当理由拖延不办' });
    await act(agent, ticket.id, 'hard_case_answer', { text: '已当日办结并致歉' });

    const month = today().slice(0, 7);
    const report = (await director.get(`/api/v1/hard-cases/report?month=${month}`)).body;
    expect(report.kinds.find((k: { kind: string }) => k.kind === 'refused')).toMatchObject({ opened: 1, answered: 1 });
    expect(report.accountability).toEqual([
      { departmentId: ids.department('ZJJ'), departmentName: '市住房和城乡建设局', records: 1, outcomes: { notice: 1 } },
    ]);
    expect((await director.get(`/api/v1/hard-cases/accountability?month=${month}`)).body.items).toEqual([
      expect.objectContaining({ ticketId: ticket.id, personName: '李某', outcome: 'notice', recordedBy: '陈静（值班长）' }),
    ]);
    expect((await director.get('/api/v1/hard-cases/report?month=2026-13')).status).toBe(400);
  });

  test('when a case of another kind is taken, then its own handling comes first, with what that kind needs', async () => {
    const cannot = await atTheWindow('要求为违章建筑办理产权证');
    await act(agent, cannot.id, 'flag_hard_case', { kind: 'cannot', reason: '不符合政策' });
    await act(agent, cannot.id, 'hard_case_handle', { text: '已解释' }, 400);
    await act(agent, cannot.id, 'hard_case_handle', { text: '已当面解释并告知复议途径', policyBasis: '《不动产登记暂行条例》第二十二条' });
    await act(
      supervisor,
      cannot.id,
      'record_accountability',
      { departmentId: ids.department('ZJJ'), personName: '某', finding: '无', outcome: 'other' },
      409,
    );
    await act(agent, cannot.id, 'hard_case_answer', { text: '依法不予办理，已解释' });

    const difficult = await atTheWindow('缺少原房产证，无法办理过户');
    await act(operator, difficult.id, 'flag_hard_case', { kind: 'difficult', reason: '缺少关键材料' });
    expect((await t.hub.db('hard_cases').where({ ticket_id: difficult.id }).first()).source).toBe('hotline');
    await act(agent, difficult.id, 'hard_case_handle', { text: '容缺受理', deferredItems: '原房产证' }, 400);
    await act(agent, difficult.id, 'hard_case_handle', { text: '先行容缺受理', deferredItems: '原房产证', promisedBy: '2026-12-31' });
    await act(agent, difficult.id, 'hard_case_handle', { text: '再次' }, 409);
    await act(operator, (await atTheWindow()).id, 'flag_hard_case', { kind: 'urgent', reason: '无此类别' }, 400);

    const open = (await supervisor.get('/api/v1/hard-cases')).body.items as Array<{ ticketId: number; kind: string; nextStage: string }>;
    expect(open.find((c) => c.ticketId === difficult.id)).toMatchObject({ kind: 'difficult', nextStage: 'hard_onsite_rep' });
    expect(open.find((c) => c.ticketId === cannot.id)).toBeUndefined();
  });
});

describe('levels (分层级解决)', () => {
  test('when a hard case passes its 3 working days, then the day’s duty leader is told once', async () => {
    // A supervisor of the night shift leads the duty: no audience of the alert ladder names them otherwise.
    const admin = await t.as('admin');
    const created = await admin.post('/api/v1/users', {
      username: 'duty_lead',
      displayName: '郑磊（值班领导）',
      password: 'duty_lead-12345',
      role: 'supervisor',
      departmentId: ids.department('CENTER'),
    });
    expect(created.status).toBe(201);
    const dutyLead = await t.as('duty_lead');
    const onDuty = { leaderUserId: created.body.id as number, staffUserIds: [await userId('operator')] };
    expect((await operator.put(`/api/v1/duty-roster/${today()}`, onDuty)).status).toBe(403);
    expect((await supervisor.put(`/api/v1/duty-roster/${today()}`, { ...onDuty, leaderUserId: await userId('agent') })).status).toBe(400);
    expect((await supervisor.put('/api/v1/duty-roster/2026-02-30', onDuty)).status).toBe(400);
    const set = await supervisor.put(`/api/v1/duty-roster/${today()}`, onDuty);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      day: today(),
      leader: { displayName: '郑磊（值班领导）' },
      staff: [{ displayName: '王敏（话务员）' }],
    });
    expect((await operator.get('/api/v1/duty-roster')).body.items).toEqual([set.body]);

    const ticket = await atTheWindow('企业开办多次被退回材料');
    await act(agent, ticket.id, 'flag_hard_case', { kind: 'difficult', reason: '反复退件' });
    // The duty leader and staff receive the new case.
    for (const who of [dutyLead, operator])
      expect((await notificationsOf(who)).filter((n) => n.kind === 'hardcase.new' && n.ticketId === ticket.id)).toHaveLength(1);
    await act(agent, ticket.id, 'hard_case_rep_onsite', { note: '首席代表已到场' });
    await act(head, ticket.id, 'hard_case_head_onsite', { note: '分管负责人已到场' });

    await travel(t.hub, ticket.id, 10 * 86_400_000);
    await t.hub.services.clocks.sweep();
    await t.hub.services.clocks.sweep();
    // Every clock of the ticket is past its deadline now; the duty leader hears of the hard case's answer, once.
    const told = async () => (await notificationsOf(dutyLead)).filter((n) => n.kind === 'sla.alert' && n.ticketId === ticket.id);
    expect((await told()).map((n) => n.body)).toEqual([expect.stringContaining('办不成事·答复时限')]);
    await t.hub.services.clocks.sweep();
    expect(await told()).toHaveLength(1);
  });

  test('when a case one department cannot solve is reported to the county leader, then they dispatch the departments concerned and record the meeting’s decision', async () => {
    const ticket = await atTheWindow('历史遗留小区办证，涉及规划、住建、税务多个部门');
    await act(agent, ticket.id, 'flag_hard_case', { kind: 'difficult', reason: '需多部门联办' });
    // Not reported yet: the county leader sees nothing of it.
    expect((await leader.get(`/api/v1/tickets/${ticket.id}`)).status).toBe(404);
    await act(supervisor, ticket.id, 'escalate_hard_case', { leaderUserId: await userId('director'), reason: '报县领导' }, 400);
    await act(agent, ticket.id, 'escalate_hard_case', { leaderUserId: await userId('leader'), reason: '报县领导' }, 403);
    await act(supervisor, ticket.id, 'escalate_hard_case', {
      leaderUserId: await userId('leader'),
      reason: '单个部门无法办理，报县政府分管负责人调度',
    });
    expect((await notificationsOf(leader)).filter((n) => n.kind === 'hardcase.reported' && n.ticketId === ticket.id)).toHaveLength(1);

    const seen = (await leader.get(`/api/v1/tickets/${ticket.id}`)).body;
    expect(seen.contact.phone).not.toContain('13800138000');
    expect(seen.allowedActions.map((a: { action: string }) => a.action).sort()).toEqual(['joint_dispatch', 'record_meeting_decision']);
    expect((await leader.get('/api/v1/hard-cases')).body.items.map((c: { ticketId: number }) => c.ticketId)).toEqual([ticket.id]);
    expect((await leader.get(`/api/v1/tickets/${(await atTheWindow()).id}`)).status).toBe(404);

    await act(supervisor, ticket.id, 'joint_dispatch', { departmentIds: [ids.department('CGJ')], instruction: '联办' }, 403);
    const dispatched = await act(leader, ticket.id, 'joint_dispatch', {
      departmentIds: [ids.department('CGJ'), ids.department('SWJ')],
      instruction: '请城管局、商务局三日内会同住建局办结',
    });
    expect(
      dispatched.assignments
        .filter((a: { role: string }) => a.role === 'assist')
        .map((a: { departmentId: number }) => a.departmentId)
        .sort(),
    ).toEqual([ids.department('CGJ'), ids.department('SWJ')].sort());
    const clocks = await t.hub.db('sla_clocks').where({ ticket_id: ticket.id, state: 'running' }).whereNotNull('assignment_id');
    expect(clocks.map((c) => c.stage).sort()).toEqual(['reply', 'reply', 'sign_for', 'sign_for']);
    await act(leader, ticket.id, 'record_meeting_decision', {
      meeting: 'standing',
      heldOn: '2026-12-03',
      decision: '由住建局牵头，年底前完成办证',
    });
    const [row] = (await leader.get('/api/v1/hard-cases')).body.items;
    expect(row).toMatchObject({
      level: 'meeting',
      leaderName: '吴海（西山县副县长）',
      jointDepartmentNames: expect.arrayContaining(['市城市管理局']),
    });
    // The ticket's page carries the case as it stands.
    expect((await agent.get(`/api/v1/tickets/${ticket.id}`)).body.hardCase).toMatchObject({
      kind: 'difficult',
      source: 'window',
      level: 'meeting',
      leaderName: '吴海（西山县副县长）',
      jointDepartmentNames: expect.arrayContaining(['市商务局', '市城市管理局']),
      meeting: { meeting: 'standing', heldOn: '2026-12-03', decision: '由住建局牵头，年底前完成办证' },
      answeredAt: null,
    });
  });
  test('when a hard case is not finished on site, then it becomes a 帮代办 order under the window’s chief representative, and is answered once that order is done', async () => {
    const ticket = await atTheWindow('二手房过户后申请水电气报装，窗口称产权材料不全，现场无法办结');
    await act(agent, ticket.id, 'flag_hard_case', { kind: 'difficult', reason: '现场无法办结' });
    await act(agent, ticket.id, 'hard_case_rep_onsite', { note: '首席代表已到场' });
    await act(agent, ticket.id, 'hard_case_handle', { text: '容缺受理', deferredItems: '产权证明原件', promisedBy: '2026-12-31' });
    const chief = await userId('zjj_agent');
    // The clerk picks the chief representative among their own department's staff.
    const colleagues = (await agent.get(`/api/v1/users?departmentId=${ids.department('CGJ')}`)).body.items as Array<{
      id: number;
      departmentId: number;
    }>;
    expect(colleagues.map((u) => u.id)).toContain(chief);
    expect(colleagues.every((u) => u.departmentId === ids.department('ZJJ'))).toBe(true);
    const follow = { representativeUserId: chief, matter: '水电气报装', note: '现场未办结，转帮代办' };
    // The chief representative is the lead department's own staff; the matter is the catalog's. Refused, nothing changes.
    const caseBefore = await t.hub.db('hard_cases').where({ ticket_id: ticket.id }).first();
    await act(agent, ticket.id, 'hard_case_to_proxy', { ...follow, representativeUserId: await userId('cg_agent') }, 400);
    await act(agent, ticket.id, 'hard_case_to_proxy', { ...follow, matter: '不存在的事项' }, 400);
    await act(agent, ticket.id, 'hard_case_to_proxy', { ...follow, note: '' }, 400);
    expect(await t.hub.db('proxy_orders').where({ ticket_id: ticket.id })).toHaveLength(0);
    expect(await t.hub.db('hard_cases').where({ ticket_id: ticket.id }).first()).toEqual(caseBefore);

    await act(agent, ticket.id, 'hard_case_to_proxy', follow);
    await act(agent, ticket.id, 'hard_case_to_proxy', follow, 409);
    const order = await t.hub.db('proxy_orders').where({ ticket_id: ticket.id }).first();
    expect(order).toMatchObject({
      origin: 'hard_case',
      status: 'accepted',
      runner_user_id: chief,
      team_id: ids.department('ZJJ'),
    });
    const representative = await t.as('zjj_agent');
    expect((await notificationsOf(representative)).filter((n) => n.kind === 'proxy.follow_up' && n.ticketId === ticket.id)).toHaveLength(1);

    // The order is the chief representative's: another clerk of the bureau does not see it; the window's staff follow it.
    expect((await agent.get(`/api/v1/proxy/orders/${order.id}`)).status).toBe(404);
    expect((await agent.post(`/api/v1/proxy/orders/${order.id}/progress`, { text: '试图代办' })).status).toBe(403);
    expect((await representative.get('/api/v1/proxy/orders')).body.items.map((o: { id: number }) => o.id)).toContain(Number(order.id));
    expect((await operator.get(`/api/v1/proxy/orders/${order.id}`)).body).toMatchObject({
      status: 'accepted',
      matter: { name: '水电气报装' },
    });
    expect((await operator.get('/api/v1/hard-cases')).body.items.find((c: { ticketId: number }) => c.ticketId === ticket.id)).toMatchObject(
      {
        followUp: { representativeName: '李军（住建局）', orderStatus: 'accepted' },
      },
    );
    await act(agent, ticket.id, 'hard_case_answer', { text: '已办结' }, 409);

    // The chief representative does it as a runner would: mandate, materials, submission, the result at the window.
    const step = (path: string, body: object) => representative.post(`/api/v1/proxy/orders/${order.id}/${path}`, body);
    const mandate = {
      consent: true,
      scope: ['collect_materials', 'submit', 'receive_result'],
      validUntil: '2099-12-31',
      signedBy: '刘女士',
      method: 'paper',
    };
    expect((await step('mandate', mandate)).status).toBe(200);
    expect((await step('materials', { itemKey: 'property', form: 'copy', direction: 'received' })).status).toBe(200);
    expect((await step('materials', { itemKey: 'id_card', form: 'copy', direction: 'received' })).status).toBe(200);
    expect((await step('submit', { acceptanceNumber: 'SD2026120500001' })).status).toBe(200);
    expect((await step('deliver', { method: 'window' })).body).toMatchObject({ status: 'done' });

    const detail = (await operator.get(`/api/v1/tickets/${ticket.id}`)).body;
    expect(detail.status).toBe('replied');
    expect(detail.hardCase.followUp).toMatchObject({ representativeName: '李军（住建局）', orderStatus: 'done' });
    await act(agent, ticket.id, 'hard_case_answer', { text: '已由首席代表帮代办办结' });
  });
});

describe('discovery (多途径发现)', () => {
  test('when a 代办 order runs late, then the hub raises one candidate for the duty staff, who take it as a hard case or dismiss it', async () => {
    const make = async () => {
      const ticket = await createTicket(seat, {
        requestType: 'proxy',
        description: '老人行动不便，申请代办老年人优待证',
        regionId: ids.region('990121200201'),
        caller: { phone: '13911112222', name: '王大爷' },
        proxy: { matter: '老年人优待证', serviceMode: 'full_proxy', applicantAddress: '西山县石门乡石门村5组' },
      });
      await t.hub.queue.drain();
      await act(seat, ticket.id, 'dispatch', {});
      await t.hub.queue.drain();
      // Its legal limit (the ticket's answer) passed a day ago.
      await t.hub
        .db('tickets')
        .update({ reply_due_at: new Date(Date.now() - 86_400_000) })
        .where({ id: ticket.id });
      return ticket;
    };
    const [late, other] = [await make(), await make()];
    expect(await t.hub.services.hardCases.discover()).toBeGreaterThanOrEqual(2);
    expect(await t.hub.services.hardCases.discover()).toBe(0);
    expect((await agent.post('/api/v1/hard-cases/candidates/discover', {})).status).toBe(403);
    expect((await operator.post('/api/v1/hard-cases/candidates/discover', {})).body).toEqual({ raised: 0 });
    const candidates = (await operator.get('/api/v1/hard-cases/candidates')).body.items as Array<{
      id: number;
      ticketId: number;
      reason: string;
    }>;
    const mine = candidates.find((c) => c.ticketId === late.id)!;
    expect(mine).toMatchObject({ reason: 'order_late' });

    expect((await operator.post(`/api/v1/hard-cases/candidates/${mine.id}/accept`, { kind: 'slow', reason: 'x' })).status).toBe(400);
    expect((await operator.post('/api/v1/hard-cases/candidates/999999/accept', { kind: 'difficult', reason: 'x' })).status).toBe(404);
    expect((await agent.post(`/api/v1/hard-cases/candidates/${mine.id}/dismiss`, { note: '不是' })).status).toBe(403);
    const accepted = await operator.post(`/api/v1/hard-cases/candidates/${mine.id}/accept`, {
      kind: 'difficult',
      reason: '代办超期，转办不成事窗口跟踪',
    });
    expect(accepted.status).toBe(200);
    expect(await t.hub.db('hard_cases').where({ ticket_id: late.id }).first()).toMatchObject({ kind: 'difficult', source: 'system' });
    expect((await operator.post(`/api/v1/hard-cases/candidates/${mine.id}/accept`, { kind: 'difficult', reason: '再次' })).status).toBe(
      409,
    );

    const second = candidates.find((c) => c.ticketId === other.id)!;
    expect((await operator.post(`/api/v1/hard-cases/candidates/${second.id}/dismiss`, { note: '' })).status).toBe(400);
    expect((await operator.post(`/api/v1/hard-cases/candidates/${second.id}/dismiss`, { note: '已与申请人约定延期' })).status).toBe(204);
    expect((await operator.get('/api/v1/hard-cases/candidates')).body.items.map((c: { id: number }) => c.id)).not.toContain(second.id);
    expect(await t.hub.services.hardCases.discover()).toBe(0);
    const report = (await supervisor.get('/api/v1/hard-cases/report')).body;
    expect(report.candidates.find((c: { reason: string }) => c.reason === 'order_late')).toMatchObject({ accepted: 1, dismissed: 1 });
  });
});
