import type { JobName, JobPayload } from '../jobs/job-catalogue';
import type { EnqueueOptions, JobQueue } from '../jobs/queue';
import type { RealtimeBus } from '../jobs/realtime';
import type { RealtimeEvent } from '../shared/live-events';
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
  /** Told to open consoles after commit (src/jobs/realtime.ts): best effort, a hint to reload. */
  publish(topic: string, event: RealtimeEvent): void;
}

interface Pending {
  jobs: JobRequest[];
  events: Array<{ topic: string; event: RealtimeEvent }>;
}

/**
 * The one unit of work: run a function in a transaction, then enqueue what it asked for (one round
 * trip per job kind): the outbox's delivery jobs (src/outbox/outbox.ts), follow-up jobs, delayed
 * alerts; then tell open consoles. Nothing is enqueued or told for a transaction that rolled back;
 * the sweeps are the safety net for what is lost between commit and enqueue.
 */
export class UnitOfWork {
  constructor(
    private readonly db: Db,
    private readonly queue: JobQueue,
    private readonly bus: RealtimeBus,
    private readonly logger: Logger,
  ) {}

  async run<T>(fn: (work: Work) => Promise<T>): Promise<T> {
    const pending: Pending = { jobs: [], events: [] };
    const result = await this.db.transaction((trx) => fn({ trx, ...this.collector(pending) }));
    await this.flush(pending);
    return result;
  }

  /**
   * The same for work whose one write is a single statement, atomic on its own: no transaction
   * around it (two round trips fewer: the group commit's hot path, a burst of ticket creations).
   */
  async runStatement<T>(fn: (db: Db, after: Omit<Work, 'trx'>) => Promise<T>): Promise<T> {
    const pending: Pending = { jobs: [], events: [] };
    const result = await fn(this.db, this.collector(pending));
    await this.flush(pending);
    return result;
  }

  private collector(pending: Pending): Omit<Work, 'trx'> {
    return {
      enqueue: (...more) => void pending.jobs.push(...more),
      publish: (topic, event) => void pending.events.push({ topic, event }),
    };
  }

  /** A lost enqueue (Redis away) is logged, never undoes the commit: its module's sweep finds the work again. */
  private async flush({ jobs, events }: Pending): Promise<void> {
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
    // A lost publish costs a console one refresh it would otherwise have made at once: nothing to redo.
    for (const { topic, event } of events)
      await this.bus.publish(topic, event).catch((err: unknown) => this.logger.warn({ err, topic }, 'realtime publish failed'));
  }

  private async safely(what: string, effect: () => Promise<void>): Promise<void> {
    try {
      await effect();
    } catch (err) {
      this.logger.error({ err, what }, 'after-commit step failed; the recovery sweep will redo it');
    }
  }
}
