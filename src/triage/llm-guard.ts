import type { Db } from '../db/db';

const today = "(now() at time zone 'Asia/Shanghai')::date";

/**
 * What stands between triage and the LLM: a circuit breaker (after `failures` failures in a row,
 * no calls for `openMs`) and a daily budget of calls and tokens kept in Postgres (so every process
 * shares it). When either says no, triage goes on with the local model alone.
 */
export class LlmGuard {
  private consecutiveFailures = 0;
  private openUntil = 0;

  constructor(
    private readonly db: Db,
    private readonly limits: { dailyCalls: number; dailyTokens: number; failures?: number; openMs?: number },
  ) {}

  async allow(): Promise<{ ok: true } | { ok: false; reason: string }> {
    if (Date.now() < this.openUntil) return { ok: false, reason: 'circuit open after repeated LLM failures' };
    const usage = await this.db.raw<{ rows: Array<{ calls: number; tokens: number }> }>(
      `select calls, tokens from llm_usage where day = ${today}`,
    );
    const row = usage.rows[0];
    if (row && row.calls >= this.limits.dailyCalls)
      return { ok: false, reason: `daily LLM call budget used (${row.calls}/${this.limits.dailyCalls})` };
    if (row && row.tokens >= this.limits.dailyTokens)
      return { ok: false, reason: `daily LLM token budget used (${row.tokens}/${this.limits.dailyTokens})` };
    return { ok: true };
  }

  async record(outcome: { ok: boolean; tokens: number }): Promise<void> {
    if (outcome.ok) this.consecutiveFailures = 0;
    else if (++this.consecutiveFailures >= (this.limits.failures ?? 5)) {
      this.openUntil = Date.now() + (this.limits.openMs ?? 60_000);
      this.consecutiveFailures = 0;
    }
    await this.db.raw(
      `insert into llm_usage as u (day, calls, failures, tokens) values (${today}, 1, ?, ?)
       on conflict (day) do update set calls = u.calls + 1, failures = u.failures + excluded.failures, tokens = u.tokens + excluded.tokens`,
      [outcome.ok ? 0 : 1, outcome.tokens],
    );
  }
}
