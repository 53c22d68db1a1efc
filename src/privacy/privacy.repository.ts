import type { Queryable } from '../db/db';
import { eraseTimelineMessages, forgetCallers } from '../tickets/tickets.repository';

export const retentionKinds = ['citizen_identity', 'message_bodies', 'media', 'audit_log', 'resident_register'] as const;
export type RetentionKind = (typeof retentionKinds)[number];

export interface RetentionPolicy {
  kind: RetentionKind;
  keepDays: number;
  lastAppliedAt: Date | null;
  lastResult: Record<string, number> | null;
  updatedAt: Date;
}

export async function listPolicies(db: Queryable): Promise<RetentionPolicy[]> {
  const rows = await db('retention_policies').select('*').orderBy('kind');
  return rows.map((r: Record<string, unknown>) => ({
    kind: r.kind as RetentionKind,
    keepDays: r.keep_days as number,
    lastAppliedAt: (r.last_applied_at as Date | null) ?? null,
    lastResult: (r.last_result as Record<string, number> | null) ?? null,
    updatedAt: r.updated_at as Date,
  }));
}

export async function updatePolicy(db: Queryable, kind: RetentionKind, keepDays: number): Promise<void> {
  await db('retention_policies').update({ keep_days: keepDays, updated_at: db.fn.now() }).where({ kind });
}

export async function recordApplied(db: Queryable, kind: RetentionKind, erased: number): Promise<void> {
  await db('retention_policies')
    .update({ last_applied_at: db.fn.now(), last_result: JSON.stringify({ erased }) })
    .where({ kind });
}

/** The resident register (proactive 代办): residents no import has refreshed since the cutoff go; their grants keep the counts. */
export async function deleteStaleResidents(db: Queryable, cutoff: Date, limit: number): Promise<number> {
  const { rowCount } = await db.raw(
    `delete from residents where id in (select id from residents where updated_at < ? order by id limit ? for update skip locked)`,
    [cutoff, limit],
  );
  return rowCount ?? 0;
}

/** A citizen's erasure: the register's row of the same person (by ID number or phone), if any. */
export async function forgetResident(db: Queryable, contactId: number): Promise<number> {
  const { rowCount } = await db.raw(
    `delete from residents r using contacts c
      where c.id = ? and ((c.id_number is not null and r.id_number = c.id_number) or (c.phone is not null and r.phone = c.phone))`,
    [contactId],
  );
  return rowCount ?? 0;
}

/** Contacts with nothing open and nothing touched since the cutoff, not anonymised yet. */
export async function dormantContacts(db: Queryable, cutoff: Date, limit: number): Promise<number[]> {
  const { rows } = await db.raw<{ rows: Array<{ id: number }> }>(
    `select c.id from contacts c
      where c.anonymised_at is null and c.updated_at < :cutoff
        and (c.phone is not null or c.wechat_openid is not null or c.name is not null or c.id_number is not null)
        and not exists (select 1 from tickets t where t.contact_id = c.id
                          and (t.status not in ('closed', 'cancelled') or t.updated_at >= :cutoff))
        and not exists (select 1 from ticket_requesters r join tickets t on t.id = r.ticket_id where r.contact_id = c.id
                          and (t.status not in ('closed', 'cancelled') or t.updated_at >= :cutoff))
      order by c.id limit :limit
      for update of c skip locked`,
    { cutoff, limit },
  );
  return rows.map((r) => r.id);
}

/** The one rule of a contact's erasure: who they are goes everywhere it was kept; what they asked stays. */
export async function anonymise(db: Queryable, contactIds: readonly number[]): Promise<number> {
  if (contactIds.length === 0) return 0;
  const ids = [...contactIds];
  const phones = (await db('contacts').select('phone').whereIn('id', ids).whereNotNull('phone')).map((r: { phone: string }) => r.phone);
  await forgetCallers(db, ids);
  await db('inbound_messages').update({ from_phone: null, from_openid: null }).whereIn('contact_id', ids);
  await db('callbacks').update({ phone: null }).whereIn('contact_id', ids);
  await db('proxy_orders').update({ applicant_address: null }).whereIn('ticket_id', db('tickets').select('id').whereIn('contact_id', ids));
  if (phones.length > 0) {
    await db('calls').update({ from_phone: null }).whereIn('from_phone', phones);
    await db('callback_tasks').update({ phone: null }).whereIn('phone', phones);
  }
  await db('citizen_sessions').delete().whereIn('contact_id', ids);
  await db('contacts')
    .update({
      phone: null,
      wechat_openid: null,
      name: null,
      id_number: null,
      vulnerability: [],
      vulnerability_consent: null,
      anonymised_at: db.fn.now(),
      updated_at: db.fn.now(),
    })
    .whereIn('id', ids);
  return ids.length;
}

/**
 * The words of citizens' messages, of their timelines, and of what the hub wrote back before the cutoff (of one
 * citizen, or all), a batch of each; the rows stay. The largest of the three batches: a full one asks for more.
 */
export async function eraseMessageBodies(db: Queryable, cutoff: Date, limit: number, contactId?: number): Promise<number> {
  const one = contactId === undefined ? {} : { contactId, contactText: String(contactId) };
  const inbound = await db.raw(
    `update inbound_messages set text = '', raw = '{}'::jsonb, location = null
      where id in (select id from inbound_messages where received_at < :cutoff and text <> ''
                   ${contactId === undefined ? '' : 'and contact_id = :contactId'} order by id limit :limit)`,
    { cutoff, limit, ...one },
  );
  const outbox = await db.raw(
    `update outbox set payload = jsonb_build_object('ticketId', payload->'ticketId', 'erased', true)
      where id in (select id from outbox where status in ('sent', 'dead', 'cancelled') and created_at < :cutoff
                     and jsonb_exists_any(payload, array['text', 'answer'])
                     ${contactId === undefined ? '' : "and recipient->>'contactId' = :contactText"} order by id limit :limit)`,
    { cutoff, limit, ...one },
  );
  const timeline = await eraseTimelineMessages(db, cutoff, limit, contactId);
  return Math.max(inbound.rowCount as number, outbox.rowCount as number, timeline);
}

export interface ErasableMedia {
  id: number;
  objectKey: string;
  thumbnailKey: string | null;
}

/** Citizens' photos and recordings from before the cutoff (of one citizen, or all) whose files are still kept. */
export async function erasableMedia(db: Queryable, cutoff: Date, limit: number, contactId?: number): Promise<ErasableMedia[]> {
  const query = db('media as m')
    .select<ErasableMedia[]>('m.id', 'm.object_key as objectKey', 'm.thumbnail_key as thumbnailKey')
    .whereNull('m.erased_at')
    .where('m.source', 'citizen')
    .where('m.created_at', '<', cutoff)
    .orderBy('m.id')
    .limit(limit);
  if (contactId !== undefined)
    query.where((q) =>
      q
        .whereIn('m.message_id', db('inbound_messages').select('id').where('contact_id', contactId))
        .orWhereIn('m.ticket_id', db('tickets').select('id').where('contact_id', contactId)),
    );
  return query;
}

export async function markMediaErased(db: Queryable, ids: readonly number[]): Promise<void> {
  if (ids.length > 0)
    await db('media')
      .update({ erased_at: db.fn.now() })
      .whereIn('id', [...ids]);
}

/** The audit log's entries before the cutoff, a batch at a time: the one deletion its trigger lets through. */
export async function deleteOldAudit(db: Queryable, cutoff: Date, limit: number): Promise<number> {
  await db.raw("set local hub.audit_retention = 'on'");
  const { rowCount } = await db.raw('delete from audit_log where id in (select id from audit_log where at < ? order by id limit ?)', [
    cutoff,
    limit,
  ]);
  return rowCount as number;
}

export async function findContactBy(db: Queryable, who: { phone: string } | { openid: string }) {
  return db('contacts')
    .select<{ id: number; phone: string | null } | undefined>('id', 'phone')
    .where('phone' in who ? { phone: who.phone } : { wechat_openid: who.openid })
    .first();
}

/** Everything the hotline holds on one citizen (查阅). */
export async function citizenData(db: Queryable, contactId: number) {
  const [person, tickets, messages, callbacks] = await Promise.all([
    db('contacts')
      .select('id', 'phone', 'wechat_openid as wechatOpenid', 'name', 'id_number as idNumber', 'created_at as createdAt')
      .where({ id: contactId })
      .first(),
    db('tickets')
      .select(
        'number',
        'channel',
        'status',
        'title',
        'description',
        'address',
        'reply_text as reply',
        'created_at as createdAt',
        'closed_at as closedAt',
      )
      .where({ contact_id: contactId })
      .orWhereIn('id', db('ticket_requesters').select('ticket_id').where({ contact_id: contactId }))
      .orderBy('id'),
    db('inbound_messages').select('channel', 'text', 'received_at as receivedAt').where({ contact_id: contactId }).orderBy('id'),
    db('callbacks')
      .select('status', 'contacted', 'resolved', 'satisfaction', 'comment', 'completed_at as completedAt')
      .where({ contact_id: contactId })
      .orderBy('id'),
  ]);
  return { person, tickets, messages, callbacks };
}
