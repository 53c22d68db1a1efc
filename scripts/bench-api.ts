import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import knex from 'knex';
import { deleteRedisPrefix } from '../test/support/test-hub';
import { freePort } from './free-port';

/**
 * `npm run bench:api`: ticket creations over HTTP on loopback, bounded in time.
 * The hub runs as its own process (as in production); autocannon loads it from this one.
 * Targets: the PostgreSQL at DATABASE_URL (with BullMQ when REDIS_URL is set), and the
 * embedded default (embedded PostgreSQL, in-process jobs).
 *   --duration=15 --connections=32 --target=external|embedded|both
 */
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const durationS = Number(args.duration ?? 15);
const connections = Number(args.connections ?? 32);
const target = args.target ?? (process.env.DATABASE_URL ? 'both' : 'embedded');
const main = path.resolve(__dirname, '../src/main.js');

async function startHub(env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: { ...env, PORT: String(port), LOG_LEVEL: 'warn', NODE_ENV: 'production', SEED_DEMO: 'true' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i += 1) {
    if (child.exitCode !== null) throw new Error(`hub exited with ${child.exitCode}`);
    if (
      await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { url, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('hub did not become ready');
}

const stopHub = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

async function run(name: string, url: string, databaseUrl: string | undefined): Promise<Record<string, string | number>> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'operator', password: 'operator-12345' }),
  });
  const { token } = (await login.json()) as { token: string };
  const body = JSON.stringify({
    requestType: 'complaint',
    urgency: 'normal',
    categoryId: 3,
    description: '东华社区3号楼门口路灯坏了一个月，晚上出行不安全，请尽快维修。',
    address: '东城区东华街道东华社区3号楼',
    caller: { phone: '13812345678', name: '张三' },
  });
  // Each call from a different citizen, as on a real hotline (one caller would make one hot contact row).
  let calls = 0;
  const fromNextCaller = (request: { body?: string | Buffer }) => ({
    ...request,
    body: body.replace('13812345678', String(13_800_000_000 + (calls++ % 100_000_000))),
  });
  const request = {
    url: `${url}/api/v1/tickets`,
    method: 'POST' as const,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
    requests: [{ setupRequest: fromNextCaller }],
  };
  await autocannon({ ...request, connections, duration: 3 }); // warm-up: JIT, pools, caches
  const result = await autocannon({ ...request, connections, duration: durationS });
  const row = {
    target: name,
    connections,
    seconds: durationS,
    'tickets/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    'max ms': result.latency.max,
    created: result['2xx'],
    errors: result.non2xx + result.errors + result.timeouts,
  };
  if (databaseUrl) {
    const db = knex({ client: 'pg', connection: databaseUrl });
    const [counted] = await db('tickets').count({ n: '*' });
    await db.destroy();
    row.created = Number(counted?.n);
  }
  return row;
}

async function main_(): Promise<void> {
  if (!fs.existsSync(main)) throw new Error('build first: npm run build');
  const rows: Array<Record<string, string | number>> = [];
  if (target === 'external' || target === 'both') {
    if (!process.env.DATABASE_URL) throw new Error('--target=external needs DATABASE_URL');
    const admin = knex({ client: 'pg', connection: process.env.DATABASE_URL });
    const name = `hh_bench_${Date.now()}`;
    await admin.raw(`create database "${name}"`);
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    const prefix = `hh-bench-${Date.now()}`;
    const hub = await startHub({ ...process.env, DATABASE_URL: url.toString(), REDIS_PREFIX: prefix });
    try {
      rows.push(
        await run(`PostgreSQL at DATABASE_URL${process.env.REDIS_URL ? ' + BullMQ' : ' + in-process jobs'}`, hub.url, url.toString()),
      );
    } finally {
      await stopHub(hub.child);
      await admin.raw(`drop database "${name}" with (force)`);
      await admin.destroy();
      // HUB_ROLE=api leaves every triage job waiting in Redis: nothing of the run stays behind.
      if (process.env.REDIS_URL) await deleteRedisPrefix(process.env.REDIS_URL, prefix);
    }
  }
  if (target === 'embedded' || target === 'both') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hh-bench-'));
    fs.chmodSync(dir, 0o755);
    const env: NodeJS.ProcessEnv = { ...process.env, EMBEDDED_PG_DIR: path.join(dir, 'pg'), EMBEDDED_PG_PORT: String(await freePort()) };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    const hub = await startHub(env);
    try {
      rows.push(await run('embedded PostgreSQL + in-process jobs', hub.url, undefined));
    } finally {
      await stopHub(hub.child);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`\nticket creations over HTTP (POST /api/v1/tickets), ${os.cpus().length} cores, node ${process.version}`);
  console.table(rows);
}

main_().catch((error) => {
  console.error(error);
  process.exit(1);
});
