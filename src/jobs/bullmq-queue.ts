import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../shared/logger';
import { jobCatalogue, type JobName, type JobPayload } from './job-catalogue';
import { assertHandlersComplete, parsePayload, runHandler, type EnqueueOptions, type JobHandlers, type JobQueue, type JobStats } from './queue';

const queueName = 'hotline';

/**
 * Production queue: BullMQ on Redis, shared by every api and worker process.
 * Retries, exponential backoff and delays are BullMQ's; a job id dedupes while
 * the job is kept in Redis.
 */
export class BullMqQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  private readonly producerConnection: Redis;
  private readonly queue: Queue;
  private worker?: Worker;
  private workerConnection?: Redis;
  private readonly counters: JobStats = { completed: 0, skipped: 0, failed: 0, retried: 0 };

  constructor(
    private readonly options: { redisUrl: string; prefix: string; concurrency: number; logger: Logger },
  ) {
    // Producers fail fast when Redis is away instead of hanging an HTTP request.
    this.producerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: false, lazyConnect: false });
    this.producerConnection.on('error', (err) => options.logger.warn({ err }, 'redis (producer) error'));
    this.queue = new Queue(queueName, { connection: this.producerConnection, prefix: options.prefix });
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options: EnqueueOptions = {}): Promise<void> {
    await this.queue.add(name, parsePayload(name, payload), this.jobOptions(name, options));
  }

  async enqueueMany<N extends JobName>(name: N, jobs: ReadonlyArray<{ payload: JobPayload<N>; options?: EnqueueOptions }>): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue.addBulk(jobs.map((job) => ({ name, data: parsePayload(name, job.payload), opts: this.jobOptions(name, job.options ?? {}) })));
  }

  private jobOptions(name: JobName, options: EnqueueOptions) {
    const spec = jobCatalogue[name];
    return {
      jobId: options.jobId,
      delay: options.delayMs,
      attempts: spec.attempts,
      backoff: { type: 'exponential', delay: spec.backoffMs },
      // BullMQ runs jobs without a priority before any prioritized one.
      ...(spec.background ? { priority: 10 } : {}),
      removeOnComplete: { count: 1_000 },
      removeOnFail: { count: 10_000 },
    };
  }

  async startWorker(handlers: JobHandlers): Promise<void> {
    assertHandlersComplete(handlers);
    // Blocking commands need maxRetriesPerRequest: null (BullMQ's requirement for workers).
    this.workerConnection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null });
    this.workerConnection.on('error', (err) => this.options.logger.warn({ err }, 'redis (worker) error'));
    this.worker = new Worker(
      queueName,
      async (job: Job) => {
        const logger = this.options.logger.child({ job: job.name, jobId: job.id, attempt: job.attemptsMade + 1 });
        return runHandler(handlers, job.name as JobName, job.data, { jobId: job.id ?? '', attempt: job.attemptsMade + 1, logger });
      },
      { connection: this.workerConnection, prefix: this.options.prefix, concurrency: this.options.concurrency },
    );
    this.worker.on('completed', (_job, outcome) => {
      this.counters[outcome === 'skipped' ? 'skipped' : 'completed'] += 1;
    });
    this.worker.on('failed', (job, err) => {
      const attempts = job?.opts.attempts ?? 1;
      if (job && job.attemptsMade < attempts) {
        this.counters.retried += 1;
        this.options.logger.warn({ err, job: job.name, jobId: job.id, attempt: job.attemptsMade }, 'job failed, will retry');
      } else {
        this.counters.failed += 1;
        this.options.logger.error({ err, job: job?.name, jobId: job?.id }, 'job failed for good');
      }
    });
    this.worker.on('error', (err) => this.options.logger.error({ err }, 'worker error'));
    await this.worker.waitUntilReady();
  }

  async drain(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await this.queue.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children');
      if (Object.values(counts).every((n) => n === 0)) return;
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
    await this.worker?.close();
    await this.queue.close();
    this.workerConnection?.disconnect();
    this.producerConnection.disconnect();
  }
}
