import type { Queryable } from '../db/db';
import { waitingForPerson } from './conversations.repository';

export interface QueueCounts {
  /** 待分拨: tickets waiting for a person's dispatch. */
  triage: number;
  /** Conversations (SMS, mini-program) waiting for a person's answer. */
  conversations: number;
  /** 漏接回拨: missed calls to return. */
  callbackTasks: number;
  /** 回访 the operators call themselves. */
  callbacks: number;
  /** 退单 waiting for the center's review. */
  returns: number;
  /** Unsatisfied callbacks waiting for a supervisor's review. */
  reviews: number;
}

/** The center's queues in one round trip (each count is an indexed or partial-index scan). */
export async function queueCounts(db: Queryable): Promise<QueueCounts> {
  const { rows } = await db.raw<{ rows: Array<Record<keyof QueueCounts, string>> }>(
    `select (select count(*) from tickets where status = 'triage') as "triage",
            (select count(*) from conversations v where v.status = 'open' and ${waitingForPerson}) as "conversations",
            (select count(*) from callback_tasks where status = 'open') as "callbackTasks",
            (select count(*) from callbacks where status = 'asking' and channel = 'operator') as "callbacks",
            (select count(*) from tickets where status = 'returned') as "returns",
            (select count(*) from callbacks where outcome = 'review' and reviewed_by is null) as "reviews"`,
  );
  const row = rows[0]!;
  return Object.fromEntries(Object.entries(row).map(([queue, count]) => [queue, Number(count)])) as unknown as QueueCounts;
}
