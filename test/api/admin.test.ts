import { createTicket } from '../support/tickets';
import { demoIds, startTestHub, type AuthedAgent, type TestHub } from '../support/test-hub';

let t: TestHub;
let ids: Awaited<ReturnType<typeof demoIds>>;
let admin: AuthedAgent;

beforeAll(async () => {
  t = await startTestHub();
  ids = await demoIds(t.hub);
  admin = await t.as('admin');
});
afterAll(() => t.close());

describe('regions', () => {
  test('when an admin adds a township and a village, then the tree and the under-filter include them', async () => {
    const township = await admin.post('/api/v1/regions', {
      code: '990101002',
      name: '南湖街道',
      level: 'township',
      parentId: ids.region('990101'),
    });
    expect(township.status).toBe(201);
    const village = await admin.post('/api/v1/regions', {
      code: '990101002001',
      name: '南湖社区',
      level: 'village',
      parentId: township.body.id,
    });
    expect(village.status).toBe(201);
    const under = (await admin.get(`/api/v1/regions?underId=${ids.region('990101')}`)).body.items.map((r: { code: string }) => r.code);
    expect(under).toEqual(expect.arrayContaining(['990101', '990101002', '990101002001']));
    expect(under).not.toContain('990121');
    const children = (await admin.get(`/api/v1/regions?parentId=${township.body.id}`)).body.items;
    expect(children).toEqual([expect.objectContaining({ name: '南湖社区', level: 'village' })]);
  });

  test('when the level does not fit the parent, the code is taken or malformed, then 400/409', async () => {
    expect(
      (await admin.post('/api/v1/regions', { code: '990101999', name: '错层', level: 'village', parentId: ids.region('990101') })).status,
    ).toBe(400);
    expect((await admin.post('/api/v1/regions', { code: '990199', name: '无父', level: 'district' })).status).toBe(400);
    expect(
      (await admin.post('/api/v1/regions', { code: '999999', name: '二市', level: 'city', parentId: ids.region('990000') })).status,
    ).toBe(400);
    expect(
      (await admin.post('/api/v1/regions', { code: '990101', name: '重复', level: 'district', parentId: ids.region('990000') })).status,
    ).toBe(409);
    expect((await admin.post('/api/v1/regions', { code: 'x', name: '短', level: 'district', parentId: ids.region('990000') })).status).toBe(
      400,
    );
    expect(
      (await admin.post('/api/v1/regions', { code: '990198', name: '未知层级', level: 'province', parentId: ids.region('990000') })).status,
    ).toBe(400);
  });

  test('when a region is in use, then it cannot be deleted; an unused one can', async () => {
    expect((await admin.delete(`/api/v1/regions/${ids.region('990101')}`)).status).toBe(409);
    const operator = await t.as('operator');
    await createTicket(operator, { regionId: ids.region('990121200202G1') });
    expect((await admin.delete(`/api/v1/regions/${ids.region('990121200202G1')}`)).status).toBe(409);
    const spare = await admin.post('/api/v1/regions', {
      code: '990121200202G9',
      name: '临时网格',
      level: 'grid',
      parentId: ids.region('990121200202'),
    });
    await admin.delete(`/api/v1/regions/${spare.body.id}`).expect(204);
    expect((await admin.get(`/api/v1/regions/${spare.body.id}`)).status).toBe(404);
    const renamed = await admin.patch(`/api/v1/regions/${ids.region('990121200202')}`, { name: '桃园社区' });
    expect(renamed.body.name).toBe('桃园社区');
  });
});

describe('departments', () => {
  test('when an admin creates, renames and deactivates a department, then lists reflect it', async () => {
    const created = await admin.post('/api/v1/departments', {
      code: 'TYJ',
      name: '市体育局',
      kind: 'functional',
      regionId: ids.region('990000'),
    });
    expect(created.status).toBe(201);
    const renamed = await admin.patch(`/api/v1/departments/${created.body.id}`, { name: '市文体局' });
    expect(renamed.body.name).toBe('市文体局');
    await admin.patch(`/api/v1/departments/${created.body.id}`, { active: false }).expect(200);
    const active = (await admin.get('/api/v1/departments?active=true')).body.items.map((d: { code: string }) => d.code);
    expect(active).not.toContain('TYJ');
    const districts = (await admin.get('/api/v1/departments?kind=district_gov')).body.items.map((d: { code: string }) => d.code);
    expect(districts).toEqual(['DCQ', 'XSX']);
  });

  test('when references are wrong or would make a cycle, then 400', async () => {
    expect((await admin.post('/api/v1/departments', { code: 'BAD1', name: '坏', kind: 'functional', regionId: 999_999 })).status).toBe(400);
    expect((await admin.post('/api/v1/departments', { code: 'BAD2', name: '坏', kind: 'functional', parentId: 999_999 })).status).toBe(400);
    expect((await admin.post('/api/v1/departments', { code: 'BAD3', name: '坏', kind: 'ministry' })).status).toBe(400);
    // 东城区人民政府 is the parent of 东华街道; making it 东华街道's child is a cycle.
    expect((await admin.patch(`/api/v1/departments/${ids.department('DCQ')}`, { parentId: ids.department('DHJD') })).status).toBe(400);
    expect((await admin.patch(`/api/v1/departments/${ids.department('DCQ')}`, { parentId: ids.department('DCQ') })).status).toBe(400);
    expect((await admin.post('/api/v1/departments', { code: 'ZJJ', name: '重复', kind: 'functional' })).status).toBe(409);
  });
});

describe('categories', () => {
  test('when the default taxonomy is seeded, then it has two levels and the seven teddy2020c labels', async () => {
    const tree = (await admin.get('/api/v1/categories')).body.items as Array<{ name: string; children: Array<{ code: string }> }>;
    const names = tree.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        '城乡建设',
        '环境保护',
        '交通运输',
        '教育文体',
        '劳动和社会保障',
        '商贸旅游',
        '卫生计生',
        '公安政法',
        '市场监管',
        '民政',
        '农业农村',
        '水电气暖',
        '医保',
        '住房公积金',
      ]),
    );
    expect(tree.every((c) => c.children.length > 0)).toBe(true);
  });

  test('when an admin adds and deactivates categories, then the tree follows and bad codes are refused', async () => {
    const parent = await admin.post('/api/v1/categories', { code: '18', name: '退役军人', description: '退役军人服务与优抚' });
    expect(parent.status).toBe(201);
    const child = await admin.post('/api/v1/categories', {
      code: '1801',
      name: '优抚安置',
      parentId: parent.body.id,
      dispatchMode: 'auto',
      answerInPerson: true,
    });
    expect(child.body).toMatchObject({ level: 2, dispatchMode: 'auto', answerInPerson: true });
    expect(
      (await admin.post('/api/v1/categories', { code: '1802', name: '错模式', parentId: parent.body.id, dispatchMode: 'manual' })).status,
    ).toBe(400);
    expect((await admin.post('/api/v1/categories', { code: '1901', name: '错码', parentId: parent.body.id })).status).toBe(400);
    expect((await admin.post('/api/v1/categories', { code: '180101', name: '三级', parentId: child.body.id })).status).toBe(400);
    expect((await admin.post('/api/v1/categories', { code: 'ab', name: '小写' })).status).toBe(400);
    await admin.patch(`/api/v1/categories/${parent.body.id}`, { active: false }).expect(200);
    const tree = (await admin.get('/api/v1/categories')).body.items.map((c: { code: string }) => c.code);
    expect(tree).not.toContain('18');
    expect((await admin.get(`/api/v1/categories/${child.body.id}`)).body.active).toBe(false);
    const operator = await t.as('operator');
    expect((await operator.post('/api/v1/tickets', { requestType: 'help', description: '求助', categoryId: child.body.id })).status).toBe(
      400,
    );
  });
});

describe('users', () => {
  test('when a department role has no department, or the role is unknown, then 400', async () => {
    expect(
      (await admin.post('/api/v1/users', { username: 'lonely', displayName: '无部门', password: 'password-123', role: 'agent' })).status,
    ).toBe(400);
    expect(
      (await admin.post('/api/v1/users', { username: 'king', displayName: '国王', password: 'password-123', role: 'king' })).status,
    ).toBe(400);
    expect(
      (await admin.post('/api/v1/users', { username: 'short', displayName: '短密码', password: 'short', role: 'operator' })).status,
    ).toBe(400);
    expect(
      (await admin.post('/api/v1/users', { username: 'agent', displayName: '重名', password: 'password-123', role: 'operator' })).status,
    ).toBe(409);
    const listed = (await admin.get(`/api/v1/users?role=agent`)).body.items.map((u: { username: string }) => u.username);
    expect(listed).toEqual(['agent', 'zjj_agent', 'cg_agent']);
  });
});
