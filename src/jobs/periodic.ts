import type { Logger } from '../shared/logger';

export interface PeriodicTask {
  name: string;
  everyMs: number;
  run(): Promise<void>;
}

/**
 * Recovery sweeps in worker processes: re-derive from Postgres what a lost job
 * would have done. Every worker runs them; they only enqueue with stable job
 * ids, so several workers sweeping at once do the work once.
 */
export function startPeriodic(tasks: readonly PeriodicTask[], logger: Logger): () => Promise<void> {
  const running = new Set<Promise<void>>();
  const timers = tasks.map((task) =>
    setInterval(() => {
      const run = task
        .run()
        .catch((err) => logger.error({ err, task: task.name }, 'periodic task failed'))
        .finally(() => running.delete(run));
      running.add(run);
    }, task.everyMs).unref(),
  );
  return async () => {
    for (const timer of timers) clearInterval(timer);
    await Promise.all(running);
  };
}
