import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';
import twilio from 'twilio';
import { startFakeTwilio } from '../test/support/fake-twilio';
import { deleteRedisPrefix } from '../test/support/test-hub';
import { openLoop } from './open-loop';
import { machineGauge } from './machine-gauge';
import { measureCpu } from './proc-cpu';
import { freePort } from './free-port';

/**
 * `npm run bench:intake`: signed Twilio SMS webhooks fired at the hub on loopback at a fixed
 * rate for a fixed time (bounded), against the PostgreSQL at DATABASE_URL and the Redis at
 * REDIS_URL. Prints the webhook ack latency, then waits until every message has become a ticket
 * with its acknowledgement in the outbox, then sent (to a local server speaking Twilio's API),
 * then triaged, and prints the end-to-end rates and any message lost or duplicated; with the CPU
 * each process used and, measured before the hub starts, how fast the machine is today (pgbench).
 *   --rate=500 --duration=10 --warmup=3 --connections=64 [--split | --webhooks-only]
 */
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const rate = Number(args.rate ?? 500);
const durationS = Number(args.duration ?? 10);
const connections = Number(args.connections ?? 64);
const warmupS = Number(args.warmup ?? 3);
/** --split: webhooks in a hub of role api, workers in a hub of role worker (the scale-out layout) instead of one hub of role all. */
/** --webhooks-only: one hub of role api and no worker: what the webhooks cost on their own (nothing is worked off). */
const webhooksOnly = 'webhooks-only' in args;
const split = 'split' in args || webhooksOnly;
const main = path.resolve(__dirname, '../src/main.js');
const account = { accountSid: `AC${'b'.repeat(32)}`, authToken: 'bench-auth-token-0123456789' };
const publicUrl = 'https://hub.bench.test';

async function run(): Promise<void> {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL)
    throw new Error('bench:intake runs against real services: set DATABASE_URL and REDIS_URL');
  const fake = await startFakeTwilio(account);
  const admin = knex({ client: 'pg', connection: process.env.DATABASE_URL });
  const database = `hh_bench_intake_${Date.now()}`;
  await admin.raw(`create database "${database}"`);
  const databaseUrl = new URL(process.env.DATABASE_URL);
  databaseUrl.pathname = `/${database}`;
  const port = await freePort();
  const redisPrefix = `hh-bench-intake-${Date.now()}`;
  const startHub = async (role: string, hubPort: number): Promise<ChildProcess> =>
    spawn(process.execPath, [main], {
      env: {
        ...process.env,
        HUB_ROLE: role,
        SEED_DEMO: 'true',
        DATABASE_URL: databaseUrl.toString(),
        REDIS_PREFIX: redisPrefix,
        PORT: String(hubPort),
        LOG_LEVEL: 'warn',
        PUBLIC_URL: publicUrl,
        TWILIO_ACCOUNT_SID: account.accountSid,
        TWILIO_AUTH_TOKEN: account.authToken,
        TWILIO_SMS_FROM: '+8610612345',
        TWILIO_API_BASE: fake.url,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  const db = knex({ client: 'pg', connection: databaseUrl.toString(), pool: { min: 0, max: 2 } });
  const hubs: ChildProcess[] = [];
  try {
    // How fast the machine is today, measured before anything of ours runs on it.
    const gaugeLine = await machineGauge(db, databaseUrl.toString());
    hubs.push(await startHub(split ? 'api' : 'all', port));
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i += 1) {
      if (
        await fetch(`${url}/readyz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 600) throw new Error('hub did not become ready');
      await new Promise((r) => setTimeout(r, 100));
    }
    // Split: the webhooks in one process, the workers in another (after the first has migrated and seeded).
    if (split && !webhooksOnly) hubs.push(await startHub('worker', await freePort()));

    let sequence = 0;
    const signedRequest = () => {
      sequence += 1;
      const params = {
        MessageSid: `SM${randomBytes(16).toString('hex')}`,
        AccountSid: account.accountSid,
        From: `+86139${String(sequence).padStart(8, '0')}`,
        To: '+8610612345',
        Body: `东华社区${sequence}号楼路灯不亮，晚上出行不便，请尽快维修。`,
        NumMedia: '0',
      };
      const signature = twilio.getExpectedTwilioSignature(account.authToken, `${publicUrl}/webhooks/twilio/sms`, params);
      return {
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: new URLSearchParams(params).toString(),
      };
    };
    // One message first, through to its acknowledgement: the workers are up and warm.
    const probe = signedRequest();
    await fetch(`${url}/webhooks/twilio/sms`, { method: 'POST', headers: probe.headers, body: probe.body });
    for (let i = 0; !webhooksOnly && fake.sent.length === 0; i += 1) {
      if (i > 600) throw new Error('the probe message was not acknowledged');
      await new Promise((r) => setTimeout(r, 100));
    }
    type Counts = { inbound: number; tickets: number; triaged: number; queued: number; acks: number };
    const counts = async (): Promise<Counts> =>
      (
        await db.raw(
          `select (select count(*) from inbound_messages)::int as inbound, (select count(*) from tickets)::int as tickets,
                  (select count(*) from tickets where status <> 'new')::int as triaged,
                  (select count(*) from outbox where kind = 'citizen.intake_ack')::int as queued,
                  (select count(*) from outbox where kind = 'citizen.intake_ack' and status = 'sent')::int as acks`,
        )
      ).rows[0];
    /** Until every stored message is a ticket with its acknowledgement in the outbox, sent, and triaged: when each was reached. */
    const workedOff = async (since: number, base: Counts, inbound: number) => {
      const at: { queued?: number; sent?: number; triaged?: number } = {};
      let now = base;
      for (const deadline = Date.now() + 300_000; Date.now() < deadline && at.triaged === undefined;) {
        now = await counts();
        const seconds = (Date.now() - since) / 1000;
        if (at.queued === undefined && now.tickets - base.tickets >= inbound && now.queued - base.queued >= inbound) at.queued = seconds;
        if (at.sent === undefined && now.acks - base.acks >= inbound) at.sent = seconds;
        if (at.sent !== undefined && now.triaged - base.triaged >= inbound) at.triaged = seconds;
        // Counting is a scan of every table: while triage catches up (tens of seconds) look less often, so
        // that the measuring side takes a few percent of PostgreSQL rather than two fifths of a core.
        await new Promise((r) => setTimeout(r, at.sent === undefined ? 100 : 500));
      }
      return { at, now };
    };

    // Warm-up at the same rate, not measured, worked off before the run: JIT, pools and caches as in a running hub,
    // and the generator's connections open (a run that opened its own would measure the hub's accepts under load).
    const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
    if (warmupS > 0) {
      const base = await counts();
      const since = Date.now();
      await openLoop({
        url: `${url}/webhooks/twilio/sms`,
        rate,
        durationS: warmupS,
        connections,
        agent,
        requests: Array.from({ length: Math.ceil(rate * warmupS) }, signedRequest),
      });
      await new Promise((r) => setTimeout(r, 500));
      if (!webhooksOnly) await workedOff(since, base, (await counts()).inbound - base.inbound);
    }

    // Built before the run, so that signing does not slow the generator.
    const requests = Array.from({ length: Math.ceil(rate * durationS) }, signedRequest);
    const base = await counts();
    const sentBefore = fake.sent.length;
    const started = Date.now();
    // What each process costs the two cores while the webhooks arrive (the load generator shares them).
    const cpuUsed = measureCpu({
      ...Object.fromEntries(
        hubs.map((hub, i) => [
          hubs.length === 1 ? (webhooksOnly ? 'api hub' : 'hub (all)') : ['api hub', 'worker hub'][i]!,
          (_: string, pid: number) => pid === hub.pid,
        ]),
      ),
      PostgreSQL: (command) => command === 'postgres',
      Redis: (command) => command.startsWith('redis-server'),
      'generator + fake Twilio': (_, pid) => pid === process.pid,
    });
    const result = await openLoop({ url: `${url}/webhooks/twilio/sms`, rate, durationS, connections, agent, requests });
    agent.destroy();
    const answeredS = (Date.now() - started) / 1000;
    const cpu = cpuUsed();
    const cpuLine = cpu
      ? `CPU while the webhooks arrived, % of one core (${os.cpus().length} cores = ${100 * os.cpus().length}%): ${Object.entries(
          cpu.groups,
        )
          .map(([group, percent]) => `${group} ${percent}`)
          .join(
            ', ',
          )}; together ${Object.values(cpu.groups).reduce((a, b) => a + b, 0)}; machine idle ${cpu.idle}, taken by the hypervisor (steal) ${cpu.steal}`
      : 'CPU per process: not measured (no /proc)';
    // Requests still in flight when the generator stopped also reach the hub: count what was stored.
    await new Promise((r) => setTimeout(r, 500));
    const inbound = (await counts()).inbound - base.inbound;
    if (webhooksOnly) {
      console.log(
        `\nsigned Twilio SMS webhooks alone (hub of role api, no worker), ${os.cpus().length} cores, node ${process.version}, PostgreSQL + BullMQ`,
      );
      console.table([
        {
          'target rate/s': rate,
          seconds: durationS,
          'webhooks sent': result.sent,
          accepted: result.ok,
          'non-2xx': result.failed,
          'ack p50 ms': result.p50,
          'ack p99 ms': result.p99,
          'ack max ms': result.max,
          'generator lag p99 ms': result.generatorLagP99,
          'achieved rate/s': result.rate,
          'inbound stored': inbound,
        },
      ]);
      console.log(cpuLine);
      console.log(gaugeLine);
      return;
    }

    // End to end: every stored webhook → a ticket with its acknowledgement in the outbox (the issue's
    // measure) → the acknowledgement sent; and, after them, every ticket through triage.
    const { at, now } = await workedOff(started, base, inbound);
    const [tickets, acks, triaged] = [now.tickets - base.tickets, now.acks - base.acks, now.triaged - base.triaged];
    const endToEndS = at.sent ?? (Date.now() - started) / 1000;
    const measured = fake.sent.slice(sentBefore);
    const recipients = new Set(measured.map((m) => m.to));
    console.log(
      `\nintake over signed Twilio SMS webhooks, ${os.cpus().length} cores, node ${process.version}, PostgreSQL + BullMQ, ${split ? 'hubs api + worker' : 'one hub (all)'}`,
    );
    console.table([
      {
        'target rate/s': rate,
        seconds: durationS,
        'webhooks sent': result.sent,
        accepted: result.ok,
        'non-2xx': result.failed,
        'ack p50 ms': result.p50,
        'ack p99 ms': result.p99,
        'ack max ms': result.max,
        'generator lag p99 ms': result.generatorLagP99,
        'achieved rate/s': result.rate,
        'in outbox /s': at.queued ? Math.round(inbound / at.queued) : 0,
        'last in outbox after last webhook s': at.queued ? Number(Math.max(0, at.queued - answeredS).toFixed(2)) : 'not yet',
        'sent /s': Math.round(inbound / endToEndS),
        'all triaged s': at.triaged ? Number(at.triaged.toFixed(1)) : 'not yet',
        'inbound stored': inbound,
        tickets,
        'acks sent': acks,
        lost: Math.max(0, inbound - Math.min(tickets, acks, triaged)),
        duplicated: measured.length - recipients.size + Math.max(0, tickets - inbound),
      },
    ]);
    console.log(cpuLine);
    console.log(gaugeLine);
  } finally {
    await Promise.all(
      hubs.map(
        (hub) =>
          new Promise<void>((resolve) => {
            hub.once('exit', () => resolve());
            hub.kill('SIGTERM');
          }),
      ),
    );
    await db.destroy();
    await admin.raw(`drop database "${database}" with (force)`);
    await deleteRedisPrefix(process.env.REDIS_URL, redisPrefix);
    await admin.destroy();
    await fake.close();
  }
}

run().catch((error) => {
  console.error(error);
  process.exit(1);
});
