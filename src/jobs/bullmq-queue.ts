import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../shared/logger';
import { jobCatalogue, lanes, type JobName, type JobPayload, type Lane, type LaneConcurrency } from './job-catalogue';
import {
  assertHandlersComplete,
  parsePayload,
  runHandler,
  type EnqueueOptions,
  type JobHandlers,
  type JobQueue,
  type JobStats,
} from './queue';

/** Each lane (see the catalogue) is a BullMQ queue with its own workers. */
const queueNames: Record<Lane, string> = {
  main: 'hotline',
  intake: 'hotline-intake',
  delivery: 'hotline-delivery',
  background: 'hotline-background',
};

/**
 * Production queue: BullMQ on Redis, shared by every api and worker process.
 * Retries, exponential backoff and delays are BullMQ's; a job id dedupes while
 * the job is kept in Redis.
 */
export class BullMqQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  private readonly producerConnection: Redis;
  private readonly queues: Record<Lane, Queue>;
  private readonly workers: Array<{ worker: Worker; connection: Redis }> = [];
  private readonly counters: JobStats = { completed: 0, skipped: 0, failed: 0, retried: 0 };

  constructor(private readonly options: { redisUrl: string; prefix: string; concurrency: LaneConcurrency; logger: Logger }) {
    // Producers fail fast when Redis is away instead of hanging an HTTP request.
    this.producerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: false, lazyConnect: false });
    this.producerConnection.on('error', (err) => options.logger.warn({ err }, 'redis (producer) error'));
    this.queues = Object.fromEntries(
      lanes.map((lane) => [lane, new Queue(queueNames[lane], { connection: this.producerConnection, prefix: options.prefix })]),
    ) as Record<Lane, Queue>;
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options: EnqueueOptions = {}): Promise<void> {
    await this.queues[jobCatalogue[name].lane].add(name, parsePayload(name, payload), this.jobOptions(name, options));
  }

  async enqueueMany<N extends JobName>(name: N, jobs: ReadonlyArray<{ payload: JobPayload<N>; options?: EnqueueOptions }>): Promise<void> {
    if (jobs.length === 0) return;
    await this.queues[jobCatalogue[name].lane].addBulk(
      jobs.map((job) => ({ name, data: parsePayload(name, job.payload), opts: this.jobOptions(name, job.options ?? {}) })),
    );
  }

  private jobOptions(name: JobName, options: EnqueueOptions) {
    const spec = jobCatalogue[name];
    return {
      jobId: options.jobId,
      delay: options.delayMs,
      // Deduplicated while waiting; the worker lifts the key when the job starts (see startWorker).
      ...(options.coalesce ? { deduplication: { id: options.coalesce } } : {}),
      attempts: spec.attempts,
      backoff: { type: 'exponential', delay: spec.backoffMs },
      removeOnComplete: { count: 1_000 },
      removeOnFail: { count: 10_000 },
    };
  }

  async startWorker(handlers: JobHandlers): Promise<void> {
    assertHandlersComplete(handlers);
    for (const lane of lanes) {
      // Blocking commands need maxRetriesPerRequest: null (BullMQ's requirement for workers).
      const connection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null });
      connection.on('error', (err) => this.options.logger.warn({ err }, 'redis (worker) error'));
      const worker = new Worker(
        queueNames[lane],
        async (job: Job) => {
          // A coalesced job that has started may already have read its input: from now on, an enqueue adds a new one.
          if (job.deduplicationId) await job.removeDeduplicationKey();
          const logger = this.options.logger.child({ job: job.name, jobId: job.id, attempt: job.attemptsMade + 1 });
          return runHandler(handlers, job.name as JobName, job.data, { jobId: job.id ?? '', attempt: job.attemptsMade + 1, logger });
        },
        { connection, prefix: this.options.prefix, concurrency: this.options.concurrency[lane] },
      );
      worker.on('completed', (_job, outcome) => {
        this.counters[outcome === 'skipped' ? 'skipped' : 'completed'] += 1;
      });
      worker.on('failed', (job, err) => {
        const attempts = job?.opts.attempts ?? 1;
        if (job && job.attemptsMade < attempts) {
          this.counters.retried += 1;
          this.options.logger.warn({ err, job: job.name, jobId: job.id, attempt: job.attemptsMade }, 'job failed, will retry');
        } else {
          this.counters.failed += 1;
          this.options.logger.error({ err, job: job?.name, jobId: job?.id }, 'job failed for good');
        }
      });
      worker.on('error', (err) => this.options.logger.error({ err }, 'worker error'));
      this.workers.push({ worker, connection });
    }
    await Promise.all(this.workers.map(({ worker }) => worker.waitUntilReady()));
  }

  async drain(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await Promise.all(
        Object.values(this.queues).map((queue) => queue.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children')),
      );
      if (counts.every((c) => Object.values(c).every((n) => n === 0))) return;
      if (Date.now() > deadline) throw new Error(`queue did not drain in time: ${JSON.stringify(counts)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async ping(): Promise<void> {
    await this.producerConnection.ping();
  }

  stats(): JobStats {
    return { ...this.counters };
  }

  /** Graceful: the worker finishes running jobs before its connection closes. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map(({ worker }) => worker.close()));
    await Promise.all(Object.values(this.queues).map((queue) => queue.close()));
    for (const { connection } of this.workers) connection.disconnect();
    this.producerConnection.disconnect();
  }
}
