import { startTestHub, demoIds, type AuthedAgent, type TestHub } from '../support/test-hub';
import { act, createTicket } from '../support/tickets';

let t: TestHub;
let operator: AuthedAgent;
let supervisor: AuthedAgent;
beforeAll(async () => {
  t = await startTestHub();
  [operator, supervisor] = await Promise.all([t.as('operator'), t.as('supervisor')]);
});
afterAll(() => t.close());

type Board = {
  today: { total: number; byChannel: Array<{ channel: string; count: number }>; byHour: number[] };
  open: Array<{ status: string; count: number }>;
  departments: Array<{ departmentId: number; name: string; open: number; overdue: number; atRisk: number }>;
  rates: Record<string, number | null>;
  categories: Array<{ name: string; count: number }>;
};
const board = async (): Promise<Board> => {
  const res = await supervisor.get('/api/v1/board');
  expect(res.status).toBe(200);
  return res.body;
};

describe('the supervisors’ board', () => {
  test('when tickets come in and go overdue, then the board counts them: today by channel and Beijing hour, open by status, overdue and at risk by department', async () => {
    const before = await board();
    const ids = await demoIds(t.hub);
    const late = await createTicket(operator, { description: '供水管道爆裂，整栋楼停水。' });
    const soon = await createTicket(operator, { description: '小区路灯不亮。' });
    for (const ticket of [late, soon]) await act(operator, ticket.id, 'dispatch', { departmentId: ids.department('ZJJ') });
    // One past its deadline, one due within the hour.
    await t.hub
      .db('tickets')
      .where({ id: late.id })
      .update({ next_due_at: t.hub.db.raw("now() - interval '1 hour'") });
    await t.hub
      .db('tickets')
      .where({ id: soon.id })
      .update({ next_due_at: t.hub.db.raw("now() + interval '1 hour'") });

    const after = await board();
    expect(after.today.total).toBe(before.today.total + 2);
    expect(after.today.byHour.reduce((a, b) => a + b, 0)).toBe(after.today.total);
    const beijingHour = (new Date().getUTCHours() + 8) % 24;
    expect(after.today.byHour[beijingHour]).toBeGreaterThanOrEqual(2);
    const zjj = after.departments.find((d) => d.departmentId === ids.department('ZJJ'))!;
    const zjjBefore = before.departments.find((d) => d.departmentId === ids.department('ZJJ')) ?? { open: 0, overdue: 0, atRisk: 0 };
    expect(zjj).toMatchObject({ open: zjjBefore.open + 2, overdue: zjjBefore.overdue + 1, atRisk: zjjBefore.atRisk + 1 });
    expect(after.open.find((s) => s.status === 'dispatched')!.count).toBeGreaterThanOrEqual(2);
    expect(Object.keys(after.rates).sort()).toEqual(['resolution', 'response', 'satisfaction']);
    // The 三率's trend: thirty Beijing days, today last.
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const trend = (await supervisor.get('/api/v1/board')).body.trend as Array<{ day: string }>;
    expect(trend).toHaveLength(30);
    expect(trend.at(-1)!.day).toBe(today);
    expect(new Set(trend.map((d) => d.day)).size).toBe(30);
    // The same figures per day come from the KPI report, one rule for both.
    const days = (await supervisor.get(`/api/v1/kpis?groupBy=day&from=${today}&to=${today}`)).body.items as Array<{
      key: string;
      volume: number;
    }>;
    expect(days.find((d) => d.key === today)!.volume).toBeGreaterThanOrEqual(2);
  });

  test('when a department or a seat asks, then 403', async () => {
    expect((await (await t.as('agent')).get('/api/v1/board')).status).toBe(403);
    expect((await operator.get('/api/v1/board')).status).toBe(403);
    expect((await (await t.as('director')).get('/api/v1/board')).status).toBe(200);
  });
});
