import type { Work } from '../db/unit-of-work';
import { topics } from '../jobs/realtime';

/** An in-app notification (the console's bell): an SLA alert, the daily digest, a 代办 offer, a hot spot. */
export interface Notice {
  userId: number;
  kind: string;
  ticketId?: number | null;
  alertId?: number | null;
  /** Where in the console it leads when it is not a ticket: /hotspots/12. */
  path?: string | null;
  title: string;
  body: string | null;
  /** Once per person and key: a notice written twice is kept once. */
  dedupeKey: string;
}

/**
 * The one way in for in-app notifications: written in the change's transaction, and each person who
 * got a new one is told at once after commit (their bell reloads). How many were new.
 */
export async function notifyUsers(work: Work, notices: readonly Notice[]): Promise<number> {
  if (notices.length === 0) return 0;
  const inserted: Array<{ user_id: number }> = await work
    .trx('notifications')
    .insert(
      notices.map((n) => ({
        user_id: n.userId,
        kind: n.kind,
        ticket_id: n.ticketId ?? null,
        alert_id: n.alertId ?? null,
        path: n.path ?? null,
        title: n.title,
        body: n.body,
        dedupe_key: n.dedupeKey,
      })),
    )
    .onConflict(['user_id', 'dedupe_key'])
    .ignore()
    .returning('user_id');
  const at = new Date().toISOString();
  for (const userId of new Set(inserted.map((row) => row.user_id))) work.publish(topics.user(userId), { type: 'notification', at });
  return inserted.length;
}
