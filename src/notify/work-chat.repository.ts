import type { Queryable } from '../db/db';
import type { WorkChat } from '../outbox/message-catalogue';

/** The platform's account ids of a chat notice's recipients: one user, or a department's active members, who have one there. */
export async function workChatIds(db: Queryable, platform: WorkChat, to: { userId: number } | { departmentId: number }): Promise<string[]> {
  const query = db('users')
    .select(db.raw(`work_chat->>'userId' as id`))
    .where({ active: true })
    .whereRaw(`work_chat->>'platform' = ?`, [platform])
    .orderBy('id');
  if ('userId' in to) query.where({ id: to.userId });
  else query.where({ department_id: to.departmentId });
  return (await query).map((row: { id: string }) => row.id);
}
