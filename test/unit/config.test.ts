import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/config';

describe('configuration', () => {
  test('when nothing is set, then the hub runs embedded: embedded PostgreSQL and in-process jobs, role all', () => {
    const config = loadConfig({});
    expect(config.role).toBe('all');
    expect(config.database).toMatchObject({ kind: 'embedded', port: 54329 });
    expect(config.queue).toEqual({ kind: 'in-process', concurrency: { main: 8, intake: 1, delivery: 1, background: 2 } });
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 3000, publicUrl: 'http://localhost:3000' });
  });

  test('when DATABASE_URL and REDIS_URL are set, then the hub uses them and may run api or worker alone', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u@db:5432/hub',
      REDIS_URL: 'redis://cache:6379',
      HUB_ROLE: 'worker',
      QUEUE_CONCURRENCY: '16',
      QUEUE_BATCH_CONCURRENCY: '2',
      QUEUE_BACKGROUND_CONCURRENCY: '3',
    });
    expect(config.database).toEqual({ kind: 'external', url: 'postgres://u@db:5432/hub', poolMax: 10, prepare: true });
    expect(config.queue).toEqual({
      kind: 'bullmq',
      redisUrl: 'redis://cache:6379',
      prefix: 'hh',
      concurrency: { main: 16, intake: 2, delivery: 2, background: 3 },
    });
    expect(config.role).toBe('worker');
    expect(loadConfig({ REDIS_URL: 'redis://x:1' }, { role: 'api' }).role).toBe('api');
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/hub', DATABASE_PREPARE: 'false' }).database).toMatchObject({ prepare: false });
  });

  test('when providers are configured, then each waits PROVIDER_TIMEOUT_MS for an answer, 10 s unless set', () => {
    const providers = {
      TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'x'.repeat(16),
      TWILIO_SMS_FROM: '+8610612345',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'y'.repeat(16),
    };
    expect(loadConfig(providers).twilio).toMatchObject({ timeoutMs: 10_000 });
    const config = loadConfig({
      ...providers,
      PROVIDER_TIMEOUT_MS: '2500',
      WECHAT_APPID: `wx${'a'.repeat(16)}`,
      WECHAT_SECRET: 'z'.repeat(16),
      POSTAL_API_URL: 'https://post.example',
      POSTAL_API_KEY: 'k'.repeat(8),
    });
    expect([config.twilio?.timeoutMs, config.wechat?.timeoutMs, config.slack?.timeoutMs, config.proxy.postal?.timeoutMs]).toEqual([
      2_500, 2_500, 2_500, 2_500,
    ]);
  });

  test('when the proxies to trust or the metrics scrapers are given, then each is an address, a CIDR or a keyword, checked at start', () => {
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.7', METRICS_ALLOW: '10.0.5.0/24,::1' }).exposure).toMatchObject({
      trustProxy: ['10.0.0.0/8', '192.168.1.7'],
      metricsAllow: ['10.0.5.0/24', '::1'],
    });
    expect(loadConfig({ TRUST_PROXY: '2' }).exposure.trustProxy).toBe(2);
    expect(loadConfig({}).exposure).toMatchObject({ trustProxy: ['loopback'], metricsAllow: [] });
    for (const env of [
      { TRUST_PROXY: 'my-proxy' },
      { METRICS_ALLOW: '10.0.0.0/40' },
      { METRICS_ALLOW: 'loopback' },
      { METRICS_ALLOW: '10.0.0.1/8/1' },
    ]) {
      expect(() => loadConfig(env)).toThrow(/TRUST_PROXY|METRICS_ALLOW/);
    }
  });

  test('when a value is wrong, then start-up fails with every problem named', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'not a url', SEED_DEMO: 'maybe' })).toThrow(ConfigError);
    expect(() => loadConfig({ QUEUE_BATCH_CONCURRENCY: '0' })).toThrow(/QUEUE_BATCH_CONCURRENCY/);
    expect(() => loadConfig({ PROVIDER_TIMEOUT_MS: '50' })).toThrow(/PROVIDER_TIMEOUT_MS/);
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'not a url', SEED_DEMO: 'maybe' });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT/);
      expect((error as Error).message).toMatch(/DATABASE_URL/);
      expect((error as Error).message).toMatch(/SEED_DEMO/);
    }
  });

  test('when an LLM key is set, then the LLM path is on unless the kill switch LLM_ENABLED=false says otherwise', () => {
    expect(loadConfig({}).llm).toBeUndefined();
    expect(
      loadConfig({ OPENAI_API_KEY: 'sk-x', OPENAI_BASE_URL: 'https://dashscope.example/compatible-mode/v1', LLM_MODEL: 'qwen-plus' }).llm,
    ).toMatchObject({
      model: 'qwen-plus',
      baseUrl: 'https://dashscope.example/compatible-mode/v1',
      redactPii: true,
      belowConfidence: 0.6,
    });
    expect(loadConfig({ OPENAI_API_KEY: 'sk-x', LLM_ENABLED: 'false' }).llm).toBeUndefined();
  });

  test('when api or worker is asked for without Redis, then start-up fails: jobs could not reach the worker', () => {
    expect(() => loadConfig({ HUB_ROLE: 'api' })).toThrow(/needs REDIS_URL/);
    expect(() => loadConfig({}, { role: 'worker' })).toThrow(/needs REDIS_URL/);
    expect(() => loadConfig({}, { role: 'everything' })).toThrow(/HUB_ROLE/);
  });
});

describe('docs/configuration.md', () => {
  test('documents every environment variable the configuration reads', () => {
    const source = fs.readFileSync(path.join(__dirname, '../../src/config/config.ts'), 'utf8');
    const readme = fs.readFileSync(path.join(__dirname, '../../docs/configuration.md'), 'utf8');
    const variables = [...source.matchAll(/^ {2}([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1]!);
    expect(variables.length).toBeGreaterThan(30);
    expect(variables.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });
});
