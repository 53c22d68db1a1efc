import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/db';
import { findDepartmentById } from '../org/departments.repository';
import { AppError, conflict, forbidden, found, invalid, notFound } from '../shared/errors';
import { hashPassword, verifyPassword } from './password';
import { departmentRoles, type UserActor, type UserRole } from './roles';
import * as users from './users.repository';

const sessionPrefix = 'hht_';
const apiKeyPrefix = 'hhk_';
/** Authenticated credentials are cached briefly: a logout or deactivation reaches other processes within this time. */
const credentialCacheMs = 5_000;
const credentialCacheMax = 10_000;

const sha256 = (secret: string) => createHash('sha256').update(secret).digest('base64url');

export class AuthService {
  private readonly cache = new Map<string, { actor: UserActor; until: number }>();

  constructor(
    private readonly db: Db,
    private readonly sessionTtlMs: number,
  ) {}

  async login(username: string, password: string): Promise<{ token: string; expiresAt: Date; user: users.UserRecord }> {
    const user = await users.findUserWithPassword(this.db, username);
    const ok = await verifyPassword(password, user?.passwordHash);
    if (!user || !ok || !user.active) throw new AppError('UNAUTHENTICATED', 'wrong username or password');
    const token = sessionPrefix + randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.sessionTtlMs);
    await users.insertSession(this.db, { tokenHash: sha256(token), userId: user.id, expiresAt });
    const { passwordHash: _hidden, ...record } = user;
    return { token, expiresAt, user: record };
  }

  async logout(token: string): Promise<void> {
    const hash = sha256(token);
    this.cache.delete(hash);
    await users.revokeSession(this.db, hash);
  }

  /** Resolves a bearer token or API key to its user; undefined when unknown, expired or revoked. */
  async authenticate(secret: string): Promise<UserActor | undefined> {
    const kind = secret.startsWith(apiKeyPrefix) ? 'api_key' : secret.startsWith(sessionPrefix) ? 'session' : undefined;
    if (!kind) return undefined;
    const hash = sha256(secret);
    const cached = this.cache.get(hash);
    const now = Date.now();
    if (cached && cached.until > now) return cached.actor;
    const user = await users.findUserByCredential(this.db, kind, hash);
    if (!user) {
      this.cache.delete(hash);
      return undefined;
    }
    const actor = actorOf(user, kind);
    if (this.cache.size >= credentialCacheMax) this.cache.clear();
    const until = Math.min(now + credentialCacheMs, user.expiresAt ? user.expiresAt.getTime() : Number.POSITIVE_INFINITY);
    this.cache.set(hash, { actor, until });
    return actor;
  }

  /** The hub user behind a chat (Slack) account: chat actions run as this user. */
  async authenticateChatUser(slackUserId: string): Promise<UserActor | undefined> {
    const user = await users.findUserByChatId(this.db, slackUserId);
    return user ? actorOf(user, 'chat') : undefined;
  }

  async createApiKey(admin: UserActor, input: { name: string; userId: number }): Promise<{ key: string; record: users.ApiKeyRecord }> {
    const owner = await users.findUserById(this.db, input.userId);
    if (!owner) throw notFound('user');
    const key = apiKeyPrefix + randomBytes(32).toString('base64url');
    const record = await users.insertApiKey(this.db, {
      name: input.name,
      keyHash: sha256(key),
      keyPrefix: key.slice(0, 10),
      userId: owner.id,
      createdBy: admin.userId,
    });
    return { key, record };
  }

  async revokeApiKey(id: number): Promise<void> {
    if (!(await users.revokeApiKey(this.db, id))) throw notFound('active API key');
    this.cache.clear();
  }

  listApiKeys(): Promise<users.ApiKeyRecord[]> {
    return users.listApiKeys(this.db);
  }

  async createUser(input: { username: string; displayName: string; password: string; role: UserRole; departmentId?: number | null; phone?: string | null }): Promise<users.UserRecord> {
    await this.checkRoleDepartment(input.role, input.departmentId ?? null);
    if (await users.findUserWithPassword(this.db, input.username)) throw conflict(`username "${input.username}" is taken`);
    return users.insertUser(this.db, {
      username: input.username,
      displayName: input.displayName,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      departmentId: input.departmentId ?? null,
      phone: input.phone ?? null,
    });
  }

  async updateUser(
    id: number,
    patch: { displayName?: string; password?: string; role?: UserRole; departmentId?: number | null; phone?: string | null; active?: boolean },
  ): Promise<users.UserRecord> {
    const current = await users.findUserById(this.db, id);
    if (!current) throw notFound('user');
    await this.checkRoleDepartment(patch.role ?? current.role, patch.departmentId === undefined ? current.departmentId : patch.departmentId);
    const updated = await this.db.transaction(async (trx) => {
      const row = await users.updateUser(trx, id, {
        displayName: patch.displayName,
        passwordHash: patch.password === undefined ? undefined : await hashPassword(patch.password),
        role: patch.role,
        departmentId: patch.departmentId,
        phone: patch.phone,
        active: patch.active,
      });
      // A new password, role or deactivation ends the user's sessions.
      if (patch.password !== undefined || patch.role !== undefined || patch.active === false || patch.departmentId !== undefined) {
        await users.revokeSessionsOfUser(trx, id);
      }
      return row;
    });
    this.cache.clear();
    return updated!;
  }

  /**
   * Work settings: on duty, capacity, skills, and the Slack account. Admins set them for anyone,
   * a department head for the department's users; everyone may go on or off duty themselves.
   */
  async updateWork(actor: UserActor, id: number, patch: { onDuty?: boolean; capacity?: number | null; skills?: string[]; slackUserId?: string | null }): Promise<users.UserRecord> {
    const target = await users.findUserById(this.db, id);
    if (!target) throw notFound('user');
    const self = actor.userId === id;
    const head = actor.role === 'dept_head' && actor.departmentId !== null && actor.departmentId === target.departmentId;
    if (actor.role !== 'admin') {
      if (!self && !head) throw forbidden('only an admin, the department head or the user may change these work settings');
      if (patch.slackUserId !== undefined) throw forbidden('only an admin maps Slack accounts to users');
      if (!head && (patch.capacity !== undefined || patch.skills !== undefined)) throw forbidden('capacity and skills are set by the department head');
    }
    const updated = found(await users.updateUser(this.db, id, patch), 'user');
    this.cache.clear();
    return updated;
  }

  listUsers(filter: { departmentId?: number; role?: UserRole }): Promise<users.UserRecord[]> {
    return users.listUsers(this.db, filter);
  }

  private async checkRoleDepartment(role: UserRole, departmentId: number | null): Promise<void> {
    if ((departmentRoles as readonly UserRole[]).includes(role) && departmentId === null) {
      throw invalid(`role ${role} needs a departmentId`);
    }
    if (departmentId !== null) {
      const department = await findDepartmentById(this.db, departmentId);
      if (!department || !department.active) throw invalid(`department ${departmentId} does not exist or is inactive`);
    }
  }
}

function actorOf(user: users.UserRecord, via: UserActor['via']): UserActor {
  return { kind: 'user', userId: user.id, username: user.username, displayName: user.displayName, role: user.role, departmentId: user.departmentId, via };
}
