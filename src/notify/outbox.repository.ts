import { returningAs, type Queryable } from '../db/db';

export interface NewOutboxMessage {
  kind: string;
  channel: string;
  recipient: Record<string, unknown>;
  payload: Record<string, unknown>;
  ticketId?: number | null;
  /** A second row with the same key is ignored: the same message is never queued twice. */
  dedupeKey?: string;
}

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'dead' | 'cancelled';

export interface OutboxRecord {
  id: number;
  kind: string;
  channel: string;
  recipient: { contactId?: number; phone?: string; departmentId?: number; chatChannel?: string };
  payload: Record<string, unknown>;
  ticketId: number | null;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  providerId: string | null;
  providerStatus: string | null;
  segments: number | null;
  createdAt: Date;
  sentAt: Date | null;
}

const columns = {
  id: 'id',
  kind: 'kind',
  channel: 'channel',
  recipient: 'recipient',
  payload: 'payload',
  ticketId: 'ticket_id',
  status: 'status',
  attempts: 'attempts',
  nextAttemptAt: 'next_attempt_at',
  lastError: 'last_error',
  providerId: 'provider_id',
  providerStatus: 'provider_status',
  segments: 'segments',
  createdAt: 'created_at',
  sentAt: 'sent_at',
};

/** Written inside the transaction of the change that causes the message; returns the new rows. */
export async function enqueueOutbox(db: Queryable, messages: readonly NewOutboxMessage[]): Promise<Array<{ id: number; channel: string }>> {
  if (messages.length === 0) return [];
  const rows = await db('outbox')
    .insert(
      messages.map((m) => ({
        kind: m.kind,
        channel: m.channel,
        recipient: m.recipient,
        payload: m.payload,
        ticket_id: m.ticketId ?? null,
        dedupe_key: m.dedupeKey ?? null,
      })),
    )
    .onConflict('dedupe_key')
    .ignore()
    .returning<Array<{ id: number; channel: string }>>(['id', 'channel']);
  return rows;
}

/**
 * Claims a row for one delivery attempt: only one worker gets it, and only when it is due.
 * A row left in 'sending' by a crashed worker is claimable again after five minutes.
 */
export async function claimForDelivery(db: Queryable, id: number): Promise<OutboxRecord | undefined> {
  const [row] = await db('outbox')
    .update({ status: 'sending', next_attempt_at: db.raw("now() + interval '5 minutes'") })
    .where({ id })
    .whereIn('status', ['pending', 'failed', 'sending'])
    .where('next_attempt_at', '<=', db.fn.now())
    .returning(returningAs(columns));
  return row as OutboxRecord | undefined;
}

export async function markSent(db: Queryable, id: number, result: { providerId: string | null; segments: number | null; note?: string }): Promise<void> {
  await db('outbox')
    .update({ status: 'sent', sent_at: db.fn.now(), provider_id: result.providerId, segments: result.segments, attempts: db.raw('attempts + 1'), last_error: result.note ?? null })
    .where({ id });
}

/**
 * A failed attempt: retried after retryInMs, or dead once attempts are used up.
 * countAttempt is false when a provider reports a send (already counted) as failed.
 */
export async function markFailed(
  db: Queryable,
  id: number,
  error: string,
  options: { maxAttempts: number; retryInMs: number; countAttempt: boolean },
): Promise<OutboxStatus> {
  const added = options.countAttempt ? 1 : 0;
  const [row] = await db('outbox')
    .update({
      attempts: db.raw('attempts + ?', [added]),
      last_error: error.slice(0, 1_000),
      status: db.raw("case when attempts + ? >= ? then 'dead' else 'failed' end", [added, options.maxAttempts]),
      next_attempt_at: db.raw('now() + make_interval(secs => ?)', [options.retryInMs / 1000]),
    })
    .where({ id })
    .returning<Array<{ status: OutboxStatus }>>('status');
  return row!.status;
}

export async function markCancelled(db: Queryable, id: number, reason: string): Promise<void> {
  await db('outbox').update({ status: 'cancelled', last_error: reason }).where({ id });
}

/** Rows due for an attempt on the given channels, oldest first (the relay sweep). */
export async function findDue(db: Queryable, channels: readonly string[], limit: number): Promise<Array<{ id: number; attempts: number }>> {
  if (channels.length === 0) return [];
  return db('outbox')
    .select('id', 'attempts')
    .whereIn('status', ['pending', 'failed', 'sending'])
    .whereIn('channel', channels)
    .where('next_attempt_at', '<=', db.fn.now())
    .orderBy('next_attempt_at')
    .limit(limit);
}

export async function findByProviderId(db: Queryable, providerId: string): Promise<OutboxRecord | undefined> {
  return db('outbox').select(columns).where({ provider_id: providerId }).first();
}

export async function setProviderStatus(db: Queryable, id: number, providerStatus: string): Promise<void> {
  await db('outbox').update({ provider_status: providerStatus }).where({ id });
}

export async function listOutbox(db: Queryable, filter: { status?: OutboxStatus; ticketId?: number; limit: number }): Promise<OutboxRecord[]> {
  const query = db('outbox').select(columns).orderBy('id', 'desc').limit(filter.limit);
  if (filter.status) query.where({ status: filter.status });
  if (filter.ticketId) query.where({ ticket_id: filter.ticketId });
  return query;
}

/** An admin's retry of a failed, dead or cancelled row: due now, attempts counted afresh. */
export async function resetForRetry(db: Queryable, id: number): Promise<OutboxRecord | undefined> {
  const [row] = await db('outbox')
    .update({ status: 'pending', attempts: 0, next_attempt_at: db.fn.now(), last_error: null })
    .where({ id })
    .whereIn('status', ['failed', 'dead', 'cancelled'])
    .returning(returningAs(columns));
  return row as OutboxRecord | undefined;
}

/** A report for a message id not recorded yet (the send's answer is still on its way back). The latest report wins. */
export async function keepEarlyReport(db: Queryable, report: { providerId: string; providerStatus: string; errorCode?: string }): Promise<void> {
  await db.raw(
    `insert into early_provider_reports (provider_id, provider_status, error_code) values (?, ?, ?)
     on conflict (provider_id) do update set provider_status = excluded.provider_status, error_code = excluded.error_code, received_at = now()`,
    [report.providerId, report.providerStatus, report.errorCode ?? null],
  );
}

/** Takes (reads and deletes) an early report for a message id that was just recorded. */
export async function takeEarlyReport(db: Queryable, providerId: string): Promise<{ providerStatus: string; errorCode: string | null } | undefined> {
  const [row] = await db('early_provider_reports').where({ provider_id: providerId }).delete().returning<Array<{ provider_status: string; error_code: string | null }>>(['provider_status', 'error_code']);
  return row ? { providerStatus: row.provider_status, errorCode: row.error_code } : undefined;
}
