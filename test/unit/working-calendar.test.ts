import fc from 'fast-check';
import { getHolidaysInRange } from 'chinese-days';
import {
  addWorkingTime,
  CalendarError,
  compileCalendar,
  isWorkday,
  packagedNoticeYears,
  standardWeek,
  statutoryHolidays,
  workingTimeBetween,
  type LimitUnit,
} from '../../src/sla/working-calendar';

const calendar = compileCalendar({ weekHours: standardWeek });
/** A Beijing wall-clock time as a Date. */
const bj = (local: string) => new Date(`${local}+08:00`);
const hours = (h: number) => h * 3_600_000;

describe('the official calendar: 国庆 and 春节 2026 with their 调休 weekends', () => {
  test('when the days are read, then holidays are off and make-up weekends are workdays', () => {
    for (const day of ['2026-10-01', '2026-10-07', '2026-02-15', '2026-02-23', '2026-09-26'])
      expect({ day, work: isWorkday(day, calendar) }).toEqual({ day, work: false });
    for (const day of ['2026-09-20', '2026-10-10', '2026-02-14', '2026-02-28', '2026-10-08'])
      expect({ day, work: isWorkday(day, calendar) }).toEqual({ day, work: true });
    expect(isWorkday('2026-11-21', calendar)).toBe(false); // an ordinary Saturday
  });

  test('when a limit in working days spans 国庆, then the holiday is skipped and the make-up Saturday counts', () => {
    const taken = bj('2026-09-30T10:00:00');
    expect(addWorkingTime(taken, 1, 'working_days', calendar)).toEqual(bj('2026-10-08T17:30:00'));
    expect(addWorkingTime(taken, 2, 'working_days', calendar)).toEqual(bj('2026-10-09T17:30:00'));
    expect(addWorkingTime(taken, 3, 'working_days', calendar)).toEqual(bj('2026-10-10T17:30:00'));
    expect(addWorkingTime(bj('2026-09-19T10:00:00'), 1, 'working_days', calendar)).toEqual(bj('2026-09-20T17:30:00'));
  });

  test('when a limit in working hours spans 国庆 or 春节, then only working intervals count (lunch excluded)', () => {
    expect(addWorkingTime(bj('2026-09-30T17:00:00'), 2, 'working_hours', calendar)).toEqual(bj('2026-10-08T10:30:00'));
    expect(addWorkingTime(bj('2026-02-13T16:00:00'), 3, 'working_hours', calendar)).toEqual(bj('2026-02-14T10:30:00'));
    expect(addWorkingTime(bj('2026-02-14T17:00:00'), 1, 'working_hours', calendar)).toEqual(bj('2026-02-24T09:30:00'));
    expect(addWorkingTime(bj('2026-11-23T11:30:00'), 1, 'working_hours', calendar)).toEqual(bj('2026-11-23T14:00:00'));
    // Ending exactly at an interval's end is that end, not the next start.
    expect(addWorkingTime(bj('2026-11-23T09:00:00'), 3, 'working_hours', calendar)).toEqual(bj('2026-11-23T12:00:00'));
    expect(addWorkingTime(bj('2026-02-13T10:00:00'), 2, 'working_days', calendar)).toEqual(bj('2026-02-24T17:30:00'));
  });

  test('when the limit is in natural hours (emergencies), then holidays and nights count', () => {
    expect(addWorkingTime(bj('2026-10-01T23:00:00'), 2, 'natural_hours', calendar)).toEqual(bj('2026-10-02T01:00:00'));
  });

  test('when working time between two moments is asked, then only working intervals count, either way round', () => {
    expect(workingTimeBetween(bj('2026-09-30T09:00:00'), bj('2026-10-08T12:00:00'), calendar)).toBe(hours(10));
    expect(workingTimeBetween(bj('2026-10-08T12:00:00'), bj('2026-09-30T09:00:00'), calendar)).toBe(-hours(10));
    expect(workingTimeBetween(bj('2026-10-02T09:00:00'), bj('2026-10-05T18:00:00'), calendar)).toBe(0);
  });
});

describe('a year the holiday package does not know yet', () => {
  test('when the statutory holidays are computed, then 2027 has 元旦, 春节 from 除夕, 清明, 劳动节, 端午, 中秋 and 国庆', () => {
    expect(statutoryHolidays(2027)).toEqual([
      '2027-01-01',
      '2027-02-05',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-04-05',
      '2027-05-01',
      '2027-05-02',
      '2027-06-09',
      '2027-09-15',
      '2027-10-01',
      '2027-10-02',
      '2027-10-03',
    ]);
  });

  test('when a year the package carries is computed, then every statutory day is among its official holidays', () => {
    for (const year of [2025, 2026]) {
      expect(packagedNoticeYears().has(year)).toBe(true);
      const official = new Set(getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false));
      expect(statutoryHolidays(year).filter((day) => !official.has(day))).toEqual([]);
    }
  });

  test('when a 20-working-day limit starts on 2026-12-04 and 2027 is not in the package, then it is due on 4 January, not on 元旦', () => {
    const due = addWorkingTime(new Date('2026-12-04T10:00:00+08:00'), 20, 'working_days', calendar);
    expect(due.toISOString()).toBe(new Date('2027-01-04T17:30:00+08:00').toISOString());
    expect(isWorkday('2027-01-01', calendar)).toBe(false);
    expect(isWorkday('2027-02-05', calendar)).toBe(false); // 除夕
    expect(isWorkday('2039-10-03', calendar)).toBe(false); // computed for any year of the span
  });
});

describe('region overrides and validation', () => {
  test('when a region adds a holiday or a workday, then deadlines follow it', () => {
    const local = compileCalendar({
      weekHours: standardWeek,
      overrides: [
        { date: '2026-11-23', kind: 'holiday' },
        { date: '2026-11-28', kind: 'workday' },
      ],
    });
    expect(addWorkingTime(bj('2026-11-20T10:00:00'), 1, 'working_days', local)).toEqual(bj('2026-11-24T17:30:00'));
    expect(addWorkingTime(bj('2026-11-27T17:00:00'), 1, 'working_hours', local)).toEqual(bj('2026-11-28T09:30:00'));
    // Far outside the tabulated years, weekdays and overrides still work.
    const future = compileCalendar({ weekHours: standardWeek, overrides: [{ date: '2045-01-02', kind: 'holiday' }] });
    expect(addWorkingTime(bj('2044-12-30T10:00:00'), 1, 'working_days', future)).toEqual(bj('2045-01-03T17:30:00'));
  });

  test('when a calendar or an amount is wrong, then it is refused with a clear message', () => {
    const none = { 0: [], 1: [], 2: [], 3: [], 4: [], 5: [], 6: [] } as const;
    expect(() => compileCalendar({ weekHours: none })).toThrow(new CalendarError('the calendar has no working time in a week'));
    expect(() =>
      compileCalendar({
        weekHours: {
          ...standardWeek,
          1: [
            ['09:00', '12:00'],
            ['11:00', '17:00'],
          ],
        },
      }),
    ).toThrow(/must not overlap/);
    expect(() => compileCalendar({ weekHours: { ...standardWeek, 1: [['12:00', '09:00']] } })).toThrow(/must end after it starts/);
    expect(() => compileCalendar({ weekHours: { ...standardWeek, 1: [['9:00', '12:00']] } })).toThrow(/not a time/);
    expect(() => compileCalendar({ weekHours: standardWeek, overrides: [{ date: '2026-02-30', kind: 'holiday' }] })).toThrow(/not a day/);
    expect(() => addWorkingTime(new Date(), -1, 'working_hours', calendar)).toThrow(/≥ 0/);
    expect(() => addWorkingTime(new Date(), 1.5, 'working_days', calendar)).toThrow(/whole number/);
    expect(() => addWorkingTime(new Date(), Number.NaN, 'natural_hours', calendar)).toThrow(CalendarError);
  });

  test('when a day has several intervals and the weekend works, then they are honoured', () => {
    const shifts = compileCalendar({ weekHours: { ...standardWeek, 6: [['09:00', '12:00']] } });
    expect(addWorkingTime(bj('2026-11-20T17:00:00'), 1, 'working_hours', shifts)).toEqual(bj('2026-11-21T09:30:00'));
  });
});

describe('properties', () => {
  // Starts between 2025 and 2027 (inside the official data), amounts up to a month of limits.
  const start = fc
    .integer({ min: Date.parse('2025-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') })
    .map((ms) => new Date(ms - (ms % 60_000)));
  const unit = fc.constantFrom<LimitUnit>('working_days', 'working_hours', 'natural_hours');
  const amount = (u: LimitUnit) =>
    u === 'working_days' ? fc.integer({ min: 0, max: 20 }) : fc.integer({ min: 0, max: 16 * 20 }).map((quarter) => quarter / 4);

  test('monotonic: a later start or a larger amount never gives an earlier deadline', () => {
    fc.assert(
      fc.property(
        start,
        start,
        unit.chain((u) => fc.tuple(fc.constant(u), amount(u), amount(u))),
        (s1, s2, [u, a1, a2]) => {
          const [early, late] = s1 <= s2 ? [s1, s2] : [s2, s1];
          expect(addWorkingTime(early, a1, u, calendar).getTime()).toBeLessThanOrEqual(addWorkingTime(late, a1, u, calendar).getTime());
          const [small, large] = a1 <= a2 ? [a1, a2] : [a2, a1];
          expect(addWorkingTime(early, small, u, calendar).getTime()).toBeLessThanOrEqual(
            addWorkingTime(early, large, u, calendar).getTime(),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  test('additive: adding a then b is adding a + b', () => {
    fc.assert(
      fc.property(
        start,
        unit.chain((u) => fc.tuple(fc.constant(u), amount(u), amount(u))),
        (s, [u, a, b]) => {
          expect(addWorkingTime(addWorkingTime(s, a, u, calendar), b, u, calendar)).toEqual(addWorkingTime(s, a + b, u, calendar));
        },
      ),
      { numRuns: 500 },
    );
  });

  test('inverse: the working time from a start to its deadline is the limit', () => {
    fc.assert(
      fc.property(start, amount('working_hours'), (s, h) => {
        expect(workingTimeBetween(s, addWorkingTime(s, h, 'working_hours', calendar), calendar)).toBe(hours(h));
      }),
      { numRuns: 500 },
    );
  });
});
