import { job, type Work } from '../db/unit-of-work';
import { deliveryBatchSize } from '../jobs/job-catalogue';
import { chunks } from '../shared/chunks';
import { checkMessage, type OutboxMessage } from './message-catalogue';
import { insertOutbox } from './outbox.repository';

/**
 * The outbox's one way in. Messages are checked against the catalogue and written in the
 * transaction of the change that causes them; once it commits, a delivery job per batch sends
 * those this hub has a sender for (the relay sweep sends the rest, and anything whose job was lost).
 */
export class Outbox {
  /** @param deliverable the channels this hub can send on (src/notify decides). */
  constructor(private readonly deliverable: () => readonly string[]) {}

  async write(work: Work, messages: readonly OutboxMessage[]): Promise<Array<{ id: number; channel: string }>> {
    if (messages.length === 0) return [];
    for (const message of messages) checkMessage(message);
    const rows = await insertOutbox(work.trx, messages);
    const channels = this.deliverable();
    const ids = rows.filter((row) => channels.includes(row.channel)).map((row) => row.id);
    work.enqueue(
      ...chunks(ids, deliveryBatchSize).map((outboxIds) => job('notify.deliver', { outboxIds }, { jobId: `outbox-${outboxIds[0]}-0` })),
    );
    return rows;
  }
}
