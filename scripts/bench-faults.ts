import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import knex from 'knex';
import twilio from 'twilio';
import { startFakeTwilio } from '../test/support/fake-twilio';
import { deleteRedisPrefix } from '../test/support/test-hub';
import { freePort } from './free-port';

/**
 * `npm run bench:faults`: exactly once to the citizen under faults. One api hub and two worker
 * hubs on the PostgreSQL at DATABASE_URL and the Redis at REDIS_URL; a fake Twilio that answers
 * each send after `--provider-ms` (250); citizens text in at `--rate` per second for `--duration`
 * seconds while a worker is killed with SIGKILL every `--kill-every` seconds (and started again),
 * and, with --pg-restart (a local cluster run by pg_ctlcluster), PostgreSQL is restarted once.
 * Webhooks the hub did not accept are sent again, as a provider would. At the end: per 1,000
 * accepted messages, citizens who got their acknowledgement twice, and citizens who got none.
 * Bounded: the run stops waiting for stragglers after --settle seconds (120).
 */
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const rate = Number(args.rate ?? 50);
const durationS = Number(args.duration ?? 20);
const providerMs = Number(args['provider-ms'] ?? 250);
const killEveryS = Number(args['kill-every'] ?? 4);
const settleS = Number(args.settle ?? 120);
const pgRestart = 'pg-restart' in args;
const main = path.resolve(__dirname, '../src/main.js');
const account = { accountSid: `AC${'c'.repeat(32)}`, authToken: 'bench-auth-token-0123456789' };
const publicUrl = 'https://hub.bench.test';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(): Promise<void> {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL)
    throw new Error('bench:faults runs against real services: set DATABASE_URL and REDIS_URL');
  const fake = await startFakeTwilio(account);
  // A slow provider: every send is answered after providerMs, so kills land mid-send.
  fake.hooks.beforeAnswer = async () => void (await sleep(providerMs));
  const admin = knex({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 0, max: 1 } });
  const database = `hh_bench_faults_${Date.now()}`;
  await admin.raw(`create database "${database}"`);
  await admin.destroy();
  const databaseUrl = new URL(process.env.DATABASE_URL);
  databaseUrl.pathname = `/${database}`;
  const redisPrefix = `hh-bench-faults-${Date.now()}`;
  const env = (role: string, port: number) => ({
    ...process.env,
    HUB_ROLE: role,
    DATABASE_URL: databaseUrl.toString(),
    REDIS_PREFIX: redisPrefix,
    PORT: String(port),
    LOG_LEVEL: 'error',
    SEED_DEMO: 'true',
    PUBLIC_URL: publicUrl,
    TWILIO_ACCOUNT_SID: account.accountSid,
    TWILIO_AUTH_TOKEN: account.authToken,
    TWILIO_SMS_FROM: '+8610612345',
    TWILIO_API_BASE: fake.url,
    OUTBOX_RETRY_BASE_MS: '500',
    OUTBOX_SWEEP_MS: '1000',
  });
  const processes = new Set<ChildProcess>();
  const start = (role: string, port: number) => {
    const child = spawn(process.execPath, [main], { env: env(role, port), stdio: ['ignore', 'ignore', 'ignore'] });
    processes.add(child);
    child.once('exit', () => processes.delete(child));
    return child;
  };
  let kills = 0;
  let pgRestarts = 0;
  try {
    const apiPort = await freePort();
    start('api', apiPort);
    const url = `http://127.0.0.1:${apiPort}`;
    for (
      let i = 0;
      !(await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      ));
      i += 1
    ) {
      if (i > 600) throw new Error('the api hub did not become ready');
      await sleep(100);
    }
    const workers = [start('worker', await freePort()), start('worker', await freePort())];

    const total = Math.round(rate * durationS);
    const phones = Array.from({ length: total }, (_, i) => `+86137${String(i).padStart(8, '0')}`);
    const accepted = new Set<string>();
    let refused = 0;
    const post = async (phone: string, attempt = 0): Promise<void> => {
      const params = {
        MessageSid: `SM${randomBytes(16).toString('hex')}`,
        AccountSid: account.accountSid,
        From: phone,
        To: '+8610612345',
        Body: '小区门口路灯不亮，请尽快维修。',
        NumMedia: '0',
      };
      const signature = twilio.getExpectedTwilioSignature(account.authToken, `${publicUrl}/webhooks/twilio/sms`, params);
      const ok = await fetch(`${url}/webhooks/twilio/sms`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(10_000),
      }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) accepted.add(phone);
      else if (attempt < 20) {
        refused += 1;
        // As a provider retries a webhook it could not deliver (the same message id would be a replay; a new one is fine here: one per citizen).
        await sleep(500);
        return post(phone, attempt + 1);
      }
    };

    const started = Date.now();
    const chaos = (async () => {
      let next = 0;
      while (Date.now() - started < durationS * 1000) {
        await sleep(killEveryS * 1000);
        const victim = workers[next % 2]!;
        victim.kill('SIGKILL');
        kills += 1;
        await new Promise<void>((resolve) =>
          victim.exitCode !== null || victim.signalCode !== null ? resolve() : victim.once('exit', () => resolve()),
        );
        workers[next % 2] = start('worker', await freePort());
        next += 1;
        if (pgRestart && pgRestarts === 0 && Date.now() - started > (durationS * 1000) / 2) {
          const version = fs.readdirSync('/etc/postgresql')[0]!;
          execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], { stdio: 'ignore' });
          pgRestarts += 1;
        }
      }
    })();
    const sends: Array<Promise<void>> = [];
    for (const [i, phone] of phones.entries()) {
      const due = started + (i * 1000) / rate;
      if (due > Date.now()) await sleep(due - Date.now());
      sends.push(post(phone));
    }
    await Promise.all(sends);
    await chaos;

    // Until every accepted citizen has an acknowledgement (or the bound).
    const acks = () => {
      const byPhone = new Map<string, number>();
      for (const m of fake.sent) if (m.body.includes('已受理')) byPhone.set(m.to, (byPhone.get(m.to) ?? 0) + 1);
      return byPhone;
    };
    const settleUntil = Date.now() + settleS * 1000;
    while (Date.now() < settleUntil && [...accepted].some((phone) => !acks().has(phone))) await sleep(500);
    // A little longer: a late duplicate shows up too.
    await sleep(Math.min(10_000, Math.max(0, settleUntil - Date.now())));
    const received = acks();
    const duplicated = [...received.values()].filter((n) => n > 1).length;
    const lost = [...accepted].filter((phone) => !received.has(phone)).length;
    const db = knex({ client: 'pg', connection: databaseUrl.toString(), pool: { min: 0, max: 1 } });
    const outboxFigures = (
      await db.raw(
        `select count(*) filter (where last_error like 'found at the provider%')::int as found, count(*) filter (where attempts > 1)::int as retried,
                count(*) filter (where status <> 'sent')::int as unsent from outbox where kind = 'citizen.intake_ack'`,
      )
    ).rows[0] as { found: number; retried: number; unsent: number };
    await db.destroy();
    const per1000 = (n: number) => Number(((n * 1000) / Math.max(1, accepted.size)).toFixed(1));
    console.log(`\nexactly once under faults: 1 api + 2 worker hubs, PostgreSQL + BullMQ, provider answering in ${providerMs} ms`);
    console.table([
      {
        citizens: total,
        'rate/s': rate,
        seconds: durationS,
        'webhooks refused then retried': refused,
        accepted: accepted.size,
        'workers killed (SIGKILL)': kills,
        'PostgreSQL restarts': pgRestarts,
        'acks sent': [...received.values()].reduce((a, b) => a + b, 0),
        'citizens with 2+ acks': duplicated,
        'citizens with none': lost,
        'duplicates per 1,000': per1000(duplicated),
        'losses per 1,000': per1000(lost),
        'Twilio list reads (doubt checks)': fake.listed,
        'found at Twilio, not resent': outboxFigures.found,
        'acks with 2+ attempts': outboxFigures.retried,
        'acks not sent': outboxFigures.unsent,
      },
    ]);
  } finally {
    for (const child of processes) child.kill('SIGKILL');
    await sleep(500);
    const cleanup = knex({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 0, max: 1 } });
    for (let i = 0; i < 30; i += 1) {
      try {
        await cleanup.raw(`drop database "${database}" with (force)`);
        break;
      } catch {
        await sleep(1000);
      }
    }
    await cleanup.destroy();
    await deleteRedisPrefix(process.env.REDIS_URL, redisPrefix);
    await fake.close();
  }
}

run().catch((error) => {
  console.error(error);
  process.exit(1);
});
