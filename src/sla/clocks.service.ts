import type { Actor } from '../shared/roles';
import type { Db, Queryable, Tx } from '../db/db';
import type { JobOutcome, JobQueue } from '../jobs/queue';
import type { NotifyService } from '../notify/notify.service';
import type { Logger } from '../shared/logger';
import type { TicketAction } from '../tickets/ticket-lifecycle';
import type { TicketRecord } from '../tickets/ticket.types';
import { clockTransitions, type ClockOp } from './clock-transitions';
import type { SlaAlerts } from './sla-alerts';
import { isProvisional, type SlaConfigService, type SlaSnapshot } from './sla-config.service';
import {
  alertKind,
  elapsed,
  matchPolicy,
  nextAlert,
  pauseTiming,
  resumeTiming,
  startTiming,
  timingUntil,
  type ClockTiming,
  type Stage,
  type TicketFacts,
} from './sla-rules';
import type { LimitUnit, WorkingCalendar } from './working-calendar';

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

/** An alert to fire when due: the delayed job's payload and time. */
export interface ScheduledAlert {
  clockId: number;
  generation: number;
  level: number;
  at: Date;
}

/** The deadlines a ticket caches from its own open clocks (what "overdue" and the lists read). */
export type CachedDeadlines = Pick<TicketRecord, 'nextDueAt' | 'nextDueStage' | 'clocksPaused'> & Partial<Pick<TicketRecord, 'replyDueAt'>>;

/**
 * Alerts to schedule after the transaction commits, and the database's time they were planned at;
 * and the deadlines the ticket now caches, for the caller's write of the ticket row (one write per transition).
 */
export interface Planned {
  alerts: ScheduledAlert[];
  now?: Date;
  deadlines?: CachedDeadlines;
}

export interface Transition {
  action: TicketAction;
  /** The ticket after the change. */
  ticket: TicketRecord;
  actor: Actor;
  reason: string | null;
  data?: Record<string, unknown>;
  /** A deadline set by hand with this change: the dispatcher's, an approved extension's, or a 督办's. */
  replyDueAt?: Date | null;
}

type LedgerType = 'start' | 'pause' | 'resume' | 'stop' | 'cancel' | 'extend' | 'retarget' | 'warn' | 'breach' | 'escalate';
interface LedgerEntry {
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

const sweepConcurrency = 4;

/** The select list of a clock (numeric amount as a number). */
const clockSelect = (db: Queryable) => ({ ...clockColumns, amount: db.raw('amount::float8') });

/**
 * The stage clocks of every ticket. The ledger (sla_clock_events) is the truth; each clock row
 * is its current state, and the ticket caches its nearest deadline for queries. Clocks change
 * inside the lifecycle's transaction, by the table in clock-transitions.ts, always on the
 * database's clock. Alerts fire exactly once: a delayed job when due, a sweep for anything a
 * lost job missed, both through `fire`, which locks the clock and records the alert row.
 */
export class ClockService {
  constructor(
    private readonly db: Db,
    private readonly config: SlaConfigService,
    private readonly queue: JobQueue,
    private readonly notify: NotifyService,
    private readonly alerts: SlaAlerts,
    private readonly logger: Logger,
    /** Alerts due within this window get a delayed job; later ones are planned by a later sweep (Redis and timers stay small). */
    private readonly lookaheadMs: number,
  ) {}

  /**
   * Applies an action's clock changes in its transaction; returns the alerts to schedule after
   * commit (with the database's time) and the deadlines for the caller to write on the ticket.
   */
  async onTransition(trx: Tx, change: Transition): Promise<Planned> {
    const ops = clockTransitions[change.action];
    const none: Planned = { alerts: [] };
    if (!ops || ops.length === 0) return none;
    if (ops.some((op) => op.op === 'move_reply') && change.replyDueAt == null) return none;

    const snapshot = await this.config.snapshot();
    const context = await loadContext(trx, change.ticket);
    const { calendar, id: calendarId } = this.config.calendarFor(snapshot, context.regionPath);
    const work = new ClockWork(trx, snapshot, calendar, calendarId, context, change);
    for (const op of ops) await work.apply(op);
    return { ...(await work.commit()), now: context.now };
  }

  /**
   * After commit: a delayed job for each alert due within the look-ahead window (its id names the
   * deadline generation, so a moved deadline's job is stale). Delays come from the database's clock.
   */
  async schedule(alerts: readonly ScheduledAlert[], dbNow?: Date): Promise<void> {
    if (alerts.length === 0) return;
    const now = dbNow ?? (await dbClock(this.db));
    for (const alert of alerts) {
      const delayMs = Math.max(0, alert.at.getTime() - now.getTime());
      if (delayMs > this.lookaheadMs) continue;
      await this.queue.enqueue(
        'sla.alert',
        { clockId: alert.clockId, generation: alert.generation, level: alert.level },
        { jobId: `sla-${alert.clockId}-${alert.generation}-${alert.level}-${alert.at.getTime()}`, delayMs },
      );
    }
  }

  /** The alert job: fires the level if it is still the clock's next and due by the database's clock. */
  async alertJob(payload: { clockId: number; generation: number; level: number }): Promise<JobOutcome> {
    const outcome = await this.fire(payload, 'job');
    if (typeof outcome === 'object') {
      // Woken before the database says it is due (a capped delay, or another process's clock): wait again.
      await this.schedule([{ ...payload, at: outcome.dueAt }], outcome.now);
      return 'skipped';
    }
    return outcome === 'fired' ? 'done' : 'skipped';
  }

  /**
   * The sweep, on every worker: fires every running clock's alert that is due (found by an indexed
   * query, so a lost job, a Redis flush or a dead worker loses nothing), then gives the alerts due
   * within the look-ahead window their delayed jobs (the same ids: enqueued once however often).
   */
  async sweep(limit = 500): Promise<number> {
    let fired = 0;
    for (;;) {
      const due = await findDueAlerts(this.db, limit);
      // A few at a time: each alert is its own short transaction on its own clock.
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(sweepConcurrency, due.length) }, async () => {
          while (next < due.length) if ((await this.fire(due[next++]!, 'sweep')) === 'fired') fired += 1;
        }),
      );
      if (due.length < limit) break;
    }
    const { rows } = await this.db.raw<{ rows: Array<{ clockId: number; generation: number; level: number; at: Date; now: Date }> }>(
      `select id as "clockId", generation, next_alert_level as level, next_alert_at as at, now() as now from sla_clocks
       where state = 'running' and next_alert_at > now() and next_alert_at <= now() + ? * interval '1 millisecond'
       order by next_alert_at limit 10000`,
      [this.lookaheadMs],
    );
    if (rows.length > 0) await this.schedule(rows, rows[0]!.now);
    return fired;
  }

  /**
   * Fires one level of one clock, once: under the clock's row lock the alert row is written,
   * the ledger notes the warning, breach or escalation, notifications and outbox rows are
   * written, and the next level is set. A stale reference (moved deadline, stopped clock,
   * level already fired) does nothing.
   */
  async fire(
    ref: { clockId: number; generation: number; level: number },
    via: 'job' | 'sweep',
  ): Promise<'fired' | 'stale' | { dueAt: Date; now: Date }> {
    const snapshot = await this.config.snapshot();
    type Fired = { fired: boolean; scheduled: ScheduledAlert[]; outbox: Array<{ id: number; channel: string }>; now: Date };
    const result = await this.db.transaction(async (trx): Promise<'stale' | { dueAt: Date; now: Date } | Fired> => {
      const row = await lockClock(trx, ref.clockId);
      if (!row || row.clock.state !== 'running' || row.clock.generation !== ref.generation || row.clock.nextAlertLevel !== ref.level)
        return 'stale' as const;
      const { clock, now } = row;
      if (clock.nextAlertAt! > now) return { dueAt: clock.nextAlertAt!, now };
      const { calendar } = calendarOf(this.config, snapshot, clock.calendarId);
      const level = snapshot.levels.find((l) => l.level === ref.level);
      const timing = timingOf(clock);
      const next = nextAlert(snapshot.levels, timing, calendar, {
        after: ref.level,
        now,
        everAlerted: Math.max(clock.alertedLevel, ref.level),
      });
      const update = {
        next_alert_level: next?.level ?? null,
        next_alert_at: next?.at ?? null,
        alerted_level: Math.max(clock.alertedLevel, ref.level),
        updated_at: now,
      };
      if (!level) {
        // The ladder changed since this was planned: go on with the levels there are now.
        await trx('sla_clocks').update(update).where({ id: clock.id });
        return { fired: false, scheduled: next ? [{ clockId: clock.id, generation: clock.generation, ...next }] : [], outbox: [], now };
      }
      const [alert] = await trx('sla_alerts')
        .insert({
          clock_id: clock.id,
          ticket_id: clock.ticketId,
          generation: clock.generation,
          level: level.level,
          audience: level.audience,
          due_at: clock.dueAt,
          via,
        })
        .onConflict(['clock_id', 'generation', 'level'])
        .ignore()
        .returning<Array<{ id: number }>>('id');
      if (!alert) return 'stale' as const;
      const kind = alertKind(snapshot.levels, level.level);
      await trx('sla_clocks')
        .update({ ...update, ...(kind === 'breach' ? { breached_at: trx.raw('coalesce(breached_at, ?)', [now]) } : {}) })
        .where({ id: clock.id });
      await insertLedger(
        trx,
        clock.ticketId,
        [
          {
            clockId: clock.id,
            type: kind,
            dueAt: clock.dueAt,
            reason: level.name,
            data: { level: level.level, audience: level.audience, alertId: alert.id, via },
          },
        ],
        {
          kind: 'system',
          name: 'sla',
        },
      );
      const outbox = await this.alerts.deliver(trx, { alertId: alert.id, clock, level, now });
      return { fired: true, scheduled: next ? [{ clockId: clock.id, generation: clock.generation, ...next }] : [], outbox, now };
    });
    if (result === 'stale' || 'dueAt' in result) return result;
    await this.afterCommit(async () => {
      await this.notify.written(result.outbox);
      await this.schedule(result.scheduled, result.now);
    });
    return result.fired ? 'fired' : 'stale';
  }

  /**
   * A calendar changed (an extra holiday, other hours): the running clocks on it get their
   * deadlines again, in batches of set-based updates, and their alerts are re-planned.
   * Returns how many deadlines moved.
   */
  async replanCalendar(calendarId: number, batch = 5_000): Promise<number> {
    const snapshot = await this.config.snapshot();
    const { calendar } = calendarOf(this.config, snapshot, calendarId);
    let afterId = 0;
    let replanned = 0;
    for (;;) {
      const outcome = await this.db.transaction(async (trx) => {
        const now = await dbClock(trx);
        const clocks: ClockRecord[] = await trx('sla_clocks')
          .select(clockSelect(trx))
          .where({ calendar_id: calendarId, state: 'running' })
          .andWhere('id', '>', afterId)
          .orderBy('id')
          .limit(batch)
          .forUpdate();
        const changed: Array<{ clock: ClockRecord; timing: ClockTiming; next?: { level: number; at: Date } }> = [];
        for (const clock of clocks) {
          const planned = clock.manualDue
            ? timingOf(clock)
            : { ...timingOf(clock), limitMs: startTiming(clock.startedAt, clock.amount, clock.unit, calendar).limitMs };
          const timing = resumeTiming(planned, clock.basisAt, calendar);
          if (timing.dueAt!.getTime() === clock.dueAt?.getTime() && timing.limitMs === clock.limitMs) continue;
          changed.push({
            clock,
            timing,
            next: nextAlert(snapshot.levels, timing, calendar, { after: -1, now, everAlerted: clock.alertedLevel }),
          });
        }
        if (changed.length > 0) {
          await trx.raw(
            `update sla_clocks c set due_at = v.due_at, limit_ms = v.limit_ms, generation = c.generation + 1,
                    next_alert_level = v.next_level, next_alert_at = v.next_at, updated_at = now()
             from jsonb_to_recordset(?::jsonb) as v(id bigint, due_at timestamptz, limit_ms bigint, next_level int, next_at timestamptz)
             where c.id = v.id`,
            [
              JSON.stringify(
                changed.map((c) => ({
                  id: c.clock.id,
                  due_at: c.timing.dueAt,
                  limit_ms: c.timing.limitMs,
                  next_level: c.next?.level ?? null,
                  next_at: c.next?.at ?? null,
                })),
              ),
            ],
          );
          await insertLedger(
            trx,
            null,
            changed.map((c) => ({
              clockId: c.clock.id,
              ticketId: c.clock.ticketId,
              type: 'retarget' as const,
              dueAt: c.timing.dueAt,
              reason: '工作日历变更',
              data: { previousDueAt: c.clock.dueAt, calendarId },
            })),
            { kind: 'system', name: 'sla' },
          );
          await refreshTicketDeadlines(trx, [...new Set(changed.map((c) => c.clock.ticketId))]);
        }
        return {
          lastId: clocks.at(-1)?.id,
          count: clocks.length,
          moved: changed.length,
          now,
          scheduled: changed.filter((c) => c.next).map((c) => ({ clockId: c.clock.id, generation: c.clock.generation + 1, ...c.next! })),
        };
      });
      replanned += outcome.moved;
      await this.afterCommit(() => this.schedule(outcome.scheduled, outcome.now));
      if (outcome.count < batch || outcome.lastId === undefined) return replanned;
      afterId = outcome.lastId;
    }
  }

  /** A ticket's clocks with their ledgers, in the order they started. */
  /** Whether a deadline counts on a year whose holiday notice is not known yet (then it may move when it is imported). */
  async provisionalCheck(): Promise<(at: Date | null) => boolean> {
    const snapshot = await this.config.snapshot();
    return (at) => isProvisional(snapshot, at);
  }

  async ofTicket(ticketId: number): Promise<Array<ClockRecord & { provisional: boolean; ledger: unknown[] }>> {
    const clocks: ClockRecord[] = await this.db('sla_clocks').select(clockSelect(this.db)).where({ ticket_id: ticketId }).orderBy('id');
    const provisional = await this.provisionalCheck();
    const events = await this.db('sla_clock_events as e')
      .leftJoin('users as u', 'u.id', 'e.actor_user_id')
      .select({
        id: 'e.id',
        clockId: 'e.clock_id',
        type: 'e.type',
        dueAt: 'e.due_at',
        actorKind: 'e.actor_kind',
        actorName: this.db.raw('coalesce(u.display_name, e.actor_name)'),
        reason: 'e.reason',
        data: 'e.data',
        at: 'e.created_at',
      })
      .where('e.ticket_id', ticketId)
      .orderBy('e.id');
    return clocks.map((clock) => ({
      ...clock,
      provisional: clock.state === 'running' && provisional(clock.dueAt),
      ledger: events.filter((e: { clockId: number }) => e.clockId === clock.id),
    }));
  }

  private async afterCommit(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.logger.error({ err }, 'scheduling an SLA alert failed; the sweep will find it');
    }
  }
}

/** The work of one transition on one ticket's open clocks, written at the end. */
class ClockWork {
  private readonly ledger: Array<Omit<LedgerEntry, 'clockId'> & { clock: ClockRecord }> = [];
  /** Changed clocks, and new ones (id 0 until inserted at commit, after the changes, so a stage can end and start again). */
  private readonly dirty = new Set<ClockRecord>();
  private readonly created: ClockRecord[] = [];
  private readonly facts: TicketFacts;

  constructor(
    private readonly trx: Tx,
    private readonly snapshot: SlaSnapshot,
    private readonly calendar: WorkingCalendar,
    private readonly calendarId: number | null,
    private readonly context: { now: Date; regionPath: string | null; clocks: ClockRecord[]; hasDispatchClock: boolean },
    private readonly change: Transition,
  ) {
    const ticket = change.ticket;
    this.facts = {
      requestType: ticket.requestType,
      urgency: ticket.urgency,
      categoryId: ticket.categoryId,
      categoryParentId: ticket.categoryId === null ? null : (snapshot.categoryParents.get(ticket.categoryId) ?? null),
      matter: ticket.matter,
    };
  }

  private get now(): Date {
    return this.context.now;
  }

  private open(of: 'lead' | 'assists' | 'all', stages?: readonly Stage[] | 'all'): ClockRecord[] {
    return this.context.clocks.filter(
      (c) =>
        (c.state === 'running' || c.state === 'paused') &&
        (of === 'all' || (of === 'lead' ? c.assignmentId === null : c.assignmentId !== null)) &&
        (stages === undefined || stages === 'all' || stages.includes(c.stage)),
    );
  }

  async apply(op: ClockOp): Promise<void> {
    const departmentId = (this.change.data?.departmentId as number | undefined) ?? undefined;
    switch (op.op) {
      case 'start':
        if (op.of === 'lead') return this.start(op.stage, null, this.leadDepartment(op.stage));
        for (const assignment of await newAssists(this.trx, this.change.ticket.id, op.stage))
          await this.start(op.stage, assignment.id, assignment.departmentId);
        return;
      case 'stop':
        for (const clock of op.of === 'lead'
          ? this.open('lead', op.stages)
          : this.open('assists', op.stages).filter((c) => c.departmentId === departmentId))
          this.end(clock, 'stop');
        return;
      case 'cancel': {
        const clocks =
          op.of === 'all'
            ? this.open('all')
            : op.of === 'lead'
              ? this.open('lead', op.stages)
              : this.open('assists', op.stages).filter((c) => c.departmentId === departmentId);
        for (const clock of clocks) this.end(clock, 'cancel');
        return;
      }
      case 'pause':
        for (const clock of this.open('all').filter((c) => c.state === 'running')) {
          this.set(clock, {
            state: 'paused',
            ...pauseTiming(timingOf(clock), this.now, this.calendarFor(clock)),
            nextAlertLevel: null,
            nextAlertAt: null,
          });
          this.ledger.push({ clock, type: 'pause', dueAt: null, reason: this.change.reason });
        }
        return;
      case 'resume':
        for (const clock of this.open('all').filter((c) => c.state === 'paused')) {
          const timing = resumeTiming(timingOf(clock), this.now, this.calendarFor(clock));
          this.replace(clock, timing, { state: 'running' });
          this.ledger.push({ clock, type: 'resume', dueAt: timing.dueAt, reason: this.change.reason });
        }
        return;
      case 'move_reply': {
        const dueAt = this.change.replyDueAt!;
        const clock = this.open('lead', ['reply'])[0];
        if (!clock) return this.start('reply', null, this.leadDepartment('reply'), dueAt, op.kind);
        const calendar = this.calendarFor(clock);
        const current = timingOf(clock);
        const used =
          current.usedMs + (clock.state === 'running' ? Math.max(0, elapsed(clock.unit, current.basisAt, this.now, calendar)) : 0);
        const previousDueAt = clock.dueAt;
        this.replace(clock, timingUntil(this.now, dueAt, clock.unit, used, calendar), {
          state: 'running',
          manualDue: true,
          extensions: clock.extensions + (op.kind === 'extend' ? 1 : 0),
        });
        this.ledger.push({ clock, type: op.kind, dueAt, reason: this.change.reason, data: { previousDueAt } });
        return;
      }
      case 'start_dispatch':
        if (this.context.hasDispatchClock || this.change.ticket.reopenCount > 0) return;
        this.context.hasDispatchClock = true;
        return this.start('dispatch', null, null, undefined, undefined, this.change.ticket.createdAt);
      case 'replan':
        // The classifier's suggestion changes no limit unless it filled something in.
        if (this.change.action === 'classify' && Object.keys((this.change.data?.applied as object | undefined) ?? {}).length === 0) return;
        for (const clock of this.open('all').filter((c) => !c.manualDue)) {
          const policy = matchPolicy(this.snapshot.policies, clock.stage, this.facts);
          if (!policy || policy.id === clock.policyId) continue;
          const calendar = this.calendarFor(clock);
          const planned = {
            ...timingOf(clock),
            unit: policy.unit,
            limitMs: startTiming(clock.startedAt, policy.amount, policy.unit, calendar).limitMs,
          };
          const data = { previousPolicyId: clock.policyId, policyId: policy.id, previousDueAt: clock.dueAt };
          if (clock.state === 'paused') {
            this.set(clock, { policyId: policy.id, amount: policy.amount, unit: policy.unit, limitMs: planned.limitMs });
            this.ledger.push({ clock, type: 'retarget', dueAt: null, reason: `时限政策：${policy.name}`, data });
          } else {
            const timing = resumeTiming(planned, clock.basisAt, calendar);
            this.replace(clock, timing, { policyId: policy.id, amount: policy.amount, unit: policy.unit });
            this.ledger.push({ clock, type: 'retarget', dueAt: timing.dueAt, reason: `时限政策：${policy.name}`, data });
          }
        }
        return;
    }
  }

  /** The center holds the dispatch and callback stages; the lead department the others (the hard-case ones too). */
  private leadDepartment(stage: Stage): number | null {
    return stage === 'dispatch' || stage === 'callback' ? null : this.change.ticket.leadDepartmentId;
  }

  private calendarFor(clock: ClockRecord): WorkingCalendar {
    return clock.calendarId === this.calendarId || clock.calendarId === null
      ? this.calendar
      : (this.snapshot.calendars.get(clock.calendarId)?.compiled ?? this.calendar);
  }

  /** A new clock, from now or (the dispatch clock) from when the ticket was taken. */
  private async start(
    stage: Stage,
    assignmentId: number | null,
    departmentId: number | null,
    dueAt?: Date,
    how?: 'extend' | 'retarget',
    from: Date = this.now,
  ): Promise<void> {
    const explicit = dueAt ?? (stage === 'reply' && assignmentId === null ? (this.change.replyDueAt ?? undefined) : undefined);
    const policy = matchPolicy(this.snapshot.policies, stage, this.facts);
    if (!policy && !explicit) return;
    const unit: LimitUnit = policy?.unit ?? 'natural_hours';
    const timing = explicit
      ? timingUntil(from, explicit, unit, 0, this.calendar)
      : startTiming(from, policy!.amount, policy!.unit, this.calendar);
    const next = nextAlert(this.snapshot.levels, timing, this.calendar, { after: -1, now: this.now, everAlerted: -1 });
    const clock: ClockRecord = {
      id: 0,
      ticketId: this.change.ticket.id,
      assignmentId,
      departmentId,
      stage,
      cycle: this.change.ticket.reopenCount,
      policyId: policy?.id ?? null,
      calendarId: this.calendarId,
      amount: policy?.amount ?? timing.limitMs / 3_600_000,
      unit,
      state: 'running',
      startedAt: from,
      limitMs: timing.limitMs,
      usedMs: 0,
      basisAt: from,
      dueAt: timing.dueAt,
      stoppedAt: null,
      breachedAt: null,
      extensions: 0,
      manualDue: explicit !== undefined,
      generation: 1,
      nextAlertLevel: next?.level ?? null,
      nextAlertAt: next?.at ?? null,
      alertedLevel: -1,
    };
    this.context.clocks.push(clock);
    this.created.push(clock);
    const source = explicit ? (how === 'retarget' ? '督办指定时限' : '派单指定时限') : policy!.name;
    this.ledger.push({
      clock,
      type: 'start',
      dueAt: timing.dueAt,
      reason: source,
      data: { policyId: policy?.id ?? null, calendarId: this.calendarId, ...(assignmentId ? { assignmentId, departmentId } : {}) },
    });
  }

  /** Stop (done: on time or late) or cancel (no longer this stage's business). */
  private end(clock: ClockRecord, how: 'stop' | 'cancel'): void {
    const late = how === 'stop' && clock.dueAt !== null && clock.dueAt < this.now;
    const department = clock.assignmentId === null ? this.leadDepartment(clock.stage) : clock.departmentId;
    this.set(clock, {
      state: how === 'stop' ? 'stopped' : 'cancelled',
      stoppedAt: this.now,
      nextAlertLevel: null,
      nextAlertAt: null,
      departmentId: department,
      ...(late && clock.breachedAt === null ? { breachedAt: this.now } : {}),
    });
    this.ledger.push({
      clock,
      type: how,
      dueAt: clock.dueAt,
      reason: this.change.reason,
      data: { action: this.change.action, ...(how === 'stop' ? { onTime: !late } : {}) },
    });
  }

  /** A new deadline: a new generation, so alert jobs of the old one do nothing. */
  private replace(clock: ClockRecord, timing: ClockTiming, extra: Partial<ClockRecord>): void {
    const next = nextAlert(this.snapshot.levels, timing, this.calendarFor(clock), {
      after: -1,
      now: this.now,
      everAlerted: clock.alertedLevel,
    });
    this.set(clock, {
      ...extra,
      ...timing,
      generation: clock.generation + 1,
      nextAlertLevel: next?.level ?? null,
      nextAlertAt: next?.at ?? null,
    });
  }

  private set(clock: ClockRecord, patch: Partial<ClockRecord>): void {
    Object.assign(clock, patch);
    this.dirty.add(clock);
  }

  /**
   * Writes the transition in at most two statements: the changed clocks; then the new clocks and
   * the ledger entries (new clocks' found by their stage). Returns the alerts to plan and the
   * deadlines the ticket caches — computed here from the ticket's open clocks, all of which this
   * transition holds (refreshTicketDeadlines is the set-based twin for bulk re-plans) — which the
   * caller writes with the rest of the ticket's change.
   */
  async commit(): Promise<{ alerts: ScheduledAlert[]; deadlines: CachedDeadlines }> {
    const ticket = this.change.ticket;
    // Running lead clocks of the department's stages follow the lead (transfer, upheld return).
    for (const clock of this.open('lead', ['sign_for', 'first_contact', 'reply'])) {
      if (clock.departmentId !== ticket.leadDepartmentId) this.set(clock, { departmentId: ticket.leadDepartmentId });
    }
    const changed = [...this.dirty].filter((c) => c.id !== 0).map((c) => ({ id: c.id, ...clockRow(c) }));
    const created = this.created.map((c, ord) => ({ ...clockRow(c), ord }));
    const ledger = this.ledger.map(({ clock, ...entry }, ord) => ({
      clock_id: clock.id === 0 ? null : clock.id,
      stage: clock.stage,
      a: clock.assignmentId ?? 0,
      type: entry.type,
      due_at: entry.dueAt,
      reason: entry.reason,
      data: entry.data ?? null,
      ord,
    }));
    const running = this.context.clocks.filter((c) => c.assignmentId === null && c.state === 'running' && c.dueAt !== null);
    const next = [...running].sort((a, b) => a.dueAt!.getTime() - b.dueAt!.getTime())[0];
    const reply = running.filter((c) => c.stage === 'reply').at(-1);
    const paused = this.context.clocks.some((c) => c.state === 'paused');
    const actor = this.change.actor;
    // Changes first, on their own: a stage that ends and starts again must be closed before the new clock counts as open.
    if (changed.length > 0) {
      await this.trx.raw(
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
    const { rows } = await this.trx.raw<{ rows: Array<{ id: number; stage: Stage; a: number }> }>(
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
        ticket.id,
        actor.kind,
        actor.kind === 'user' ? actor.userId : null,
        actor.kind === 'user' ? actor.displayName : actor.name,
        JSON.stringify(ledger),
      ],
    );
    for (const clock of this.created) clock.id = rows.find((r) => r.stage === clock.stage && Number(r.a) === (clock.assignmentId ?? 0))!.id;
    // What is planned at the end of the transition: the next alert of each running clock it touched.
    const alerts = [...new Set([...this.dirty, ...this.created])]
      .filter((c) => c.state === 'running' && c.nextAlertLevel !== null)
      .map((c) => ({ clockId: c.id, generation: c.generation, level: c.nextAlertLevel!, at: c.nextAlertAt! }));
    // No running reply clock: the reply deadline stays as the ticket has it (the last one, or one set by hand).
    const deadlines: CachedDeadlines = {
      nextDueAt: next?.dueAt ?? null,
      nextDueStage: next?.stage ?? null,
      clocksPaused: paused,
      ...(reply ? { replyDueAt: reply.dueAt } : {}),
    };
    return { alerts, deadlines };
  }
}

/** A clock as its row is written (the alert bookkeeping is fire()'s). */
function clockRow(c: ClockRecord): Record<string, unknown> {
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

function timingOf(clock: ClockRecord): ClockTiming {
  return { unit: clock.unit, limitMs: Number(clock.limitMs), usedMs: Number(clock.usedMs), basisAt: clock.basisAt, dueAt: clock.dueAt };
}

function calendarOf(config: SlaConfigService, snapshot: SlaSnapshot, calendarId: number | null): { calendar: WorkingCalendar } {
  const own = calendarId === null ? undefined : snapshot.calendars.get(calendarId);
  return own ? { calendar: own.compiled } : config.calendarFor(snapshot, null);
}

async function dbClock(db: Queryable): Promise<Date> {
  const { rows } = await db.raw<{ rows: Array<{ now: Date }> }>('select now() as now');
  return rows[0]!.now;
}

/** The database's time, the ticket's place and its open clocks, in one round trip. */
async function loadContext(
  trx: Tx,
  ticket: TicketRecord,
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

async function lockClock(trx: Tx, clockId: number): Promise<{ clock: ClockRecord; now: Date } | undefined> {
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
async function newAssists(trx: Tx, ticketId: number, stage: Stage): Promise<Array<{ id: number; departmentId: number }>> {
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

async function insertLedger(
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

/** The deadlines cached on tickets: the nearest running deadline of the ticket's own clocks, and the open reply deadline. */
export async function refreshTicketDeadlines(trx: Queryable, ticketIds: readonly number[]): Promise<void> {
  if (ticketIds.length === 0) return;
  await trx.raw(
    `update tickets t set
       next_due_at = n.due_at,
       next_due_stage = n.stage,
       clocks_paused = n.paused,
       reply_due_at = coalesce(n.reply_due_at, t.reply_due_at)
     from (
       select x.id,
              min(c.due_at) filter (where c.assignment_id is null and c.state = 'running') as due_at,
              (array_agg(c.stage order by c.due_at) filter (where c.assignment_id is null and c.state = 'running'))[1] as stage,
              coalesce(bool_or(c.state = 'paused'), false) as paused,
              (array_agg(c.due_at order by c.id desc) filter (where c.assignment_id is null and c.stage = 'reply' and c.state = 'running'))[1] as reply_due_at
       from unnest(?::bigint[]) as x(id)
       left join sla_clocks c on c.ticket_id = x.id and c.state in ('running', 'paused')
       group by x.id
     ) n
     where t.id = n.id`,
    [[...ticketIds]],
  );
}
