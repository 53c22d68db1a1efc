import { returningAs, selectAs, type Queryable } from '../db/db';
import type { ApiKeyScope, UserRole } from '../shared/roles';

export interface UserRecord {
  id: number;
  username: string;
  displayName: string;
  role: UserRole;
  departmentId: number | null;
  phone: string | null;
  active: boolean;
  /** Routing: only on-duty users below their capacity (open tickets) are assigned work. */
  onDuty: boolean;
  capacity: number | null;
  /** Category codes the user handles best (the skills assignment strategy). */
  skills: string[];
  slackUserId: string | null;
  /** Where the user's own notices (a 代办 offer, an assignment) also go: their WeCom or DingTalk account. */
  workChat: { platform: 'wecom' | 'dingtalk'; userId: string } | null;
  createdAt: Date;
  updatedAt: Date;
}

const userColumns = {
  id: 'id',
  username: 'username',
  displayName: 'display_name',
  role: 'role',
  departmentId: 'department_id',
  phone: 'phone',
  active: 'active',
  onDuty: 'on_duty',
  capacity: 'capacity',
  skills: 'skills',
  slackUserId: 'slack_user_id',
  workChat: 'work_chat',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

export async function findUserById(db: Queryable, id: number): Promise<UserRecord | undefined> {
  return db('users').select(userColumns).where({ id }).first();
}

export async function findUserWithPassword(
  db: Queryable,
  username: string,
): Promise<(UserRecord & { passwordHash: string | null; signInEpoch: Date }) | undefined> {
  return db('users')
    .select({ ...userColumns, passwordHash: 'password_hash', signInEpoch: 'sign_in_epoch' })
    .where({ username })
    .first();
}

export async function listUsers(db: Queryable, filter: { departmentId?: number; role?: UserRole }): Promise<UserRecord[]> {
  const query = db('users').select(userColumns).orderBy('id');
  if (filter.departmentId) query.where({ department_id: filter.departmentId });
  if (filter.role) query.where({ role: filter.role });
  return query;
}

/** Who takes calls now: active users of these seat roles on duty (or the one named, when on duty). */
export async function onDutySeats(db: Queryable, roles: readonly UserRole[], username?: string): Promise<Array<{ id: number }>> {
  const query = db('users').select('id').whereIn('role', roles).andWhere({ active: true, on_duty: true });
  if (username !== undefined) query.andWhere({ username });
  return query;
}

export interface NewUser {
  username: string;
  displayName: string;
  passwordHash: string | null;
  role: UserRole;
  departmentId: number | null;
  phone: string | null;
}

export async function insertUser(db: Queryable, user: NewUser): Promise<UserRecord> {
  const [row] = await db('users')
    .insert({
      username: user.username,
      display_name: user.displayName,
      password_hash: user.passwordHash,
      role: user.role,
      department_id: user.departmentId,
      phone: user.phone,
    })
    .returning(returningAs(userColumns));
  return row as UserRecord;
}

export async function updateUser(
  db: Queryable,
  id: number,
  patch: Partial<Omit<UserRecord, 'id' | 'username' | 'createdAt' | 'updatedAt'> & { passwordHash: string }>,
): Promise<UserRecord | undefined> {
  const row: Record<string, unknown> = { updated_at: db.fn.now() };
  if (patch.displayName !== undefined) row.display_name = patch.displayName;
  if (patch.passwordHash !== undefined) row.password_hash = patch.passwordHash;
  if (patch.role !== undefined) row.role = patch.role;
  if (patch.departmentId !== undefined) row.department_id = patch.departmentId;
  if (patch.phone !== undefined) row.phone = patch.phone;
  if (patch.active !== undefined) row.active = patch.active;
  if (patch.onDuty !== undefined) row.on_duty = patch.onDuty;
  if (patch.capacity !== undefined) row.capacity = patch.capacity;
  if (patch.skills !== undefined) row.skills = patch.skills;
  if (patch.slackUserId !== undefined) row.slack_user_id = patch.slackUserId;
  if (patch.workChat !== undefined) row.work_chat = patch.workChat === null ? null : JSON.stringify(patch.workChat);
  const [updated] = await db('users').update(row).where({ id }).returning(returningAs(userColumns));
  return updated as UserRecord | undefined;
}

/** The user behind a live session token or API key (by hash), if active. */
/** The active user mapped to a chat (Slack) account. */
export async function findUserByChatId(db: Queryable, slackUserId: string): Promise<UserRecord | undefined> {
  return db('users').select(userColumns).where({ slack_user_id: slackUserId, active: true }).first();
}

export async function findUserByCredential(
  db: Queryable,
  kind: 'session' | 'api_key',
  hash: string,
): Promise<(UserRecord & { expiresAt: Date | null; scopes: ApiKeyScope[] | null }) | undefined> {
  const table = kind === 'session' ? 'sessions' : 'api_keys';
  const query = db(`${table} as c`)
    .join('users as u', 'u.id', 'c.user_id')
    .select({
      ...selectAs(userColumns, 'u'),
      expiresAt: 'c.expires_at',
      scopes: kind === 'session' ? db.raw('null::text[]') : 'c.scopes',
    })
    .where(kind === 'session' ? 'c.token_hash' : 'c.key_hash', hash)
    .whereNull('c.revoked_at')
    .where('u.active', true)
    .where((q) => q.whereNull('c.expires_at').orWhere('c.expires_at', '>', db.fn.now()));
  return query.first();
}

export async function insertSession(db: Queryable, session: { tokenHash: string; userId: number; expiresAt: Date }): Promise<void> {
  await db('sessions').insert({ token_hash: session.tokenHash, user_id: session.userId, expires_at: session.expiresAt });
}

export async function revokeSession(db: Queryable, tokenHash: string): Promise<void> {
  await db('sessions').update({ revoked_at: db.fn.now() }).where({ token_hash: tokenHash }).whereNull('revoked_at');
}

export async function revokeSessionsOfUser(db: Queryable, userId: number): Promise<void> {
  await db('sessions').update({ revoked_at: db.fn.now() }).where({ user_id: userId }).whereNull('revoked_at');
}

export interface ApiKeyRecord {
  id: number;
  name: string;
  keyPrefix: string;
  userId: number;
  scopes: ApiKeyScope[];
  expiresAt: Date;
  createdBy: number | null;
  revokedAt: Date | null;
  createdAt: Date;
}

const apiKeyColumns = {
  id: 'id',
  name: 'name',
  keyPrefix: 'key_prefix',
  userId: 'user_id',
  scopes: 'scopes',
  expiresAt: 'expires_at',
  createdBy: 'created_by',
  revokedAt: 'revoked_at',
  createdAt: 'created_at',
};

export async function insertApiKey(
  db: Queryable,
  key: { name: string; keyHash: string; keyPrefix: string; userId: number; scopes: ApiKeyScope[]; expiresAt: Date; createdBy: number },
): Promise<ApiKeyRecord> {
  const [row] = await db('api_keys')
    .insert({
      name: key.name,
      key_hash: key.keyHash,
      key_prefix: key.keyPrefix,
      user_id: key.userId,
      scopes: key.scopes,
      expires_at: key.expiresAt,
      created_by: key.createdBy,
    })
    .returning(returningAs(apiKeyColumns));
  return row as ApiKeyRecord;
}

export async function listApiKeys(db: Queryable): Promise<ApiKeyRecord[]> {
  return db('api_keys').select(apiKeyColumns).orderBy('id');
}

export async function revokeApiKey(db: Queryable, id: number): Promise<ApiKeyRecord | undefined> {
  const [row] = await db('api_keys')
    .update({ revoked_at: db.fn.now() })
    .where({ id })
    .whereNull('revoked_at')
    .returning(returningAs(apiKeyColumns));
  return row as ApiKeyRecord | undefined;
}

/** A new sign-in epoch: every sign-in lock and delay of the account is forgotten. */
export async function renewSignInEpoch(db: Queryable, id: number): Promise<boolean> {
  return (await db('users').update({ sign_in_epoch: db.fn.now() }).where({ id })) > 0;
}
