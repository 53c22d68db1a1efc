import type { Logger } from '../shared/logger';
import type { Db } from './db';

/** Where reports and searches read: a streaming replica when one is configured and healthy, else the primary. */
export interface ReadSource {
  db(): Db;
}

export const primaryOnly = (db: Db): ReadSource => ({ db: () => db });

/**
 * A PostgreSQL streaming replica for the reads that may lag a little (reports, the board, searches), named
 * in configuration (DATABASE_REPLICA_URL); writes and everything else stay on the primary. Checked every few
 * seconds: used only while it answers, is a standby, and is caught up or within the allowed lag; otherwise
 * the reads go to the primary (said once in the log each way), so a replica gone costs load, not answers.
 */
export class ReplicaReads implements ReadSource {
  private healthy = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly primary: Db,
    private readonly replica: Db,
    private readonly logger: Logger,
    private readonly maxLagMs: number,
  ) {
    // A read that finds the replica gone sends the next ones to the primary at once, not at the next check.
    replica.on('query-error', (error: { code?: string }) => {
      if (this.healthy && connectionLost(error)) {
        this.healthy = false;
        this.logger.warn({ code: error.code }, 'read replica unavailable: reports and searches read the primary');
      }
    });
  }

  db(): Db {
    return this.healthy ? this.replica : this.primary;
  }

  /** Whether reads go to the replica now (the metrics say it; readiness does not depend on it). */
  get inUse(): boolean {
    return this.healthy;
  }

  async check(): Promise<void> {
    let healthy = false;
    let why: string;
    try {
      const { rows } = await this.replica
        .raw(
          `select pg_is_in_recovery() as standby,
                  coalesce(pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), false) as caught_up,
                  extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000 as lag_ms`,
        )
        .timeout(2_000);
      const row = rows[0] as { standby: boolean; caught_up: boolean; lag_ms: number | null };
      healthy = row.standby && (row.caught_up || (row.lag_ms !== null && row.lag_ms <= this.maxLagMs));
      why = row.standby ? `behind by ${Math.round(row.lag_ms ?? 0)} ms` : 'not a standby';
    } catch (error) {
      why = (error as Error).message;
    }
    if (healthy !== this.healthy) {
      if (healthy) this.logger.info('read replica in use for reports and searches');
      else this.logger.warn({ why }, 'read replica unavailable: reports and searches read the primary');
    }
    this.healthy = healthy;
  }

  async start(everyMs = 5_000): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), everyMs).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.replica.destroy();
  }
}

/** The replica went away (refused, reset, shut down, cannot accept connections), rather than a query failing. */
function connectionLost(error: { code?: string; message?: string }): boolean {
  const code = error.code ?? '';
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03'].includes(code) ||
    code.startsWith('08') ||
    /Connection terminated|ended unexpectedly/i.test(error.message ?? '')
  );
}
