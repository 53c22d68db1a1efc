import type { Db } from '../db/db';
import { deliveryBatchSize } from '../jobs/job-catalogue';
import type { JobOutcome, JobQueue } from '../jobs/queue';
import { chunks } from '../shared/chunks';
import { found } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { findContacts, type ContactRecord } from '../contacts/contacts.repository';
import * as outbox from '../outbox/outbox.repository';
import { DeliveryError } from './ports';
import { ChannelBreaker, type ChannelOutcome } from './channel-breaker';
import { ChannelSend, type NotifyChannels } from './channel-send';

const maxRetryDelayMs = 30 * 60_000;
/**
 * A message on a channel this hub cannot send on waits this long for a hub that can (a rolling
 * deploy, a worker configured differently), then is cancelled: nothing sits in the outbox forever.
 */
const strandedAfterMs = 60 * 60_000;
/** A failing channel is tried again (one probe) at least this often. */
const maxRestMs = 5 * 60_000;
/**
 * Chat cards of one delivery job go out in at most this many lanes: each card holds a database
 * connection (its lock) while the chat answers, so a chat that hangs holds at most this many.
 */
const chatLanes = 4;
const batches = (ids: readonly number[]) => chunks(ids, deliveryBatchSize);

/**
 * Delivery of the outbox. The row is the truth: each attempt claims it, sends once, and
 * records the outcome; retries wait with exponential backoff on the row, so a provider
 * outage loses nothing and a crash never makes a row disappear (a crash between send and
 * record sends again after five minutes: at least once). A job for the rows one transaction
 * wrote delivers them promptly; the relay sweep picks up anything whose job was lost.
 */
export class NotifyService {
  constructor(
    private readonly db: Db,
    private readonly queue: JobQueue,
    private readonly logger: Logger,
    /** publicUrl: where the console is, for the links in work-chat notices. */
    private readonly options: { maxAttempts: number; retryBaseMs: number; leaseMs: number; publicUrl: string },
    private readonly senders: NotifyChannels,
  ) {
    this.breaker = new ChannelBreaker({ baseMs: options.retryBaseMs, maxMs: maxRestMs });
    this.send = new ChannelSend(db, senders, logger, options.publicUrl);
  }

  private readonly send: ChannelSend;

  private readonly breaker: ChannelBreaker;

  /** Channels this hub can deliver on; rows for other channels wait for their sender. */
  channels(): string[] {
    return Object.entries(this.senders)
      .filter(([, sender]) => sender !== undefined)
      .map(([channel]) => channel);
  }

  /**
   * A delivery job sends a batch: its own rows and others due on this hub's open channels, each
   * claimed for one attempt. One recipient's messages go out in order, different recipients in
   * parallel; a chat channel's cards in order too, at most chatLanes channels at once (a card holds
   * a database connection while Slack answers). The sends are recorded together. Rows on a resting
   * channel (see ChannelBreaker) are handed back, due when the rest ends, without an attempt counted;
   * so is a probe the provider failed, due one rest later, so that the next probe is another message.
   */
  async deliver(outboxIds: readonly number[]): Promise<JobOutcome> {
    const channels = this.channels();
    const rows = await outbox.claimForDelivery(this.db, outboxIds, this.breaker.open(channels), deliveryBatchSize, this.options.leaseMs);
    if (rows.length === 0) return 'skipped';
    // The claim is a lease: renewed while this job sends, so only a worker that died loses it.
    const renewal = setInterval(() => {
      outbox
        .renewLease(
          this.db,
          rows.map((r) => r.id),
          this.options.leaseMs,
        )
        .catch((err: unknown) => this.logger.warn({ err }, 'renewing the outbox lease failed'));
    }, this.options.leaseMs / 3);
    try {
      return await this.deliverClaimed(rows, channels);
    } finally {
      clearInterval(renewal);
    }
  }

  private async deliverClaimed(rows: outbox.OutboxRecord[], channels: string[]): Promise<JobOutcome> {
    // Rows not ours to send (configuration changed since they were enqueued) go back, due now, for a hub that can.
    await outbox.holdBack(
      this.db,
      rows.filter((r) => !channels.includes(r.channel)).map((r) => r.id),
      0,
      null,
    );
    const admitted = new Map<string, 'all' | 'probe' | 'none'>();
    const sending: outbox.OutboxRecord[] = [];
    const held: outbox.OutboxRecord[] = [];
    const probes = new Set<number>();
    const failedProbes: outbox.OutboxRecord[] = [];
    for (const row of rows.filter((r) => channels.includes(r.channel))) {
      const admission = admitted.get(row.channel) ?? this.breaker.admit(row.channel);
      (admission === 'none' ? held : sending).push(row);
      if (admission === 'probe') probes.add(row.id);
      // One probe: the channel's other rows wait for its answer.
      admitted.set(row.channel, admission === 'probe' ? 'none' : admission);
    }
    const contactIds = [...new Set(sending.map((r) => r.recipient.contactId).filter((id): id is number => id !== undefined))];
    const contacts = new Map((await findContacts(this.db, contactIds)).map((c) => [c.id, c]));
    const lanes = new Map<string, outbox.OutboxRecord[]>();
    const chatChannels = [...new Set(sending.flatMap((r) => (r.channel === 'slack' ? [r.recipient.chatChannel ?? ''] : [])))];
    for (const row of sending) {
      const lane =
        row.channel === 'slack'
          ? `chat:${chatChannels.indexOf(row.recipient.chatChannel ?? '') % chatLanes}`
          : row.recipient.contactId !== undefined
            ? `contact:${row.recipient.contactId}`
            : `row:${row.id}`;
      const queued = lanes.get(lane);
      if (queued) queued.push(row);
      else lanes.set(lane, [row]);
    }
    const sent: outbox.SentResult[] = [];
    const outcomes = new Map<string, ChannelOutcome>();
    await Promise.all(
      [...lanes.values()].map(async (lane) => {
        for (const row of lane) {
          const outcome = outcomes.get(row.channel) ?? { sent: 0, failed: 0, slowestFailureMs: 0 };
          outcomes.set(row.channel, outcome);
          // Once the channel has failed in this job and not yet sent, the rest of its rows wait for the breaker's verdict.
          if (outcome.failed > 0 && outcome.sent === 0) {
            held.push(row);
            continue;
          }
          const started = Date.now();
          const result = await this.attempt(row, contacts, probes.has(row.id));
          if (result && 'providerId' in result) {
            sent.push({ id: row.id, ...result });
            outcome.sent += 1;
          } else if (result && 'providerFailed' in result) {
            if (probes.has(row.id)) failedProbes.push(row);
            outcome.failed += 1;
            outcome.slowestFailureMs = Math.max(outcome.slowestFailureMs, Date.now() - started);
            outcome.lastError = result.providerFailed;
          }
        }
      }),
    );
    await outbox.markSent(this.db, sent);
    for (const [channel, outcome] of outcomes) {
      const change = this.breaker.record(channel, outcome);
      if (change === 'opened') this.logger.info({ channel }, 'outbound channel answers again; delivering');
      else if (change)
        this.logger.warn(
          { channel, restingMs: change.restingMs, err: outcome.lastError },
          'outbound channel failing; resting it, its messages wait without using attempts',
        );
    }
    await this.holdBack(held);
    // A failed probe waits a rest longer than the others: an outage uses up no message's attempts, and a
    // message that itself provokes the provider's error cannot keep the channel shut (once another one has
    // gone out, it is tried with the channel open and uses its attempts as usual).
    await this.holdBack(failedProbes, 2);
    // A delivery report may have overtaken the send's own answer: apply it now.
    const early = await outbox.takeEarlyReports(
      this.db,
      sent.flatMap((r) => (r.providerId ? [r.providerId] : [])),
    );
    for (const report of early) await this.providerStatus(report.providerId, report.providerStatus, report.errorCode ?? undefined);
    return 'done';
  }

  /**
   * Rows of resting channels go back to wait, with a job for when the rest ends (or now, when the
   * probe went out); after as many rests as given, counted from now (a rest that just began).
   */
  private async holdBack(rows: readonly outbox.OutboxRecord[], rests = 1): Promise<void> {
    for (const channel of new Set(rows.map((r) => r.channel))) {
      const ids = rows.filter((r) => r.channel === channel).map((r) => r.id);
      const until = this.breaker.restingUntil(channel);
      const delayMs = until === undefined ? 0 : Math.max(0, until - Date.now()) * rests;
      const reason =
        until === undefined ? null : `${channel} resting until ${new Date(until).toISOString()}: ${this.breaker.reason(channel) ?? ''}`;
      await outbox.holdBack(this.db, ids, delayMs, reason);
      const jobId = (first: number) => `outbox-${first}-held-${until ?? Date.now()}${rests > 1 ? `-x${rests}` : ''}`;
      await this.queue.enqueueMany(
        'notify.deliver',
        batches(ids).map((outboxIds) => ({ payload: { outboxIds }, options: { jobId: jobId(outboxIds[0]!), delayMs } })),
      );
    }
  }

  /**
   * One send: its outcome when sent; a provider's failure (recorded here as an attempt, except for a
   * probe, which the caller hands back) or nothing to count otherwise.
   */
  private async attempt(
    row: outbox.OutboxRecord,
    contacts: ReadonlyMap<number, ContactRecord>,
    probe: boolean,
  ): Promise<Omit<outbox.SentResult, 'id'> | { providerFailed: string } | undefined> {
    try {
      const contact = row.recipient.contactId !== undefined ? contacts.get(row.recipient.contactId) : undefined;
      const result = await this.send.send(row, contact);
      if ('skip' in result) {
        await outbox.markCancelled(this.db, row.id, result.skip);
        return undefined;
      }
      return result;
    } catch (error) {
      // The message's own fault (a refused number) says nothing about the provider.
      const providerFailed = error instanceof DeliveryError && !error.permanent;
      if (!(probe && providerFailed)) await this.failed(row, error);
      else if ((error as DeliveryError).outcomeUnknown) await outbox.markInDoubt(this.db, row.id);
      return providerFailed ? { providerFailed: (error as DeliveryError).message } : undefined;
    }
  }

  /** A send that failed now (countAttempt) or that the provider reported failed later (already counted). */
  private async failed(row: outbox.OutboxRecord, error: unknown, countAttempt = true): Promise<void> {
    const permanent = error instanceof DeliveryError && error.permanent;
    const attempts = row.attempts + (countAttempt ? 1 : 0);
    const retryInMs = Math.min(this.options.retryBaseMs * 2 ** (attempts - 1), maxRetryDelayMs);
    const status = await outbox.markFailed(this.db, row.id, (error as Error).message ?? String(error), {
      maxAttempts: permanent ? attempts : this.options.maxAttempts,
      retryInMs,
      countAttempt,
      outcomeUnknown: error instanceof DeliveryError && error.outcomeUnknown,
    });
    this.logger.warn({ outboxId: row.id, attempts, status, err: error }, 'outbox delivery failed');
    if (status === 'failed') {
      await this.queue.enqueue('notify.deliver', { outboxIds: [row.id] }, { jobId: `outbox-${row.id}-${attempts}`, delayMs: retryInMs });
    }
  }

  /** The relay: anything due on our channels whose job was lost (Redis flush, crash) is enqueued again; resting channels wait. */
  async sweep(): Promise<number> {
    const stranded = await outbox.cancelStranded(this.db, this.channels(), strandedAfterMs);
    if (stranded.length > 0)
      this.logger.warn(
        { count: stranded.length, channels: [...new Set(stranded.map((r) => r.channel))] },
        'outbound messages on channels this hub has no sender for: cancelled',
      );
    const due = await outbox.findDue(this.db, this.breaker.notResting(this.channels()), 500);
    const attempts = new Map(due.map((r) => [r.id, r.attempts]));
    await this.queue.enqueueMany(
      'notify.deliver',
      batches(due.map((r) => r.id)).map((outboxIds) => ({
        payload: { outboxIds },
        options: { jobId: `outbox-${outboxIds[0]}-${attempts.get(outboxIds[0]!)}-sweep` },
      })),
    );
    return due.length;
  }

  /**
   * A provider's delivery report (Twilio status callback). Failed or undelivered after being
   * sent → the row goes back to retry (or dead once attempts are used up). Repeats are harmless.
   */
  async providerStatus(providerId: string, providerStatus: string, errorCode?: string): Promise<void> {
    const row = await outbox.findByProviderId(this.db, providerId);
    if (!row) {
      // Either not ours, or the send's answer has not been recorded yet: keep it for when it is.
      await outbox.keepEarlyReport(this.db, { providerId, providerStatus, errorCode });
      this.logger.info({ providerId, providerStatus }, 'delivery report before its message was recorded; kept');
      return;
    }
    await outbox.setProviderStatus(this.db, row.id, providerStatus);
    if ((providerStatus === 'failed' || providerStatus === 'undelivered') && row.status === 'sent') {
      await outbox.reopenSent(this.db, row.id);
      await this.failed(
        row,
        new DeliveryError(`provider reported ${providerStatus}${errorCode ? ` (error ${errorCode})` : ''}`, false),
        false,
      );
    }
  }

  list(filter: { status?: outbox.OutboxStatus; ticketId?: number; limit: number }): Promise<outbox.OutboxRecord[]> {
    return outbox.listOutbox(this.db, filter);
  }

  /** An admin withdraws a waiting message (e.g. one the provider keeps failing, alone on its channel); retry() brings it back. */
  async cancel(id: number, reason: string, by: string): Promise<outbox.OutboxRecord> {
    return found(await outbox.cancelWaiting(this.db, id, `cancelled by ${by}: ${reason}`), '待发、失败或终止的待发消息');
  }

  async retry(id: number): Promise<outbox.OutboxRecord> {
    const row = found(await outbox.resetForRetry(this.db, id), '失败、终止或已取消的待发消息');
    await this.queue.enqueue('notify.deliver', { outboxIds: [id] }, { jobId: `outbox-${id}-manual-${Date.now()}` });
    return row;
  }
}
