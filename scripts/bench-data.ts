/**
 * npm run bench:data — the board and the reports on a big database (issue 24): a fresh database at
 * DATABASE_URL filled with a year of a megacity's hotline, 1,000,000 tickets by default, with their
 * events, stage clocks, assignments and callbacks as the hub writes them; then each of the board's
 * queries timed on its own (target ≤ 200 ms each, the KPI report reading the daily rollup as the
 * periodic job leaves it), and the whole board as GET /board runs it.
 *
 * Realistic shape: requests by Beijing hour (a day's peak mid-morning), channels (phone first), a
 * long tail of categories and places, 3% still open with a fifth of those overdue, 40% surveyed.
 * Options: --tickets N (default 1,000,000), --runs N (default 10), --keep (leave the database).
 */
import type { Hub } from '../src/app';
import { boardFigures, mapFigures } from '../src/board/board.repository';
import { shanghaiDay } from '../src/shared/time';
import { fillCity } from '../test/support/big-city';
import { withBenchHub } from './bench-database';

const arg = (name: string, fallback: number) =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback;
const ticketCount = arg('--tickets', 1_000_000);
const runs = arg('--runs', 10);
const keep = process.argv.includes('--keep');
const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('set DATABASE_URL: a PostgreSQL the bench may create a database on');
  await withBenchHub(databaseUrl, 'hh_bench_data', (hub) => measure(hub), { keep });
}

async function measure(hub: Hub): Promise<void> {
  const db = hub.db;
  let at = process.hrtime.bigint();
  await fillCity(db, { tickets: ticketCount, days: 365 });
  const counts = (
    await db.raw(
      `select (select count(*) from tickets) as tickets, (select count(*) from ticket_events) as events,
            (select count(*) from sla_clocks) as clocks, (select count(*) from callbacks) as callbacks,
            pg_size_pretty(pg_database_size(current_database())) as size`,
    )
  ).rows[0];
  console.log(
    `filled in ${(ms(at) / 1000).toFixed(0)} s: ${Number(counts.tickets).toLocaleString('en-US')} tickets, ${Number(counts.events).toLocaleString('en-US')} events, ` +
      `${Number(counts.clocks).toLocaleString('en-US')} stage clocks, ${Number(counts.callbacks).toLocaleString('en-US')} callbacks; database ${counts.size}`,
  );

  // The KPI rollup as the periodic job does it: the last week, then the backlog a month per run.
  at = process.hrtime.bigint();
  let days = 0;
  for (let rolled = -1; rolled !== 0;) days += rolled = await hub.services.kpis.rollUpDue(new Date(), 31);
  const rollupMs = ms(at);
  console.log(`KPI rollup of ${days} days: ${(rollupMs / 1000).toFixed(1)} s (${(rollupMs / days).toFixed(0)} ms a day)`);

  // Each query the board runs, timed on its own (knex's query events), over several runs; then the whole board at once.
  const started = new Map<string, bigint>();
  const timings = new Map<string, number[]>();
  const label = (sql: string) => sql.replace(/\s+/g, ' ').trim().slice(0, 90);
  db.on('query', (q: { __knexQueryUid: string }) => started.set(q.__knexQueryUid, process.hrtime.bigint()));
  db.on('query-response', (_r: unknown, q: { __knexQueryUid: string; sql: string }) => {
    const t = started.get(q.__knexQueryUid);
    if (t === undefined) return;
    const list = timings.get(label(q.sql)) ?? [];
    list.push(ms(t));
    timings.set(label(q.sql), list);
  });
  const now = new Date();
  const dayStart = new Date(`${shanghaiDay(now)}T00:00:00+08:00`);
  const monthStart = new Date(dayStart.getTime() - 29 * 86_400_000);
  const pieces: Array<() => Promise<unknown>> = [
    () => boardFigures(db, dayStart),
    () => mapFigures(db, 'district', new Date(dayStart.getTime() - 6 * 86_400_000)),
    () => mapFigures(db, 'township', new Date(dayStart.getTime() - 6 * 86_400_000)),
    () => hub.services.kpis.live(),
    () => hub.services.kpis.report({ groupBy: 'day', from: monthStart, to: now }),
  ];
  // One at a time: each query alone on the machine (Promise.all inside a piece still overlaps its own).
  for (let i = 0; i < runs; i++) for (const piece of pieces) await piece();
  const rows = [...timings].map(([sql, list]) => {
    const sorted = [...list].sort((a, b) => a - b);
    return { sql, median: sorted[Math.floor(sorted.length / 2)]!, max: sorted.at(-1)! };
  });
  rows.sort((a, b) => b.median - a.median);
  console.log(`\neach query of the board (${runs} runs; median / max ms; target ≤ 200):`);
  for (const r of rows) console.log(`  ${r.median.toFixed(1).padStart(7)} / ${r.max.toFixed(1).padStart(7)}  ${r.sql}`);
  db.removeAllListeners('query');
  db.removeAllListeners('query-response');

  const whole: number[] = [];
  for (let i = 0; i < runs; i++) {
    at = process.hrtime.bigint();
    await Promise.all(pieces.map((piece) => piece()));
    whole.push(ms(at));
  }
  whole.sort((a, b) => a - b);
  console.log(
    `\nthe whole board as GET /board runs it (all at once): median ${whole[Math.floor(runs / 2)]!.toFixed(0)} ms, max ${whole.at(-1)!.toFixed(0)} ms`,
  );
  const worst = rows[0]!;
  console.log(worst.median <= 200 ? 'every query within 200 ms' : `slowest query over 200 ms: ${worst.sql}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
