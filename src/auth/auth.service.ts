import { createHash, randomBytes } from 'node:crypto';
import type { Db, Queryable } from '../db/db';
import { findDepartmentById } from '../org/departments.repository';
import { AppError, conflict, forbidden, found, invalid, notFound, tooManyRequests } from '../shared/errors';
import { audit, listAudit, recordSettingsChange, type AuditAction } from './audit';
import { hashPassword, verifyPassword } from './password';
import { departmentRoles, type ApiKeyScope, type UserActor, type UserRole, roleLabels } from '../shared/roles';
import type { SignInGuard } from './sign-in-guard';
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
    private readonly signInGuard: SignInGuard,
  ) {}

  /**
   * Password sign-in behind the guard (src/auth/sign-in-guard.ts): a locked pair or a paced
   * account is refused with 429 before the password is even checked. Every outcome is audited.
   */
  async login(username: string, password: string, address: string): Promise<{ token: string; expiresAt: Date; user: users.UserRecord }> {
    const user = await users.findUserWithPassword(this.db, username);
    const epoch = user ? user.signInEpoch.getTime() : 0;
    const refusal = await this.signInGuard.check(username, epoch, address);
    if (refusal) {
      const message =
        refusal.reason === 'locked'
          ? '该地址登录失败次数过多，已暂时锁定（或等管理员解锁）'
          : refusal.reason === 'paced'
            ? '该账号登录失败次数过多，请稍后再试'
            : '该地址今日登录失败次数过多';
      throw tooManyRequests(message, refusal.retryAfterMs);
    }
    const ok = await verifyPassword(password, user?.passwordHash);
    const attempt = { targetUserId: user?.id ?? null, target: username, ip: address };
    if (!user || !ok || !user.active) {
      const outcome = await this.signInGuard.failed(username, epoch, address);
      await audit(this.db, {
        action: 'sign_in.failed',
        ...attempt,
        details: { reason: !user ? 'unknown user' : !ok ? 'wrong password' : 'inactive', failures: outcome.failures },
      });
      if (outcome.lockedNow) await audit(this.db, { action: 'sign_in.locked', ...attempt, details: { failures: outcome.failures } });
      throw new AppError('UNAUTHENTICATED', '用户名或密码错误');
    }
    await this.signInGuard.succeeded(username, epoch, address);
    const token = sessionPrefix + randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.sessionTtlMs);
    await this.db.transaction(async (trx) => {
      await users.insertSession(trx, { tokenHash: sha256(token), userId: user.id, expiresAt });
      await audit(trx, { action: 'sign_in.succeeded', actor: { userId: user.id, name: user.displayName }, ...attempt });
    });
    const { passwordHash: _hidden, signInEpoch: _epoch, ...record } = user;
    return { token, expiresAt, user: record };
  }

  /** An admin lifts every sign-in lock and delay of an account (from every address). */
  async unlock(admin: UserActor, id: number): Promise<void> {
    await this.db.transaction(async (trx) => {
      if (!(await users.renewSignInEpoch(trx, id))) throw notFound('用户');
      await audit(trx, { action: 'account.unlocked', actor: auditActor(admin), targetUserId: id, ip: admin.address });
    });
  }

  /**
   * An admin sets a new password (or has one generated, shown once): the user's sessions end and
   * the account's sign-in locks are lifted.
   */
  async resetPassword(admin: UserActor, id: number, password?: string): Promise<{ password?: string }> {
    const generated = password === undefined ? randomBytes(12).toString('base64url') : undefined;
    const passwordHash = await hashPassword(password ?? generated!);
    await this.db.transaction(async (trx) => {
      if (!(await users.updateUser(trx, id, { passwordHash }))) throw notFound('用户');
      await users.revokeSessionsOfUser(trx, id);
      await users.renewSignInEpoch(trx, id);
      await audit(trx, {
        action: 'password.reset',
        actor: auditActor(admin),
        targetUserId: id,
        ip: admin.address,
        details: { generated: generated !== undefined },
      });
    });
    this.cache.clear();
    return generated === undefined ? {} : { password: generated };
  }

  listAudit(filter: Parameters<typeof listAudit>[1]) {
    return listAudit(this.db, filter);
  }

  recordSettingsChange(change: Parameters<typeof recordSettingsChange>[1]): Promise<void> {
    return recordSettingsChange(this.db, change);
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
    const actor: UserActor = { ...actorOf(user, kind), ...(user.scopes ? { scopes: user.scopes } : {}) };
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

  /**
   * An API key acts as its user, limited to its scopes, until it expires. A key with an admin's
   * powers is issued only when the admin asks for it in so many words (allowAdmin).
   */
  async createApiKey(
    admin: UserActor,
    input: { name: string; userId: number; scopes: ApiKeyScope[]; expiresInDays: number; allowAdmin: boolean },
  ): Promise<{ key: string; record: users.ApiKeyRecord }> {
    const owner = await users.findUserById(this.db, input.userId);
    if (!owner) throw notFound('用户');
    if (!owner.active) throw invalid(`用户 ${owner.id} 已停用`);
    if (owner.role === 'admin' && !input.allowAdmin) throw invalid(`用户 ${owner.id} 是管理员：带管理员权限的密钥须设 allowAdmin: true`);
    const key = apiKeyPrefix + randomBytes(32).toString('base64url');
    const record = await this.db.transaction(async (trx) => {
      const inserted = await users.insertApiKey(trx, {
        name: input.name,
        keyHash: sha256(key),
        keyPrefix: key.slice(0, 10),
        userId: owner.id,
        scopes: [...new Set(input.scopes)],
        expiresAt: new Date(Date.now() + input.expiresInDays * 86_400_000),
        createdBy: admin.userId,
      });
      await this.auditKey(trx, 'api_key.issued', admin, inserted);
      return inserted;
    });
    return { key, record };
  }

  async revokeApiKey(admin: UserActor, id: number): Promise<void> {
    await this.db.transaction(async (trx) => {
      const revoked = await users.revokeApiKey(trx, id);
      if (!revoked) throw notFound('有效的 API 密钥');
      await this.auditKey(trx, 'api_key.revoked', admin, revoked);
    });
    this.cache.clear();
  }

  private auditKey(trx: Queryable, action: AuditAction, admin: UserActor, key: users.ApiKeyRecord): Promise<void> {
    return audit(trx, {
      action,
      actor: auditActor(admin),
      targetUserId: key.userId,
      target: `api_key:${key.id}`,
      ip: admin.address,
      details: { name: key.name, prefix: key.keyPrefix, scopes: key.scopes, expiresAt: key.expiresAt },
    });
  }

  listApiKeys(): Promise<users.ApiKeyRecord[]> {
    return users.listApiKeys(this.db);
  }

  async createUser(input: {
    username: string;
    displayName: string;
    password: string;
    role: UserRole;
    departmentId?: number | null;
    phone?: string | null;
  }): Promise<users.UserRecord> {
    await this.checkRoleDepartment(input.role, input.departmentId ?? null);
    if (await users.findUserWithPassword(this.db, input.username)) throw conflict(`用户名“${input.username}”已被使用`);
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
    admin: UserActor,
    id: number,
    patch: {
      displayName?: string;
      password?: string;
      role?: UserRole;
      departmentId?: number | null;
      phone?: string | null;
      active?: boolean;
    },
  ): Promise<users.UserRecord> {
    const current = await users.findUserById(this.db, id);
    if (!current) throw notFound('用户');
    await this.checkRoleDepartment(
      patch.role ?? current.role,
      patch.departmentId === undefined ? current.departmentId : patch.departmentId,
    );
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
      if (patch.password !== undefined) {
        await audit(trx, {
          action: 'password.reset',
          actor: auditActor(admin),
          targetUserId: id,
          ip: admin.address,
          details: { generated: false },
        });
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
  async updateWork(
    actor: UserActor,
    id: number,
    patch: {
      onDuty?: boolean;
      capacity?: number | null;
      skills?: string[];
      slackUserId?: string | null;
      workChat?: { platform: 'wecom' | 'dingtalk'; userId: string } | null;
    },
  ): Promise<users.UserRecord> {
    const target = await users.findUserById(this.db, id);
    if (!target) throw notFound('用户');
    const self = actor.userId === id;
    const head = actor.role === 'dept_head' && actor.departmentId !== null && actor.departmentId === target.departmentId;
    if (actor.role !== 'admin') {
      if (!self && !head) throw forbidden('只有管理员、部门负责人或本人可以修改这些工作设置');
      if (patch.slackUserId !== undefined) throw forbidden('只有管理员可以绑定 Slack 账号');
      if (patch.workChat !== undefined && !self) throw forbidden('工作通讯账号由本人（或管理员）设置');
      if (!head && (patch.capacity !== undefined || patch.skills !== undefined)) throw forbidden('承办上限和技能由部门负责人设置');
    }
    const updated = found(await users.updateUser(this.db, id, patch), '用户');
    this.cache.clear();
    return updated;
  }

  /** Whether the user takes work now (routing's assignments, the calls offered to seats). */
  async onDuty(userId: number): Promise<boolean> {
    return (await users.findUserById(this.db, userId))?.onDuty ?? false;
  }

  async getUser(id: number): Promise<users.UserRecord> {
    return found(await users.findUserById(this.db, id), '用户');
  }

  listUsers(filter: { departmentId?: number; role?: UserRole }): Promise<users.UserRecord[]> {
    return users.listUsers(this.db, filter);
  }

  private async checkRoleDepartment(role: UserRole, departmentId: number | null): Promise<void> {
    if ((departmentRoles as readonly UserRole[]).includes(role) && departmentId === null) {
      throw invalid(`${roleLabels[role]}需要所属部门（departmentId）`);
    }
    if (departmentId !== null) {
      const department = await findDepartmentById(this.db, departmentId);
      if (!department || !department.active) throw invalid(`部门 ${departmentId} 不存在或已停用`);
    }
  }
}

const auditActor = (actor: UserActor) => ({ userId: actor.userId, name: actor.displayName });

function actorOf(user: users.UserRecord, via: UserActor['via']): UserActor {
  return {
    kind: 'user',
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    departmentId: user.departmentId,
    via,
  };
}
