import { randomUUID } from 'node:crypto';
import type { Logger } from '../shared/logger';
import { jobCatalogue, lanes, type JobName, type JobPayload, type Lane, type LaneConcurrency } from './job-catalogue';
import {
  assertHandlersComplete,
  parsePayload,
  retryDelayMs,
  runHandler,
  type EnqueueOptions,
  type JobHandlers,
  type JobQueue,
  type JobStats,
} from './queue';

interface PendingJob {
  id: string;
  name: JobName;
  payload: unknown;
  attempt: number;
  coalesce?: string;
}

/**
 * The embedded default: jobs run inside this process, with the same retry,
 * backoff, delay, job-id and lane rules as BullMQ. Not durable: jobs are re-derived
 * from Postgres by the recovery sweeps after a restart.
 */
export class InProcessQueue implements JobQueue {
  readonly kind = 'in-process' as const;
  private handlers?: JobHandlers;
  /** Jobs ready to run, by lane (the catalogue's); each lane runs up to its concurrency at a time. */
  private readonly ready = Object.fromEntries(lanes.map((lane) => [lane, [] as PendingJob[]])) as Record<Lane, PendingJob[]>;
  private readonly runningIn = Object.fromEntries(lanes.map((lane) => [lane, 0])) as Record<Lane, number>;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly known = new Set<string>();
  /** Coalescing keys of jobs that have not started yet. */
  private readonly coalescing = new Set<string>();
  private closed = false;
  private readonly counters: JobStats = { completed: 0, skipped: 0, failed: 0, retried: 0 };
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly concurrency: LaneConcurrency,
    private readonly logger: Logger,
  ) {}

  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options: EnqueueOptions = {}): Promise<void> {
    if (this.closed) throw new Error('queue is closed');
    const data = parsePayload(name, payload);
    const id = options.jobId ?? `${name}-${randomUUID()}`;
    if (this.known.has(id) || (options.coalesce && this.coalescing.has(options.coalesce))) return;
    this.known.add(id);
    if (options.coalesce) this.coalescing.add(options.coalesce);
    this.schedule({ id, name, payload: data, attempt: 1, coalesce: options.coalesce }, options.delayMs ?? 0);
  }

  async enqueueMany<N extends JobName>(name: N, jobs: ReadonlyArray<{ payload: JobPayload<N>; options?: EnqueueOptions }>): Promise<void> {
    for (const job of jobs) await this.enqueue(name, job.payload, job.options);
  }

  async startWorker(handlers: JobHandlers): Promise<void> {
    assertHandlersComplete(handlers);
    this.handlers = handlers;
    this.pump();
  }

  private schedule(job: PendingJob, delayMs: number): void {
    const lane = this.ready[jobCatalogue[job.name].lane];
    if (delayMs <= 0) {
      lane.push(job);
      this.pump();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      lane.push(job);
      this.pump();
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private pump(): void {
    for (const lane of lanes) {
      while (this.handlers && !this.closed && this.runningIn[lane] < this.concurrency[lane] && this.ready[lane].length > 0) {
        void this.run(this.ready[lane].shift()!);
      }
    }
    this.notifyIfIdle();
  }

  private waiting(): number {
    return lanes.reduce((sum, lane) => sum + this.ready[lane].length, 0);
  }

  private running(): number {
    return lanes.reduce((sum, lane) => sum + this.runningIn[lane], 0);
  }

  private async run(job: PendingJob): Promise<void> {
    const lane = jobCatalogue[job.name].lane;
    this.runningIn[lane] += 1;
    if (job.coalesce) this.coalescing.delete(job.coalesce);
    const logger = this.logger.child({ job: job.name, jobId: job.id, attempt: job.attempt });
    let finished = true;
    try {
      const outcome = await runHandler(this.handlers!, job.name, job.payload, { jobId: job.id, attempt: job.attempt, logger });
      this.counters[outcome === 'skipped' ? 'skipped' : 'completed'] += 1;
    } catch (error) {
      if (job.attempt < jobCatalogue[job.name].attempts && !this.closed) {
        finished = false;
        this.counters.retried += 1;
        const delayMs = retryDelayMs(job.name, job.attempt);
        logger.warn({ err: error, retryInMs: delayMs }, 'job failed, will retry');
        this.schedule({ ...job, attempt: job.attempt + 1 }, delayMs);
      } else {
        this.counters.failed += 1;
        logger.error({ err: error }, 'job failed for good');
      }
    } finally {
      if (finished) this.known.delete(job.id);
      this.runningIn[lane] -= 1;
      this.pump();
    }
  }

  private notifyIfIdle(): void {
    if (this.running() === 0 && (this.waiting() === 0 || !this.handlers)) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  drain(timeoutMs = 10_000): Promise<void> {
    if (this.running() === 0 && this.waiting() === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('queue did not drain in time')), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('queue is closed');
  }

  stats(): JobStats {
    return { ...this.counters };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const deadline = Date.now() + 10_000;
    while (this.running() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }
}
