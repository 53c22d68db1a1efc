import { createHub, type Hub } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { triageRecovery } from '../../src/triage/triage.jobs';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { deleteRedisPrefix, startTestHub } from '../support/test-hub';
import { createTicket } from '../support/tickets';
import supertest from 'supertest';
import { demoPassword } from '../../src/seed/demo-city';

describe('process roles', () => {
  const redisTest = process.env.REDIS_URL ? test : test.skip;

  redisTest(
    'when api and worker run as separate processes on one Postgres and Redis, then the api enqueues and the worker triages',
    async () => {
      const database: TestDatabase = await createTestDatabase({ untrained: true });
      const prefix = `hh-test-roles-${Date.now()}`;
      const env = {
        DATABASE_URL: database.url,
        REDIS_URL: process.env.REDIS_URL,
        REDIS_PREFIX: prefix,
        LOG_LEVEL: 'silent',
        SEED_DEMO: 'true',
        PORT: '0',
      };
      const hubs: Hub[] = [];
      try {
        const api = await createHub(loadConfig({ ...env, HUB_ROLE: 'api' }));
        hubs.push(api);
        const worker = await createHub(loadConfig({ ...env, HUB_ROLE: 'worker' }));
        hubs.push(worker);
        await api.start();
        // Only workers triage: an api process neither loads nor trains the classifier.
        expect(await api.db('classifier_models')).toHaveLength(0);
        await worker.start();
        expect(await api.db('classifier_models').where({ active: true })).toHaveLength(1);
        expect(api.url()).toBeDefined();
        expect(worker.url()).toBeUndefined();
        const http = supertest(api.http);
        const { body } = await http.post('/api/v1/auth/login').send({ username: 'operator', password: demoPassword('operator') });
        const created = await http
          .post('/api/v1/tickets')
          .set('Authorization', `Bearer ${body.token}`)
          .send({ requestType: 'consult', description: '咨询' });
        await worker.queue.drain();
        let status = 'new';
        for (let i = 0; i < 50 && status !== 'triage'; i += 1) {
          status = (await api.db('tickets').where({ id: created.body.id }).first()).status;
          if (status !== 'triage') await new Promise((r) => setTimeout(r, 50));
        }
        expect(status).toBe('triage');
        expect(worker.queue.stats().completed).toBe(1);
        expect(api.queue.stats().completed).toBe(0);
      } finally {
        for (const hub of hubs) await hub.stop();
        await deleteRedisPrefix(process.env.REDIS_URL!, prefix);
        await database.drop();
      }
    },
  );
});

describe('recovery sweep', () => {
  test('when a ticket lost its triage job, then the sweep finds it from Postgres and triages it', async () => {
    const t = await startTestHub();
    try {
      const operator = await t.as('operator');
      const ticket = await createTicket(operator);
      await t.hub.queue.drain();
      // As if the job never ran: still new, created two minutes ago.
      await t.hub
        .db('tickets')
        .update({ status: 'new', created_at: t.hub.db.raw("now() - interval '2 minutes'") })
        .where({ id: ticket.id });
      const fresh = await createTicket(operator);
      await t.hub.queue.drain();
      await t.hub.db('tickets').update({ status: 'new' }).where({ id: fresh.id });

      await triageRecovery(t.hub.db, t.hub.queue).run();
      await t.hub.queue.drain();
      let status = '';
      for (let i = 0; i < 50 && status !== 'triage'; i += 1) {
        status = (await t.hub.db('tickets').where({ id: ticket.id }).first()).status;
        if (status !== 'triage') await new Promise((r) => setTimeout(r, 50));
      }
      expect(status).toBe('triage');
      // A ticket younger than a minute is left to its own job.
      expect((await t.hub.db('tickets').where({ id: fresh.id }).first()).status).toBe('new');
    } finally {
      await t.close();
    }
  });
});
