import {
  alertKind,
  checkLadder,
  findOverlap,
  humanDuration,
  matchPolicy,
  nextAlert,
  pauseTiming,
  resumeTiming,
  startTiming,
  timingUntil,
  type AlertLevel,
  type Policy,
  type TicketFacts,
} from '../../src/sla/sla-rules';
import { compileCalendar, standardWeek } from '../../src/sla/working-calendar';

const calendar = compileCalendar({ weekHours: standardWeek });
const hour = 3_600_000;
const policy = (id: number, fields: Partial<Policy>): Policy => ({
  id,
  name: `p${id}`,
  stage: 'reply',
  requestType: null,
  urgency: null,
  categoryId: null,
  matter: null,
  amount: 7,
  unit: 'working_days',
  priority: 0,
  ...fields,
});
const facts: TicketFacts = { requestType: 'complaint', urgency: 'normal', categoryId: 1201, categoryParentId: 12, matter: null };
const ladder: AlertLevel[] = [
  { level: 0, name: '黄', audience: 'assignee', atShare: 0.8, afterAmount: null, afterUnit: null, sms: false },
  { level: 1, name: '红', audience: 'assignee', atShare: null, afterAmount: 0, afterUnit: 'natural_hours', sms: false },
  { level: 2, name: '负责人', audience: 'dept_head', atShare: null, afterAmount: 1, afterUnit: 'natural_hours', sms: false },
  { level: 3, name: '督办', audience: 'supervisor', atShare: null, afterAmount: 2, afterUnit: 'natural_hours', sms: true },
];

describe('policies', () => {
  test('the matching policy of highest priority sets the limit; a level-1 category covers its children', () => {
    const policies = [
      policy(1, {}),
      policy(2, { categoryId: 12, priority: 20, amount: 1, unit: 'natural_hours' }),
      policy(3, { urgency: 'emergency', priority: 30 }),
    ];
    expect(matchPolicy(policies, 'reply', facts)?.id).toBe(2);
    expect(matchPolicy(policies, 'reply', { ...facts, urgency: 'emergency' })?.id).toBe(3);
    expect(matchPolicy(policies, 'reply', { ...facts, categoryId: 501, categoryParentId: 5 })?.id).toBe(1);
    expect(matchPolicy(policies, 'dispatch', facts)).toBeUndefined();
  });

  test('two policies that can match one ticket with the same stage and priority overlap; another stage, priority or disjoint criterion does not', () => {
    const parentOf = (id: number) => (id > 100 ? Math.floor(id / 100) : null);
    const existing = [policy(1, { categoryId: 12, priority: 5 })];
    expect(findOverlap(existing, policy(0, { categoryId: 1201, priority: 5 }), parentOf)?.id).toBe(1);
    expect(findOverlap(existing, policy(0, { priority: 5 }), parentOf)?.id).toBe(1);
    expect(findOverlap(existing, policy(0, { categoryId: 1301, priority: 5 }), parentOf)).toBeUndefined();
    expect(findOverlap(existing, policy(0, { categoryId: 1201, priority: 6 }), parentOf)).toBeUndefined();
    expect(findOverlap(existing, policy(0, { categoryId: 1201, priority: 5, stage: 'dispatch' }), parentOf)).toBeUndefined();
    // An update is not its own overlap.
    expect(findOverlap(existing, policy(1, { categoryId: 12, priority: 5, amount: 3 }), parentOf)).toBeUndefined();
  });
});

describe('the alert ladder', () => {
  test('a ladder climbs: warnings by growing share, then the deadline, then later escalations', () => {
    expect(checkLadder(ladder)).toBeUndefined();
    expect(checkLadder([])).toMatch(/at least one/);
    expect(checkLadder([ladder[0]!])).toMatch(/deadline/);
    expect(checkLadder([ladder[1]!, { ...ladder[0]!, level: 2 }])).toMatch(/cannot come after/);
    expect(checkLadder([ladder[1]!, { ...ladder[2]!, afterAmount: 0 }])).toMatch(/later than the one before/);
    expect(
      checkLadder([
        { ...ladder[0]!, atShare: 0.9 },
        { ...ladder[0]!, level: 1, atShare: 0.5 },
        { ...ladder[1]!, level: 2 },
      ]),
    ).toMatch(/grow/);
    expect(alertKind(ladder, 0)).toBe('warn');
    expect(alertKind(ladder, 1)).toBe('breach');
    expect(alertKind(ladder, 3)).toBe('escalate');
  });

  test('the next alert is the first level still ahead; when a moved deadline leaves levels behind, the highest never sent fires at once', () => {
    const start = new Date('2026-11-23T01:00:00Z'); // Monday 09:00 in Beijing
    const timing = { ...startTiming(start, 10, 'natural_hours', calendar) };
    expect(nextAlert(ladder, timing, calendar, { after: -1, now: start, everAlerted: -1 })).toEqual({
      level: 0,
      at: new Date(start.getTime() + 8 * hour),
    });
    expect(nextAlert(ladder, timing, calendar, { after: 0, now: start, everAlerted: 0 })).toEqual({
      level: 1,
      at: new Date(start.getTime() + 10 * hour),
    });
    // 12.5 h later: red and the head's step are behind, never sent: the head's fires now.
    const late = new Date(start.getTime() + 11.5 * hour);
    expect(nextAlert(ladder, timing, calendar, { after: 0, now: late, everAlerted: 0 })).toEqual({ level: 2, at: late });
    // …but a level already sent in an earlier generation is not repeated.
    expect(nextAlert(ladder, timing, calendar, { after: -1, now: late, everAlerted: 2 })).toEqual({
      level: 3,
      at: new Date(start.getTime() + 12 * hour),
    });
    expect(nextAlert(ladder, { ...timing, dueAt: null }, calendar, { after: -1, now: start, everAlerted: -1 })).toBeUndefined();
  });
});

describe('clock timing', () => {
  test('a pause keeps what was used, and resuming counts the rest of the limit from the resume, in working time', () => {
    const start = new Date('2026-11-23T01:00:00Z'); // Monday 09:00
    const timing = startTiming(start, 7, 'working_hours', calendar); // 09:00–12:00, 13:30–17:30: due Monday 17:30
    expect(timing.dueAt).toEqual(new Date('2026-11-23T09:30:00Z'));
    const paused = pauseTiming(timing, new Date('2026-11-23T03:00:00Z'), calendar); // 11:00: 2 working hours used
    expect(paused).toMatchObject({ usedMs: 2 * hour, dueAt: null });
    const resumed = resumeTiming(paused, new Date('2026-11-24T01:00:00Z'), calendar); // Tuesday 09:00: 5 h left
    expect(resumed.dueAt).toEqual(new Date('2026-11-24T07:30:00Z')); // 09:00–12:00 + 13:30–15:30
    // An explicit deadline keeps what was used and makes the limit reach it.
    const moved = timingUntil(new Date('2026-11-24T01:00:00Z'), new Date('2026-11-25T09:30:00Z'), 'working_hours', 2 * hour, calendar);
    expect(moved.limitMs).toBe(2 * hour + 14 * hour);
  });

  test('durations read as staff say them', () => {
    expect(humanDuration(0)).toBe('0 分');
    expect(humanDuration(90 * 60_000)).toBe('1 小时 30 分');
    expect(humanDuration(26 * hour)).toBe('1 天 2 小时');
  });
});
