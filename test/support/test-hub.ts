import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import supertest from 'supertest';
import { createHub, type Hub } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { demoPassword } from '../../src/seed/demo-city';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestHub {
  hub: Hub;
  database: TestDatabase;
  redisPrefix: string;
  /** Where the hub's local object store keeps media (MEDIA_DIR). */
  mediaDir: string;
  http: ReturnType<typeof supertest>;
  /** A session token for a demo user (cached per hub). */
  token(username: string): Promise<string>;
  /** supertest request with the user's token set. */
  as(username: string): Promise<AuthedAgent>;
  close(): Promise<void>;
}

export type AuthedAgent = {
  get(path: string): supertest.Test;
  post(path: string, body?: object): supertest.Test;
  patch(path: string, body?: object): supertest.Test;
  put(path: string, body?: object): supertest.Test;
  delete(path: string): supertest.Test;
};

export const usesRedis = () => Boolean(process.env.REDIS_URL);

/**
 * A whole hub (role all) on its own database and, when REDIS_URL is set, its own
 * Redis key prefix — so test files run in parallel and two runs never collide.
 */
export async function startTestHub(
  options: {
    queue?: 'bullmq' | 'in-process';
    env?: Record<string, string>;
    /** Share another hub's database and Redis prefix (scale-out tests). */ peerOf?: TestHub;
  } = {},
): Promise<TestHub> {
  const database = options.peerOf?.database ?? (await createTestDatabase());
  const useRedis = (options.queue ?? (usesRedis() ? 'bullmq' : 'in-process')) === 'bullmq';
  if (useRedis && !process.env.REDIS_URL) throw new Error('this test needs REDIS_URL');
  const prefix = options.peerOf?.redisPrefix ?? `hh-test-${process.env.HH_TEST_RUN ?? 'adhoc'}-${randomBytes(3).toString('hex')}`;
  const ownsDatabase = !options.peerOf;
  const mediaDir = path.join(os.tmpdir(), `hh-media-${prefix}`);
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: useRedis ? process.env.REDIS_URL : '',
    REDIS_PREFIX: prefix,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SEED_DEMO: 'true',
    PORT: '0',
    DATABASE_POOL_MAX: '5',
    // Most tests walk the operator's path; the routing tests switch automatic dispatch on.
    AUTO_DISPATCH: 'false',
    // Every answer is checked against its documented schema: the OpenAPI document cannot drift.
    API_VALIDATE_RESPONSES: 'true',
    // Each hub keeps its media apart, in the system's temporary directory.
    MEDIA_DIR: mediaDir,
    ...options.env,
  });
  const hub = await createHub(config);
  await hub.start();
  const http = supertest(hub.http);
  const tokens = new Map<string, string>();

  const token = async (username: string) => {
    let t = tokens.get(username);
    if (!t) {
      const res = await http.post('/api/v1/auth/login').send({ username, password: demoPassword(username) });
      if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
      t = res.body.token as string;
      tokens.set(username, t);
    }
    return t;
  };

  return {
    hub,
    database,
    redisPrefix: prefix,
    mediaDir,
    http,
    token,
    async as(username: string) {
      const auth = `Bearer ${await token(username)}`;
      return {
        get: (path) => http.get(path).set('Authorization', auth),
        post: (path, body) =>
          http
            .post(path)
            .set('Authorization', auth)
            .send(body ?? {}),
        patch: (path, body) =>
          http
            .patch(path)
            .set('Authorization', auth)
            .send(body ?? {}),
        put: (path, body) =>
          http
            .put(path)
            .set('Authorization', auth)
            .send(body ?? {}),
        delete: (path) => http.delete(path).set('Authorization', auth),
      };
    },
    async close() {
      await hub.stop();
      if (!ownsDatabase) return;
      if (useRedis) await deleteRedisPrefix(process.env.REDIS_URL!, prefix);
      await database.drop();
      if (config.media.store.kind === 'local') await fs.rm(config.media.store.dir, { recursive: true, force: true });
    },
  };
}

export async function deleteRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Ids of the seeded demo data, looked up by code. */
export async function demoIds(hub: Hub) {
  const departments = new Map((await hub.db('departments').select('code', 'id')).map((d: { code: string; id: number }) => [d.code, d.id]));
  const regions = new Map((await hub.db('regions').select('code', 'id')).map((r: { code: string; id: number }) => [r.code, r.id]));
  const categories = new Map((await hub.db('categories').select('code', 'id')).map((c: { code: string; id: number }) => [c.code, c.id]));
  const get = (map: Map<string, number>, code: string) => {
    const id = map.get(code);
    if (id === undefined) throw new Error(`no demo row with code ${code}`);
    return id;
  };
  return {
    department: (code: string) => get(departments, code),
    region: (code: string) => get(regions, code),
    category: (code: string) => get(categories, code),
  };
}
