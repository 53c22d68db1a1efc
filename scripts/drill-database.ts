/**
 * npm run drill:database — the production database layout, exercised with Debian's PostgreSQL tools on this
 * machine (never part of npm test or CI; docs/scale.md):
 *
 * 1. a primary with WAL archiving and a streaming replica made by pg_basebackup, on ports of their own;
 * 2. two api and two worker processes of the hub on them (and the machine's Redis): tickets written through
 *    both apis, each triaged once by the workers, searches answered from the replica;
 * 3. the replica stopped: searches go on from the primary (how many failed before the check noticed),
 *    and back on the replica once it returns;
 * 4. point-in-time recovery: a base backup and the archived WAL brought up on another port at an instant
 *    between two batches of tickets: the first batch is there, the second is not.
 *
 * Needs: PostgreSQL's server binaries (Debian's postgresql package: /usr/lib/postgresql/N/bin), REDIS_URL, the
 * hub built (npm run build). Run as root, it runs PostgreSQL as the postgres user.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';
import { freePort } from './free-port';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const main = path.resolve(__dirname, '../src/main.js');
const bin = (() => {
  const root = '/usr/lib/postgresql';
  const version = fs.existsSync(root) ? fs.readdirSync(root).sort().at(-1) : undefined;
  if (!version) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)');
  return path.join(root, version, 'bin');
})();
const asRoot = process.getuid?.() === 0;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hh-drill-'));
const archive = path.join(work, 'archive');
const started: Array<() => void> = [];
const say = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A PostgreSQL tool, as the postgres user when this runs as root (the server refuses root). */
function pg(tool: string, args: string[], quiet = false): string {
  const command = path.join(bin, tool);
  const options = { encoding: 'utf8' as const, stdio: quiet ? ('ignore' as const) : undefined };
  return (
    (asRoot ? execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], options) : execFileSync(command, args, options)) ?? ''
  );
}

function cluster(name: string, port: number) {
  const dir = path.join(work, name);
  return {
    dir,
    port,
    url: `postgres://postgres@127.0.0.1:${port}/hotline`,
    start: () => {
      pg('pg_ctl', ['-D', dir, '-l', path.join(work, `${name}.log`), '-w', '-o', `-p ${port} -k ${work}`, 'start']);
      started.push(() => {
        try {
          pg('pg_ctl', ['-D', dir, '-m', 'immediate', 'stop'], true);
        } catch {
          // already stopped
        }
      });
    },
    stop: () => pg('pg_ctl', ['-D', dir, '-m', 'fast', '-w', 'stop']),
  };
}

function hub(role: 'api' | 'worker', env: Record<string, string>): { child: ChildProcess; port: number; ready: Promise<void> } {
  const port = Number(env.PORT);
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, ...env, HUB_ROLE: role, LOG_LEVEL: 'warn', NODE_ENV: 'production', REDIS_URL: redisUrl },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  started.push(() => child.kill('SIGTERM'));
  const ready = (async () => {
    if (role === 'worker') return void (await sleep(3_000));
    for (let i = 0; i < 600; i++) {
      if (
        await fetch(`http://127.0.0.1:${port}/readyz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return;
      await sleep(100);
    }
    throw new Error(`api on ${port} did not start`);
  })();
  return { child, port, ready };
}

async function main_(): Promise<void> {
  fs.mkdirSync(archive);
  if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', work]);
  const primary = cluster('primary', await freePort());
  const replica = cluster('replica', await freePort());
  const restored = cluster('restored', await freePort());

  say(`PostgreSQL ${pg('postgres', ['--version']).trim()} in ${work}`);
  pg('initdb', ['-D', primary.dir, '-U', 'postgres', '-A', 'trust', '--locale=C.UTF-8', '-E', 'UTF8']);
  fs.appendFileSync(
    path.join(primary.dir, 'postgresql.conf'),
    `\nlisten_addresses = '127.0.0.1'\nwal_level = replica\nmax_wal_senders = 5\narchive_mode = on\n` +
      `archive_command = 'test ! -f ${archive}/%f && cp %p ${archive}/%f'\narchive_timeout = 60\n`,
  );
  primary.start();
  pg('createdb', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', 'hotline']);
  say(`primary on ${primary.port}, archiving WAL to ${archive}`);

  pg('pg_basebackup', [
    '-h',
    '127.0.0.1',
    '-p',
    String(primary.port),
    '-U',
    'postgres',
    '-D',
    replica.dir,
    '-R',
    '-X',
    'stream',
    '-c',
    'fast',
  ]);
  replica.start();
  say(`streaming replica on ${replica.port} (pg_basebackup -R)`);

  // 2. Two apis and two workers on the primary, reading reports and searches from the replica.
  const env = { DATABASE_URL: primary.url, DATABASE_REPLICA_URL: replica.url, SEED_DEMO: 'true', REDIS_PREFIX: `drill-${Date.now()}` };
  const apis = [hub('api', { ...env, PORT: String(await freePort()) })];
  await apis[0]!.ready; // the first process migrates and seeds; the others find it done
  apis.push(hub('api', { ...env, PORT: String(await freePort()) }));
  const workers = [hub('worker', { ...env, PORT: '0' }), hub('worker', { ...env, PORT: '0' })];
  await Promise.all([...apis, ...workers].map((h) => h.ready));
  say(`two apis (${apis.map((a) => a.port).join(', ')}) and two workers up`);

  const token = async (port: number) => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'supervisor', password: 'supervisor-12345' }),
    });
    return { authorization: `Bearer ${((await res.json()) as { token: string }).token}`, 'content-type': 'application/json' };
  };
  const headers = await Promise.all(apis.map((a) => token(a.port)));
  const create = (i: number, word: string): Promise<void> =>
    fetch(`http://127.0.0.1:${apis[i % 2]!.port}/api/v1/tickets`, {
      method: 'POST',
      headers: headers[i % 2],
      body: JSON.stringify({ requestType: 'complaint', description: `演练工单${word}第${i}号：小区门口的井盖缺失，晚上很危险。` }),
    }).then(
      async (r) => {
        if (r.status !== 201) throw new Error(`create: ${r.status} ${await r.text()}`);
      },
      // A kept-alive socket the api closed meanwhile: once more, on a new one.
      () => create(i, word),
    );
  const db = knex({ client: 'pg', connection: primary.url, pool: { min: 0, max: 2 } });
  const standby = knex({ client: 'pg', connection: replica.url, pool: { min: 0, max: 2 } });
  try {
    await Promise.all(Array.from({ length: 300 }, (_, i) => create(i, '甲')));
    for (let i = 0; i < 300; i++) {
      const { n } = (await db.raw("select count(*)::int as n from tickets where description like '演练工单甲%' and status <> 'new'"))
        .rows[0];
      if (n === 300) break;
      await sleep(200);
    }
    const classified = (
      await db.raw(
        "select count(*)::int as events, count(distinct ticket_id)::int as tickets from ticket_events e join tickets t on t.id = e.ticket_id where e.type = 'classify' and t.description like '演练工单甲%'",
      )
    ).rows[0];
    say(
      `300 tickets through both apis; triaged by the workers: ${classified.tickets} tickets, ${classified.events} classifications (each once)`,
    );

    const search = async (port: number, auth: Record<string, string>) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/tickets?q=${encodeURIComponent('演练工单甲')}&limit=5`, {
        headers: auth,
      });
      return res.ok ? ((await res.json()) as { items: unknown[] }).items.length : -res.status;
    };
    const replicaReads = async () =>
      Number((await standby.raw("select xact_commit from pg_stat_database where datname = 'hotline'")).rows[0].xact_commit);
    await sleep(6_000); // the apis' replica checks
    const before = await replicaReads();
    const found = await Promise.all(Array.from({ length: 20 }, (_, i) => search(apis[i % 2]!.port, headers[i % 2]!)));
    await sleep(1_000); // the replica's statistics are flushed within a second
    say(
      `20 searches, each found ${[...new Set(found)].join('/')}; the replica served ${(await replicaReads()) - before} transactions meanwhile`,
    );

    // 3. The replica goes away: searches fall back to the primary once the check notices.
    replica.stop();
    say('replica stopped');
    const outcomes: number[] = [];
    const until = Date.now() + 8_000;
    while (Date.now() < until) {
      outcomes.push(await search(apis[0]!.port, headers[0]!));
      await sleep(100);
    }
    const failed = outcomes.filter((n) => n < 0).length;
    say(`${outcomes.length} searches in the 8 s after: ${failed} failed before the apis noticed, the rest answered from the primary`);
    replica.start();
    await sleep(12_000); // two checks: the first may find the pool's old connections gone
    const back = await replicaReads();
    for (let i = 0; i < 5; i++) await search(apis[i % 2]!.port, headers[i % 2]!);
    await sleep(1_000); // the replica's statistics are flushed within a second
    say(`replica restarted and back in use: ${(await replicaReads()) - back > 0 ? 'yes' : 'no'}`);

    // 4. Point-in-time recovery from a base backup and the archived WAL.
    const backup = path.join(work, 'backup');
    pg('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', backup, '-X', 'fetch', '-c', 'fast']);
    say('base backup taken (pg_basebackup)');
    await Promise.all(Array.from({ length: 50 }, (_, i) => create(i, '乙')));
    await sleep(1_000);
    const instant = (await db.raw('select now()::text as at')).rows[0].at as string; // as PostgreSQL reads it back
    await sleep(1_000);
    await Promise.all(Array.from({ length: 50 }, (_, i) => create(i, '丙')));
    await db.raw('select pg_switch_wal()');
    await sleep(2_000); // archived
    fs.cpSync(backup, restored.dir, { recursive: true });
    fs.writeFileSync(path.join(restored.dir, 'recovery.signal'), '');
    fs.appendFileSync(
      path.join(restored.dir, 'postgresql.conf'),
      `\narchive_mode = off\nrestore_command = 'cp ${archive}/%f %p'\nrecovery_target_time = '${instant}'\nrecovery_target_action = 'promote'\n`,
    );
    if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', restored.dir]);
    fs.chmodSync(restored.dir, 0o700);
    try {
      restored.start();
    } catch (error) {
      console.error(fs.readFileSync(path.join(work, 'restored.log'), 'utf8').split('\n').slice(-15).join('\n'));
      throw error;
    }
    const copy = knex({ client: 'pg', connection: restored.url, pool: { min: 0, max: 1 } });
    try {
      let counts: { before: number; after: number } | undefined;
      for (let i = 0; i < 100 && !counts; i++) {
        counts = await copy
          .raw(
            "select count(*) filter (where description like '演练工单乙%')::int as before, count(*) filter (where description like '演练工单丙%')::int as after from tickets",
          )
          .then(
            (r) => r.rows[0] as { before: number; after: number },
            () => undefined,
          );
        if (!counts) await sleep(200);
      }
      say(
        `restored to ${instant} on port ${restored.port}: ${counts?.before ?? '?'} of the 50 tickets written before it, ` +
          `${counts?.after ?? '?'} of the 50 written after`,
      );
    } finally {
      await copy.destroy();
    }
  } finally {
    await db.destroy();
    await standby.destroy();
  }
}

main_()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const stop of started.reverse()) stop();
    await sleep(500);
    fs.rmSync(work, { recursive: true, force: true });
  });
