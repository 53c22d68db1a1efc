import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract, type RateLimiterRes } from 'rate-limiter-flexible';

export interface SignInGuardSettings {
  /** Failures of one account from one address before that pair is locked. */
  lockAfter: number;
  lockMs: number;
  /** Failures of one account (from anywhere) before each further attempt waits, doubling up to delayMaxMs. */
  delayAfter: number;
  delayMaxMs: number;
  /** Failures from one address, whatever the accounts, before it is refused for a day. */
  addressFailuresPerDay: number;
}

export type SignInRefusal = { reason: 'locked' | 'paced' | 'address'; retryAfterMs: number };
export type SignInFailureOutcome = { lockedNow: boolean; failures: number };

/**
 * Brute-force protection for password sign-in (rate-limiter-flexible, in Redis when the hub has
 * Redis so every api process counts together; in memory otherwise, where there is one process).
 * - A pair (account, address) is locked after `lockAfter` failures: the guesser is stopped, the
 *   operator at another desk is not.
 * - An account guessed at from many addresses slows down instead: after `delayAfter` failures
 *   each attempt waits 1, 2, 4 … seconds, at most `delayMaxMs`; never a lock-out.
 * - An address that fails against many accounts is refused for a day.
 * Keys carry the account's sign-in epoch, so an admin's unlock (a new epoch) starts afresh.
 */
export class SignInGuard {
  private readonly pairFailures: RateLimiterAbstract;
  private readonly accountFailures: RateLimiterAbstract;
  private readonly accountPace: RateLimiterAbstract;
  private readonly addressFailures: RateLimiterAbstract;
  readonly refusals = { locked: 0, paced: 0, address: 0 };
  failures = 0;

  constructor(
    private readonly settings: SignInGuardSettings,
    store?: { redis: Redis; prefix: string },
  ) {
    const make = (keyPrefix: string, points: number, durationS: number): RateLimiterAbstract =>
      store
        ? new RateLimiterRedis({
            storeClient: store.redis,
            keyPrefix: `${store.prefix}:sign-in:${keyPrefix}`,
            points,
            duration: durationS,
            // Redis down: this process counts on its own meanwhile, rather than refusing every sign-in.
            insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: durationS }),
          })
        : new RateLimiterMemory({ keyPrefix, points, duration: durationS });
    this.pairFailures = make('pair', settings.lockAfter, 3_600);
    this.accountFailures = make('account', 1_000_000, 3_600);
    this.accountPace = make('pace', 1, 1);
    this.addressFailures = make('address', settings.addressFailuresPerDay, 86_400);
  }

  /** Undefined when an attempt may go ahead; otherwise why not and for how long. */
  async check(account: string, epoch: number, address: string): Promise<SignInRefusal | undefined> {
    const [pair, pace, byAddress] = await Promise.all([
      this.pairFailures.get(pairKey(account, epoch, address)),
      this.accountPace.get(accountKey(account, epoch)),
      this.addressFailures.get(address),
    ]);
    const refusal =
      blocked(pair, this.settings.lockAfter, 'locked') ??
      blocked(pace, 1, 'paced') ??
      blocked(byAddress, this.settings.addressFailuresPerDay, 'address');
    if (refusal) this.refusals[refusal.reason] += 1;
    return refusal;
  }

  async failed(account: string, epoch: number, address: string): Promise<SignInFailureOutcome> {
    this.failures += 1;
    const [pair, byAccount, byAddress] = await Promise.all([
      this.pairFailures.penalty(pairKey(account, epoch, address)),
      this.accountFailures.penalty(accountKey(account, epoch)),
      this.addressFailures.penalty(address),
    ]);
    if (byAddress.consumedPoints >= this.settings.addressFailuresPerDay) await this.addressFailures.block(address, 86_400);
    const failures = byAccount.consumedPoints;
    if (failures >= this.settings.delayAfter) {
      const delayMs = Math.min(1000 * 2 ** (failures - this.settings.delayAfter), this.settings.delayMaxMs);
      await this.accountPace.block(accountKey(account, epoch), delayMs / 1000);
    }
    // penalty() counts without blocking: the lock is set when the count reaches the limit.
    const lockedNow = pair.consumedPoints >= this.settings.lockAfter;
    if (lockedNow) await this.pairFailures.block(pairKey(account, epoch, address), this.settings.lockMs / 1000);
    return { lockedNow, failures };
  }

  /** A right password ends the pair's count and the account's pace; the address's daily count stays. */
  async succeeded(account: string, epoch: number, address: string): Promise<void> {
    await Promise.all([
      this.pairFailures.delete(pairKey(account, epoch, address)),
      this.accountFailures.delete(accountKey(account, epoch)),
      this.accountPace.delete(accountKey(account, epoch)),
    ]);
  }
}

const pairKey = (account: string, epoch: number, address: string) => `${account}|${epoch}|${address}`;
const accountKey = (account: string, epoch: number) => `${account}|${epoch}`;

/** block() leaves more points consumed than allowed: that, while it lasts, is a refusal. */
function blocked(res: RateLimiterRes | null, points: number, reason: SignInRefusal['reason']): SignInRefusal | undefined {
  return res && res.consumedPoints > points && res.msBeforeNext > 0 ? { reason, retryAfterMs: res.msBeforeNext } : undefined;
}
