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

const implementations: Array<[string, () => { queue: JobQueue; cleanup(): Promise<void> }]> = [
  ['in-process', () => ({ queue: new InProcessQueue(4, logger), cleanup: async () => undefined })],
];
if (process.env.REDIS_URL) {
  implementations.push([
    'BullMQ',
    () => {
      const prefix = `hh-test-queue-${randomBytes(4).toString('hex')}`;
      return { queue: new BullMqQueue({ redisUrl: process.env.REDIS_URL!, prefix, concurrency: 4, logger }), cleanup: () => deleteRedisPrefix(process.env.REDIS_URL!, prefix) };
    },
  ]);
}

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
    'ticket.triage': async ({ ticketId }, { attempt }) => {
      seen.push({ ticketId, attempt, at: Date.now() });
      if (attempt < (failUntilAttempt.get(ticketId) ?? 0)) throw new Error(`planned failure ${attempt}`);
      return ticketId === 999 ? 'skipped' : 'done';
    },
    'intake.process': async () => 'skipped',
    'chat.action': async () => 'skipped',
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
    await queue.enqueue('ticket.triage', { ticketId: 101 });
    await waitFor(() => seen.filter((s) => s.ticketId === 101).length === 3);
    const runs = seen.filter((s) => s.ticketId === 101);
    expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(runs[1]!.at - runs[0]!.at).toBeGreaterThanOrEqual(45);
    expect(runs[2]!.at - runs[1]!.at).toBeGreaterThanOrEqual(95);
    await waitFor(() => queue.stats().completed >= 1);
  });

  test('when a job keeps failing, then it stops after the catalogue’s attempts and counts as failed', async () => {
    failUntilAttempt.set(102, 99);
    await queue.enqueue('ticket.triage', { ticketId: 102 });
    await waitFor(() => queue.stats().failed >= 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.filter((s) => s.ticketId === 102)).toHaveLength(3);
  });

  test('when a job is delayed, then it does not run before its time', async () => {
    const enqueuedAt = Date.now();
    await queue.enqueue('ticket.triage', { ticketId: 103 }, { delayMs: 300 });
    await waitFor(() => seen.some((s) => s.ticketId === 103));
    expect(seen.find((s) => s.ticketId === 103)!.at - enqueuedAt).toBeGreaterThanOrEqual(290);
  });

  test('when the same job id is enqueued twice while pending, then it runs once', async () => {
    await queue.enqueue('ticket.triage', { ticketId: 104 }, { jobId: 'dedupe-104', delayMs: 100 });
    await queue.enqueue('ticket.triage', { ticketId: 104 }, { jobId: 'dedupe-104', delayMs: 100 });
    await new Promise((r) => setTimeout(r, 500));
    expect(seen.filter((s) => s.ticketId === 104)).toHaveLength(1);
  });

  test('when a payload does not match the catalogue, then enqueue refuses it', async () => {
    await expect(queue.enqueue('ticket.triage', { ticketId: 'one' } as never)).rejects.toThrow(/invalid payload/);
    await expect(queue.enqueue('ticket.triage', { ticketId: 1, extra: true } as never)).rejects.toThrow(/invalid payload/);
  });

  test('when a handler says skipped, then it is counted as skipped, not completed', async () => {
    const before = queue.stats();
    await queue.enqueue('ticket.triage', { ticketId: 999 });
    await waitFor(() => queue.stats().skipped === before.skipped + 1);
    expect(queue.stats().completed).toBe(before.completed);
  });
});

describe.each(implementations)('%s queue, ordering', (_name, make) => {
  test('when background and ordinary jobs wait together, then the ordinary ones run first; enqueueMany adds many at once, once per id', async () => {
    const { queue: fresh, cleanup } = make();
    const order: string[] = [];
    const skip = async () => 'skipped' as const;
    try {
      await fresh.enqueueMany('ticket.triage', [
        { payload: { ticketId: 1 }, options: { jobId: 'triage-1' } },
        { payload: { ticketId: 2 }, options: { jobId: 'triage-2' } },
        { payload: { ticketId: 1 }, options: { jobId: 'triage-1' } },
      ]);
      await fresh.enqueue('intake.process', { messageId: 7 });
      await fresh.enqueueMany('notify.deliver', [{ payload: { outboxIds: [8, 9] } }]);
      await fresh.startWorker({
        'ticket.triage': async ({ ticketId }) => (order.push(`triage ${ticketId}`), 'done'),
        'intake.process': async ({ messageId }) => (order.push(`intake ${messageId}`), 'done'),
        'notify.deliver': async ({ outboxIds }) => (order.push(`deliver ${outboxIds.join(',')}`), 'done'),
        'chat.action': skip,
        'sla.alert': skip,
        'callback.step': skip,
        'callback.apply': skip,
        'proxy.assign': skip,
        'proxy.track': skip,
      });
      await waitFor(() => order.length >= 4);
      await fresh.drain();
      expect(order.slice(0, 2).sort()).toEqual(['deliver 8,9', 'intake 7']);
      expect(order.slice(2)).toEqual(['triage 1', 'triage 2']);
    } finally {
      await fresh.close();
      await cleanup();
    }
  });
});

describe('the handler map', () => {
  test('when a handler is missing at start, then the worker refuses to start', async () => {
    const queue = new InProcessQueue(1, logger);
    await expect(queue.startWorker({} as JobHandlers)).rejects.toThrow(/handlers missing for: ticket.triage/);
    await queue.close();
  });
});
