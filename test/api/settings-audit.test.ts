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

interface Entry {
  action: string;
  actorName: string | null;
  target: string | null;
  details: { before: unknown; after: unknown };
}
const auditOf = async (target: string): Promise<Entry[]> => {
  const res = await admin.get(`/api/v1/audit-log?target=${encodeURIComponent(target)}`);
  expect(res.status).toBe(200);
  return res.body.items;
};

describe('the audit log keeps every settings change with before and after', () => {
  test('a catalog entry: added, changed (only the changed fields), deleted', async () => {
    const made = await admin.post('/api/v1/routing/catalog', {
      name: '审计测试：供水',
      categoryId: ids.category('1201'),
      regionId: ids.region('990121'),
      leadDepartmentId: ids.department('SWJT'),
    });
    expect(made.status).toBe(201);
    const target = `catalog_entry:${made.body.id}`;
    expect(await auditOf(target)).toEqual([
      expect.objectContaining({
        action: 'settings.created',
        actorName: expect.any(String),
        details: { before: null, after: expect.objectContaining({ name: '审计测试：供水' }) },
      }),
    ]);

    expect((await admin.patch(`/api/v1/routing/catalog/${made.body.id}`, { priority: 7 })).status).toBe(200);
    const [changed] = await auditOf(target);
    expect(changed).toMatchObject({ action: 'settings.changed' });
    expect(changed!.details.before).toMatchObject({ priority: 0 });
    expect(changed!.details.after).toMatchObject({ priority: 7 });
    expect(changed!.details.after).not.toHaveProperty('name'); // unchanged fields are left out

    expect((await admin.delete(`/api/v1/routing/catalog/${made.body.id}`)).status).toBe(200);
    const [deleted] = await auditOf(target);
    expect(deleted).toMatchObject({
      action: 'settings.deleted',
      details: { after: null, before: expect.objectContaining({ priority: 7 }) },
    });
    // The kind finds every one of its kind.
    expect((await auditOf('catalog_entry')).length).toBeGreaterThanOrEqual(3);
  });

  test('a calendar day, a policy, a user’s work settings and the callback settings', async () => {
    const calendar = (await admin.get('/api/v1/sla/calendars')).body.items[0];
    expect((await admin.put(`/api/v1/sla/calendars/${calendar.id}/overrides/2027-03-06`, { kind: 'workday', note: '调休' })).status).toBe(
      200,
    );
    expect(await auditOf(`calendar_day:${calendar.id}/2027-03-06`)).toEqual([
      expect.objectContaining({
        action: 'settings.changed',
        details: { before: null, after: { date: '2027-03-06', kind: 'workday', note: '调休' } },
      }),
    ]);
    expect((await admin.delete(`/api/v1/sla/calendars/${calendar.id}/overrides/2027-03-06`)).status).toBe(200);
    expect((await auditOf(`calendar_day:${calendar.id}/2027-03-06`))[0]).toMatchObject({
      action: 'settings.deleted',
      details: { before: { kind: 'workday' }, after: null },
    });

    const policy = (await admin.get('/api/v1/sla/policies')).body.items[0];
    expect((await admin.patch(`/api/v1/sla/policies/${policy.id}`, { name: `${policy.name}（审计）` })).status).toBe(200);
    expect((await auditOf(`sla_policy:${policy.id}`))[0]!.details).toEqual({
      before: { name: policy.name },
      after: { name: `${policy.name}（审计）` },
    });

    const users = (await admin.get('/api/v1/users')).body.items as Array<{ id: number; username: string; capacity: number | null }>;
    const agent = users.find((u) => u.username === 'agent')!;
    expect((await admin.patch(`/api/v1/users/${agent.id}/work`, { capacity: 17 })).status).toBe(200);
    const [work] = await auditOf(`user:${agent.id}`);
    expect(work!.details).toEqual({ before: { capacity: agent.capacity }, after: { capacity: 17 } });
    // The user's own entries are found by the user too.
    const byUser = (await admin.get(`/api/v1/audit-log?userId=${agent.id}&action=settings.changed`)).body.items;
    expect(byUser[0]).toMatchObject({ target: `user:${agent.id}` });

    expect((await admin.patch('/api/v1/callbacks/settings', { delayMinutes: 45 })).status).toBe(200);
    expect((await auditOf('callback_settings'))[0]!.details).toMatchObject({ after: { delayMinutes: 45 } });
  });

  test('a refused change is not recorded; a bad filter is 400; the log exports as CSV', async () => {
    const before = (await auditOf('sla_policy')).length;
    expect((await admin.patch('/api/v1/sla/policies/999999', { name: '不存在' })).status).toBe(404);
    expect((await admin.post('/api/v1/sla/policies', { name: '坏的', stage: 'reply', amount: -1, unit: 'working_days' })).status).toBe(400);
    expect((await auditOf('sla_policy')).length).toBe(before);

    expect((await admin.get('/api/v1/audit-log?target=DROP%20TABLE')).status).toBe(400);
    expect((await (await t.as('supervisor')).get('/api/v1/audit-log')).status).toBe(403);

    const csv = await admin.get('/api/v1/audit-log?format=csv&target=catalog_entry');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^\uFEFF?序号,时间,操作,操作人,对象,IP,详情$/);
    expect(lines.slice(1).every((line) => line.includes('派单目录 #'))).toBe(true);
  });
});
