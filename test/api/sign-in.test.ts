import knex from 'knex';
import { hashPassword } from '../../src/auth/password';
import { ConfigError } from '../../src/config/config';
import { startTestHub, type AuthedAgent, type TestHub } from '../support/test-hub';
import { createTestDatabase } from '../support/test-database';
import { demoPassword } from '../../src/seed/demo-city';

let t: TestHub;
let admin: AuthedAgent;

beforeAll(async () => {
  t = await startTestHub({
    env: { SIGN_IN_LOCK_AFTER: '5', SIGN_IN_DELAY_AFTER: '3', SIGN_IN_DELAY_MAX_SECONDS: '1', SIGN_IN_LOCK_MINUTES: '15' },
  });
  admin = await t.as('admin');
});
afterAll(() => t.close());

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const signIn = (username: string, password: string, from: string) =>
  t.http.post('/api/v1/auth/login').set('X-Forwarded-For', from).send({ username, password });
const userId = async (username: string) => (await t.hub.db('users').where({ username }).first('id')).id as number;
const auditOf = async (username: string) =>
  (await admin.get(`/api/v1/audit-log?userId=${await userId(username)}&limit=500`)).body.items as Array<{
    action: string;
    ip: string | null;
    target: string | null;
  }>;

describe('guessing passwords', () => {
  test('when one address keeps guessing, then that pair is locked, the account only slowed, and an admin can unlock it', async () => {
    const attacker = '203.0.113.5';
    for (let i = 1; i <= 5; i += 1) {
      expect((await signIn('agent', `wrong-guess-${i}`, attacker)).status).toBe(401);
      // From the third failure on, each next attempt must wait (at most 1 s here).
      if (i >= 3) await pause(1_100);
    }
    const locked = await signIn('agent', demoPassword('agent'), attacker);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(60);
    // The agent at their own desk is not locked out.
    expect((await signIn('agent', demoPassword('agent'), '198.51.100.7')).status).toBe(200);
    expect((await signIn('agent', demoPassword('agent'), attacker)).status).toBe(429);
    await admin.post(`/api/v1/users/${await userId('agent')}/unlock`, {}).expect(204);
    expect((await signIn('agent', demoPassword('agent'), attacker)).status).toBe(200);

    const actions = (await auditOf('agent')).map((e) => e.action);
    expect(actions.filter((a) => a === 'sign_in.failed')).toHaveLength(5);
    expect(actions).toEqual(expect.arrayContaining(['sign_in.locked', 'account.unlocked', 'sign_in.succeeded']));
    expect((await auditOf('agent')).find((e) => e.action === 'sign_in.locked')).toMatchObject({ ip: attacker, target: 'agent' });
    const metrics = (await t.http.get('/metrics')).text;
    expect(metrics).toMatch(/hotline_sign_in_failures_total\{reason="wrong_credentials"\} [5-9]/);
    expect(metrics).toMatch(/hotline_sign_in_failures_total\{reason="locked"\} [2-9]/);
  });

  test('when many addresses guess one account, then each attempt waits a growing delay, but the right password gets in after it', async () => {
    for (const [i, from] of ['192.0.2.1', '192.0.2.2', '192.0.2.3'].entries())
      expect((await signIn('head', `wrong-${i}`, from)).status).toBe(401);
    const paced = await signIn('head', demoPassword('head'), '192.0.2.4');
    expect(paced.status).toBe(429);
    expect(paced.headers['retry-after']).toBe('1');
    await pause(1_100);
    expect((await signIn('head', demoPassword('head'), '192.0.2.4')).status).toBe(200);
  });

  test('when the audit log is asked to change, then the database refuses', async () => {
    await expect(t.hub.db('audit_log').update({ action: 'sign_in.succeeded' })).rejects.toThrow(/append-only/);
    await expect(t.hub.db('audit_log').delete()).rejects.toThrow(/append-only/);
  });

  test('when an admin resets a password, then a generated one is shown once, the old one stops working, and it is audited', async () => {
    const id = await userId('cg_agent');
    const reset = await admin.post(`/api/v1/users/${id}/reset-password`, {});
    expect(reset.status).toBe(200);
    expect(reset.body.password).toMatch(/^[\w-]{16}$/);
    expect((await signIn('cg_agent', demoPassword('cg_agent'), '10.9.9.9')).status).toBe(401);
    expect((await signIn('cg_agent', reset.body.password, '10.9.9.9')).status).toBe(200);
    expect((await admin.post(`/api/v1/users/${id}/reset-password`, { password: 'short' })).status).toBe(400);
    expect((await admin.post('/api/v1/users/999999/reset-password', {})).status).toBe(404);
    expect((await auditOf('cg_agent')).map((e) => e.action)).toContain('password.reset');
    const agent = await t.as('agent');
    expect((await agent.post(`/api/v1/users/${id}/reset-password`, {})).status).toBe(403);
    expect((await agent.get('/api/v1/audit-log')).status).toBe(403);
  });
});

describe('a production start', () => {
  test('when a real database still has a demo password, then the hub refuses to start; once changed, it starts', async () => {
    const database = await createTestDatabase();
    try {
      await expect(startTestHub({ peerOf: { database } as TestHub, queue: 'in-process', env: { SEED_DEMO: 'false' } })).rejects.toThrow(
        ConfigError,
      );
      await expect(startTestHub({ peerOf: { database } as TestHub, queue: 'in-process', env: { SEED_DEMO: 'false' } })).rejects.toThrow(
        /admin, operator/,
      );
      const db = knex({ client: 'pg', connection: database.url });
      try {
        await db('users').update({ password_hash: await hashPassword('a-real-secret-0001') });
      } finally {
        await db.destroy();
      }
      const hub = await startTestHub({ peerOf: { database } as TestHub, queue: 'in-process', env: { SEED_DEMO: 'false' } });
      await hub.hub.stop();
    } finally {
      await database.drop();
    }
  });
});
