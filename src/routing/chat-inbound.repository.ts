import type { Queryable } from '../db/db';

/** Records a chat interaction once: false when the chat already delivered it (a retry). */
export async function recordInteraction(db: Queryable, dedupeKey: string): Promise<boolean> {
  const inserted = await db('chat_inbound').insert({ dedupe_key: dedupeKey }).onConflict('dedupe_key').ignore().returning('dedupe_key');
  return inserted.length > 0;
}
