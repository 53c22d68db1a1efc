import { randomBytes } from 'node:crypto';
import { jobCatalogue } from '../../src/jobs/job-catalogue';
import { BullMqQueue } from '../../src/jobs/bullmq-queue';
import { InProcessQueue } from '../../src/jobs/in-process-queue';
import type { JobHandlers, JobQueue } from '../../src/jobs/queue';
import { createLogger } from '../../src/shared/logger';
import { deleteRedisPrefix } from '../support/test-hub';

const logger = createLogger('silent');

// Fast retries for the test: the catalogue's policy object is the one both queues read.
const original = { ...jobCatalogue['ticket.triage'] };
beforeAll(() => Object.assign(jobCatalogue['ticket.triage'], { attempts: 3, backoffMs: 50 }));
afterAll(() => Object.assign(jobCatalogue['ticket.triage'], original));

/** The main lane's concurrency as given; the others one at a time. */
const lanes = (main: number) => ({ main, intake: 1, delivery: 1, background: 1 });

const implementations: Array<[string, (concurrency?: number) => { queue: JobQueue; cleanup(): Promise<void> }]> = [
  ['in-process', (concurrency = 4) => ({ queue: new InProcessQueue(lanes(concurrency), logger), cleanup: async () => undefined })],
];
if (process.env.REDIS_URL) {
  implementations.push([
    'BullMQ',
    (concurrency = 4) => {
      const prefix = `hh-test-queue-${randomBytes(4).toString('hex')}`;
      return {
        queue: new BullMqQueue({ redisUrl: process.env.REDIS_URL!, prefix, concurrency: lanes(concurrency), logger }),
        cleanup: () => deleteRedisPrefix(process.env.REDIS_URL!, prefix),
      };
    },
  ]);
}

/** A complete handler map: the given handlers, every other job skipped. */
const only = (some: Partial<JobHandlers>): JobHandlers =>
  ({ ...Object.fromEntries(Object.keys(jobCatalogue).map((name) => [name, async () => 'skipped' as const])), ...some }) as JobHandlers;

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.each(implementations)('%s queue', (_name, make) => {
  let queue: JobQueue;
  let cleanup: () => Promise<void>;
  const seen: Array<{ ticketId: number; attempt: number; at: number }> = [];
  const failUntilAttempt = new Map<number, number>();

  const handlers: JobHandlers = {
    'ticket.triage': async ({ ticketIds }, { attempt }) => {
      const ticketId = ticketIds[0]!;
      seen.push({ ticketId, attempt, at: Date.now() });
      if (attempt < (failUntilAttempt.get(ticketId) ?? 0)) throw new Error(`planned failure ${attempt}`);
      return ticketId === 999 ? 'skipped' : 'done';
    },
    'intake.process': async () => 'skipped',
    'chat.action': async () => 'skipped',
    'media.fetch': async () => 'skipped',
    'sla.alert': async () => 'skipped',
    'callback.step': async () => 'skipped',
    'callback.apply': async () => 'skipped',
    'proxy.assign': async () => 'skipped',
    'proxy.track': async () => 'skipped',
    'notify.deliver': async () => 'skipped',
  };

  beforeAll(async () => {
    ({ queue, cleanup } = make());
    await queue.startWorker(handlers);
  });
  afterAll(async () => {
    await queue.close();
    await cleanup();
  });

  test('when a job fails twice, then it is retried with growing backoff and succeeds on the third attempt', async () => {
    failUntilAttempt.set(101, 3);
    await queue.enqueue('ticket.triage', { ticketIds: [101] });
    await waitFor(() => seen.filter((s) => s.ticketId === 101).length === 3);
    const runs = seen.filter((s) => s.ticketId === 101);
    expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(runs[1]!.at - runs[0]!.at).toBeGreaterThanOrEqual(45);
    expect(runs[2]!.at - runs[1]!.at).toBeGreaterThanOrEqual(95);
    await waitFor(() => queue.stats().completed >= 1);
  });

  test('when a job keeps failing, then it stops after the catalogue’s attempts and counts as failed', async () => {
    failUntilAttempt.set(102, 99);
    await queue.enqueue('ticket.triage', { ticketIds: [102] });
    await waitFor(() => queue.stats().failed >= 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.filter((s) => s.ticketId === 102)).toHaveLength(3);
  });

  test('when a job is delayed, then it does not run before its time', async () => {
    const enqueuedAt = Date.now();
    await queue.enqueue('ticket.triage', { ticketIds: [103] }, { delayMs: 300 });
    await waitFor(() => seen.some((s) => s.ticketId === 103));
    expect(seen.find((s) => s.ticketId === 103)!.at - enqueuedAt).toBeGreaterThanOrEqual(290);
  });

  test('when the same job id is enqueued twice while pending, then it runs once', async () => {
    await queue.enqueue('ticket.triage', { ticketIds: [104] }, { jobId: 'dedupe-104', delayMs: 100 });
    await queue.enqueue('ticket.triage', { ticketIds: [104] }, { jobId: 'dedupe-104', delayMs: 100 });
    await new Promise((r) => setTimeout(r, 500));
    expect(seen.filter((s) => s.ticketId === 104)).toHaveLength(1);
  });

  test('when a payload does not match the catalogue, then enqueue refuses it', async () => {
    await expect(queue.enqueue('ticket.triage', { ticketIds: ['one'] } as never)).rejects.toThrow(/invalid payload/);
    await expect(queue.enqueue('ticket.triage', { ticketIds: [1], extra: true } as never)).rejects.toThrow(/invalid payload/);
    await expect(queue.enqueue('ticket.triage', { ticketIds: [] })).rejects.toThrow(/invalid payload/);
  });

  test('when a handler says skipped, then it is counted as skipped, not completed', async () => {
    const before = queue.stats();
    await queue.enqueue('ticket.triage', { ticketIds: [999] });
    await waitFor(() => queue.stats().skipped === before.skipped + 1);
    expect(queue.stats().completed).toBe(before.completed);
  });
});

describe.each(implementations)('%s queue, lanes', (_name, make) => {
  test('when background jobs pile up, then they run one at a time (the lane’s concurrency) and other jobs do not wait for them; enqueueMany adds each id once', async () => {
    const { queue: fresh, cleanup } = make();
    const order: string[] = [];
    let runningTriage = 0;
    let mostTriage = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    try {
      await fresh.startWorker(
        only({
          'ticket.triage': async ({ ticketIds: [ticketId] }) => {
            runningTriage += 1;
            mostTriage = Math.max(mostTriage, runningTriage);
            await gate;
            order.push(`triage ${ticketId}`);
            runningTriage -= 1;
            return 'done';
          },
          'intake.process': async () => (order.push('intake'), 'done'),
          'notify.deliver': async ({ outboxIds }) => (order.push(`deliver ${outboxIds.join(',')}`), 'done'),
        }),
      );
      await fresh.enqueueMany('ticket.triage', [
        { payload: { ticketIds: [1] }, options: { jobId: 'triage-1' } },
        { payload: { ticketIds: [2] }, options: { jobId: 'triage-2' } },
        { payload: { ticketIds: [3] }, options: { jobId: 'triage-3' } },
        { payload: { ticketIds: [1] }, options: { jobId: 'triage-1' } },
      ]);
      await waitFor(() => runningTriage === 1);
      await fresh.enqueue('intake.process', {});
      await fresh.enqueueMany('notify.deliver', [{ payload: { outboxIds: [8, 9] } }]);
      await waitFor(() => order.length === 2);
      expect(order.sort()).toEqual(['deliver 8,9', 'intake']);
      release();
      await waitFor(() => order.length === 5);
      await fresh.drain();
      expect(order.slice(2)).toEqual(['triage 1', 'triage 2', 'triage 3']);
      expect(mostTriage).toBe(1);
    } finally {
      await fresh.close();
      await cleanup();
    }
  });

  test('when intake jobs pile up, then they run one at a time, and delivery and main-lane jobs do not wait for them', async () => {
    const { queue: fresh, cleanup } = make();
    const started: string[] = [];
    let runningIntake = 0;
    let mostIntake = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    try {
      await fresh.startWorker(
        only({
          'intake.process': async (_payload, { jobId }) => {
            started.push(`intake ${jobId}`);
            runningIntake += 1;
            mostIntake = Math.max(mostIntake, runningIntake);
            if (jobId === 'a') await gate;
            runningIntake -= 1;
            return 'done';
          },
          'notify.deliver': async () => (started.push('deliver'), 'done'),
          'sla.alert': async () => (started.push('alert'), 'done'),
        }),
      );
      await fresh.enqueue('intake.process', {}, { jobId: 'a' });
      await waitFor(() => started.includes('intake a'));
      await fresh.enqueue('intake.process', {}, { jobId: 'b' });
      await fresh.enqueue('notify.deliver', { outboxIds: [7] });
      await fresh.enqueue('sla.alert', { clockId: 1, generation: 1, level: 0 });
      await waitFor(() => started.includes('deliver') && started.includes('alert'));
      await new Promise((r) => setTimeout(r, 100));
      expect(started).not.toContain('intake b');
      release();
      await waitFor(() => started.includes('intake b'));
      await fresh.drain();
      expect(mostIntake).toBe(1);
    } finally {
      await fresh.close();
      await cleanup();
    }
  });
});

describe.each(implementations)('%s queue, coalescing', (_name, make) => {
  test('when a coalesced job is enqueued again while it waits, then it runs once; once it runs, the next enqueue runs it again', async () => {
    // One job at a time, so that a job enqueued while the first runs has to wait.
    const { queue: fresh, cleanup } = make(1);
    let runs = 0;
    let release: () => void = () => undefined;
    try {
      for (let i = 0; i < 3; i += 1) await fresh.enqueue('intake.process', {}, { coalesce: 'intake' });
      await fresh.startWorker(
        only({
          'intake.process': async () => {
            runs += 1;
            if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
            return 'done';
          },
        }),
      );
      await waitFor(() => runs === 1);
      // The first one is running (it may have read its input already): these add exactly one more.
      await fresh.enqueue('intake.process', {}, { coalesce: 'intake' });
      await fresh.enqueue('intake.process', {}, { coalesce: 'intake' });
      release();
      await waitFor(() => runs === 2);
      await fresh.drain();
      await new Promise((r) => setTimeout(r, 100));
      expect(runs).toBe(2);
    } finally {
      await fresh.close();
      await cleanup();
    }
  });
});

describe('the handler map', () => {
  test('when a handler is missing at start, then the worker refuses to start', async () => {
    const queue = new InProcessQueue(lanes(1), logger);
    await expect(queue.startWorker({} as JobHandlers)).rejects.toThrow(/handlers missing for: ticket.triage/);
    await queue.close();
  });
});
