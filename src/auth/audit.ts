import type { Queryable } from '../db/db';

/**
 * The audit log: who did what to whose account or data, when, from where. Append-only in the
 * database (a trigger refuses UPDATE and DELETE). Writes that change something are audited in
 * their own transaction; a refused sign-in is audited on its own. Settings changes (users,
 * departments, the catalog, policies, calendars…) are recorded by the API router once the change is
 * made, with what changed before and after (recordSettingsChange).
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
  'contact.vulnerability_recorded',
  'contact.vulnerability_cleared',
  'privacy.access',
  'privacy.erasure',
  'residents.imported',
  'settings.created',
  'settings.changed',
  'settings.deleted',
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

/** Bookkeeping every change moves: not what the person changed. */
const bookkeeping = new Set(['updatedAt', 'catalogVersion', 'version']);

/** The setting's fields that changed, before and after; a creation or deletion keeps the whole. */
export function changedFields(before: unknown, after: unknown): { before: unknown; after: unknown } {
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isRecord(before) || !isRecord(after)) return { before: before ?? null, after: after ?? null };
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (key) => !bookkeeping.has(key) && JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
  return {
    before: Object.fromEntries(keys.filter((k) => k in before).map((k) => [k, before[k]])),
    after: Object.fromEntries(keys.filter((k) => k in after).map((k) => [k, after[k]])),
  };
}

export function recordSettingsChange(
  db: Queryable,
  change: {
    actor: { userId: number; displayName: string; address?: string };
    ip?: string;
    what: string;
    id: string | number | null;
    change: 'created' | 'changed' | 'deleted';
    before: unknown;
    after: unknown;
  },
): Promise<void> {
  const target = change.id === null ? change.what : `${change.what}:${change.id}`;
  return audit(db, {
    action: `settings.${change.change}`,
    actor: { userId: change.actor.userId, name: change.actor.displayName },
    targetUserId: change.what === 'user' && typeof change.id === 'number' ? change.id : null,
    target,
    ip: change.ip ?? null,
    details: changedFields(JSON.parse(JSON.stringify(change.before ?? null)), JSON.parse(JSON.stringify(change.after ?? null))),
  });
}

export async function listAudit(
  db: Queryable,
  filter: {
    action?: AuditAction;
    userId?: number;
    /** The kind of thing (`catalog_entry`) or one thing (`catalog_entry:12`). */
    target?: string;
    from?: Date;
    to?: Date;
    beforeId?: number;
    limit: number;
  },
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
  if (filter.target)
    query.where((q) => q.where('target', filter.target!).orWhereLike('target', `${filter.target!.replace(/[\\%_]/g, '\\$&')}:%`));
  if (filter.from) query.where('at', '>=', filter.from);
  if (filter.to) query.where('at', '<', filter.to);
  if (filter.beforeId) query.where('id', '<', filter.beforeId);
  return query;
}
