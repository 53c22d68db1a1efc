import { z } from 'zod';
import { ApiRouter, idParams } from '../http/api-router';
import { AppError } from '../shared/errors';
import type { AuthService } from './auth.service';
import { roleLabels, userRoles } from './roles';

const password = z.string().min(10, 'at least 10 characters').max(200);
const displayName = z.string().trim().min(1).max(50);
const phone = z.string().trim().max(32).nullable().optional();
const departmentId = z.number().int().positive().nullable().optional();

export function registerAuthRoutes(api: ApiRouter, auth: AuthService): void {
  api.route({
    method: 'post',
    path: '/auth/login',
    tag: 'auth',
    summary: 'Sign in with username and password',
    access: 'public',
    body: z.strictObject({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) }),
    response: z.object({ token: z.string(), expiresAt: z.string(), user: z.object({ id: z.number(), username: z.string(), role: z.enum(userRoles) }) }),
    handler: ({ body }) => auth.login(body.username, body.password),
  });

  api.route({
    method: 'post',
    path: '/auth/logout',
    tag: 'auth',
    summary: 'End this session',
    access: 'staff',
    handler: async ({ actor, req }) => {
      if (actor.via !== 'session') throw new AppError('VALIDATION_FAILED', 'API keys are revoked by an admin, not logged out');
      await auth.logout(bearerSecret(req.headers.authorization)!);
      return undefined;
    },
  });

  api.route({ method: 'get', path: '/auth/me', tag: 'auth', summary: 'Who am I', access: 'staff', handler: async ({ actor }) => ({ ...actor, roleLabel: roleLabels[actor.role] }) });

  api.route({
    method: 'get',
    path: '/users',
    tag: 'users',
    summary: 'List users',
    description: 'Department heads see the users of their own department.',
    access: ['admin', 'supervisor', 'dept_head'],
    query: z.strictObject({ departmentId: z.coerce.number().int().positive().optional(), role: z.enum(userRoles).optional() }),
    handler: async ({ actor, query }) => ({
      items: await auth.listUsers(actor.role === 'dept_head' ? { ...query, departmentId: actor.departmentId ?? -1 } : query),
    }),
  });

  api.route({
    method: 'post',
    path: '/users',
    tag: 'users',
    summary: 'Create a user',
    access: ['admin'],
    body: z.strictObject({
      username: z.string().trim().regex(/^[a-z0-9_.-]{3,32}$/, '3–32 lower-case letters, digits, _ . -'),
      displayName,
      password,
      role: z.enum(userRoles),
      departmentId,
      phone,
    }),
    successStatus: 201,
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
    body: z.strictObject({ displayName: displayName.optional(), password: password.optional(), role: z.enum(userRoles).optional(), departmentId, phone, active: z.boolean().optional() }),
    handler: ({ params, body }) => auth.updateUser(params.id, body),
  });

  api.route({
    method: 'patch',
    path: '/users/:id/work',
    tag: 'users',
    summary: 'Work settings: on duty, capacity, skills, Slack account',
    description:
      'Routing assigns tickets only to on-duty users below their capacity (open tickets); skills are category codes. ' +
      'Admins set everything; a department head sets on duty, capacity and skills for the department’s users; a user goes on or off duty. ' +
      'slackUserId maps a Slack account (U…) to this user: Slack actions run as this user.',
    access: 'staff',
    params: idParams,
    body: z
      .strictObject({
        onDuty: z.boolean().optional(),
        capacity: z.number().int().min(1).max(1_000).nullable().optional(),
        skills: z.array(z.string().trim().regex(/^[0-9A-Z]{2,8}$/, 'a category code')).max(50).optional(),
        slackUserId: z.string().regex(/^[UW][A-Z0-9]{6,20}$/, 'a Slack user id such as U0123ABCD').nullable().optional(),
      })
      .refine((body) => Object.keys(body).length > 0, 'change at least one setting'),
    handler: ({ actor, params, body }) => auth.updateWork(actor, params.id, body),
  });

  api.route({ method: 'get', path: '/api-keys', tag: 'users', summary: 'List API keys', access: ['admin'], handler: async () => ({ items: await auth.listApiKeys() }) });

  api.route({
    method: 'post',
    path: '/api-keys',
    tag: 'users',
    summary: 'Create an API key for an integration user',
    description: 'The key is shown once. Send it as `Authorization: Bearer <key>` or `X-Api-Key: <key>`; it acts with its user’s role.',
    access: ['admin'],
    body: z.strictObject({ name: z.string().trim().min(1).max(100), userId: z.number().int().positive() }),
    successStatus: 201,
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
    handler: async ({ params }) => {
      await auth.revokeApiKey(params.id);
      return undefined;
    },
  });
}

/** The secret from `Authorization: Bearer <secret>`. */
export function bearerSecret(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}
