import type { Queryable } from '../db/db';

/**
 * The audit log: who did what to whose account or data, when, from where. Append-only in the
 * database (a trigger refuses UPDATE and DELETE). Writes that change something are audited in
 * their own transaction; a refused sign-in is audited on its own.
 */
export const auditActions = [
  'sign_in.succeeded',
  'sign_in.failed',
  'sign_in.locked',
  'account.unlocked',
  'password.reset',
  'api_key.issued',
  'api_key.revoked',
  'contact.revealed',
] as const;
export type AuditAction = (typeof auditActions)[number];

export interface AuditEntry {
  action: AuditAction;
  /** Who did it: a signed-in user, or nobody yet (a sign-in attempt names its username in `target`). */
  actor?: { userId: number; name: string } | null;
  targetUserId?: number | null;
  /** What it was done to, in words: a username, `ticket:42`, `api_key:7`. */
  target?: string | null;
  /** The caller's address as the trusted reverse proxy reports it. */
  ip?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditRecord {
  id: number;
  at: Date;
  action: AuditAction;
  actorUserId: number | null;
  actorName: string | null;
  targetUserId: number | null;
  target: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

export async function audit(db: Queryable, entry: AuditEntry): Promise<void> {
  await db('audit_log').insert({
    action: entry.action,
    actor_user_id: entry.actor?.userId ?? null,
    actor_name: entry.actor?.name ?? null,
    target_user_id: entry.targetUserId ?? null,
    target: entry.target ?? null,
    ip: entry.ip ?? null,
    details: JSON.stringify(entry.details ?? {}),
  });
}

export async function listAudit(
  db: Queryable,
  filter: { action?: AuditAction; userId?: number; from?: Date; to?: Date; beforeId?: number; limit: number },
): Promise<AuditRecord[]> {
  const query = db('audit_log')
    .select({
      id: 'id',
      at: 'at',
      action: 'action',
      actorUserId: 'actor_user_id',
      actorName: 'actor_name',
      targetUserId: 'target_user_id',
      target: 'target',
      ip: 'ip',
      details: 'details',
    })
    .orderBy('id', 'desc')
    .limit(filter.limit);
  if (filter.action) query.where('action', filter.action);
  if (filter.userId) query.where((q) => q.where('actor_user_id', filter.userId!).orWhere('target_user_id', filter.userId!));
  if (filter.from) query.where('at', '>=', filter.from);
  if (filter.to) query.where('at', '<', filter.to);
  if (filter.beforeId) query.where('id', '<', filter.beforeId);
  return query;
}
