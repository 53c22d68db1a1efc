import type { Queryable } from '../db/db';

/** Citizens' mini-program sessions: only a hash of the token is kept. */
export async function insertCitizenSession(
  db: Queryable,
  session: { tokenHash: string; contactId: number; expiresAt: Date },
): Promise<void> {
  await db('citizen_sessions').insert({ token_hash: session.tokenHash, contact_id: session.contactId, expires_at: session.expiresAt });
}

/** The contact behind a live (unexpired) session. */
export async function findCitizenSession(db: Queryable, tokenHash: string): Promise<{ contactId: number; openid: string } | undefined> {
  const row = await db('citizen_sessions as s')
    .join('contacts as c', 'c.id', 's.contact_id')
    .select({ contactId: 's.contact_id', openid: 'c.wechat_openid' })
    .where('s.token_hash', tokenHash)
    .where('s.expires_at', '>', db.fn.now())
    .first();
  return row ?? undefined;
}
