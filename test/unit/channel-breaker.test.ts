import { ChannelBreaker } from '../../src/notify/channel-breaker';

describe('a channel that fails rests, then one probe decides', () => {
  let now: number;
  let breaker: ChannelBreaker;
  const failed = (slowestFailureMs = 5) => ({ sent: 0, failed: 3, slowestFailureMs, lastError: 'twilio: HTTP 503' });
  beforeEach(() => {
    now = 1_000_000;
    breaker = new ChannelBreaker({ baseMs: 1_000, maxMs: 60_000 }, () => now);
  });

  test('when every send on a channel fails, then it rests and its rows wait; other channels are untouched', () => {
    expect(breaker.admit('sms')).toBe('all');
    expect(breaker.record('sms', failed())).toEqual({ restingMs: 1_000 });
    expect(breaker.admit('sms')).toBe('none');
    expect(breaker.restingUntil('sms')).toBe(now + 1_000);
    expect(breaker.reason('sms')).toBe('twilio: HTTP 503');
    expect(breaker.open(['sms', 'slack'])).toEqual(['slack']);
    expect(breaker.notResting(['sms', 'slack'])).toEqual(['slack']);
    expect(breaker.admit('slack')).toBe('all');
  });

  test('when one send of many goes out, then the channel does not rest', () => {
    expect(breaker.record('sms', { sent: 1, failed: 49, slowestFailureMs: 10_000 })).toBeUndefined();
    expect(breaker.admit('sms')).toBe('all');
  });

  test('when the rest is over, then one probe goes; others wait for its answer; a failed probe doubles the rest', () => {
    breaker.record('sms', failed());
    now += 1_000;
    expect(breaker.notResting(['sms'])).toEqual(['sms']);
    expect(breaker.open(['sms'])).toEqual([]);
    expect(breaker.admit('sms')).toBe('probe');
    expect(breaker.admit('sms')).toBe('none');
    expect(breaker.restingUntil('sms')).toBe(now + 1_000);
    expect(breaker.record('sms', failed())).toEqual({ restingMs: 2_000 });
    now += 1_999;
    expect(breaker.admit('sms')).toBe('none');
    now += 1;
    expect(breaker.admit('sms')).toBe('probe');
    expect(breaker.record('sms', { sent: 1, failed: 0, slowestFailureMs: 0 })).toBe('opened');
    expect(breaker.admit('sms')).toBe('all');
    expect(breaker.restingUntil('sms')).toBeUndefined();
  });

  test('when sends time out, then the rest is ten times what they took, never over the most', () => {
    expect(breaker.record('sms', failed(300))).toEqual({ restingMs: 3_000 });
    now += 3_000;
    breaker.admit('sms');
    expect(breaker.record('sms', failed(10_000))).toEqual({ restingMs: 60_000 });
  });

  test('when the probe neither went out nor failed (its message was cancelled), then the next job probes again', () => {
    breaker.record('sms', failed());
    now += 1_000;
    expect(breaker.admit('sms')).toBe('probe');
    expect(breaker.record('sms', { sent: 0, failed: 0, slowestFailureMs: 0 })).toBeUndefined();
    expect(breaker.restingUntil('sms')).toBeUndefined();
    expect(breaker.admit('sms')).toBe('probe');
  });
});
