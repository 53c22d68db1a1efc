/**
 * npm run bench:data — a year of a megacity's hotline in one database, and the reads staff make on it
 * (issue 26). A fresh database at DATABASE_URL is filled as the hub would have written it
 * (test/support/big-city.ts: tickets with their citizens' words, addresses and phones, events, stage
 * clocks and their ledger, assignments, callbacks, inbound messages, outbox rows), the KPI and SLA rollups
 * run as their jobs do; then a seeded mix of staff's reads is timed over HTTP against the hub, cold (the first
 * time each runs after a PostgreSQL restart, when the bench may restart it) and warm: p50 / p95 / p99
 * per kind of read, with the plans of the slowest statements.
 *
 * Options: --tickets N (default 2,000,000), --runs N (warm runs of each read, default 20),
 * --keep (leave the database), --reuse NAME (measure a database kept before, without filling),
 * --restart "COMMAND" (how to restart PostgreSQL for the cold pass, e.g. "pg_ctlcluster 15 main restart").
 * Never part of npm test or CI.
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import knex from 'knex';
import { createHub, type Hub } from '../src/app';
import { loadConfig } from '../src/config/config';
import { shanghaiDay } from '../src/shared/time';
import { fillCity } from '../test/support/big-city';

const option = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const ticketCount = Number(option('--tickets') ?? 2_000_000);
const runs = Number(option('--runs') ?? 20);
const keep = process.argv.includes('--keep');
const reuse = option('--reuse');
const restart = option('--restart');
const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;
/** About what a ticket costs on disk with everything that comes with it (measured: 1 M tickets, 3.3 GB). */
const bytesPerTicket = 3_500;

/** A small seeded generator (mulberry32): the same mix every run. */
function seeded(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('set DATABASE_URL: a PostgreSQL the bench may create a database on');
  const server = knex({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 1 } });
  const name = reuse ?? `hh_bench_data_${Date.now().toString(36)}`;
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  if (!reuse) {
    const dataDir = (await server.raw('show data_directory')).rows[0].data_directory as string;
    const free = fs.existsSync(dataDir) ? fs.statfsSync(dataDir) : fs.statfsSync('/');
    const freeBytes = free.bavail * free.bsize;
    const needed = ticketCount * bytesPerTicket * 1.5;
    if (freeBytes < needed)
      throw new Error(
        `${(freeBytes / 1e9).toFixed(1)} GB free where PostgreSQL keeps its data; ${ticketCount} tickets need about ${(needed / 1e9).toFixed(1)} GB`,
      );
    console.log(`${(freeBytes / 1e9).toFixed(0)} GB free; about ${((ticketCount * bytesPerTicket) / 1e9).toFixed(1)} GB to fill`);
    await server.raw(`create database ${name}`);
  }
  const hub = await createHub(
    loadConfig({ DATABASE_URL: url.toString(), REDIS_URL: '', SEED_DEMO: 'true', LOG_LEVEL: 'warn', PORT: '0', DATABASE_POOL_MAX: '10' }),
  );
  try {
    if (!reuse) await fill(hub);
    await hub.start();
    await measure(hub, hub.url()!);
  } finally {
    await hub.stop();
    if (keep || reuse) console.log(`database kept: ${name} (--reuse ${name})`);
    else await server.raw(`drop database if exists ${name} with (force)`);
    await server.destroy();
  }
}

async function fill(hub: Hub): Promise<void> {
  const db = hub.db;
  let at = process.hrtime.bigint();
  await fillCity(db, { tickets: ticketCount, days: 365 });
  const counts = (
    await db.raw(
      `select (select count(*) from tickets) as tickets, (select count(*) from ticket_events) as events,
              (select count(*) from sla_clocks) as clocks, (select count(*) from sla_clock_events) as ledger,
              (select count(*) from callbacks) as callbacks, (select count(*) from outbox) as outbox,
              (select count(*) from inbound_messages) as inbound, (select count(*) from contacts) as contacts,
              pg_size_pretty(pg_database_size(current_database())) as size`,
    )
  ).rows[0];
  const n = (v: string) => Number(v).toLocaleString('en-US');
  console.log(
    `filled in ${(ms(at) / 1000).toFixed(0)} s: ${n(counts.tickets)} tickets, ${n(counts.contacts)} citizens, ${n(counts.events)} events, ` +
      `${n(counts.clocks)} stage clocks with ${n(counts.ledger)} ledger rows, ${n(counts.callbacks)} callbacks, ${n(counts.inbound)} inbound messages, ` +
      `${n(counts.outbox)} outbox rows; database ${counts.size}`,
  );
  for (const [name, rollup] of [
    ['KPI', hub.services.kpis],
    ['SLA', hub.services.slaReports],
  ] as const) {
    at = process.hrtime.bigint();
    let days = 0;
    for (let rolled = -1; rolled !== 0;) days += rolled = await rollup.rollUpDue(new Date(), 31);
    console.log(`${name} rollup of ${days} days: ${(ms(at) / 1000).toFixed(1)} s (${(ms(at) / days).toFixed(0)} ms a day)`);
  }
}

interface Read {
  kind: string;
  path: () => string;
  /** Follow the list's cursor this many pages and time the last one (paging deep). */
  pages?: number;
}

async function measure(hub: Hub, base: string): Promise<void> {
  const db = hub.db;
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'supervisor', password: 'supervisor-12345' }),
  });
  const headers = { authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
  const random = seeded(26);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const sample = async (sql: string) => (await db.raw(sql)).rows as Array<Record<string, string | number>>;
  const [numbers, phones, ids, departments, districts, categories] = await Promise.all([
    // Sampled before the restart: the cold pass finds nothing of them cached.
    sample('select number from tickets order by random() limit 200'),
    sample("select phone from contacts where phone like '+861%' order by random() limit 200"),
    sample('select id from tickets order by random() limit 200'),
    sample("select id from departments where kind <> 'center' and active"),
    sample("select id from regions where level = 'district'"),
    sample('select id from categories where parent_id is null'),
  ]);
  const words = [
    '噪音',
    '路灯',
    '停水',
    '物业',
    '公积金',
    '拖欠工资',
    '井盖',
    '违章建筑',
    '油烟',
    '垃圾',
    '医保',
    '暖气',
    '充电桩',
    '学位',
    '网约车',
  ];
  const streets = ['滨河路', '光明街', '人民大道', '解放巷', '建设东路', '和平西路', '新华南路', '东风北路', '朝阳一路', '胜利二路'];
  const today = shanghaiDay(new Date());
  const daysAgo = (d: number) => shanghaiDay(new Date(Date.now() - d * 86_400_000));
  const month = `from=${daysAgo(30)}&to=${today}`;
  const year = `from=${daysAgo(364)}&to=${today}`;
  const statuses = ['triage', 'dispatched', 'accepted', 'replied', 'closed'];
  const q = (text: string) => `/api/v1/tickets?q=${encodeURIComponent(text)}&limit=50`;
  const reads: Read[] = [
    { kind: 'search: a word', path: () => q(pick(words)) },
    { kind: 'search: two words', path: () => q(`${pick(words)} ${pick(['小区', '反映', '处理', '门口', '多次'])}`) },
    { kind: 'search: ticket number', path: () => q(String(pick(numbers).number)) },
    { kind: 'search: phone', path: () => q(String(pick(phones).phone)) },
    { kind: 'search: address', path: () => q(`${pick(streets)}${1 + Math.floor(random() * 200)}号`) },
    { kind: 'list: status', path: () => `/api/v1/tickets?status=${pick(statuses)}&limit=50` },
    { kind: 'list: department', path: () => `/api/v1/tickets?departmentId=${pick(departments).id}&limit=50` },
    { kind: 'list: category (level 1)', path: () => `/api/v1/tickets?categoryId=${pick(categories).id}&limit=50` },
    { kind: 'list: district', path: () => `/api/v1/tickets?regionId=${pick(districts).id}&limit=50` },
    {
      kind: 'list: channel + urgency',
      path: () => `/api/v1/tickets?channel=${pick(['sms', 'miniprogram', 'api'])}&urgency=urgent&limit=50`,
    },
    {
      kind: 'list: a month',
      path: () => `/api/v1/tickets?from=${daysAgo(60)}T00:00:00%2B08:00&to=${daysAgo(30)}T00:00:00%2B08:00&limit=50`,
    },
    { kind: 'list: overdue', path: () => `/api/v1/tickets?overdue=true&limit=50` },
    {
      kind: 'list: department + status, page 10',
      path: () => `/api/v1/tickets?departmentId=${pick(departments).id}&status=closed&limit=50`,
      pages: 10,
    },
    { kind: 'list: a word, page 10', path: () => q(pick(words)), pages: 10 },
    { kind: 'ticket page', path: () => `/api/v1/tickets/${pick(ids).id}` },
    { kind: 'ticket clocks', path: () => `/api/v1/tickets/${pick(ids).id}/clocks` },
    { kind: 'department queues', path: () => `/api/v1/department-queues?departmentId=${pick(departments).id}` },
    { kind: 'department queue list', path: () => `/api/v1/tickets?queue=handling&departmentId=${pick(departments).id}&limit=50` },
    { kind: 'board', path: () => '/api/v1/board' },
    { kind: 'SLA overdue', path: () => '/api/v1/sla/overdue?limit=200' },
    { kind: '三率 month by department', path: () => `/api/v1/kpis?groupBy=department&${month}` },
    { kind: '三率 month by region', path: () => `/api/v1/kpis?groupBy=region&${month}` },
    { kind: '三率 month by category', path: () => `/api/v1/kpis?groupBy=category&${month}` },
    { kind: '三率 year by department', path: () => `/api/v1/kpis?groupBy=department&${year}` },
    { kind: '三率 year by region', path: () => `/api/v1/kpis?groupBy=region&${year}` },
    { kind: '三率 year by category', path: () => `/api/v1/kpis?groupBy=category&${year}` },
    { kind: 'SLA report month by department', path: () => `/api/v1/sla/report?groupBy=department&${month}` },
    { kind: 'SLA report month by category', path: () => `/api/v1/sla/report?groupBy=category&${month}` },
    { kind: 'SLA report year by department', path: () => `/api/v1/sla/report?groupBy=department&${year}` },
    { kind: 'SLA report year by category', path: () => `/api/v1/sla/report?groupBy=category&${year}` },
    {
      kind: 'KPI drill-down (a month)',
      path: () =>
        `/api/v1/kpis/tickets?groupBy=department&key=${pick(departments).id}&metric=${pick(['satisfaction', 'late_reply', 'returned'])}&${month}`,
    },
  ];

  // Each statement's time, to find the slowest and show their plans.
  const started = new Map<string, bigint>();
  const statements = new Map<string, { sql: string; bindings: unknown[]; worst: number }>();
  db.on('query', (query: { __knexQueryUid: string }) => started.set(query.__knexQueryUid, process.hrtime.bigint()));
  db.on('query-response', (_r: unknown, query: { __knexQueryUid: string; sql: string; bindings?: unknown[] }) => {
    const t = started.get(query.__knexQueryUid);
    if (t === undefined) return;
    started.delete(query.__knexQueryUid);
    const took = ms(t);
    const key = query.sql.replace(/\s+/g, ' ').slice(0, 160);
    const seen = statements.get(key);
    if (!seen || seen.worst < took) statements.set(key, { sql: query.sql, bindings: query.bindings ?? [], worst: took });
  });

  const once = async (read: Read): Promise<number> => {
    let path = read.path();
    let took = 0;
    for (let page = 1; page <= (read.pages ?? 1); page += 1) {
      const at = process.hrtime.bigint();
      const res = await fetch(`${base}${path}`, { headers });
      const body = (await res.json()) as { nextCursor?: string | null };
      took = ms(at);
      if (!res.ok) throw new Error(`${read.kind}: ${res.status} ${JSON.stringify(body).slice(0, 300)} (${path})`);
      if (!body.nextCursor) break;
      path = `${path.replace(/&cursor=[^&]*/, '')}&cursor=${encodeURIComponent(body.nextCursor)}`;
    }
    return took;
  };

  if (restart) {
    execSync(restart, { stdio: 'inherit' });
    await hub.db.raw('select 1').catch(() => undefined); // the pool finds its connections gone and opens new ones
    for (let i = 0; i < 50; i++)
      if (
        await hub.db.raw('select 1').then(
          () => true,
          () => false,
        )
      )
        break;
  }
  const cold = new Map<string, number>();
  for (const read of reads) cold.set(read.kind, await once(read));
  const warm = new Map<string, number[]>();
  for (let i = 0; i < runs; i++) for (const read of reads) warm.set(read.kind, [...(warm.get(read.kind) ?? []), await once(read)]);
  db.removeAllListeners('query');
  db.removeAllListeners('query-response');

  const at = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  console.log(
    `\nreads over HTTP as the supervisor (${runs} warm runs each; ms)${restart ? '; cold: the first after a PostgreSQL restart' : ''}`,
  );
  console.log(`${'read'.padEnd(38)} ${'cold'.padStart(7)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'p99'.padStart(7)}`);
  for (const read of reads) {
    const sorted = [...warm.get(read.kind)!].sort((a, b) => a - b);
    console.log(
      `${read.kind.padEnd(38)} ${cold.get(read.kind)!.toFixed(1).padStart(7)} ${at(sorted, 50).toFixed(1).padStart(7)} ${at(sorted, 95).toFixed(1).padStart(7)} ${at(sorted, 99).toFixed(1).padStart(7)}`,
    );
  }
  const slowest = [...statements.values()].sort((a, b) => b.worst - a.worst).slice(0, 4);
  console.log('\nthe slowest statements, with their plans (EXPLAIN ANALYZE, warm):');
  // Straight to the driver: the statements as the driver got them ($1 …), not as knex builds them.
  type Driver = { query(q: { text: string; values: unknown[] }): Promise<{ rows: Array<Record<string, string>> }> };
  const connection = (await db.client.acquireConnection()) as Driver;
  try {
    for (const statement of slowest) {
      let n = 0;
      const text = /\$\d/.test(statement.sql) ? statement.sql : statement.sql.replace(/\?/g, () => `$${++n}`);
      console.log(`\n-- worst ${statement.worst.toFixed(1)} ms: ${statement.sql.replace(/\s+/g, ' ').slice(0, 300)}`);
      const plan = await connection
        .query({ text: `explain (analyze, buffers) ${text}`, values: statement.bindings })
        .catch((error: Error) => ({ rows: [{ 'QUERY PLAN': `(no plan: ${error.message})` }] }));
      for (const line of plan.rows) console.log(`   ${line['QUERY PLAN']}`);
    }
  } finally {
    await db.client.releaseConnection(connection);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
