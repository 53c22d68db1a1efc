import { z } from 'zod';
import { workChats } from '../outbox/message-catalogue';
import { normalizePhone } from '../shared/phone';
import { bearerSecret, sessionCookie, sessionCookieOf } from '../http/http-app';
import { type ApiRouter, idParams } from '../http/api-router';
import { AppError } from '../shared/errors';
import type { AuthService } from './auth.service';
import { auditActions } from './audit';
import { apiKeyScopes, roleLabels, userRoles } from '../shared/roles';
import { instant } from '../http/validate';
import { auditActionLabels, targetLabel } from '../shared/audit-labels';
import { sendTable, tableFormats } from '../http/table-file';
import { shanghaiDay, shanghaiTime } from '../shared/time';

const userSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    displayName: z.string(),
    role: z.enum(userRoles),
    departmentId: z.number().int().nullable(),
    phone: z.string().nullable(),
    active: z.boolean(),
    onDuty: z.boolean(),
    capacity: z.number().int().nullable(),
    skills: z.array(z.string()),
    slackUserId: z.string().nullable(),
    workChat: z.object({ platform: z.enum(workChats), userId: z.string() }).nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'User' });
const apiKeySchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    keyPrefix: z.string(),
    userId: z.number().int(),
    scopes: z.array(z.enum(apiKeyScopes)),
    expiresAt: instant,
    createdBy: z.number().int().nullable(),
    revokedAt: instant.nullable(),
    createdAt: instant,
  })
  .meta({ id: 'ApiKey' });
const auditSchema = z
  .object({
    id: z.number().int(),
    at: instant,
    action: z.enum(auditActions),
    actorUserId: z.number().int().nullable(),
    actorName: z.string().nullable(),
    targetUserId: z.number().int().nullable(),
    target: z.string().nullable(),
    ip: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEntry' });

const password = z.string().min(10, '至少 10 个字符').max(200);
const displayName = z.string().trim().min(1).max(50);
/** A staff member's mobile (alerts and 代办 offers by SMS), kept in E.164 as the SMS provider needs it. */
const phone = z
  .string()
  .trim()
  .max(32)
  .transform((raw, ctx) => {
    const normalized = normalizePhone(raw);
    if (!normalized) ctx.addIssue({ code: 'custom', message: `"${raw}" is not a phone number` });
    return normalized ?? raw;
  })
  .nullable()
  .optional();
const departmentId = z.number().int().positive().nullable().optional();

export function registerAuthRoutes(api: ApiRouter, auth: AuthService): void {
  api.route({
    method: 'post',
    path: '/auth/login',
    tag: 'auth',
    summary: 'Sign in with username and password',
    access: 'public',
    body: z.strictObject({
      username: z.string().trim().min(1).max(64),
      password: z.string().min(1).max(200),
      /** `cookie`: the staff console's session, in an HttpOnly, SameSite=Strict cookie (no token in the answer). */
      session: z.enum(['token', 'cookie']).default('token'),
    }),
    response: z.object({ token: z.string().optional(), expiresAt: instant, user: userSchema }),
    description:
      'After repeated failures an account waits longer between attempts, and an account and address pair is locked for a while: 429 with Retry-After. ' +
      'With `session: cookie` the session is set as an HttpOnly, SameSite=Strict cookie (Secure behind HTTPS) and the answer carries no token; writes with it must come from the hub’s own pages.',
    handler: async ({ body, req, res }) => {
      const signedIn = await auth.login(body.username, body.password, req.ip ?? 'unknown');
      if (body.session === 'token') return signedIn;
      res.cookie(sessionCookie, signedIn.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: req.secure,
        path: '/',
        expires: signedIn.expiresAt,
      });
      return { expiresAt: signedIn.expiresAt, user: signedIn.user };
    },
  });

  api.route({
    method: 'post',
    path: '/auth/logout',
    tag: 'auth',
    summary: 'End this session',
    access: 'staff',
    handler: async ({ actor, req, res }) => {
      if (actor.via !== 'session') throw new AppError('VALIDATION_FAILED', 'API 密钥由管理员吊销，不能退出登录');
      await auth.logout((bearerSecret(req.headers.authorization) ?? sessionCookieOf(req.headers.cookie))!);
      res.clearCookie(sessionCookie, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
      return undefined;
    },
  });

  api.route({
    method: 'get',
    path: '/auth/me',
    tag: 'auth',
    summary: 'Who am I',
    access: 'staff',
    response: z.object({
      kind: z.literal('user'),
      userId: z.number().int(),
      username: z.string(),
      displayName: z.string(),
      role: z.enum(userRoles),
      roleLabel: z.string(),
      departmentId: z.number().int().nullable(),
      via: z.enum(['session', 'api_key', 'chat', 'job']),
      scopes: z.array(z.enum(apiKeyScopes)).optional(),
      address: z.string().optional(),
      onDuty: z.boolean().describe('on duty: routing assigns to them, calls are offered to them (PATCH /users/{id}/work)'),
    }),
    handler: async ({ actor }) => ({ ...actor, roleLabel: roleLabels[actor.role], onDuty: await auth.onDuty(actor.userId) }),
  });

  api.route({
    method: 'get',
    path: '/users',
    tag: 'users',
    summary: 'List users',
    description:
      'The center sees every department’s; department heads and clerks see their own department’s (whom to assign, who is the window’s chief representative).',
    access: ['admin', 'supervisor', 'director', 'operator', 'proxy_seat', 'dept_head', 'agent'],
    query: z.strictObject({ departmentId: z.coerce.number().int().positive().optional(), role: z.enum(userRoles).optional() }),
    response: z.object({ items: z.array(userSchema) }),
    handler: async ({ actor, query }) => ({
      items: await auth.listUsers(
        actor.role === 'dept_head' || actor.role === 'agent' ? { ...query, departmentId: actor.departmentId ?? -1 } : query,
      ),
    }),
  });

  api.route({
    method: 'post',
    path: '/users',
    tag: 'users',
    summary: 'Create a user',
    access: ['admin'],
    body: z.strictObject({
      username: z
        .string()
        .trim()
        .regex(/^[a-z0-9_.-]{3,32}$/, '3–32 位小写字母、数字或 _ . -'),
      displayName,
      password,
      role: z.enum(userRoles),
      departmentId,
      phone,
    }),
    successStatus: 201,
    response: userSchema,
    audit: { what: 'user' },
    handler: ({ body }) => auth.createUser(body),
  });

  api.route({
    method: 'patch',
    path: '/users/:id',
    tag: 'users',
    summary: 'Update, re-role or deactivate a user',
    description: 'A new password, role, department or deactivation ends the user’s sessions.',
    access: ['admin'],
    params: idParams,
    body: z.strictObject({
      displayName: displayName.optional(),
      password: password.optional(),
      role: z.enum(userRoles).optional(),
      departmentId,
      phone,
      active: z.boolean().optional(),
    }),
    response: userSchema,
    audit: { what: 'user', before: ({ params }) => auth.getUser(params.id) },
    handler: ({ actor, params, body }) => auth.updateUser(actor, params.id, body),
  });

  api.route({
    method: 'post',
    path: '/users/:id/unlock',
    tag: 'users',
    summary: 'Lift the sign-in locks and delays of an account',
    access: ['admin'],
    params: idParams,
    body: z.strictObject({}),
    handler: async ({ actor, params }) => {
      await auth.unlock(actor, params.id);
      return undefined;
    },
  });

  api.route({
    method: 'post',
    path: '/users/:id/reset-password',
    tag: 'users',
    summary: 'Set a new password, or have one generated (shown once)',
    description: 'Ends the user’s sessions and lifts the account’s sign-in locks. Audited.',
    access: ['admin'],
    params: idParams,
    body: z.strictObject({ password: password.optional() }),
    response: z.object({ password: z.string().optional().describe('the generated password, when none was given') }),
    handler: ({ actor, params, body }) => auth.resetPassword(actor, params.id, body.password),
  });

  api.route({
    method: 'get',
    path: '/audit-log',
    tag: 'users',
    summary: 'The audit log, newest first: sign-ins, locks, password resets, API keys, contact reveals, settings changes',
    description:
      'A settings change (action settings.*) names what it changed in `target` (`catalog_entry:12`, `calendar_day:1/2026-10-10`) ' +
      'and keeps the fields that changed in details.before and details.after. `target` finds one thing or every thing of a kind. ' +
      '`format=csv` or `xlsx` answers up to 10,000 entries as a file.',
    access: ['admin'],
    query: z.strictObject({
      action: z.enum(auditActions).optional(),
      userId: z.coerce.number().int().positive().optional().describe('as the actor or the target'),
      target: z
        .string()
        .trim()
        .regex(/^[a-z_]{2,40}(:[\w/-]{1,60})?$/, '一类设置（如 catalog_entry），或其中一项（如 catalog_entry:12）')
        .optional(),
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
      beforeId: z.coerce.number().int().positive().optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
      format: z.enum(['json', ...tableFormats]).default('json'),
    }),
    response: z.object({ items: z.array(auditSchema) }).describe('or, with format=csv or xlsx, a file'),
    handler: async ({ query: { format, ...query }, res }) => {
      const filter = { ...query, from: query.from ? new Date(query.from) : undefined, to: query.to ? new Date(query.to) : undefined };
      if (format === 'json') return { items: await auth.listAudit(filter) };
      const items = await auth.listAudit({ ...filter, limit: 10_000 });
      const rows = items.map((e) => [
        e.id,
        shanghaiTime(e.at),
        auditActionLabels[e.action] ?? e.action,
        e.actorName ?? '',
        targetLabel(e.target),
        e.ip ?? '',
        JSON.stringify(e.details),
      ]);
      await sendTable(
        res,
        {
          name: `audit-log-${shanghaiDay(new Date())}`,
          sheet: '审计日志',
          rows: [['序号', '时间', '操作', '操作人', '对象', 'IP', '详情'], ...rows],
        },
        format,
      );
      return undefined;
    },
  });

  api.route({
    method: 'patch',
    path: '/users/:id/work',
    tag: 'users',
    summary: 'Work settings: on duty, capacity, skills, Slack account',
    description:
      'Routing assigns tickets only to on-duty users below their capacity (open tickets); skills are category codes. ' +
      'Admins set everything; a department head sets on duty, capacity and skills for the department’s users; a user goes on or off duty. ' +
      'slackUserId maps a Slack account (U…) to this user: Slack actions run as this user. ' +
      'workChat names the user’s WeCom or DingTalk account, where their own notices (a 代办 offer) also go: set by the user or an admin.',
    access: 'staff',
    params: idParams,
    body: z
      .strictObject({
        onDuty: z.boolean().optional(),
        capacity: z.number().int().min(1).max(1_000).nullable().optional(),
        skills: z
          .array(
            z
              .string()
              .trim()
              .regex(/^[0-9A-Z]{2,8}$/, '分类编码'),
          )
          .max(50)
          .optional(),
        slackUserId: z
          .string()
          .regex(/^[UW][A-Z0-9]{6,20}$/, 'Slack 用户 ID，如 U0123ABCD')
          .nullable()
          .optional(),
        workChat: z
          .strictObject({
            platform: z.enum(workChats),
            userId: z
              .string()
              .trim()
              .regex(/^[\w.@-]{1,64}$/, 'the account id on the platform (letters, digits, _ . @ -)'),
          })
          .nullable()
          .optional(),
      })
      .refine((body) => Object.keys(body).length > 0, '至少修改一项设置'),
    response: userSchema,
    audit: { what: 'user', before: ({ params }) => auth.getUser(params.id) },
    handler: ({ actor, params, body }) => auth.updateWork(actor, params.id, body),
  });

  api.route({
    method: 'get',
    path: '/api-keys',
    tag: 'users',
    summary: 'List API keys',
    access: ['admin'],
    response: z.object({ items: z.array(apiKeySchema) }),
    handler: async () => ({ items: await auth.listApiKeys() }),
  });

  api.route({
    method: 'post',
    path: '/api-keys',
    tag: 'users',
    summary: 'Create an API key for an integration user',
    description:
      'The key is shown once. Send it as `Authorization: Bearer <key>` or `X-Api-Key: <key>`; it acts with its user’s role, ' +
      'limited to its scopes (read: GET only; write: actions too), until it expires. A key for an admin needs allowAdmin: true.',
    access: ['admin'],
    body: z.strictObject({
      name: z.string().trim().min(1).max(100),
      userId: z.number().int().positive(),
      scopes: z.array(z.enum(apiKeyScopes)).min(1).max(apiKeyScopes.length).default(['read']),
      expiresInDays: z.number().int().min(1).max(366).default(90),
      allowAdmin: z.boolean().default(false),
    }),
    successStatus: 201,
    response: apiKeySchema.extend({ key: z.string().describe('shown this once') }),
    handler: async ({ actor, body }) => {
      const { key, record } = await auth.createApiKey(actor, body);
      return { ...record, key };
    },
  });

  api.route({
    method: 'delete',
    path: '/api-keys/:id',
    tag: 'users',
    summary: 'Revoke an API key',
    access: ['admin'],
    params: idParams,
    handler: async ({ actor, params }) => {
      await auth.revokeApiKey(actor, params.id);
      return undefined;
    },
  });
}

/** The secret from `Authorization: Bearer <secret>`. */
