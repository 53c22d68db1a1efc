import type { Queryable, Tx } from '../db/db';
import type { Actor } from '../shared/roles';
import type { Stage } from './sla-rules';
import type { LimitUnit } from './working-calendar';

export type ClockState = 'running' | 'paused' | 'stopped' | 'cancelled';

export interface ClockRecord {
  id: number;
  ticketId: number;
  assignmentId: number | null;
  departmentId: number | null;
  stage: Stage;
  cycle: number;
  policyId: number | null;
  calendarId: number | null;
  amount: number;
  unit: LimitUnit;
  state: ClockState;
  startedAt: Date;
  limitMs: number;
  usedMs: number;
  basisAt: Date;
  dueAt: Date | null;
  stoppedAt: Date | null;
  breachedAt: Date | null;
  extensions: number;
  manualDue: boolean;
  generation: number;
  nextAlertLevel: number | null;
  nextAlertAt: Date | null;
  alertedLevel: number;
}

export type LedgerType = 'start' | 'pause' | 'resume' | 'stop' | 'cancel' | 'extend' | 'retarget' | 'warn' | 'breach' | 'escalate';
export interface LedgerEntry {
  clockId: number;
  type: LedgerType;
  dueAt: Date | null;
  reason: string | null;
  data?: Record<string, unknown>;
}

const clockColumns = {
  id: 'id',
  ticketId: 'ticket_id',
  assignmentId: 'assignment_id',
  departmentId: 'department_id',
  stage: 'stage',
  cycle: 'cycle',
  policyId: 'policy_id',
  calendarId: 'calendar_id',
  amount: 'amount',
  unit: 'unit',
  state: 'state',
  startedAt: 'started_at',
  limitMs: 'limit_ms',
  usedMs: 'used_ms',
  basisAt: 'basis_at',
  dueAt: 'due_at',
  stoppedAt: 'stopped_at',
  breachedAt: 'breached_at',
  extensions: 'extensions',
  manualDue: 'manual_due',
  generation: 'generation',
  nextAlertLevel: 'next_alert_level',
  nextAlertAt: 'next_alert_at',
  alertedLevel: 'alerted_level',
} as const satisfies Record<keyof ClockRecord, string>;

/** The select list of a clock (numeric amount as a number). */
const clockSelect = (db: Queryable) => ({ ...clockColumns, amount: db.raw('amount::float8') });

/** A clock as its row is written (the alert bookkeeping is fire()'s). */
export function clockRow(c: ClockRecord): Record<string, unknown> {
  return {
    ticket_id: c.ticketId,
    assignment_id: c.assignmentId,
    department_id: c.departmentId,
    stage: c.stage,
    cycle: c.cycle,
    policy_id: c.policyId,
    calendar_id: c.calendarId,
    amount: c.amount,
    unit: c.unit,
    state: c.state,
    started_at: c.startedAt,
    limit_ms: Math.round(c.limitMs),
    used_ms: Math.round(c.usedMs),
    basis_at: c.basisAt,
    due_at: c.dueAt,
    stopped_at: c.stoppedAt,
    breached_at: c.breachedAt,
    extensions: c.extensions,
    manual_due: c.manualDue,
    generation: c.generation,
    next_alert_level: c.nextAlertLevel,
    next_alert_at: c.nextAlertAt,
  };
}

export async function dbClock(db: Queryable): Promise<Date> {
  const { rows } = await db.raw<{ rows: Array<{ now: Date }> }>('select now() as now');
  return rows[0]!.now;
}

/** The database's time, the ticket's place and its open clocks, in one round trip. */
export async function loadContext(
  trx: Tx,
  ticket: { id: number; regionId: number | null },
): Promise<{ now: Date; regionPath: string | null; clocks: ClockRecord[]; hasDispatchClock: boolean }> {
  const { rows } = await trx.raw<{
    rows: Array<{ now: Date; region_path: string | null; clocks: Array<Record<string, unknown>>; has_dispatch: boolean }>;
  }>(
    `select now() as now,
            (select path from regions where id = ?) as region_path,
            coalesce((select json_agg(c order by c.id) from sla_clocks c where c.ticket_id = ? and c.state in ('running', 'paused')), '[]') as clocks,
            exists (select 1 from sla_clocks c where c.ticket_id = ? and c.stage = 'dispatch') as has_dispatch`,
    [ticket.regionId, ticket.id, ticket.id],
  );
  const row = rows[0]!;
  return { now: row.now, regionPath: row.region_path, clocks: row.clocks.map(clockFromJson), hasDispatchClock: row.has_dispatch };
}

function clockFromJson(json: Record<string, unknown>): ClockRecord {
  const clock: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(clockColumns)) {
    const value = json[column];
    clock[field] = typeof value === 'string' && /_at$/.test(column) ? new Date(value) : value;
  }
  clock.amount = Number(clock.amount);
  return clock as unknown as ClockRecord;
}

export async function lockClock(trx: Tx, clockId: number): Promise<{ clock: ClockRecord; now: Date } | undefined> {
  const row = await trx('sla_clocks')
    .select({ ...clockSelect(trx), now: trx.raw('now()') })
    .where({ id: clockId })
    .forUpdate()
    .first<(ClockRecord & { now: Date }) | undefined>();
  if (!row) return undefined;
  const { now, ...clock } = row;
  return { clock, now };
}

/** Co-handling assignments that have no clock of this stage yet. */
export async function newAssists(trx: Tx, ticketId: number, stage: Stage): Promise<Array<{ id: number; departmentId: number }>> {
  return trx('ticket_assignments as a')
    .select({ id: 'a.id', departmentId: 'a.department_id' })
    .where({ 'a.ticket_id': ticketId, 'a.active': true, 'a.role': 'assist' })
    .whereNotExists((q) => q.select(trx.raw('1')).from('sla_clocks as c').whereRaw('c.assignment_id = a.id').andWhere('c.stage', stage))
    .orderBy('a.id');
}

/** The sweep's query: running clocks whose next alert is due by the database's clock (partial index on next_alert_at). */
export function dueAlertsQuery(db: Queryable, limit: number) {
  return db('sla_clocks')
    .select({ clockId: 'id', generation: 'generation', level: 'next_alert_level' })
    .where('state', 'running')
    .whereNotNull('next_alert_at')
    .andWhere('next_alert_at', '<=', db.raw('now()'))
    .orderBy('next_alert_at')
    .limit(limit);
}

export async function findDueAlerts(db: Queryable, limit: number): Promise<Array<{ clockId: number; generation: number; level: number }>> {
  return dueAlertsQuery(db, limit);
}

export async function insertLedger(
  trx: Tx,
  ticketId: number | null,
  entries: ReadonlyArray<LedgerEntry & { ticketId?: number }>,
  actor: Actor,
): Promise<void> {
  if (entries.length === 0) return;
  // One JSON parameter however many entries (a calendar re-plan writes thousands).
  await trx.raw(
    `insert into sla_clock_events (clock_id, ticket_id, type, due_at, actor_kind, actor_user_id, actor_name, reason, data)
     select clock_id, ticket_id, type, due_at, ?, ?, ?, reason, data
     from jsonb_to_recordset(?::jsonb) as e(clock_id bigint, ticket_id bigint, type text, due_at timestamptz, reason text, data jsonb)`,
    [
      actor.kind,
      actor.kind === 'user' ? actor.userId : null,
      actor.kind === 'user' ? actor.displayName : actor.name,
      JSON.stringify(
        entries.map((e) => ({
          clock_id: e.clockId,
          ticket_id: e.ticketId ?? ticketId,
          type: e.type,
          due_at: e.dueAt,
          reason: e.reason,
          data: e.data ?? null,
        })),
      ),
    ],
  );
}

/** The clocks a transition changed, in one statement. */
export async function updateClocks(trx: Tx, changed: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  if (changed.length === 0) return;
  await trx.raw(
    `update sla_clocks c set department_id = v.department_id, policy_id = v.policy_id, amount = v.amount, unit = v.unit, state = v.state,
            limit_ms = v.limit_ms, used_ms = v.used_ms, basis_at = v.basis_at, due_at = v.due_at, stopped_at = v.stopped_at,
            breached_at = v.breached_at, extensions = v.extensions, manual_due = v.manual_due, generation = v.generation,
            next_alert_level = v.next_alert_level, next_alert_at = v.next_alert_at, updated_at = now()
     from jsonb_to_recordset(?::jsonb) as v(id bigint, department_id bigint, policy_id bigint, amount numeric, unit text, state text, limit_ms bigint,
          used_ms bigint, basis_at timestamptz, due_at timestamptz, stopped_at timestamptz, breached_at timestamptz, extensions int,
          manual_due boolean, generation int, next_alert_level int, next_alert_at timestamptz)
     where c.id = v.id`,
    [JSON.stringify(changed)],
  );
}

/**
 * The clocks a transition started and its ledger entries, in one statement (a new clock's entries
 * find it by stage and assignment). Returns the new clocks' ids.
 */
export async function insertClocksWithLedger(
  trx: Tx,
  ticketId: number,
  created: ReadonlyArray<Record<string, unknown>>,
  ledger: ReadonlyArray<Record<string, unknown>>,
  actor: Actor,
): Promise<Array<{ id: number; stage: Stage; a: number }>> {
  const { rows } = await trx.raw<{ rows: Array<{ id: number; stage: Stage; a: number }> }>(
    `with created as (
       insert into sla_clocks (ticket_id, assignment_id, department_id, stage, cycle, policy_id, calendar_id, amount, unit, state, started_at, limit_ms,
                               used_ms, basis_at, due_at, stopped_at, breached_at, extensions, manual_due, generation, next_alert_level, next_alert_at)
       select ticket_id, assignment_id, department_id, stage, cycle, policy_id, calendar_id, amount, unit, state, started_at, limit_ms,
              used_ms, basis_at, due_at, stopped_at, breached_at, extensions, manual_due, generation, next_alert_level, next_alert_at
       from jsonb_to_recordset(?::jsonb) as v(ticket_id bigint, assignment_id bigint, department_id bigint, stage text, cycle int, policy_id bigint,
            calendar_id bigint, amount numeric, unit text, state text, started_at timestamptz, limit_ms bigint, used_ms bigint, basis_at timestamptz,
            due_at timestamptz, stopped_at timestamptz, breached_at timestamptz, extensions int, manual_due boolean, generation int,
            next_alert_level int, next_alert_at timestamptz, ord int)
       order by ord
       returning id, stage, coalesce(assignment_id, 0) as a),
     ledger as (
       insert into sla_clock_events (clock_id, ticket_id, type, due_at, actor_kind, actor_user_id, actor_name, reason, data)
       select coalesce(l.clock_id, created.id), ?, l.type, l.due_at, ?, ?, ?, l.reason, l.data
       from jsonb_to_recordset(?::jsonb) as l(clock_id bigint, stage text, a bigint, type text, due_at timestamptz, reason text, data jsonb, ord int)
       left join created on l.clock_id is null and created.stage = l.stage and created.a = l.a
       order by l.ord
       returning id)
     select id, stage, a from created`,
    [
      JSON.stringify(created),
      ticketId,
      actor.kind,
      actor.kind === 'user' ? actor.userId : null,
      actor.kind === 'user' ? actor.displayName : actor.name,
      JSON.stringify(ledger),
    ],
  );
  return rows;
}

/** Running clocks whose next alert falls within the look-ahead window, with the database's time. */
export async function upcomingAlerts(
  db: Queryable,
  lookaheadMs: number,
): Promise<Array<{ clockId: number; generation: number; level: number; at: Date; now: Date }>> {
  const { rows } = await db.raw<{ rows: Array<{ clockId: number; generation: number; level: number; at: Date; now: Date }> }>(
    `select id as "clockId", generation, next_alert_level as level, next_alert_at as at, now() as now from sla_clocks
     where state = 'running' and next_alert_at > now() and next_alert_at <= now() + ? * interval '1 millisecond'
     order by next_alert_at limit 10000`,
    [lookaheadMs],
  );
  return rows;
}

/** The alert row of one level of one clock's deadline generation; undefined if it was written already. */
export async function insertAlert(
  trx: Tx,
  alert: {
    clockId: number;
    ticketId: number;
    generation: number;
    level: number;
    audience: string;
    dueAt: Date | null;
    via: 'job' | 'sweep';
  },
): Promise<{ id: number } | undefined> {
  const [row] = await trx('sla_alerts')
    .insert({
      clock_id: alert.clockId,
      ticket_id: alert.ticketId,
      generation: alert.generation,
      level: alert.level,
      audience: alert.audience,
      due_at: alert.dueAt,
      via: alert.via,
    })
    .onConflict(['clock_id', 'generation', 'level'])
    .ignore()
    .returning<Array<{ id: number }>>('id');
  return row;
}

/** The clock's next alert after one fired (and, at a breach, when it was first breached). */
export async function setNextAlert(
  trx: Tx,
  clockId: number,
  next: { level: number | null; at: Date | null; alertedLevel: number; now: Date; breached?: boolean },
): Promise<void> {
  await trx('sla_clocks')
    .update({
      next_alert_level: next.level,
      next_alert_at: next.at,
      alerted_level: next.alertedLevel,
      updated_at: next.now,
      ...(next.breached ? { breached_at: trx.raw('coalesce(breached_at, ?)', [next.now]) } : {}),
    })
    .where({ id: clockId });
}

/** A batch of the running clocks on a calendar, after an id, locked. */
export function runningOnCalendar(trx: Tx, calendarId: number, afterId: number, limit: number): Promise<ClockRecord[]> {
  return trx('sla_clocks')
    .select(clockSelect(trx))
    .where({ calendar_id: calendarId, state: 'running' })
    .andWhere('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .forUpdate();
}

/** New deadlines for many clocks at once (a new generation each). */
export async function retargetClocks(
  trx: Tx,
  changed: ReadonlyArray<{ id: number; due_at: Date | null; limit_ms: number; next_level: number | null; next_at: Date | null }>,
): Promise<void> {
  await trx.raw(
    `update sla_clocks c set due_at = v.due_at, limit_ms = v.limit_ms, generation = c.generation + 1,
            next_alert_level = v.next_level, next_alert_at = v.next_at, updated_at = now()
     from jsonb_to_recordset(?::jsonb) as v(id bigint, due_at timestamptz, limit_ms bigint, next_level int, next_at timestamptz)
     where c.id = v.id`,
    [JSON.stringify(changed)],
  );
}

/** A ticket's clocks and their ledger, in order. */
export async function clocksOfTicket(db: Queryable, ticketId: number) {
  const clocks: ClockRecord[] = await db('sla_clocks').select(clockSelect(db)).where({ ticket_id: ticketId }).orderBy('id');
  const events: Array<{ clockId: number }> = await db('sla_clock_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_user_id')
    .select({
      id: 'e.id',
      clockId: 'e.clock_id',
      type: 'e.type',
      dueAt: 'e.due_at',
      actorKind: 'e.actor_kind',
      actorName: db.raw('coalesce(u.display_name, e.actor_name)'),
      reason: 'e.reason',
      data: 'e.data',
      at: 'e.created_at',
    })
    .where('e.ticket_id', ticketId)
    .orderBy('e.id');
  return { clocks, events };
}
