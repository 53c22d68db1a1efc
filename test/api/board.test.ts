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

  test('the map: each district’s week and overdue from the region outlines, the week’s tickets with coordinates as points; outlines are admin data, checked and audited', async () => {
    const ids = await demoIds(t.hub);
    const outlines = (await supervisor.get('/api/v1/regions/outlines?level=district')).body.items as Array<{
      id: number;
      name: string;
      outline: { type: string };
    }>;
    expect(outlines.map((o) => o.name).sort()).toEqual(['东城区', '西山县']);
    expect(outlines[0]!.outline.type).toBe('Polygon');
    expect((await supervisor.get('/api/v1/regions/outlines?level=township')).body.items).toHaveLength(4);

    const mapOf = async () => (await supervisor.get('/api/v1/board/map?level=district')).body;
    const before = await mapOf();
    const placed = await createTicket(operator, { description: '桃园村道路破损。', regionId: ids.region('990121200202') });
    await t.hub
      .db('tickets')
      .where({ id: placed.id })
      .update({ location: JSON.stringify({ latitude: 36.6, longitude: 117.0 }) });
    const after = await mapOf();
    const volume = (map: { regions: Array<{ name: string; volume: number }> }, name: string) =>
      map.regions.find((r) => r.name === name)!.volume;
    expect(volume(after, '西山县')).toBe(volume(before, '西山县') + 1);
    expect(volume(after, '东城区')).toBe(volume(before, '东城区'));
    expect(after.points).toContainEqual({ ticketId: placed.id, number: placed.number, longitude: 117, latitude: 36.6, overdue: false });
    expect((await supervisor.get('/api/v1/board/map?level=village')).status).toBe(400);
    expect((await operator.get('/api/v1/board/map')).status).toBe(403);

    // An admin sets an outline; a ring that does not close, or a position off the globe, is refused and changes nothing.
    const admin = await t.as('admin');
    const square = [
      [117.0, 36.6],
      [117.01, 36.6],
      [117.01, 36.61],
      [117.0, 36.61],
      [117.0, 36.6],
    ];
    const village = ids.region('990121200202');
    expect(
      (await admin.put(`/api/v1/regions/${village}/outline`, { outline: { type: 'Polygon', coordinates: [square.slice(0, 4)] } })).status,
    ).toBe(400);
    expect(
      (
        await admin.put(`/api/v1/regions/${village}/outline`, {
          outline: { type: 'Polygon', coordinates: [[[200, 36], ...square.slice(1, 4), [200, 36]]] },
        })
      ).status,
    ).toBe(400);
    expect(
      (await supervisor.put(`/api/v1/regions/${village}/outline`, { outline: { type: 'Polygon', coordinates: [square] } })).status,
    ).toBe(403);
    expect((await admin.get('/api/v1/regions/outlines?level=village')).body.items).toEqual([]);
    expect((await admin.put('/api/v1/regions/999999/outline', { outline: { type: 'Polygon', coordinates: [square] } })).status).toBe(404);
    expect((await admin.put(`/api/v1/regions/${village}/outline`, { outline: { type: 'Polygon', coordinates: [square] } })).status).toBe(
      200,
    );
    expect((await admin.get('/api/v1/regions/outlines?level=village')).body.items).toEqual([
      expect.objectContaining({ id: village, name: '桃园村', outline: { type: 'Polygon', coordinates: [square] } }),
    ]);
    const audit = (await admin.get(`/api/v1/audit-log?target=region_outline:${village}`)).body.items;
    expect(audit[0]).toMatchObject({
      action: 'settings.changed',
      details: { before: { outline: null }, after: { outline: { type: 'Polygon' } } },
    });
  });
});
