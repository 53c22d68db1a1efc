import type { RequestType, Urgency } from '../tickets/ticket.types';
import type { Stage } from './stages';
import { addWorkingTime, workingTimeBetween, type LimitUnit, type WorkingCalendar } from './working-calendar';

/**
 * The SLA rules as pure functions: which policy sets a stage's limit, which policies would
 * collide, how the alert ladder is checked, and the timing of a clock (its deadline, its
 * pauses, its alerts) on a working calendar. The clock service does the storage.
 */

export { audienceLabels, stageLabels, stages, type Stage } from './stages';

export const limitUnits = ['working_days', 'working_hours', 'natural_hours'] as const satisfies readonly LimitUnit[];

export const audiences = ['assignee', 'dept_head', 'supervisor', 'director'] as const;
export type Audience = (typeof audiences)[number];

export interface Policy {
  id: number;
  name: string;
  stage: Stage;
  requestType: RequestType | null;
  urgency: Urgency | null;
  categoryId: number | null;
  matter: string | null;
  amount: number;
  unit: LimitUnit;
  priority: number;
}

/** What a policy can match on, for one ticket. */
export interface TicketFacts {
  requestType: RequestType;
  urgency: Urgency;
  categoryId: number | null;
  /** The parent of the ticket's category: a policy on a level-1 category covers its children. */
  categoryParentId: number | null;
  matter: string | null;
}

function policyMatches(policy: Policy, facts: TicketFacts): boolean {
  return (
    (policy.requestType === null || policy.requestType === facts.requestType) &&
    (policy.urgency === null || policy.urgency === facts.urgency) &&
    (policy.categoryId === null || policy.categoryId === facts.categoryId || policy.categoryId === facts.categoryParentId) &&
    (policy.matter === null || policy.matter === facts.matter)
  );
}

/** The stage's policy for a ticket: the matching one of highest priority (two that can match one ticket never share a priority). */
export function matchPolicy(policies: readonly Policy[], stage: Stage, facts: TicketFacts): Policy | undefined {
  let best: Policy | undefined;
  for (const policy of policies) {
    if (policy.stage !== stage || !policyMatches(policy, facts)) continue;
    if (!best || policy.priority > best.priority || (policy.priority === best.priority && policy.id < best.id)) best = policy;
  }
  return best;
}

/**
 * A policy of the same stage and priority that could match a ticket this one matches: then
 * which applies would be a coin toss, so the second is refused. Criteria overlap when either
 * is open or both are equal; categories also when one is the other's parent.
 */
export function findOverlap(
  policies: readonly Policy[],
  candidate: Omit<Policy, 'id'> & { id?: number },
  parentOf: (categoryId: number) => number | null,
): Policy | undefined {
  const open = <T>(a: T | null, b: T | null) => a === null || b === null || a === b;
  return policies.find(
    (p) =>
      p.id !== candidate.id &&
      p.stage === candidate.stage &&
      p.priority === candidate.priority &&
      open(p.requestType, candidate.requestType) &&
      open(p.urgency, candidate.urgency) &&
      open(p.matter, candidate.matter) &&
      (open(p.categoryId, candidate.categoryId) ||
        parentOf(p.categoryId!) === candidate.categoryId ||
        parentOf(candidate.categoryId!) === p.categoryId),
  );
}

export interface AlertLevel {
  level: number;
  name: string;
  audience: Audience;
  /** A warning before the deadline, when this share of the limit is used (yellow: 0.8). */
  atShare: number | null;
  /** Or this long after the deadline (red: 0; each escalation later). */
  afterAmount: number | null;
  afterUnit: LimitUnit | null;
  /** Also by SMS to the people alerted. */
  sms: boolean;
}

/** The ladder must climb: warnings by growing share first, then the deadline and escalations; a refusal message, or undefined. */
export function checkLadder(levels: readonly AlertLevel[]): string | undefined {
  if (levels.length === 0) return 'the alert ladder needs at least one level';
  const sorted = [...levels].sort((a, b) => a.level - b.level);
  if (new Set(sorted.map((l) => l.level)).size !== sorted.length) return 'alert levels must be unique';
  if (!sorted.some((l) => l.afterAmount !== null)) return 'the alert ladder needs a level at the deadline (afterAmount 0)';
  let seenAfter = false;
  for (let i = 0; i < sorted.length; i++) {
    const level = sorted[i]!;
    const previous = sorted[i - 1];
    if ((level.atShare === null) === (level.afterAmount === null))
      return `level ${level.level}: give either atShare or afterAmount + afterUnit`;
    if (level.atShare !== null) {
      if (seenAfter) return `level ${level.level}: a warning before the deadline (atShare) cannot come after a level at or past it`;
      if (!(level.atShare > 0 && level.atShare < 1)) return `level ${level.level}: atShare must be between 0 and 1 (exclusive)`;
      if (previous?.atShare != null && level.atShare <= previous.atShare) return `level ${level.level}: shares must grow level by level`;
    } else {
      if (level.afterUnit === null || !(level.afterAmount! >= 0)) return `level ${level.level}: afterAmount must be ≥ 0 with an afterUnit`;
      if (previous?.afterAmount != null && previous.afterUnit === level.afterUnit && level.afterAmount! <= previous.afterAmount) {
        return `level ${level.level}: each escalation must come later than the one before`;
      }
      seenAfter = true;
    }
  }
  return undefined;
}

/** The timing of a running or paused clock. */
export interface ClockTiming {
  unit: LimitUnit;
  /** The whole limit in working (natural_hours: clock) milliseconds. */
  limitMs: number;
  /** Used before basisAt. */
  usedMs: number;
  /** The start, or the last resume or move. */
  basisAt: Date;
  /** Null while paused. */
  dueAt: Date | null;
}

const hourMs = 3_600_000;
const clockUnit = (unit: LimitUnit): LimitUnit => (unit === 'natural_hours' ? 'natural_hours' : 'working_hours');

/** Time counted by the clock between a and b. */
export function elapsed(unit: LimitUnit, a: Date, b: Date, calendar: WorkingCalendar): number {
  return unit === 'natural_hours' ? b.getTime() - a.getTime() : workingTimeBetween(a, b, calendar);
}

/** A new clock's deadline and the size of its limit. */
export function startTiming(at: Date, amount: number, unit: LimitUnit, calendar: WorkingCalendar): ClockTiming {
  const dueAt = addWorkingTime(at, amount, unit, calendar);
  return { unit, limitMs: Math.max(elapsed(unit, at, dueAt, calendar), 1), usedMs: 0, basisAt: at, dueAt };
}

/** A clock given an explicit deadline (an operator's or a supervisor's). */
export function timingUntil(at: Date, dueAt: Date, unit: LimitUnit, usedMs: number, calendar: WorkingCalendar): ClockTiming {
  return { unit, limitMs: Math.max(usedMs + elapsed(unit, at, dueAt, calendar), 1), usedMs, basisAt: at, dueAt };
}

export function pauseTiming(timing: ClockTiming, at: Date, calendar: WorkingCalendar): ClockTiming {
  return { ...timing, usedMs: timing.usedMs + Math.max(0, elapsed(timing.unit, timing.basisAt, at, calendar)), basisAt: at, dueAt: null };
}

/** Resumed (or re-planned): the rest of the limit counted from `at`. */
export function resumeTiming(timing: ClockTiming, at: Date, calendar: WorkingCalendar): ClockTiming {
  const remaining = Math.max(0, timing.limitMs - timing.usedMs);
  return { ...timing, basisAt: at, dueAt: addWorkingTime(at, remaining / hourMs, clockUnit(timing.unit), calendar) };
}

/** When a level of the ladder is due for a clock. */
function levelTime(level: AlertLevel, timing: ClockTiming, calendar: WorkingCalendar): Date {
  if (level.atShare !== null) {
    const left = Math.max(0, level.atShare * timing.limitMs - timing.usedMs);
    return addWorkingTime(timing.basisAt, left / hourMs, clockUnit(timing.unit), calendar);
  }
  return addWorkingTime(timing.dueAt!, level.afterAmount!, level.afterUnit!, calendar);
}

/**
 * The next alert of a running clock after `alertedLevel` in this deadline generation. After a
 * deadline moved, levels already past are skipped, except the highest of them when the clock
 * was never alerted that high (it fires at once: a tightened deadline is already overdue).
 */
export function nextAlert(
  levels: readonly AlertLevel[],
  timing: ClockTiming,
  calendar: WorkingCalendar,
  options: { after: number; now: Date; everAlerted: number },
): { level: number; at: Date } | undefined {
  if (timing.dueAt === null) return undefined;
  let catchUp: { level: number; at: Date } | undefined;
  for (const level of [...levels].sort((a, b) => a.level - b.level)) {
    if (level.level <= options.after) continue;
    const at = levelTime(level, timing, calendar);
    if (at > options.now) return catchUp ?? { level: level.level, at };
    if (level.level > options.everAlerted) catchUp = { level: level.level, at: options.now };
  }
  return catchUp;
}

/** The ledger's name for firing a level: a warning, the breach, or an escalation. */
export function alertKind(levels: readonly AlertLevel[], level: number): 'warn' | 'breach' | 'escalate' {
  const found = levels.find((l) => l.level === level);
  if (!found || found.atShare !== null) return 'warn';
  const firstAfter = [...levels].filter((l) => l.afterAmount !== null).sort((a, b) => a.level - b.level)[0];
  return firstAfter?.level === level ? 'breach' : 'escalate';
}

/** "3 小时 20 分" for a duration. */
export function humanDuration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  return [days ? `${days} 天` : '', hours ? `${hours} 小时` : '', rest || (!days && !hours) ? `${rest} 分` : ''].filter(Boolean).join(' ');
}
