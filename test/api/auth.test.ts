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

  test('when the console signs in with a cookie, then it is HttpOnly and SameSite=Strict, reads work, writes need the hub’s Origin, and sign-out ends it', async () => {
    const login = await t.http.post('/api/v1/auth/login').send({ username: 'operator', password: 'operator-12345', session: 'cookie' });
    expect(login.status).toBe(200);
    expect(login.body.token).toBeUndefined();
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/^hh_session=hht_[^;]+;/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(';')[0]!;
    expect((await t.http.get('/api/v1/auth/me').set('Cookie', cookie)).body).toMatchObject({ username: 'operator', via: 'session' });

    const call = { channel: 'phone', requestType: 'complaint', urgency: 'normal', description: '小区门口路灯不亮了' };
    const before = Number((await t.hub.db('tickets').count({ n: '*' }))[0]!.n);
    // A cross-site write (another Origin, or none) is refused and changes nothing; the hub's own is served.
    const crossSite = await t.http.post('/api/v1/tickets').set('Cookie', cookie).set('Origin', 'https://evil.example').send(call);
    expect(crossSite.status).toBe(403);
    expect((await t.http.post('/api/v1/tickets').set('Cookie', cookie).send(call)).status).toBe(403);
    expect(Number((await t.hub.db('tickets').count({ n: '*' }))[0]!.n)).toBe(before);
    const own = await t.http.post('/api/v1/tickets').set('Cookie', cookie).set('Origin', t.hub.config.http.publicUrl).send(call);
    expect(own.status).toBe(201);

    const logout = await t.http.post('/api/v1/auth/logout').set('Cookie', cookie).set('Origin', t.hub.config.http.publicUrl);
    expect(logout.status).toBe(204);
    expect(String(logout.headers['set-cookie'])).toMatch(/hh_session=;/);
    expect((await t.http.get('/api/v1/auth/me').set('Cookie', cookie)).status).toBe(401);
    // A cookie that does not decode is no session: 401, not an error.
    expect((await t.http.get('/api/v1/auth/me').set('Cookie', 'hh_session=%E0%A4%A')).status).toBe(401);
  });

  test('when an admin deactivates a user or changes the password, then the user’s sessions end', async () => {
    const admin = await t.as('admin');
    const created = await admin.post('/api/v1/users', {
      username: 'temp.op',
      displayName: '临时话务员',
      password: 'temp-password-1',
      role: 'operator',
    });
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
    const integration = await admin.post('/api/v1/users', {
      username: 'crm.bot',
      displayName: '对接系统',
      password: 'integration-pw-1',
      role: 'operator',
    });
    const key = await admin.post('/api/v1/api-keys', { name: 'CRM', userId: integration.body.id, scopes: ['read', 'write'] });
    expect(key.status).toBe(201);
    expect(key.body).toMatchObject({ scopes: ['read', 'write'], expiresAt: expect.any(String) });
    expect(key.body.key).toMatch(/^hhk_/);
    const viaHeader = await t.http
      .post('/api/v1/tickets')
      .set('X-Api-Key', key.body.key)
      .send({ requestType: 'consult', description: '对接系统转入的咨询' });
    expect(viaHeader.status).toBe(201);
    expect(viaHeader.body.timeline[0].actor.name).toBe('对接系统');
    expect((await t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${key.body.key}`)).body.via).toBe('api_key');
    const listed = (await admin.get('/api/v1/api-keys')).body.items;
    expect(JSON.stringify(listed)).not.toContain(key.body.key);
    await admin.delete(`/api/v1/api-keys/${key.body.id}`).expect(204);
    expect((await t.http.get('/api/v1/tickets').set('X-Api-Key', key.body.key)).status).toBe(401);
    expect((await admin.delete(`/api/v1/api-keys/${key.body.id}`)).status).toBe(404);
    expect((await t.http.post('/api/v1/auth/logout').set('X-Api-Key', 'hhk_invalid')).status).toBe(401);
    const audited = (await admin.get('/api/v1/audit-log?userId=' + integration.body.id)).body.items.map(
      (e: { action: string }) => e.action,
    );
    expect(audited).toEqual(expect.arrayContaining(['api_key.issued', 'api_key.revoked']));
  });

  test('when a key has only the read scope, then it reads but may not act; when it expires, then it stops', async () => {
    const admin = await t.as('admin');
    const user = await admin.post('/api/v1/users', {
      username: 'bi.reader',
      displayName: '报表系统',
      password: 'integration-pw-2',
      role: 'supervisor',
    });
    const key = (await admin.post('/api/v1/api-keys', { name: 'BI', userId: user.body.id, expiresInDays: 30 })).body;
    expect(key.scopes).toEqual(['read']);
    expect(new Date(key.expiresAt).getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect((await t.http.get('/api/v1/tickets').set('X-Api-Key', key.key)).status).toBe(200);
    const write = await t.http.post('/api/v1/tickets').set('X-Api-Key', key.key).send({ requestType: 'consult', description: '不应创建' });
    expect(write.status).toBe(403);
    await t.hub
      .db('api_keys')
      .update({ expires_at: new Date(Date.now() - 1000) })
      .where({ id: key.id });
    await new Promise((resolve) => setTimeout(resolve, 5_100)); // the credential cache's lifetime
    expect((await t.http.get('/api/v1/tickets').set('X-Api-Key', key.key)).status).toBe(401);
  });

  test('when a key is asked for an admin, then only with allowAdmin; bad requests change nothing', async () => {
    const admin = await t.as('admin');
    const adminId = (await admin.get('/api/v1/auth/me')).body.userId;
    const before = (await admin.get('/api/v1/api-keys')).body.items.length;
    const refused = await admin.post('/api/v1/api-keys', { name: 'ops', userId: adminId });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/allowAdmin/);
    for (const body of [
      { name: 'x', userId: adminId, scopes: ['root'] },
      { name: 'x', userId: adminId, expiresInDays: 0 },
      { name: 'x', userId: adminId, scopes: [] },
    ]) {
      expect((await admin.post('/api/v1/api-keys', body)).status).toBe(400);
    }
    expect((await admin.get('/api/v1/api-keys')).body.items.length).toBe(before);
    expect(
      (await admin.post('/api/v1/api-keys', { name: 'ops', userId: adminId, allowAdmin: true, scopes: ['read'], expiresInDays: 1 })).status,
    ).toBe(201);
  });
});
