import { startTestHub, type AuthedAgent, type TestHub } from '../support/test-hub';

let t: TestHub;
let admin: AuthedAgent, supervisor: AuthedAgent, director: AuthedAgent, courier: AuthedAgent, runner: AuthedAgent;
let gridId: number, companyId: number, courierId: number, runnerId: number;

beforeAll(async () => {
  t = await startTestHub();
  admin = await t.as('admin');
  supervisor = await t.as('supervisor');
  director = await t.as('director');
  courier = await t.as('courier');
  runner = await t.as('runner');
  const grids = (await supervisor.get('/api/v1/postal/grids')).body.items as Array<{
    id: number;
    code: string;
    postalCompanyId: number;
    courierUserId: number;
  }>;
  const grid = grids.find((g) => g.code === 'XS-SHIMEN')!;
  ({ id: gridId, postalCompanyId: companyId, courierUserId: courierId } = grid);
  runnerId = ((await t.hub.db('users').where({ username: 'runner' }).first()) as { id: number }).id;
});
afterAll(() => t.close());

/** Last month in Beijing (YYYY-MM), and an instant of a day of it. */
const now = new Date(Date.now() + 8 * 3_600_000);
const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
const thisMonth = now.toISOString().slice(0, 7);
const on = (day: number, time = '10:00') => `${lastMonth}-${String(day).padStart(2, '0')}T${time}:00+08:00`;

describe('政邮商', () => {
  test('when the courier keeps the grid’s archive, then visits update its needs and others cannot see it', async () => {
    const added = await courier.post(`/api/v1/postal/grids/${gridId}/enterprises`, {
      name: '石门乡农机合作社',
      creditCode: '93990121MA0000002Y',
      contactName: '钱有福',
      contactPhone: '13744445555',
    });
    expect(added.status).toBe(201);
    expect(added.body.contactPhone).not.toBe('13744445555');
    expect((await courier.post(`/api/v1/postal/grids/${gridId}/enterprises`, { name: '石门乡农机合作社' })).status).toBe(409);
    expect((await courier.post(`/api/v1/postal/grids/${gridId}/enterprises`, { name: '坏代码', creditCode: 'abc' })).status).toBe(400);
    const visited = await courier.post(`/api/v1/postal/enterprises/${added.body.id}/visits`, {
      kind: 'onsite',
      note: '上门走访，合作社拟新增农机维修业务',
      needs: '经营范围变更登记',
    });
    expect(visited.status).toBe(201);
    expect(visited.body).toMatchObject({ needs: '经营范围变更登记', visits: [{ kind: 'onsite', by: '马俊（邮政网格员）' }] });
    expect(visited.body.lastVisitAt).not.toBeNull();
    expect((await courier.patch(`/api/v1/postal/enterprises/${added.body.id}`, { status: 'suspended' })).body.status).toBe('suspended');
    // Another runner does not know the grid; the center sees the contact in clear.
    expect((await runner.get(`/api/v1/postal/grids/${gridId}/enterprises`)).status).toBe(404);
    expect((await runner.get('/api/v1/postal/grids')).body.items).toEqual([]);
    expect((await supervisor.get(`/api/v1/postal/enterprises/${added.body.id}`)).body.contactPhone).toBe('13744445555');

    // The need becomes a 代办 request in the courier's name; a matter not in the catalog changes nothing.
    const tickets = async () => Number(((await t.hub.db('tickets').count({ n: '*' }).first()) as { n: number }).n);
    const before = await tickets();
    const need = { matter: '个体工商户登记', note: '合作社拟新增农机维修业务，需办理登记' };
    expect((await courier.post(`/api/v1/postal/enterprises/${added.body.id}/requests`, { ...need, matter: '无此事项' })).status).toBe(400);
    expect((await runner.post(`/api/v1/postal/enterprises/${added.body.id}/requests`, need)).status).toBe(404);
    expect(await tickets()).toBe(before);
    const requested = await courier.post(`/api/v1/postal/enterprises/${added.body.id}/requests`, need);
    expect(requested.status).toBe(201);
    const ticket = await t.hub.db('tickets').where({ id: requested.body.ticketId }).first();
    expect(ticket).toMatchObject({ request_type: 'proxy', matter: '个体工商户登记', created_by: courierId });
    expect((await courier.get(`/api/v1/postal/enterprises/${added.body.id}`)).body.visits[0].note).toContain(requested.body.number);
  });

  test('when a tariff is set, then bad bands are refused and one day takes one tariff', async () => {
    const good = {
      effectiveFrom: '2027-01-01',
      bands: [
        { upToKm: 10, priceFen: 1300 },
        { upToKm: null, priceFen: 1800 },
      ],
      lateDeductionFen: 300,
      refusedDeductionFen: 600,
    };
    expect((await supervisor.post('/api/v1/postal/tariffs', good)).status).toBe(403);
    expect(
      (
        await director.post('/api/v1/postal/tariffs', {
          ...good,
          bands: [
            { upToKm: null, priceFen: 1300 },
            { upToKm: 10, priceFen: 1800 },
          ],
        })
      ).status,
    ).toBe(400);
    expect((await director.post('/api/v1/postal/tariffs', { ...good, bands: [{ upToKm: 10, priceFen: 1300 }] })).status).toBe(400);
    expect((await director.post('/api/v1/postal/tariffs', { ...good, effectiveFrom: '2027-02-30' })).status).toBe(400);
    expect((await director.post('/api/v1/postal/tariffs', good)).status).toBe(201);
    expect((await director.post('/api/v1/postal/tariffs', good)).status).toBe(409);
  });

  test('when last month is settled, then a late and a refused delivery are deducted, matching the hand-computed total, and the month is fixed', async () => {
    const piece = (body: object) => courier.post('/api/v1/postal/pieces', { gridId, kind: 'deliver', ...body });
    // The seeded tariff: 12 元 within 5 km, 15 元 within 15 km, 20 元 beyond; 3 元 off late, 6 元 off refused.
    expect((await piece({ kind: 'collect', distanceKm: 3.2, doneAt: on(3) })).status).toBe(201); // 12.00
    expect((await piece({ distanceKm: 8, dueAt: on(10, '17:00'), doneAt: on(11) })).status).toBe(201); // 15.00 − 3.00 late
    expect((await piece({ distanceKm: 22, dueAt: on(20, '17:00'), doneAt: on(20, '15:00') })).status).toBe(201); // 20.00
    expect((await piece({ distanceKm: 4, outcome: 'refused', doneAt: on(25) })).status).toBe(201); // 12.00 − 6.00 refused
    // Bad input changes nothing.
    expect((await piece({ distanceKm: 0, doneAt: on(5) })).status).toBe(400);
    expect((await piece({ distanceKm: 3, doneAt: new Date(Date.now() + 86_400_000).toISOString() })).status).toBe(400);
    expect((await piece({ distanceKm: 3, doneAt: on(5), courierUserId: runnerId })).status).toBe(403);
    expect((await runner.post('/api/v1/postal/pieces', { gridId, kind: 'deliver', distanceKm: 3, doneAt: on(5) })).status).toBe(400);
    // Another postal company's piece is not on this statement.
    const other = (await admin.post('/api/v1/postal/companies', { name: '顺丰速运西山营业部' })).body.id as number;
    const otherGrid = await admin.put('/api/v1/postal/grids/XS-CHENGGUAN', {
      name: '城关镇网格',
      postalCompanyId: other,
      courierUserId: runnerId,
    });
    expect(otherGrid.status).toBe(200);
    expect(
      (await runner.post('/api/v1/postal/pieces', { gridId: otherGrid.body.id, kind: 'deliver', distanceKm: 30, doneAt: on(6) })).status,
    ).toBe(201);

    const draft = await supervisor.post('/api/v1/postal/settlements', { postalCompanyId: companyId, month: lastMonth });
    expect(draft.status).toBe(201);
    // By hand: 12 + 15 + 20 + 12 = 59 元; less 3 (late) and 6 (refused) = 50 元.
    expect(draft.body).toMatchObject({ status: 'draft', pieceCount: 4, grossFen: 5900, deductionsFen: 900, netFen: 5000 });
    expect(draft.body.lines).toEqual([
      expect.objectContaining({
        courierUserId: courierId,
        pieces: 4,
        late: 1,
        refused: 1,
        netFen: 5000,
        bands: { '5公里以内': 2, '5–15公里': 1, '15公里以上': 1 },
      }),
    ]);
    const id = draft.body.id as number;

    // Someone other than who computed it approves, after the month is over.
    expect((await supervisor.post(`/api/v1/postal/settlements/${id}/approve`, {})).status).toBe(409);
    expect((await courier.post(`/api/v1/postal/settlements/${id}/approve`, {})).status).toBe(403);
    const approved = await director.post(`/api/v1/postal/settlements/${id}/approve`, {});
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', netFen: 5000, approvedByName: '周建国（中心主任）' });
    expect((await director.post(`/api/v1/postal/settlements/${id}/approve`, {})).status).toBe(409);
    expect((await supervisor.post('/api/v1/postal/settlements', { postalCompanyId: companyId, month: lastMonth })).status).toBe(409);
    expect((await piece({ distanceKm: 3, doneAt: on(28) })).status).toBe(409);
    const told = ((await courier.get('/api/v1/notifications?limit=50')).body.items as Array<{ kind: string; body: string }>).filter(
      (n) => n.kind === 'postal.settlement',
    );
    expect(told).toHaveLength(1);
    expect(told[0]!.body).toContain('实付50.00元');

    // The courier reads their own statement; downloads as CSV and xlsx.
    expect((await courier.get(`/api/v1/postal/settlements/${id}`)).body.lines).toHaveLength(1);
    expect((await runner.get(`/api/v1/postal/settlements/${id}`)).status).toBe(404);
    const csv = await director.get(`/api/v1/postal/settlements/${id}?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.text).toContain('马俊（邮政网格员）,4,1,1,59,9,50');
    expect(csv.text).toContain('合计,4,1,1,59,9,50');
    const pieces = await director.get(`/api/v1/postal/settlements/${id}?format=csv&detail=pieces`);
    expect(pieces.text.split('\n').filter((l) => l.trim() !== '')).toHaveLength(5);
    const xlsx = await director.get(`/api/v1/postal/settlements/${id}?format=xlsx&courierUserId=${courierId}`).buffer(true);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');

    // The supervisors' report: last month's pieces by postal company, paid as approved.
    const report = await supervisor.get(`/api/v1/reports/outcomes?from=${lastMonth}-01&to=${thisMonth}-01&groupBy=team`);
    expect(report.body.pieces).toEqual(
      expect.arrayContaining([
        { name: '中国邮政集团西山县分公司', pieces: 4, late: 1, refused: 1, settled: 4, paidFen: 5000 },
        { name: '顺丰速运西山营业部', pieces: 1, late: 0, refused: 0, settled: 0, paidFen: 0 },
      ]),
    );

    const file = await supervisor.get(
      `/api/v1/reports/outcomes?from=${lastMonth}-01&to=${thisMonth}-01&groupBy=team&format=csv&section=pieces`,
    );
    expect(file.text).toContain('中国邮政集团西山县分公司,4,1,1,4,50');

    // This month's statement may be drafted but not approved before the month is over.
    const current = await supervisor.post('/api/v1/postal/settlements', { postalCompanyId: companyId, month: thisMonth });
    expect(current.status).toBe(201);
    expect((await director.post(`/api/v1/postal/settlements/${current.body.id}/approve`, {})).status).toBe(409);
    expect((await supervisor.post('/api/v1/postal/settlements', { postalCompanyId: companyId, month: '2099-01' })).status).toBe(400);
  });
});
