/** What one delivery job saw on a channel: sends that went out, sends that failed for the provider's reasons. */
export interface ChannelOutcome {
  sent: number;
  failed: number;
  /** The longest a failed send took (a timeout takes the provider's whole timeout). */
  slowestFailureMs: number;
  lastError?: string;
}

/** A channel rests at least this many times as long as its failed sends took: a hanging provider holds the delivery lane a tenth of the time at most. */
const restFactor = 10;

/**
 * A circuit breaker per outbound channel, in one worker process. A delivery job in which
 * every send on a channel failed for the provider's reasons (5xx, timeout, connection cut;
 * not a refused number) puts the channel to rest: its rows are handed back, due when the rest
 * ends, with no attempt counted, so an outage neither holds the delivery lane nor uses up the
 * messages' attempts. When the rest is over, one send goes first (the probe); when it goes
 * out, the channel is open again, otherwise it rests twice as long, up to maxMs (and the probe,
 * handed back without an attempt counted, waits a rest longer, so the next probe is another message).
 */
export class ChannelBreaker {
  private readonly states = new Map<string, { until: number; restMs: number; probing: boolean; reason: string }>();

  constructor(
    private readonly options: { baseMs: number; maxMs: number },
    private readonly now: () => number = Date.now,
  ) {}

  /** How a job may send on the channel now: everything, one send to see if it answers again (the probe), or nothing. */
  admit(channel: string): 'all' | 'probe' | 'none' {
    const state = this.states.get(channel);
    if (!state) return 'all';
    if (this.restingUntil(channel) !== undefined) return 'none';
    state.probing = true;
    return 'probe';
  }

  /** When rows held back on the channel are due again; undefined when they are due now. */
  restingUntil(channel: string): number | undefined {
    const state = this.states.get(channel);
    if (!state) return undefined;
    // While another job's probe is out, look again shortly: by then it has an answer.
    if (state.probing) return this.now() + this.options.baseMs;
    return state.until > this.now() ? state.until : undefined;
  }

  /** Channels a job may send on freely (for claiming rows beyond its own). */
  open(channels: readonly string[]): string[] {
    return channels.filter((channel) => !this.states.has(channel));
  }

  /** Channels whose rows are due now or after a probe (the relay sweep leaves resting ones be). */
  notResting(channels: readonly string[]): string[] {
    return channels.filter((channel) => this.restingUntil(channel) === undefined);
  }

  /** Why the channel rests, for the rows held back. */
  reason(channel: string): string | undefined {
    return this.states.get(channel)?.reason;
  }

  /** A job's outcome on the channel; returns what changed, for the log. */
  record(channel: string, outcome: ChannelOutcome): 'opened' | { restingMs: number } | undefined {
    const state = this.states.get(channel);
    if (outcome.sent > 0) {
      if (!state) return undefined;
      this.states.delete(channel);
      return 'opened';
    }
    if (outcome.failed === 0) {
      if (state) state.probing = false;
      return undefined;
    }
    const restMs = Math.min(
      Math.max(state ? state.restMs * 2 : this.options.baseMs, outcome.slowestFailureMs * restFactor),
      this.options.maxMs,
    );
    this.states.set(channel, { until: this.now() + restMs, restMs, probing: false, reason: outcome.lastError ?? 'sends failed' });
    return { restingMs: restMs };
  }
}
