import type { Tx } from '../db/db';
import type { Actor } from '../shared/roles';
import type { TicketAction } from '../tickets/ticket-lifecycle';
import type { TicketRecord } from '../tickets/ticket.types';
import type { ClockOp } from './clock-transitions';
import { clockRow, insertClocksWithLedger, newAssists, updateClocks, type ClockRecord, type LedgerEntry } from './clocks.repository';
import type { SlaConfigService, SlaSnapshot } from './sla-config.service';
import {
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

export function timingOf(clock: ClockRecord): ClockTiming {
  return { unit: clock.unit, limitMs: Number(clock.limitMs), usedMs: Number(clock.usedMs), basisAt: clock.basisAt, dueAt: clock.dueAt };
}

export function calendarOf(config: SlaConfigService, snapshot: SlaSnapshot, calendarId: number | null): { calendar: WorkingCalendar } {
  const own = calendarId === null ? undefined : snapshot.calendars.get(calendarId);
  return own ? { calendar: own.compiled } : config.calendarFor(snapshot, null);
}

/** The work of one transition on one ticket's open clocks, written at the end. */
export class ClockWork {
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
    // Changes first, on their own: a stage that ends and starts again must be closed before the new clock counts as open.
    await updateClocks(this.trx, changed);
    const rows = await insertClocksWithLedger(this.trx, ticket.id, created, ledger, this.change.actor);
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
