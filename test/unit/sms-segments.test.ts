import { countSegments } from '../../src/notify/sms-segments';

describe('SMS segments, counted as carriers count them', () => {
  test.each([
    ['a', 'GSM-7', 1],
    ['a'.repeat(160), 'GSM-7', 1],
    ['a'.repeat(161), 'GSM-7', 2],
    ['a'.repeat(306), 'GSM-7', 2],
    ['a'.repeat(307), 'GSM-7', 3],
    ['{'.repeat(80), 'GSM-7', 1],
    ['{'.repeat(81), 'GSM-7', 2],
    ['路'.repeat(70), 'UCS-2', 1],
    ['路'.repeat(71), 'UCS-2', 2],
    ['路'.repeat(134), 'UCS-2', 2],
    ['路'.repeat(135), 'UCS-2', 3],
    ['😀'.repeat(35), 'UCS-2', 1],
    ['😀'.repeat(36), 'UCS-2', 2],
    ['hello 路灯', 'UCS-2', 1],
  ] as const)('%#: %s… → %s, %d segment(s)', (text, encoding, segments) => {
    expect(countSegments(text)).toMatchObject({ encoding, segments });
  });
});
