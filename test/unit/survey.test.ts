import { nextStep, outcomeOf, outsideQuietHours, parseAnswer } from '../../src/callback/survey';

describe('parsing what citizens reply', () => {
  test.each([
    ['contacted', '1', true],
    ['contacted', '１', true],
    ['contacted', ' 是的！', true],
    ['contacted', 'Y', true],
    ['contacted', '2', false],
    ['contacted', '没有', false],
    ['resolved', '已解决', true],
    ['resolved', '没解决。', false],
    ['satisfaction', '满意!!', 'satisfied'],
    ['satisfaction', '３', 'unsatisfied'],
    ['satisfaction', '基本满意', 'basic'],
    ['satisfaction', '不满意', 'unsatisfied'],
    ['satisfaction', '非常不满意😡', 'unsatisfied'],
  ] as const)('%s: %j means %j', (step, text, meaning) => {
    expect(parseAnswer(step, text)).toBe(meaning);
  });

  test.each([
    ['contacted', 'hello'],
    ['contacted', '5'],
    ['contacted', '👍'],
    ['contacted', ''],
    ['satisfaction', '4'],
    ['satisfaction', '还可以吧我觉得'],
  ] as const)('%s: %j is unclear', (step, text) => {
    expect(parseAnswer(step, text)).toBeUndefined();
  });

  test('the comment is free text; 0 or 无 means none', () => {
    expect(parseAnswer('comment', '维修后还是漏水')).toBe('维修后还是漏水');
    expect(parseAnswer('comment', '０')).toBeNull();
    expect(parseAnswer('comment', '无')).toBeNull();
    expect(nextStep('satisfaction')).toBe('comment');
    expect(nextStep('comment')).toBeUndefined();
  });
});

describe('quiet hours (Beijing time)', () => {
  const quiet = { from: '21:00', to: '08:00' };
  test('a moment in the evening or the night waits for 08:00; the day is left alone', () => {
    expect(outsideQuietHours(new Date('2026-11-23T06:00:00Z'), quiet)).toEqual(new Date('2026-11-23T06:00:00Z')); // 14:00
    expect(outsideQuietHours(new Date('2026-11-23T13:30:00Z'), quiet)).toEqual(new Date('2026-11-24T00:00:00Z')); // 21:30 → 08:00 next day
    expect(outsideQuietHours(new Date('2026-11-23T19:00:00Z'), quiet)).toEqual(new Date('2026-11-24T00:00:00Z')); // 03:00 → 08:00
    expect(outsideQuietHours(new Date('2026-11-24T00:00:00Z'), quiet)).toEqual(new Date('2026-11-24T00:00:00Z')); // 08:00 sharp
    expect(outsideQuietHours(new Date('2026-11-23T13:00:00Z'), quiet)).toEqual(new Date('2026-11-24T00:00:00Z')); // 21:00 sharp
    // A window within one day, and none at all.
    expect(outsideQuietHours(new Date('2026-11-23T04:30:00Z'), { from: '12:00', to: '13:30' })).toEqual(new Date('2026-11-23T05:30:00Z'));
    expect(outsideQuietHours(new Date('2026-11-23T15:00:00Z'), { from: '00:00', to: '00:00' })).toEqual(new Date('2026-11-23T15:00:00Z'));
  });
});

describe('outcomes', () => {
  test('resolved and (basically) satisfied closes; anything else reopens, and a second time goes to a supervisor', () => {
    expect(outcomeOf({ contacted: true, resolved: true, satisfaction: 'basic' }, 0)).toBe('closed');
    expect(outcomeOf({ contacted: true, resolved: false, satisfaction: 'satisfied' }, 0)).toBe('reopened');
    expect(outcomeOf({ contacted: false, resolved: true, satisfaction: 'unsatisfied' }, 0)).toBe('reopened');
    expect(outcomeOf({ contacted: true, resolved: false, satisfaction: 'unsatisfied' }, 1)).toBe('review');
  });
});
