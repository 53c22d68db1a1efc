import type { Db, Tx } from '../db/db';
import { job, type UnitOfWork, type Work } from '../db/unit-of-work';
import type { JobOutcome } from '../jobs/queue';
import { refreshCachedDeadlines } from '../tickets/tickets.repository';
import { calendarOf, ClockWork, timingOf, type Planned, type ScheduledAlert, type Transition } from './clock-work';
import { clockTransitions } from './clock-transitions';
import * as repo from './clocks.repository';
import type { ClockRecord } from './clocks.repository';
import type { SlaAlerts } from './sla-alerts';
import { isProvisional, type SlaConfigService } from './sla-config.service';
import { alertKind, nextAlert, resumeTiming, startTiming, type ClockTiming } from './sla-rules';

export type { ClockRecord, ClockState } from './clocks.repository';
export type { Planned, ScheduledAlert } from './clock-work';

const sweepConcurrency = 4;
const slaActor = { kind: 'system' as const, name: 'sla' };

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
    private readonly work: UnitOfWork,
    private readonly alerts: SlaAlerts,
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
    const context = await repo.loadContext(trx, change.ticket);
    const { calendar, id: calendarId } = this.config.calendarFor(snapshot, context.regionPath);
    const clocks = new ClockWork(trx, snapshot, calendar, calendarId, context, change);
    for (const op of ops) await clocks.apply(op);
    return { ...(await clocks.commit()), now: context.now };
  }

  /**
   * After commit: a delayed job for each alert due within the look-ahead window (its id names the
   * deadline generation, so a moved deadline's job is stale). Delays come from the database's clock.
   */
  schedule(work: Work, alerts: readonly ScheduledAlert[], now: Date): void {
    for (const alert of alerts) {
      const delayMs = Math.max(0, alert.at.getTime() - now.getTime());
      if (delayMs > this.lookaheadMs) continue;
      const jobId = `sla-${alert.clockId}-${alert.generation}-${alert.level}-${alert.at.getTime()}`;
      work.enqueue(job('sla.alert', { clockId: alert.clockId, generation: alert.generation, level: alert.level }, { jobId, delayMs }));
    }
  }

  /** The alert job: fires the level if it is still the clock's next and due by the database's clock. */
  async alertJob(payload: { clockId: number; generation: number; level: number }): Promise<JobOutcome> {
    const outcome = await this.fire(payload, 'job');
    if (typeof outcome === 'object') {
      // Woken before the database says it is due (a capped delay, or another process's clock): wait again.
      await this.work.run(async (work) => this.schedule(work, [{ ...payload, at: outcome.dueAt }], outcome.now));
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
      const due = await repo.findDueAlerts(this.db, limit);
      // A few at a time: each alert is its own short transaction on its own clock.
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(sweepConcurrency, due.length) }, async () => {
          while (next < due.length) if ((await this.fire(due[next++]!, 'sweep')) === 'fired') fired += 1;
        }),
      );
      if (due.length < limit) break;
    }
    const upcoming = await repo.upcomingAlerts(this.db, this.lookaheadMs);
    if (upcoming.length > 0) await this.work.run(async (work) => this.schedule(work, upcoming, upcoming[0]!.now));
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
    return this.work.run(async (work): Promise<'fired' | 'stale' | { dueAt: Date; now: Date }> => {
      const trx = work.trx;
      const row = await repo.lockClock(trx, ref.clockId);
      if (!row || row.clock.state !== 'running' || row.clock.generation !== ref.generation || row.clock.nextAlertLevel !== ref.level)
        return 'stale';
      const { clock, now } = row;
      if (clock.nextAlertAt! > now) return { dueAt: clock.nextAlertAt!, now };
      const { calendar } = calendarOf(this.config, snapshot, clock.calendarId);
      const level = snapshot.levels.find((l) => l.level === ref.level);
      const alertedLevel = Math.max(clock.alertedLevel, ref.level);
      const next = nextAlert(snapshot.levels, timingOf(clock), calendar, { after: ref.level, now, everAlerted: alertedLevel });
      const following = { level: next?.level ?? null, at: next?.at ?? null, alertedLevel, now };
      const scheduleNext = () => this.schedule(work, next ? [{ clockId: clock.id, generation: clock.generation, ...next }] : [], now);
      if (!level) {
        // The ladder changed since this was planned: go on with the levels there are now.
        await repo.setNextAlert(trx, clock.id, following);
        scheduleNext();
        return 'stale';
      }
      const { dueAt, generation, ticketId } = clock;
      const alert = await repo.insertAlert(trx, {
        clockId: clock.id,
        ticketId,
        generation,
        level: level.level,
        audience: level.audience,
        dueAt,
        via,
      });
      if (!alert) return 'stale';
      const kind = alertKind(snapshot.levels, level.level);
      await repo.setNextAlert(trx, clock.id, { ...following, breached: kind === 'breach' });
      const data = { level: level.level, audience: level.audience, alertId: alert.id, via };
      await repo.insertLedger(
        trx,
        clock.ticketId,
        [{ clockId: clock.id, type: kind, dueAt: clock.dueAt, reason: level.name, data }],
        slaActor,
      );
      await this.alerts.deliver(work, { alertId: alert.id, clock, level, now });
      scheduleNext();
      return 'fired';
    });
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
      const outcome = await this.work.run(async (work) => {
        const trx = work.trx;
        const now = await repo.dbClock(trx);
        const clocks = await repo.runningOnCalendar(trx, calendarId, afterId, batch);
        const changed: Array<{ clock: ClockRecord; timing: ClockTiming; next?: { level: number; at: Date } }> = [];
        for (const clock of clocks) {
          const planned = clock.manualDue
            ? timingOf(clock)
            : { ...timingOf(clock), limitMs: startTiming(clock.startedAt, clock.amount, clock.unit, calendar).limitMs };
          const timing = resumeTiming(planned, clock.basisAt, calendar);
          if (timing.dueAt!.getTime() === clock.dueAt?.getTime() && timing.limitMs === clock.limitMs) continue;
          const next = nextAlert(snapshot.levels, timing, calendar, { after: -1, now, everAlerted: clock.alertedLevel });
          changed.push({ clock, timing, next });
        }
        if (changed.length > 0) {
          await repo.retargetClocks(
            trx,
            changed.map((c) => ({
              id: c.clock.id,
              due_at: c.timing.dueAt,
              limit_ms: c.timing.limitMs,
              next_level: c.next?.level ?? null,
              next_at: c.next?.at ?? null,
            })),
          );
          const ledger = changed.map((c) => ({
            clockId: c.clock.id,
            ticketId: c.clock.ticketId,
            type: 'retarget' as const,
            dueAt: c.timing.dueAt,
            reason: '工作日历变更',
            data: { previousDueAt: c.clock.dueAt, calendarId },
          }));
          await repo.insertLedger(trx, null, ledger, slaActor);
          await refreshCachedDeadlines(trx, [...new Set(changed.map((c) => c.clock.ticketId))]);
        }
        const scheduled = changed
          .filter((c) => c.next)
          .map((c) => ({ clockId: c.clock.id, generation: c.clock.generation + 1, ...c.next! }));
        this.schedule(work, scheduled, now);
        return { lastId: clocks.at(-1)?.id, count: clocks.length, moved: changed.length };
      });
      replanned += outcome.moved;
      if (outcome.count < batch || outcome.lastId === undefined) return replanned;
      afterId = outcome.lastId;
    }
  }

  /** Whether a deadline counts on a year whose holiday notice is not known yet (then it may move when it is imported). */
  async provisionalCheck(): Promise<(at: Date | null) => boolean> {
    const snapshot = await this.config.snapshot();
    return (at) => isProvisional(snapshot, at);
  }

  /** A ticket's clocks with their ledgers, in the order they started. */
  async ofTicket(ticketId: number): Promise<Array<ClockRecord & { provisional: boolean; ledger: unknown[] }>> {
    const { clocks, events } = await repo.clocksOfTicket(this.db, ticketId);
    const provisional = await this.provisionalCheck();
    return clocks.map((clock) => ({
      ...clock,
      provisional: clock.state === 'running' && provisional(clock.dueAt),
      ledger: events.filter((e) => e.clockId === clock.id),
    }));
  }
}
