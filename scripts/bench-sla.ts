/**
 * npm run bench:sla — the SLA figures of issue 6. First addWorkingTime calls per second on one
 * core (target ≥ 1,000,000), over a mix of units and amounts typical of 12345 limits, on the
 * standard week (09:00–12:00, 13:30–17:30) with the official holidays and 调休 days; then, with
 * DATABASE_URL, the sweep and scheduling figures below.
 */
import type { Hub } from '../src/app';
import { dueAlertsQuery, findDueAlerts } from '../src/sla/clocks.repository';
import { addWorkingTime, compileCalendar, standardWeek, type LimitUnit } from '../src/sla/working-calendar';
import { withBenchHub } from './bench-database';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 3;
let started = process.hrtime.bigint();
const calendar = compileCalendar({ weekHours: standardWeek });
const compileMs = Number(process.hrtime.bigint() - started) / 1e6;

// Starts spread over 2026 (国庆 and 春节 included); limits: 1 h emergency, 2/24 working hours, 1/7/15 working days.
const limits: Array<[number, LimitUnit]> = [
  [1, 'natural_hours'],
  [2, 'working_hours'],
  [24, 'working_hours'],
  [1, 'working_days'],
  [7, 'working_days'],
  [15, 'working_days'],
];
const starts = Array.from(
  { length: 4_096 },
  (_, i) => new Date(Date.parse('2026-01-01T00:00:00Z') + ((i * 7_919_993) % (365 * 86_400)) * 1000),
);

let checksum = 0;
for (let i = 0; i < 200_000; i++) checksum += addWorkingTime(starts[i & 4095]!, ...limits[i % limits.length]!, calendar).getTime() % 7;
let calls = 0;
started = process.hrtime.bigint();
const until = started + BigInt(seconds * 1e9);
while (process.hrtime.bigint() < until) {
  for (let i = 0; i < 10_000; i++) {
    const [amount, unit] = limits[(calls + i) % limits.length]!;
    checksum += addWorkingTime(starts[(calls + i) & 4095]!, amount, unit, calendar).getTime() % 7;
  }
  calls += 10_000;
}
const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
console.log(`calendar compiled in ${compileMs.toFixed(1)} ms (official days ${2004}–${2040} tabulated)`);
console.log(
  `addWorkingTime: ${calls} calls in ${elapsed.toFixed(2)} s on one core → ${Math.round(calls / elapsed).toLocaleString('en-US')} calls/s (${((elapsed / calls) * 1e9).toFixed(0)} ns each; checksum ${checksum})`,
);

/**
 * The database figures (issue 6), on a fresh database at DATABASE_URL: 1,000,000 open tickets,
 * each with a running reply clock, one in a thousand of them due for an alert now.
 * - the sweep's query: how long finding the due ones takes (target < 100 ms), and firing them;
 * - scheduling: deadlines re-planned in bulk when a calendar changes (target 10,000 tickets/s),
 *   and the per-ticket path (a clock started in its own transaction, as each new ticket does).
 * Options: --tickets N (default 1,000,000).
 */
async function databaseFigures(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.log('sweep and scheduling: set DATABASE_URL (a PostgreSQL the bench may create a database on) to measure them');
    return;
  }
  const ticketCount = Number(process.argv[process.argv.indexOf('--tickets') + 1]) || 1_000_000;
  await withBenchHub(databaseUrl, 'hh_bench_sla', (hub) => sweepFigures(hub, ticketCount));
}

async function sweepFigures(hub: Hub, ticketCount: number): Promise<void> {
  const db = hub.db;
  const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;
  const { id: departmentId } = await db('departments').where({ code: 'ZJJ' }).first('id');
  const { id: regionId } = await db('regions').where({ code: '990101001001' }).first('id');
  const { id: calendarId } = await db('work_calendars').whereNull('region_id').first('id');
  const { id: policyId } = await db('sla_policies').where({ stage: 'reply', priority: 0 }).first('id');

  let at = process.hrtime.bigint();
  await db.raw(
    `insert into tickets (number, status, channel, request_type, urgency, title, description, lead_department_id, region_id, created_at)
     select 'B' || lpad(i::text, 9, '0'), 'dispatched', 'phone', 'complaint', 'normal', '路灯不亮', '东华社区路灯不亮', ?, ?, now() - interval '1 day'
     from generate_series(1, ?) as i`,
    [departmentId, regionId, ticketCount],
  );
  // Alerts spread over the next 30 days; one ticket in a thousand is due now.
  await db.raw(
    `insert into sla_clocks (ticket_id, department_id, stage, policy_id, calendar_id, amount, unit, state, started_at, limit_ms, basis_at, due_at, next_alert_level, next_alert_at)
     select id, ?, 'reply', ?, ?, 7, 'working_days', 'running', now() - interval '1 day', 49 * 3600000, now() - interval '1 day',
            now() + interval '9 days' + (id % 43200) * interval '1 minute', 0,
            case when id % 1000 = 0 then now() - interval '1 minute' else now() + (id % 43200) * interval '1 minute' end
     from tickets`,
    [departmentId, policyId, calendarId],
  );
  await db.raw('vacuum analyze tickets');
  await db.raw('vacuum analyze sla_clocks');
  console.log(`\n${ticketCount.toLocaleString('en-US')} open tickets with running clocks written in ${(ms(at) / 1000).toFixed(1)} s`);

  const plan = (await db.raw(`explain ${dueAlertsQuery(db, 500).toString()}`)).rows
    .map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN'])
    .join(' | ');
  const finds: number[] = [];
  let found = 0;
  for (let i = 0; i < 30; i++) {
    at = process.hrtime.bigint();
    found = (await findDueAlerts(db, 500)).length;
    finds.push(ms(at));
  }
  finds.sort((a, b) => a - b);
  console.log(
    `sweep query (due alerts, 500 per batch): ${found} found; median ${finds[15]!.toFixed(2)} ms, max ${finds.at(-1)!.toFixed(2)} ms over 30 runs (target < 100 ms)`,
  );
  console.log(`  plan: ${plan.replace(/\s+/g, ' ').slice(0, 200)}`);

  at = process.hrtime.bigint();
  const fired = await hub.services.clocks.sweep();
  const fireMs = ms(at);
  console.log(
    `sweep firing: ${fired} alerts fired (alert row, ledger, notifications, next level) in ${fireMs.toFixed(0)} ms → ${Math.round((fired / fireMs) * 1000)} alerts/s; a second sweep fired ${await hub.services.clocks.sweep()}`,
  );

  // Bulk scheduling: a district calendar with 100,000 of the running clocks gets an extra holiday.
  const replanCount = Math.min(100_000, ticketCount);
  const district = await hub.services.slaConfig.createCalendar({
    name: '东城区',
    regionId: (await db('regions').where({ code: '990101' }).first('id')).id,
    weekHours: [0, 1, 2, 3, 4, 5, 6].map((d) => standardWeek[d as 0]),
  });
  await db.raw('update sla_clocks set calendar_id = ? where id in (select id from sla_clocks order by id limit ?)', [
    district.id,
    replanCount,
  ]);
  const tomorrow = new Date(Date.now() + 8 * 3_600_000 + 86_400_000).toISOString().slice(0, 10);
  at = process.hrtime.bigint();
  await hub.services.slaConfig.setOverride(
    district.id,
    { date: tomorrow, kind: 'holiday', note: 'bench' },
    { kind: 'user', userId: 1, username: 'admin', displayName: 'bench', role: 'admin', departmentId: null, via: 'session' },
  );
  const replanMs = ms(at);
  const moved = await db('sla_clock_events')
    .where({ type: 'retarget', reason: '工作日历变更' })
    .count<Array<{ count: string }>>('* as count');
  console.log(
    `scheduling, bulk (a calendar change re-plans running clocks): ${replanCount.toLocaleString('en-US')} clocks in ${(replanMs / 1000).toFixed(2)} s → ${Math.round((replanCount / replanMs) * 1000).toLocaleString('en-US')} tickets/s (${moved[0]!.count} deadlines moved; target 10,000/s)`,
  );

  // Per ticket: the dispatch clock of a new ticket (started by its first action), each in its own transaction, 8 at a time.
  const fresh: Array<{ id: number }> = await db
    .raw(
      `insert into tickets (number, status, channel, request_type, urgency, title, description, region_id)
     select 'N' || lpad(i::text, 9, '0'), 'new', 'phone', 'complaint', 'normal', '路灯不亮', '路灯不亮', ? from generate_series(1, 4000) as i returning id`,
      [regionId],
    )
    .then((r: { rows: Array<{ id: number }> }) => r.rows);
  const tickets = await db('tickets')
    .whereIn(
      'id',
      fresh.map((f) => f.id),
    )
    .select('*');
  let next = 0;
  at = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < tickets.length) {
        const row = tickets[next++]!;
        await db.transaction((trx) =>
          hub.services.clocks.onTransition(trx, {
            action: 'triage',
            ticket: {
              id: row.id,
              requestType: row.request_type,
              urgency: row.urgency,
              categoryId: row.category_id,
              matter: row.matter,
              regionId: row.region_id,
              leadDepartmentId: null,
              reopenCount: 0,
              createdAt: row.created_at,
            } as never,
            actor: { kind: 'system', name: 'bench' },
            reason: null,
          }),
        );
      }
    }),
  );
  const perTicketMs = ms(at);
  console.log(
    `scheduling, per ticket (one transaction each, 8 concurrent): ${tickets.length} in ${(perTicketMs / 1000).toFixed(2)} s → ${Math.round((tickets.length / perTicketMs) * 1000).toLocaleString('en-US')} tickets/s`,
  );
}

void databaseFigures().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
