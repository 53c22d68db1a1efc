import { startTestHub, type TestHub } from '../support/test-hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

describe('authentication', () => {
  test('when a user signs in with the right password, then the token works and carries the role', async () => {
    const login = await t.http.post('/api/v1/auth/login').send({ username: 'agent', password: 'agent-12345' });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ token: expect.stringMatching(/^hht_/), user: { username: 'agent', role: 'agent' } });
    expect(login.body.user.passwordHash).toBeUndefined();
    const me = await t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${login.body.token}`);
    expect(me.body).toMatchObject({ username: 'agent', role: 'agent', via: 'session' });
    // Only a hash of the token is stored.
    const stored = await t.hub.db('sessions').select('token_hash');
    expect(stored.map((s) => s.token_hash)).not.toContain(login.body.token);
  });

  test('when the password or username is wrong, then 401 with the same message', async () => {
    const wrongPassword = await t.http.post('/api/v1/auth/login').send({ username: 'agent', password: 'nope-nope-nope' });
    const noUser = await t.http.post('/api/v1/auth/login').send({ username: 'ghost', password: 'nope-nope-nope' });
    expect(wrongPassword.status).toBe(401);
    expect(noUser.status).toBe(401);
    expect(wrongPassword.body.error.message).toBe(noUser.body.error.message);
    expect((await t.http.post('/api/v1/auth/login').send({ username: 'agent' })).status).toBe(400);
  });

  test('when a user logs out, then the token stops working', async () => {
    const { body } = await t.http.post('/api/v1/auth/login').send({ username: 'operator', password: 'operator-12345' });
    const auth = `Bearer ${body.token}`;
    expect((await t.http.get('/api/v1/tickets').set('Authorization', auth)).status).toBe(200);
    expect((await t.http.post('/api/v1/auth/logout').set('Authorization', auth)).status).toBe(204);
    expect((await t.http.get('/api/v1/tickets').set('Authorization', auth)).status).toBe(401);
  });

  test('when an admin deactivates a user or changes the password, then the user’s sessions end', async () => {
    const admin = await t.as('admin');
    const created = await admin.post('/api/v1/users', { username: 'temp.op', displayName: '临时话务员', password: 'temp-password-1', role: 'operator' });
    expect(created.status).toBe(201);
    const login = await t.http.post('/api/v1/auth/login').send({ username: 'temp.op', password: 'temp-password-1' });
    const auth = `Bearer ${login.body.token}`;
    await admin.patch(`/api/v1/users/${created.body.id}`, { password: 'temp-password-2' }).expect(200);
    expect((await t.http.get('/api/v1/tickets').set('Authorization', auth)).status).toBe(401);
    const again = await t.http.post('/api/v1/auth/login').send({ username: 'temp.op', password: 'temp-password-2' });
    expect(again.status).toBe(200);
    await admin.patch(`/api/v1/users/${created.body.id}`, { active: false }).expect(200);
    expect((await t.http.get('/api/v1/tickets').set('Authorization', `Bearer ${again.body.token}`)).status).toBe(401);
    expect((await t.http.post('/api/v1/auth/login').send({ username: 'temp.op', password: 'temp-password-2' })).status).toBe(401);
  });

  test('when an integration uses an API key, then it acts as its user until revoked', async () => {
    const admin = await t.as('admin');
    const integration = await admin.post('/api/v1/users', { username: 'crm.bot', displayName: '对接系统', password: 'integration-pw-1', role: 'operator' });
    const key = await admin.post('/api/v1/api-keys', { name: 'CRM', userId: integration.body.id });
    expect(key.status).toBe(201);
    expect(key.body.key).toMatch(/^hhk_/);
    const viaHeader = await t.http.post('/api/v1/tickets').set('X-Api-Key', key.body.key).send({ requestType: 'consult', description: '对接系统转入的咨询' });
    expect(viaHeader.status).toBe(201);
    expect(viaHeader.body.timeline[0].actor.name).toBe('对接系统');
    expect((await t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${key.body.key}`)).body.via).toBe('api_key');
    const listed = (await admin.get('/api/v1/api-keys')).body.items;
    expect(JSON.stringify(listed)).not.toContain(key.body.key);
    await admin.delete(`/api/v1/api-keys/${key.body.id}`).expect(204);
    expect((await t.http.get('/api/v1/tickets').set('X-Api-Key', key.body.key)).status).toBe(401);
    expect((await admin.delete(`/api/v1/api-keys/${key.body.id}`)).status).toBe(404);
    expect((await t.http.post('/api/v1/auth/logout').set('X-Api-Key', 'hhk_invalid')).status).toBe(401);
  });
});
