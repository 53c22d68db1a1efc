import { columnList, pgArray, returningAs, type Queryable } from '../db/db';
import type { OutboxMessage } from './message-catalogue';

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
  /** An earlier send may have gone out (lease lost mid-send, or its answer lost): ask the provider before sending again. */
  inDoubt: boolean;
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
  inDoubt: 'in_doubt',
  createdAt: 'created_at',
  sentAt: 'sent_at',
};

/** Written inside the transaction of the change that causes the message (through Outbox.write, which checks them first); returns the new rows. */
export async function insertOutbox(db: Queryable, messages: readonly OutboxMessage[]): Promise<Array<{ id: number; channel: string }>> {
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
 * Claims rows for one delivery attempt each: the job's own rows (those due that no other worker
 * holds), then more due rows on the given channels, oldest first, up to limit in all.
 * Each row goes to one worker only, under a lease (next_attempt_at) that the worker renews while
 * it sends. A row still 'sending' whose lease ran out was held by a worker that died: it is
 * claimable again, in doubt (its send may have gone out).
 */
export async function claimForDelivery(
  db: Queryable,
  ids: readonly number[],
  channels: readonly string[],
  limit: number,
  leaseMs: number,
): Promise<OutboxRecord[]> {
  const { rows } = await db.raw<{ rows: OutboxRecord[] }>(
    `with mine as (
       select id from outbox where id = any(?::bigint[]) and status in ('pending', 'failed', 'sending') and next_attempt_at <= now() for update skip locked),
     more as (
       select id from outbox
       where status in ('pending', 'failed', 'sending') and next_attempt_at <= now() and channel = any(?::text[]) and id <> all(?::bigint[]) and exists (select 1 from mine)
       order by next_attempt_at limit ? for update skip locked)
     update outbox set in_doubt = in_doubt or status = 'sending', status = 'sending', next_attempt_at = now() + make_interval(secs => ?)
     where id in (select id from mine union all select id from more)
     returning ${columnList(columns)}`,
    [pgArray(ids), pgArray(channels), pgArray(ids), Math.max(0, limit - ids.length), leaseMs / 1000],
  );
  return rows.sort((a, b) => a.id - b.id);
}

/** A send whose answer never came: the next attempt asks the provider before sending again. */
export async function markInDoubt(db: Queryable, id: number): Promise<void> {
  await db('outbox').update({ in_doubt: true }).where({ id });
}

/** A live worker keeps its claimed rows: their lease runs on from now. */
export async function renewLease(db: Queryable, ids: readonly number[], leaseMs: number): Promise<void> {
  if (ids.length === 0) return;
  await db.raw(`update outbox set next_attempt_at = now() + make_interval(secs => ?) where id = any(?::bigint[]) and status = 'sending'`, [
    leaseMs / 1000,
    pgArray(ids),
  ]);
}

export interface SentResult {
  id: number;
  providerId: string | null;
  segments: number | null;
  note?: string;
}

/** Rows sent in one attempt, recorded together. */
export async function markSent(db: Queryable, sent: readonly SentResult[]): Promise<void> {
  if (sent.length === 0) return;
  await db.raw(
    `update outbox o set status = 'sent', sent_at = now(), provider_id = s.provider_id, segments = s.segments, attempts = o.attempts + 1, last_error = s.note, in_doubt = false
     from unnest(?::bigint[], ?::text[], ?::int[], ?::text[]) as s(id, provider_id, segments, note) where o.id = s.id`,
    [sent.map((r) => r.id), sent.map((r) => r.providerId), sent.map((r) => r.segments), sent.map((r) => r.note ?? null)].map(pgArray),
  );
}

/**
 * A failed attempt: retried after retryInMs, or dead once attempts are used up.
 * countAttempt is false when a provider reports a send (already counted) as failed.
 */
export async function markFailed(
  db: Queryable,
  id: number,
  error: string,
  options: { maxAttempts: number; retryInMs: number; countAttempt: boolean; outcomeUnknown?: boolean },
): Promise<OutboxStatus> {
  const added = options.countAttempt ? 1 : 0;
  const [row] = await db('outbox')
    .update({
      attempts: db.raw('attempts + ?', [added]),
      ...(options.outcomeUnknown ? { in_doubt: true } : {}),
      last_error: error.slice(0, 1_000),
      status: db.raw("case when attempts + ? >= ? then 'dead' else 'failed' end", [added, options.maxAttempts]),
      next_attempt_at: db.raw('now() + make_interval(secs => ?)', [options.retryInMs / 1000]),
    })
    .where({ id })
    .returning<Array<{ status: OutboxStatus }>>('status');
  return row!.status;
}

/** Claimed rows not attempted (their channel rests, or this hub cannot send on it): due again after delayMs, no attempt counted, the reason shown. */
export async function holdBack(db: Queryable, ids: readonly number[], delayMs: number, reason: string | null): Promise<void> {
  if (ids.length === 0) return;
  await db.raw(
    `update outbox set status = case when attempts > 0 then 'failed' else 'pending' end, next_attempt_at = now() + make_interval(secs => ?), last_error = coalesce(?, last_error)
     where id = any(?::bigint[]) and status = 'sending'`,
    [delayMs / 1000, reason, pgArray(ids)],
  );
}

export async function markCancelled(db: Queryable, id: number, reason: string): Promise<void> {
  await db('outbox').update({ status: 'cancelled', last_error: reason }).where({ id });
}

/**
 * Rows waiting on a channel none of the given ones, for longer than olderThanMs: no hub
 * configured like this one will ever send them. Cancelled, the reason shown; an admin can retry.
 */
export async function cancelStranded(
  db: Queryable,
  channels: readonly string[],
  olderThanMs: number,
): Promise<Array<{ id: number; channel: string }>> {
  return db('outbox')
    .update({ status: 'cancelled', last_error: db.raw("'no sender for channel ' || channel || ' is configured on this hub'") })
    .whereIn('status', ['pending', 'failed'])
    .whereNotIn('channel', channels)
    .where('created_at', '<', db.raw('now() - ?::interval', [`${olderThanMs} milliseconds`]))
    .returning(['id', 'channel']);
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

export async function listOutbox(
  db: Queryable,
  filter: { status?: OutboxStatus; ticketId?: number; limit: number },
): Promise<OutboxRecord[]> {
  const query = db('outbox').select(columns).orderBy('id', 'desc').limit(filter.limit);
  if (filter.status) query.where({ status: filter.status });
  if (filter.ticketId) query.where({ ticket_id: filter.ticketId });
  return query;
}

/** A message nobody should receive any more, withdrawn while it waits (not while a send is under way, nor once sent). */
export async function cancelWaiting(db: Queryable, id: number, reason: string): Promise<OutboxRecord | undefined> {
  const [row] = await db('outbox')
    .update({ status: 'cancelled', last_error: reason.slice(0, 1_000) })
    .where({ id })
    .whereIn('status', ['pending', 'failed', 'dead'])
    .returning(returningAs(columns));
  return row as OutboxRecord | undefined;
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
export async function keepEarlyReport(
  db: Queryable,
  report: { providerId: string; providerStatus: string; errorCode?: string },
): Promise<void> {
  await db.raw(
    `insert into early_provider_reports (provider_id, provider_status, error_code) values (?, ?, ?)
     on conflict (provider_id) do update set provider_status = excluded.provider_status, error_code = excluded.error_code, received_at = now()`,
    [report.providerId, report.providerStatus, report.errorCode ?? null],
  );
}

/** Takes (reads and deletes) the early reports for message ids that were just recorded. */
export async function takeEarlyReports(
  db: Queryable,
  providerIds: readonly string[],
): Promise<Array<{ providerId: string; providerStatus: string; errorCode: string | null }>> {
  if (providerIds.length === 0) return [];
  const { rows } = await db.raw<{ rows: Array<{ providerId: string; providerStatus: string; errorCode: string | null }> }>(
    `delete from early_provider_reports where provider_id = any(?::text[])
     returning provider_id as "providerId", provider_status as "providerStatus", error_code as "errorCode"`,
    [pgArray(providerIds)],
  );
  return rows;
}

/** A sent message the provider later reported failed: back to 'sending', for the failure to be recorded as for any attempt. */
export async function reopenSent(db: Queryable, id: number): Promise<void> {
  await db('outbox').update({ status: 'sending' }).where({ id, status: 'sent' });
}
