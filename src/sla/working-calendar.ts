import {
  getDayDetail,
  getHolidaysInRange,
  getSolarDateFromLunar,
  getSolarTermsInRange,
  isWorkday as isOfficialWorkday,
} from 'chinese-days';

/**
 * Working time on the Asia/Shanghai calendar, as pure functions over a compiled calendar.
 *
 * Asia/Shanghai has been UTC+8 all year since 1991 (no daylight saving), so a local day is a
 * fixed 86,400,000 ms slice shifted by eight hours: day arithmetic needs no time-zone library.
 * Which days are workdays comes from `chinese-days` (official holidays and the make-up workdays,
 * 调休, that fall on weekends), then the region's own overrides. A workday has its weekday's
 * working intervals; a make-up workday on a weekend has the `makeUpDayHours` (Monday's by default).
 */

export type LimitUnit = 'working_days' | 'working_hours' | 'natural_hours';

/** Working intervals as "HH:MM" pairs, e.g. [["09:00", "12:00"], ["13:30", "17:30"]]. */
export type DayHours = ReadonlyArray<readonly [string, string]>;

export interface CalendarDefinition {
  /** Per weekday, Sunday = 0 … Saturday = 6. */
  weekHours: Readonly<Record<0 | 1 | 2 | 3 | 4 | 5 | 6, DayHours>>;
  /** Hours of a make-up workday (调休) that falls on a weekend; default: Monday's. */
  makeUpDayHours?: DayHours;
  /** Region overrides by local day (YYYY-MM-DD): an extra holiday, or an extra workday. */
  overrides?: ReadonlyArray<{ date: string; kind: 'holiday' | 'workday' }>;
}

export const standardWeek: CalendarDefinition['weekHours'] = {
  0: [],
  1: [
    ['09:00', '12:00'],
    ['13:30', '17:30'],
  ],
  2: [
    ['09:00', '12:00'],
    ['13:30', '17:30'],
  ],
  3: [
    ['09:00', '12:00'],
    ['13:30', '17:30'],
  ],
  4: [
    ['09:00', '12:00'],
    ['13:30', '17:30'],
  ],
  5: [
    ['09:00', '12:00'],
    ['13:30', '17:30'],
  ],
  6: [],
};

const hourMs = 3_600_000;
const dayMs = 86_400_000;
const shanghaiOffsetMs = 8 * hourMs;
/** Days are tabulated for this span; outside it, only weekdays and overrides count. */
const firstYear = 2004;
const lastYear = 2040;
const firstDay = Math.floor(Date.UTC(firstYear, 0, 1) / dayMs);
const dayCount = Math.floor(Date.UTC(lastYear + 1, 0, 1) / dayMs) - firstDay;
/** A limit beyond ten years is a mistake, not a deadline. */
const maxDaysWalked = 3_660;

export class CalendarError extends Error {}

const normal = 0;
const workday = 1;
const holiday = 2;

/**
 * The statutory holidays of a year, fixed by 《全国年节及纪念日放假办法》 (as revised for 2025 on):
 * 元旦 1 day, 春节 4 days from 除夕, 清明 1 (the solar term's day), 劳动节 2, 端午 1 (五月初五),
 * 中秋 1 (八月十五), 国庆 3. Computable for any year from the lunar calendar; only the 调休
 * arrangement around them needs the State Council's yearly notice.
 */
export function statutoryHolidays(year: number): string[] {
  const lunar = (month: number, day: number) =>
    getSolarDateFromLunar(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`).date;
  const plusDays = (date: string, n: number) => new Date((dayOf(date) + n) * dayMs).toISOString().slice(0, 10);
  const newYearsEve = plusDays(lunar(1, 1), -1);
  const qingming = getSolarTermsInRange(`${year}-04-01`, `${year}-04-10`).find((t) => t.name === '清明' && t.index === 1)!.date;
  return [
    `${year}-01-01`,
    ...[0, 1, 2, 3].map((n) => plusDays(newYearsEve, n)),
    qingming,
    `${year}-05-01`,
    `${year}-05-02`,
    lunar(5, 5),
    lunar(8, 15),
    `${year}-10-01`,
    `${year}-10-02`,
    `${year}-10-03`,
  ].sort();
}

/** Years whose State Council notice (holidays with their 调休) the chinese-days package carries. */
let noticeYears: ReadonlySet<number> | undefined;
export function packagedNoticeYears(): ReadonlySet<number> {
  noticeYears ??= new Set(getHolidaysInRange(`${firstYear}-01-01`, `${lastYear}-12-31`, false).map((date) => Number(date.slice(0, 4))));
  return noticeYears;
}

/** The local (Asia/Shanghai) year of an instant. */
export const shanghaiYear = (at: Date): number => new Date(at.getTime() + shanghaiOffsetMs).getUTCFullYear();

/**
 * The official calendar per day, computed once: a holiday, a make-up workday (调休), or neither.
 * From chinese-days where it knows the year; otherwise the statutory holidays alone (no 调休
 * until the notice is imported as overrides), so a deadline never lands on 元旦 or 春节.
 */
let officialDays: Uint8Array | undefined;
function official(): Uint8Array {
  if (!officialDays) {
    officialDays = new Uint8Array(dayCount);
    for (const date of getHolidaysInRange(`${firstYear}-01-01`, `${lastYear}-12-31`, false)) officialDays[dayOf(date) - firstDay] = holiday;
    for (let year = firstYear; year <= lastYear; year++) {
      if (packagedNoticeYears().has(year)) continue;
      for (const date of statutoryHolidays(year)) officialDays[dayOf(date) - firstDay] = holiday;
    }
    for (let i = 0; i < dayCount; i++) {
      const weekday = weekdayOf(firstDay + i);
      if ((weekday === 0 || weekday === 6) && isOfficialWorkday(new Date((firstDay + i) * dayMs).toISOString().slice(0, 10)))
        officialDays[i] = workday;
    }
  }
  return officialDays;
}

export interface WorkingCalendar {
  /** Intervals of a local day (ms from local midnight, [start, end) pairs flattened); empty on a day off. */
  intervalsOf(day: number): ArrayLike<number>;
  readonly weeklyWorkingMs: number;
}

/** Checks and compiles a calendar; refuses intervals that are malformed, unordered or overlapping, and a week without working time. */
export function compileCalendar(definition: CalendarDefinition): WorkingCalendar {
  const week = ([0, 1, 2, 3, 4, 5, 6] as const).map((weekday) => parseHours(definition.weekHours[weekday] ?? [], `weekday ${weekday}`));
  const makeUp = definition.makeUpDayHours ? parseHours(definition.makeUpDayHours, 'makeUpDayHours') : week[1]!;
  const weeklyWorkingMs = week.reduce((sum, hours) => sum + spanOf(hours), 0);
  if (weeklyWorkingMs === 0) throw new CalendarError('the calendar has no working time in a week');
  if (makeUp.length === 0) throw new CalendarError('a make-up workday needs working hours');

  const days = official().slice();
  const beyond = new Map<number, number>();
  for (const override of definition.overrides ?? []) {
    const day = parseDay(override.date);
    const state = override.kind === 'workday' ? workday : holiday;
    if (day >= firstDay && day < firstDay + dayCount) days[day - firstDay] = state;
    else beyond.set(day, state);
  }
  const empty = new Int32Array(0);
  return {
    weeklyWorkingMs,
    intervalsOf(day: number) {
      const index = day - firstDay;
      const state = index >= 0 && index < dayCount ? days[index]! : (beyond.get(day) ?? normal);
      if (state === holiday) return empty;
      const own = week[weekdayOf(day)]!;
      // A make-up workday on a day that normally has no hours works the make-up hours.
      return state === workday && own.length === 0 ? makeUp : own;
    },
  };
}

/** 1970-01-01 was a Thursday. */
function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

function dayOf(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / dayMs;
}

/**
 * The deadline `amount` of `unit` after `start`:
 * - natural_hours: clock time (emergencies);
 * - working_hours: working time consumed interval by interval (ending exactly at an interval's end, not the next start);
 * - working_days: the end of the amount-th working day after the start's day (a ticket taken on Monday with 1 working day is due Tuesday evening).
 * Monotonic in start and amount, and additive: add(add(s, a), b) = add(s, a + b).
 */
export function addWorkingTime(start: Date, amount: number, unit: LimitUnit, calendar: WorkingCalendar): Date {
  if (!(amount >= 0) || !Number.isFinite(amount)) throw new CalendarError(`amount must be a finite number ≥ 0, got ${amount}`);
  const startMs = start.getTime();
  if (unit === 'natural_hours') return new Date(startMs + amount * hourMs);
  if (amount === 0) return new Date(startMs);
  const local = startMs + shanghaiOffsetMs;
  let day = Math.floor(local / dayMs);
  if (unit === 'working_days') {
    if (!Number.isInteger(amount)) throw new CalendarError(`working days must be a whole number, got ${amount}`);
    let intervals: ArrayLike<number> = [];
    for (let counted = 0, walked = 0; counted < amount; walked++) {
      if (walked > maxDaysWalked) throw new CalendarError('no working day found within ten years');
      day += 1;
      intervals = calendar.intervalsOf(day);
      if (intervals.length > 0) counted += 1;
    }
    return new Date(day * dayMs + intervals[intervals.length - 1]! - shanghaiOffsetMs);
  }
  let remaining = Math.round(amount * hourMs);
  let at = local - day * dayMs;
  for (let walked = 0; walked <= maxDaysWalked; walked++, day++, at = 0) {
    const intervals = calendar.intervalsOf(day);
    for (let i = 0; i < intervals.length; i += 2) {
      const end = intervals[i + 1]!;
      if (at >= end) continue;
      const from = Math.max(at, intervals[i]!);
      if (remaining <= end - from) return new Date(day * dayMs + from + remaining - shanghaiOffsetMs);
      remaining -= end - from;
    }
  }
  throw new CalendarError('the limit does not end within ten years');
}

/** Working time in [a, b) in milliseconds (negative when b is before a). */
export function workingTimeBetween(a: Date, b: Date, calendar: WorkingCalendar): number {
  if (b < a) return -workingTimeBetween(b, a, calendar);
  const fromLocal = a.getTime() + shanghaiOffsetMs;
  const toLocal = b.getTime() + shanghaiOffsetMs;
  let total = 0;
  for (let day = Math.floor(fromLocal / dayMs); day * dayMs < toLocal; day++) {
    const dayStart = day * dayMs;
    const intervals = calendar.intervalsOf(day);
    for (let i = 0; i < intervals.length; i += 2) {
      const from = Math.max(dayStart + intervals[i]!, fromLocal);
      const to = Math.min(dayStart + intervals[i + 1]!, toLocal);
      if (to > from) total += to - from;
    }
  }
  return total;
}

/** A day of the year view: whether it is worked, what the official calendar says of it, and the region's override. */
export interface CalendarDay {
  date: string;
  work: boolean;
  official: 'holiday' | 'workday' | null;
  /** The official holiday's name (国庆节), when the package knows the year. */
  name: string | null;
  override: { kind: 'holiday' | 'workday'; note: string | null } | null;
}

/** Every day of a year in a calendar, for its year view. */
export function calendarYear(
  definition: Omit<CalendarDefinition, 'overrides'> & {
    overrides?: ReadonlyArray<{ date: string; kind: 'holiday' | 'workday'; note?: string | null }>;
  },
  year: number,
): CalendarDay[] {
  const calendar = compileCalendar(definition);
  const overrides = new Map((definition.overrides ?? []).map((o) => [o.date, o]));
  const days: CalendarDay[] = [];
  for (let day = dayOf(`${year}-01-01`); day < dayOf(`${year + 1}-01-01`); day++) {
    const date = new Date(day * dayMs).toISOString().slice(0, 10);
    const index = day - firstDay;
    const state = index >= 0 && index < dayCount ? official()[index]! : normal;
    const kind = state === holiday ? 'holiday' : state === workday ? 'workday' : null;
    const override = overrides.get(date);
    days.push({
      date,
      work: calendar.intervalsOf(day).length > 0,
      official: kind,
      name: kind && packagedNoticeYears().has(year) ? (getDayDetail(date).name.split(',')[1] ?? null) : null,
      override: override ? { kind: override.kind, note: override.note ?? null } : null,
    });
  }
  return days;
}

/** Whether a local day (YYYY-MM-DD) is a workday in this calendar. */
export function isWorkday(date: string, calendar: WorkingCalendar): boolean {
  return calendar.intervalsOf(parseDay(date)).length > 0;
}

function parseDay(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (!match || new Date(ms).toISOString().slice(0, 10) !== date) throw new CalendarError(`"${date}" is not a day (YYYY-MM-DD)`);
  return dayOf(date);
}

function parseHours(hours: DayHours, where: string): Int32Array {
  const flat = new Int32Array(hours.length * 2);
  hours.forEach(([from, to], i) => {
    flat[i * 2] = parseClock(from, where);
    flat[i * 2 + 1] = parseClock(to, where);
    if (flat[i * 2]! >= flat[i * 2 + 1]!) throw new CalendarError(`${where}: ${from}–${to} must end after it starts`);
    if (i > 0 && flat[i * 2]! < flat[i * 2 - 1]!) throw new CalendarError(`${where}: intervals must be in order and must not overlap`);
  });
  return flat;
}

function parseClock(clock: string, where: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$|^(24):(00)$/.exec(clock);
  if (!match) throw new CalendarError(`${where}: "${clock}" is not a time (HH:MM)`);
  return (Number(match[1] ?? match[3]) * 60 + Number(match[2] ?? match[4])) * 60_000;
}

function spanOf(flat: Int32Array): number {
  let sum = 0;
  for (let i = 0; i < flat.length; i += 2) sum += flat[i + 1]! - flat[i]!;
  return sum;
}
