import type { Queryable } from '../db/db';

export type CallOutcome = 'request_recorded' | 'status_answered' | 'operator_connected';

export interface CallbackTaskRecord {
  id: number;
  callId: number;
  callSid: string;
  phone: string | null;
  reason: 'missed' | 'abandoned';
  status: 'open' | 'done';
  menuChoice: string | null;
  callStartedAt: Date;
  note: string | null;
  reached: boolean | null;
  doneBy: number | null;
  doneAt: Date | null;
  createdAt: Date;
}

/** Records a call the first time any webhook of it arrives (Twilio may retry). */
export async function upsertCall(db: Queryable, call: { callSid: string; fromPhone: string | null }): Promise<void> {
  await db('calls').insert({ call_sid: call.callSid, from_phone: call.fromPhone }).onConflict('call_sid').ignore();
}

export async function updateCall(
  db: Queryable,
  callSid: string,
  patch: { status?: string; menuChoice?: string; outcome?: CallOutcome; durationSeconds?: number; ended?: boolean },
): Promise<void> {
  const row: Record<string, unknown> = {};
  if (patch.status !== undefined) row.status = patch.status;
  if (patch.menuChoice !== undefined) row.menu_choice = patch.menuChoice;
  if (patch.outcome !== undefined) row.outcome = patch.outcome;
  if (patch.durationSeconds !== undefined) row.duration_seconds = patch.durationSeconds;
  if (patch.ended) row.ended_at = db.fn.now();
  if (Object.keys(row).length > 0) await db('calls').update(row).where({ call_sid: callSid });
}

export async function findCall(
  db: Queryable,
  callSid: string,
): Promise<{ id: number; fromPhone: string | null; outcome: CallOutcome | null } | undefined> {
  return db('calls').select({ id: 'id', fromPhone: 'from_phone', outcome: 'outcome' }).where({ call_sid: callSid }).first();
}

/** One callback task per call, however often Twilio repeats the final status. */
export async function insertCallbackTask(
  db: Queryable,
  task: { callId: number; phone: string | null; reason: 'missed' | 'abandoned' },
): Promise<void> {
  await db('callback_tasks').insert({ call_id: task.callId, phone: task.phone, reason: task.reason }).onConflict('call_id').ignore();
}

const taskColumns = {
  id: 't.id',
  callId: 't.call_id',
  callSid: 'c.call_sid',
  phone: 't.phone',
  reason: 't.reason',
  status: 't.status',
  menuChoice: 'c.menu_choice',
  callStartedAt: 'c.started_at',
  note: 't.note',
  reached: 't.reached',
  doneBy: 't.done_by',
  doneAt: 't.done_at',
  createdAt: 't.created_at',
};

export async function listCallbackTasks(db: Queryable, status: 'open' | 'done', limit: number): Promise<CallbackTaskRecord[]> {
  return db('callback_tasks as t')
    .join('calls as c', 'c.id', 't.call_id')
    .select(taskColumns)
    .where('t.status', status)
    .orderBy('t.created_at')
    .limit(limit);
}

export async function completeCallbackTask(
  db: Queryable,
  id: number,
  done: { userId: number; note: string; reached: boolean },
): Promise<CallbackTaskRecord | undefined> {
  const updated = await db('callback_tasks')
    .update({ status: 'done', done_by: done.userId, done_at: db.fn.now(), note: done.note, reached: done.reached })
    .where({ id, status: 'open' });
  if (updated === 0) return undefined;
  return db('callback_tasks as t').join('calls as c', 'c.id', 't.call_id').select(taskColumns).where('t.id', id).first();
}
