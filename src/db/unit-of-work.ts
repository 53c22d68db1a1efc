import type { JobName, JobPayload } from '../jobs/job-catalogue';
import type { EnqueueOptions, JobQueue } from '../jobs/queue';
import type { Logger } from '../shared/logger';
import type { Db, Tx } from './db';

/** A job to enqueue once the transaction that asked for it has committed. */
export interface JobRequest<N extends JobName = JobName> {
  name: N;
  payload: JobPayload<N>;
  options?: EnqueueOptions;
}

export const job = <N extends JobName>(name: N, payload: JobPayload<N>, options?: EnqueueOptions): JobRequest =>
  ({ name, payload, options }) as JobRequest;

/** What a use case does inside one transaction, and what follows once it has committed. */
export interface Work {
  readonly trx: Tx;
  /** Enqueued after commit; a job lost here (Redis away) is found again by its module's sweep. */
  enqueue(...jobs: JobRequest[]): void;
}

/**
 * The one unit of work: run a function in a transaction, then enqueue what it asked for (one round
 * trip per job kind): the outbox's delivery jobs (src/outbox/outbox.ts), follow-up jobs, delayed
 * alerts. Nothing is enqueued for a transaction that rolled back; the sweeps are the safety net
 * for what is lost between commit and enqueue.
 */
export class UnitOfWork {
  constructor(
    private readonly db: Db,
    private readonly queue: JobQueue,
    private readonly logger: Logger,
  ) {}

  async run<T>(fn: (work: Work) => Promise<T>): Promise<T> {
    const jobs: JobRequest[] = [];
    const result = await this.db.transaction((trx) => fn({ trx, enqueue: (...more) => void jobs.push(...more) }));
    await this.flush(jobs);
    return result;
  }

  /** A lost enqueue (Redis away) is logged, never undoes the commit: its module's sweep finds the work again. */
  /**
   * The same for work whose one write is a single statement, atomic on its own: no transaction
   * around it (two round trips fewer: the group commit's hot path, a burst of ticket creations).
   */
  async runStatement<T>(fn: (db: Db, enqueue: Work['enqueue']) => Promise<T>): Promise<T> {
    const jobs: JobRequest[] = [];
    const result = await fn(this.db, (...more) => void jobs.push(...more));
    await this.flush(jobs);
    return result;
  }

  private async flush(jobs: readonly JobRequest[]): Promise<void> {
    const byName = new Map<JobName, JobRequest[]>();
    for (const request of jobs) byName.set(request.name, [...(byName.get(request.name) ?? []), request]);
    for (const [name, requests] of byName) {
      await this.safely(name, () =>
        requests.length === 1
          ? this.queue.enqueue(name, requests[0]!.payload as never, requests[0]!.options)
          : this.queue.enqueueMany(
              name,
              requests.map((r) => ({ payload: r.payload as never, options: r.options })),
            ),
      );
    }
  }

  private async safely(what: string, effect: () => Promise<void>): Promise<void> {
    try {
      await effect();
    } catch (err) {
      this.logger.error({ err, what }, 'after-commit step failed; the recovery sweep will redo it');
    }
  }
}
