import { z } from 'zod';

/**
 * Each job runs in a lane, and each lane has its own concurrency per worker process:
 * - main (QUEUE_CONCURRENCY): one-off work, much of it waiting on a provider (Slack, calls, the postal service);
 * - intake and delivery (QUEUE_BATCH_CONCURRENCY each): jobs that work off everything waiting. One at a
 *   time makes the biggest batches, so the fewest statements and callbacks per message, and the webhooks
 *   of a burst wait less for the event loop (docs/benchmarks.md, session 8); more worker processes, not
 *   more at once in one, is how they scale. Two lanes, so intake never waits for a slow provider;
 * - background (QUEUE_BACKGROUND_CONCURRENCY): work that may lag a burst (triage).
 */
export const lanes = ['main', 'intake', 'delivery', 'background'] as const;
export type Lane = (typeof lanes)[number];
export type LaneConcurrency = Record<Lane, number>;

export interface JobSpec<S extends z.ZodType> {
  payload: S;
  /** Attempts in all, first run included. */
  attempts: number;
  /** First retry delay; doubles on each further retry. */
  backoffMs: number;
  lane: Lane;
}

const job = <S extends z.ZodType>(payload: S, options: { attempts?: number; backoffMs?: number; lane?: Lane } = {}): JobSpec<S> => ({
  payload,
  attempts: options.attempts ?? 5,
  backoffMs: options.backoffMs ?? 1_000,
  lane: options.lane ?? 'main',
});

/** Tickets one triage job takes at most. */
export const triageBatchSize = 100;
/** Outbox rows one delivery job names and claims at most: a burst of acknowledgements goes out in batches of this size. */
export const deliveryBatchSize = 50;

/**
 * Every job the hub runs: name → payload schema and retry policy. Payloads carry
 * ids only; handlers reload rows and are idempotent. A job added here without a
 * handler fails to compile in the composition root (the handler map is total).
 */
export const jobCatalogue = {
  // In a burst the citizens' acknowledgements go first; classifying and dispatching follow at a steady pace.
  // One job triages the tickets one intake batch (or one group of creations) opened, one after another.
  'ticket.triage': job(z.strictObject({ ticketIds: z.array(z.number().int().positive()).min(1).max(triageBatchSize) }), {
    lane: 'background',
  }),
  // Works off every stored message waiting (coalesced: a burst of webhooks makes a few of these).
  'intake.process': job(z.strictObject({}), { lane: 'intake' }),
  // Delivery keeps its retry state on the outbox rows; the job itself runs once per attempt. One job
  // names up to a batch of rows (those one transaction wrote) and may take more that are due.
  'notify.deliver': job(z.strictObject({ outboxIds: z.array(z.number().int().positive()).min(1).max(deliveryBatchSize) }), {
    attempts: 1,
    lane: 'delivery',
  }),
  // One level of the SLA alert ladder for one clock; a moved deadline (new generation) makes it stale.
  'sla.alert': job(
    z.strictObject({ clockId: z.number().int().positive(), generation: z.number().int().positive(), level: z.number().int().min(0) }),
    { attempts: 5, backoffMs: 2_000 },
  ),
  // The next step of a callback survey (ask, remind, next channel) and carrying out its outcome on the ticket.
  'callback.step': job(z.strictObject({ callbackId: z.number().int().positive() })),
  'callback.apply': job(z.strictObject({ callbackId: z.number().int().positive() })),
  // 帮办代办: offer an order to a runner; follow a posted result through the postal service.
  'proxy.assign': job(z.strictObject({ orderId: z.number().int().positive() })),
  'proxy.track': job(z.strictObject({ orderId: z.number().int().positive() })),
  // A citizen message's media (MMS photos, a voicemail) fetched from the provider once and kept.
  'media.fetch': job(z.strictObject({ messageId: z.number().int().positive() }), { backoffMs: 5_000 }),
  // A button or form submitted in Slack: acknowledged at once, performed here as the mapped user.
  'chat.action': job(
    z.strictObject({
      slackUserId: z.string().min(1).max(40),
      channelId: z.string().min(1).max(40),
      ticketId: z.number().int().positive(),
      action: z.enum(['sign_for', 'return', 'reply', 'view', 'urge', 'supervise', 'decide_extension']),
      body: z.record(z.string(), z.unknown()),
    }),
    { attempts: 3 },
  ),
};

export type JobCatalogue = typeof jobCatalogue;
export type JobName = keyof JobCatalogue;
export type JobPayload<N extends JobName> = z.infer<JobCatalogue[N]['payload']>;
