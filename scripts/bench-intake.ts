import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import knex from 'knex';
import twilio from 'twilio';
import { startFakeTwilio } from '../test/support/fake-twilio';

/**
 * `npm run bench:intake`: signed Twilio SMS webhooks fired at the hub on loopback at a fixed
 * rate for a fixed time (bounded), against the PostgreSQL at DATABASE_URL and the Redis at
 * REDIS_URL. Prints the webhook ack latency, then waits until every message has become a
 * ticket with its acknowledgement sent (to a local server speaking Twilio's API), and prints
 * the end-to-end throughput and any message lost or duplicated.
 *   --rate=500 --duration=10 --connections=32
 */
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const rate = Number(args.rate ?? 500);
const durationS = Number(args.duration ?? 10);
const connections = Number(args.connections ?? 32);
const main = path.resolve(__dirname, '../src/main.js');
const account = { accountSid: `AC${'b'.repeat(32)}`, authToken: 'bench-auth-token-0123456789' };
const publicUrl = 'https://hub.bench.test';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

async function run(): Promise<void> {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL) throw new Error('bench:intake runs against real services: set DATABASE_URL and REDIS_URL');
  const fake = await startFakeTwilio(account);
  const admin = knex({ client: 'pg', connection: process.env.DATABASE_URL });
  const database = `hh_bench_intake_${Date.now()}`;
  await admin.raw(`create database "${database}"`);
  const databaseUrl = new URL(process.env.DATABASE_URL);
  databaseUrl.pathname = `/${database}`;
  const port = await freePort();
  const hub: ChildProcess = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl.toString(),
      REDIS_PREFIX: `hh-bench-intake-${Date.now()}`,
      PORT: String(port),
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
  try {
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i += 1) {
      if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) break;
      if (i > 600) throw new Error('hub did not become ready');
      await new Promise((r) => setTimeout(r, 100));
    }

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
      return { headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: new URLSearchParams(params).toString() };
    };
    const started = Date.now();
    const result = await autocannon({
      url: `${url}/webhooks/twilio/sms`,
      method: 'POST',
      connections,
      overallRate: rate,
      duration: durationS,
      setupClient: (client: { setHeadersAndBody(h: Record<string, string>, b: string): void; on(e: 'response', l: () => void): void }) => {
        const next = () => {
          const request = signedRequest();
          client.setHeadersAndBody(request.headers, request.body);
        };
        next();
        client.on('response', next);
      },
    });
    // Requests still in flight when autocannon stopped also reach the hub: count what was stored.
    await new Promise((r) => setTimeout(r, 500));
    const accepted = result['2xx'];
    const inbound = Number((await db('inbound_messages').count({ n: '*' }))[0]!.n);

    // End to end: every stored webhook → a ticket → its acknowledgement sent.
    let tickets = 0;
    let acks = 0;
    const deadline = Date.now() + 300_000;
    while (Date.now() < deadline) {
      tickets = Number((await db('tickets').count({ n: '*' }))[0]!.n);
      acks = Number((await db('outbox').where({ kind: 'citizen.intake_ack', status: 'sent' }).count({ n: '*' }))[0]!.n);
      if (tickets >= inbound && acks >= inbound) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const endToEndS = (Date.now() - started) / 1000;
    const recipients = new Set(fake.sent.map((m) => m.to));
    console.log(`\nintake over signed Twilio SMS webhooks, ${os.cpus().length} cores, node ${process.version}, PostgreSQL + BullMQ`);
    console.table([
      {
        'target rate/s': rate,
        seconds: durationS,
        'webhooks sent': result.requests.total,
        accepted,
        'non-2xx': result.non2xx + result.errors + result.timeouts,
        'ack p50 ms': result.latency.p50,
        'ack p99 ms': result.latency.p99,
        'achieved rate/s': Math.round(result.requests.average),
        'end-to-end s': Number(endToEndS.toFixed(1)),
        'end-to-end/s': Math.round(inbound / endToEndS),
        'inbound stored': inbound,
        tickets,
        'acks sent': acks,
        lost: Math.max(0, inbound - Math.min(tickets, acks)),
        duplicated: fake.sent.length - recipients.size + Math.max(0, tickets - inbound),
      },
    ]);
  } finally {
    await new Promise<void>((resolve) => {
      hub.once('exit', () => resolve());
      hub.kill('SIGTERM');
    });
    await db.destroy();
    await admin.raw(`drop database "${database}" with (force)`);
    await admin.destroy();
    await fake.close();
  }
}

run().catch((error) => {
  console.error(error);
  process.exit(1);
});
