import type { Logger } from '../shared/logger';
import { jobCatalogue, type JobName, type JobPayload } from './job-catalogue';

/** What a handler did; 'skipped' when the row is gone or already past this step. */
export type JobOutcome = 'done' | 'skipped';

export interface JobContext {
  jobId: string;
  attempt: number;
  logger: Logger;
}

export type JobHandler<N extends JobName> = (payload: JobPayload<N>, context: JobContext) => Promise<JobOutcome>;
/** Total: one handler for every job in the catalogue. */
export type JobHandlers = { [N in JobName]: JobHandler<N> };

export interface EnqueueOptions {
  /** While a job with this id is waiting, delayed or running, another enqueue with it is ignored. */
  jobId?: string;
  delayMs?: number;
  /**
   * While a job with this key waits to start, another enqueue with it is ignored: the waiting job
   * will read whatever the caller wrote before enqueueing. Once it runs, the next enqueue adds a
   * new job. For jobs that work off everything pending (a burst becomes a few jobs, not one each).
   */
  coalesce?: string;
}

export interface JobStats {
  completed: number;
  skipped: number;
  failed: number;
  retried: number;
}

/** The queue port. Any role enqueues; worker roles consume. */
export interface JobQueue {
  readonly kind: 'bullmq' | 'in-process';
  enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options?: EnqueueOptions): Promise<void>;
  /** Many jobs of one kind in one round trip (a batch's follow-up work). */
  enqueueMany<N extends JobName>(name: N, jobs: ReadonlyArray<{ payload: JobPayload<N>; options?: EnqueueOptions }>): Promise<void>;
  startWorker(handlers: JobHandlers): Promise<void>;
  /** Resolves when nothing is waiting or running (delayed jobs not yet due are not waited for). */
  drain(timeoutMs?: number): Promise<void>;
  ping(): Promise<void>;
  stats(): JobStats;
  close(): Promise<void>;
}

/** The runtime half of "checked complete at start". */
export function assertHandlersComplete(handlers: Partial<Record<string, unknown>>): void {
  const missing = Object.keys(jobCatalogue).filter((name) => typeof handlers[name] !== 'function');
  if (missing.length > 0) throw new Error(`job handlers missing for: ${missing.join(', ')}`);
}

/** Payloads are checked on the way in and again on the way out (Redis holds untyped JSON). */
export function parsePayload<N extends JobName>(name: N, payload: unknown): JobPayload<N> {
  const spec = jobCatalogue[name];
  if (!spec) throw new Error(`unknown job "${String(name)}"`);
  const parsed = spec.payload.safeParse(payload);
  if (!parsed.success) throw new Error(`invalid payload for job "${name}": ${parsed.error.message}`);
  return parsed.data as JobPayload<N>;
}

export function retryDelayMs(name: JobName, attempt: number): number {
  return jobCatalogue[name].backoffMs * 2 ** (attempt - 1);
}

/** Runs one job through its handler; shared by both queue implementations. */
export async function runHandler(handlers: JobHandlers, name: JobName, payload: unknown, context: JobContext): Promise<JobOutcome> {
  const handler = handlers[name] as JobHandler<JobName>;
  return handler(parsePayload(name, payload), context);
}
