import type { Queryable, Tx } from '../db/db';
import type { CallerAsGiven } from '../tickets/ticket.types';
import {
  callbackSettingsSchema,
  defaultCallbackSettings,
  type CallbackChannel,
  type CallbackSettings,
  type Satisfaction,
  type SurveyStep,
} from './survey';

export type CallbackStatus = 'scheduled' | 'asking' | 'completed' | 'unreachable' | 'skipped' | 'cancelled';
export type CallbackOutcome = 'closed' | 'reopened' | 'review' | 'unreachable' | 'skipped';

export interface CallbackRecord {
  id: number;
  ticketId: number;
  cycle: number;
  contactId: number | null;
  status: CallbackStatus;
  channel: CallbackChannel | null;
  remainingChannels: CallbackChannel[];
  attempt: number;
  step: SurveyStep | null;
  reasked: boolean;
  reminded: boolean;
  nextActionAt: Date | null;
  windowEndsAt: Date | null;
  phone: string | null;
  callSid: string | null;
  contacted: boolean | null;
  resolved: boolean | null;
  satisfaction: Satisfaction | null;
  comment: string | null;
  outcome: CallbackOutcome | null;
  unreachableReason: string | null;
  unreasonable: boolean;
  unreasonableReason: string | null;
  completedAt: Date | null;
  appliedAt: Date | null;
  departmentId: number | null;
  createdAt: Date;
}

const columns = {
  id: 'id',
  ticketId: 'ticket_id',
  cycle: 'cycle',
  contactId: 'contact_id',
  status: 'status',
  channel: 'channel',
  remainingChannels: 'remaining_channels',
  attempt: 'attempt',
  step: 'step',
  reasked: 'reasked',
  reminded: 'reminded',
  nextActionAt: 'next_action_at',
  windowEndsAt: 'window_ends_at',
  phone: 'phone',
  callSid: 'call_sid',
  contacted: 'contacted',
  resolved: 'resolved',
  satisfaction: 'satisfaction',
  comment: 'comment',
  outcome: 'outcome',
  unreachableReason: 'unreachable_reason',
  unreasonable: 'unreasonable',
  unreasonableReason: 'unreasonable_reason',
  completedAt: 'completed_at',
  appliedAt: 'applied_at',
  departmentId: 'department_id',
  createdAt: 'created_at',
} as const satisfies Record<keyof CallbackRecord, string>;

export type Patch = Partial<Record<keyof typeof columns, unknown>>;
const toRow = (patch: Patch) =>
  Object.fromEntries(Object.entries(patch).map(([field, value]) => [columns[field as keyof typeof columns], value]));

export async function readCallbackSettings(db: Queryable): Promise<CallbackSettings> {
  const row = await db('callback_settings').first<{ settings: unknown } | undefined>('settings');
  const parsed = callbackSettingsSchema.safeParse(row?.settings);
  return parsed.success ? parsed.data : defaultCallbackSettings;
}

export async function writeCallbackSettings(db: Queryable, settings: CallbackSettings): Promise<void> {
  await db('callback_settings')
    .insert({ settings: JSON.stringify(settings) })
    .onConflict('id')
    .merge({ settings: JSON.stringify(settings), updated_at: db.fn.now() });
}

/** The callback of a reply's handling cycle, due after the configured delay (once per cycle). */
export async function scheduleCallback(
  db: Queryable,
  ticket: { id: number; reopenCount: number; contactId: number | null; leadDepartmentId: number | null },
  delayMinutes: number,
): Promise<number | undefined> {
  const { rows } = await db.raw<{ rows: Array<{ id: number }> }>(
    `insert into callbacks (ticket_id, cycle, contact_id, status, next_action_at, department_id)
     values (?, ?, ?, 'scheduled', now() + ? * interval '1 minute', ?)
     on conflict (ticket_id, cycle) do nothing
     returning id`,
    [ticket.id, ticket.reopenCount, ticket.contactId, delayMinutes, ticket.leadDepartmentId],
  );
  return rows[0]?.id;
}

/** Ends the ticket's callbacks still open. */
export async function cancelOpenCallbacks(db: Queryable, ticketId: number): Promise<void> {
  await db('callbacks')
    .update({ status: 'cancelled', next_action_at: null, updated_at: db.fn.now() })
    .where({ ticket_id: ticketId })
    .whereIn('status', ['scheduled', 'asking']);
}

/** Callbacks whose next step is due, oldest first. */
export function findDueCallbacks(db: Queryable, limit: number): Promise<Array<{ id: number; at: Date }>> {
  return db('callbacks')
    .select({ id: 'id', at: 'next_action_at' })
    .whereIn('status', ['scheduled', 'asking'])
    .whereNotNull('next_action_at')
    .andWhere('next_action_at', '<=', db.raw('now()'))
    .orderBy('next_action_at')
    .limit(limit);
}

/** Finished surveys whose outcome is not yet carried out on their ticket. */
export function findUnapplied(db: Queryable, limit: number): Promise<Array<{ id: number }>> {
  return db('callbacks').select('id').whereNull('applied_at').whereIn('status', ['completed', 'unreachable', 'skipped']).limit(limit);
}

export async function findCallback(db: Queryable, id: number): Promise<CallbackRecord | undefined> {
  return db('callbacks').select(columns).where({ id }).first<CallbackRecord | undefined>();
}

export async function listCallbacks(
  db: Queryable,
  filter: { status?: CallbackStatus; channel?: CallbackChannel; outcome?: CallbackOutcome; ticketId?: number; limit: number },
): Promise<CallbackRecord[]> {
  const query = db('callbacks').select(columns).orderBy('id', 'desc').limit(filter.limit);
  if (filter.status) query.where('status', filter.status);
  if (filter.channel) query.where('channel', filter.channel);
  if (filter.outcome) query.where('outcome', filter.outcome);
  if (filter.ticketId) query.where('ticket_id', filter.ticketId);
  return query;
}

export function listCallbackEvents(db: Queryable, id: number): Promise<unknown[]> {
  return db('callback_events')
    .select({ type: 'type', channel: 'channel', step: 'step', text: 'text', data: 'data', at: 'created_at' })
    .where({ callback_id: id })
    .orderBy('id');
}

export async function markApplied(db: Queryable, id: number): Promise<void> {
  await db('callbacks').update({ applied_at: db.fn.now() }).where({ id }).whereNull('applied_at');
}

/** Columns outside the survey's own record: who answered by hand, who reviewed, the review's verdict. */
export async function setReviewFields(
  db: Queryable,
  id: number,
  fields: {
    answeredBy?: number;
    reviewedBy?: number;
    outcome?: CallbackOutcome;
    unreasonable?: boolean;
    unreasonableReason?: string;
    applied?: boolean;
  },
): Promise<void> {
  await db('callbacks')
    .update({
      ...(fields.answeredBy !== undefined ? { answered_by: fields.answeredBy } : {}),
      ...(fields.reviewedBy !== undefined ? { reviewed_by: fields.reviewedBy } : {}),
      ...(fields.outcome !== undefined ? { outcome: fields.outcome } : {}),
      ...(fields.unreasonable !== undefined ? { unreasonable: fields.unreasonable } : {}),
      ...(fields.unreasonableReason !== undefined ? { unreasonable_reason: fields.unreasonableReason } : {}),
      ...(fields.applied ? { applied_at: db.fn.now() } : {}),
    })
    .where({ id });
}

/** What the plan of a survey reads of its ticket: channel, category (and its parent), the caller as given. */
export async function surveyTicketFacts(
  db: Queryable,
  ticketId: number,
): Promise<{
  number: string;
  channel: string;
  categoryId: number | null;
  parentId: number | null;
  contactId: number | null;
  reopenCount: number;
  caller: CallerAsGiven | null;
}> {
  return db('tickets as t')
    .leftJoin('categories as c', 'c.id', 't.category_id')
    .select({
      number: 't.number',
      channel: 't.channel',
      categoryId: 't.category_id',
      parentId: 'c.parent_id',
      contactId: 't.contact_id',
      reopenCount: 't.reopen_count',
      caller: 't.caller',
    })
    .where('t.id', ticketId)
    .first();
}

/** The contact's survey open on a channel, within its window. */
export async function findOpenSurvey(db: Queryable, contactId: number, channel: CallbackChannel): Promise<CallbackRecord | undefined> {
  return db('callbacks')
    .select(columns)
    .where({ contact_id: contactId, status: 'asking', channel })
    .whereRaw('window_ends_at > now()')
    .orderBy('id', 'desc')
    .first<CallbackRecord | undefined>();
}

/** The contact's survey waiting on SMS (window or not). */
export async function findAskingBySms(db: Queryable, contactId: number): Promise<{ id: number } | undefined> {
  return db('callbacks')
    .select('id')
    .where({ contact_id: contactId, status: 'asking', channel: 'sms' })
    .first<{ id: number } | undefined>();
}

/** Of these contacts, those with a survey open, or one that ended less than `hours` ago. */
export async function contactsWithRecentSurvey(db: Queryable, contactIds: readonly number[], hours: number): Promise<Set<number>> {
  if (contactIds.length === 0) return new Set();
  const rows = await db('callbacks')
    .distinct('contact_id')
    .whereIn('contact_id', contactIds)
    .where((q) =>
      q
        .where('status', 'asking')
        .orWhere((ended) =>
          ended.whereIn('status', ['completed', 'unreachable']).andWhere('completed_at', '>', db.raw(`now() - interval '${hours} hours'`)),
        ),
    );
  return new Set(rows.map((r: { contact_id: number }) => Number(r.contact_id)));
}

/** The contact's latest survey whose window has closed, or that ended less than `hours` ago. */
export async function findRecentlyClosedSurvey(db: Queryable, contactId: number, hours: number): Promise<CallbackRecord | undefined> {
  return db('callbacks')
    .select(columns)
    .where({ contact_id: contactId })
    .where((q) =>
      q
        .where((open) => open.where('status', 'asking').whereRaw('window_ends_at <= now()'))
        .orWhere((ended) =>
          ended.whereIn('status', ['completed', 'unreachable']).andWhere('completed_at', '>', db.raw(`now() - interval '${hours} hours'`)),
        ),
    )
    .orderBy('id', 'desc')
    .first<CallbackRecord | undefined>();
}

export async function lock(trx: Tx, id: number): Promise<{ callback: CallbackRecord; now: Date } | undefined> {
  const row = await trx('callbacks')
    .select({ ...columns, now: trx.raw('now()') })
    .where({ id })
    .forUpdate()
    .first<(CallbackRecord & { now: Date }) | undefined>();
  if (!row) return undefined;
  const { now, ...callback } = row;
  return { callback, now };
}

export async function update(db: Queryable, id: number, patch: Patch): Promise<void> {
  await db('callbacks')
    .update({ ...toRow(patch), updated_at: db.raw('now()') })
    .where({ id });
}

export async function event(
  db: Queryable,
  callbackId: number,
  type: string,
  channel: string | null,
  step: string | null,
  text: string | null,
  data?: Record<string, unknown>,
): Promise<void> {
  await db('callback_events').insert({ callback_id: callbackId, type, channel, step, text, data: data ? JSON.stringify(data) : null });
}
