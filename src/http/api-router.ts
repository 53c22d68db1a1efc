import { type OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { type Actor, type UserActor, type UserRole, roleLabels } from '../shared/roles';
import { AppError, forbidden } from '../shared/errors';
import { parseInput } from './validate';

/** Who may call a route: anyone, any signed-in staff member, or the listed roles. */
export type Access = 'public' | 'staff' | readonly UserRole[];

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

export interface RouteContext<P, Q, B, A extends Access> {
  params: P;
  query: Q;
  body: B;
  actor: A extends 'public' ? Actor | undefined : UserActor;
  req: Request;
  res: Response;
}

export interface RouteSpec<
  P extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  B extends z.ZodType | undefined,
  A extends Access,
> {
  method: Method;
  /** Express syntax, e.g. /tickets/:id */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  access: A;
  params?: P;
  query?: Q;
  body?: B;
  response?: z.ZodType;
  /** The body is a file's bytes (read by the handler with readFileBody), not JSON. */
  fileBody?: boolean;
  /** The answer is a file's bytes (written by the handler), not JSON. */
  fileResponse?: boolean;
  successStatus?: number;
  /**
   * A settings change the audit log keeps with before and after: `what` names the kind of setting,
   * `before` reads it ahead of the change (omitted for a creation), the answer is what it became.
   */
  audit?: SettingsAudit<RouteContext<Infer<P>, Infer<Q>, Infer<B>, A>>;
  /** A return value is sent as JSON; return undefined after writing res yourself. */
  handler(context: RouteContext<Infer<P>, Infer<Q>, Infer<B>, A>): Promise<unknown>;
}

export interface SettingsAudit<C> {
  what: string;
  /** Which one: by default the path's id, else the answer's id. */
  id?: (context: C, result: unknown) => string | number | null;
  before?: (context: C) => Promise<unknown>;
  /** What it became, when the answer says more (or other) than the setting. */
  after?: (result: unknown, context: C) => unknown;
  /** By default a POST creates, a DELETE deletes, the rest change. */
  change?: SettingsChange['change'];
}

export interface SettingsChange {
  actor: UserActor;
  ip: string | undefined;
  what: string;
  id: string | number | null;
  change: 'created' | 'changed' | 'deleted';
  before: unknown;
  after: unknown;
}

/** Where settings changes are recorded (the audit log, given by the composition root). */
export type ChangeRecorder = (change: SettingsChange) => Promise<void>;

export const errorResponseSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/**
 * Routes are declared once: the zod schemas validate the request and feed the
 * OpenAPI document. Handlers stay thin: parse, call a service, return.
 */
export class ApiRouter {
  readonly router = Router();
  /** The routes that take a file as the body (fileBody), as method and path patterns under the mount. */
  private readonly fileRoutes: Array<{ method: string; path: RegExp }> = [];

  constructor(
    private readonly registry: OpenAPIRegistry,
    private readonly mountPath: string,
    /** Check every answer against its route's response schema (tests): a mismatch is a 500 naming it. */
    private readonly validateResponses = false,
    private readonly recordChange: ChangeRecorder = async () => {},
  ) {}

  /** Whether a request (its method and path under the mount) goes to a route that takes a file as the body. */
  takesFile(method: string, path: string): boolean {
    return this.fileRoutes.some((route) => route.method === method && route.path.test(path));
  }

  route<
    P extends z.ZodType | undefined = undefined,
    Q extends z.ZodType | undefined = undefined,
    B extends z.ZodType | undefined = undefined,
    A extends Access = Access,
  >(spec: RouteSpec<P, Q, B, A>): void {
    this.document(spec);
    if (spec.fileBody)
      this.fileRoutes.push({ method: spec.method.toUpperCase(), path: new RegExp(`^${spec.path.replace(/:\w+/g, '[^/]+')}$`) });
    this.router[spec.method](spec.path, async (req: Request, res: Response) => {
      const actor = req.actor;
      if (spec.access !== 'public') {
        if (!actor || actor.kind !== 'user') throw new AppError('UNAUTHENTICATED', '请先登录：Authorization: Bearer <token>');
        if (spec.access !== 'staff' && !spec.access.includes(actor.role))
          throw forbidden(`${roleLabels[actor.role]}无权执行此操作（${req.method} ${req.baseUrl}${spec.path}）`);
        if (spec.method !== 'get' && actor.scopes && !actor.scopes.includes('write')) throw forbidden('此 API 密钥只能读取（scope read）');
      }
      const context = {
        params: parse(spec.params, req.params, 'path'),
        query: parse(spec.query, req.query, 'query'),
        body: parse(spec.body, req.body ?? {}, 'body'),
        actor,
        req,
        res,
      } as RouteContext<Infer<P>, Infer<Q>, Infer<B>, A>;
      const audit = spec.audit;
      const before = audit?.before ? await audit.before(context) : null;
      const result = await spec.handler(context);
      if (audit) {
        const change = audit.change ?? (spec.method === 'post' ? 'created' : spec.method === 'delete' ? 'deleted' : 'changed');
        await this.recordChange({
          actor: actor as UserActor,
          ip: (actor as UserActor).address,
          what: audit.what,
          id: audit.id ? audit.id(context, result) : idOf(context.params, result),
          change,
          before,
          after: change === 'deleted' ? null : audit.after ? audit.after(result, context) : (result ?? null),
        });
      }
      if (this.validateResponses && spec.response && result !== undefined && !res.headersSent) checkResponse(spec, result);
      if (result !== undefined && !res.headersSent) res.status(spec.successStatus ?? 200).json(result);
      else if (!res.headersSent) res.status(spec.successStatus ?? 204).end();
    });
  }

  private document(spec: RouteSpec<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined, Access>): void {
    const path = `${this.mountPath}${spec.path}`.replace(/:(\w+)/g, '{$1}');
    const errors = { content: { 'application/json': { schema: errorResponseSchema } } };
    this.registry.registerPath({
      method: spec.method,
      path,
      summary: spec.summary,
      description: [
        spec.description,
        spec.access === 'public' ? undefined : `Access: ${spec.access === 'staff' ? 'any signed-in staff' : spec.access.join(', ')}`,
      ]
        .filter(Boolean)
        .join('\n\n'),
      tags: [spec.tag],
      security: spec.access === 'public' ? [] : [{ bearerAuth: [] }],
      request: {
        params: spec.params as z.ZodObject | undefined,
        query: spec.query as z.ZodObject | undefined,
        body: spec.fileBody
          ? { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }
          : spec.body
            ? { content: { 'application/json': { schema: spec.body } } }
            : undefined,
      },
      responses: {
        // A route without an answer's schema answers 204 (ApiRouter.route sends no body for undefined).
        [spec.successStatus ?? (spec.response || spec.fileResponse ? 200 : 204)]: {
          description: spec.response || spec.fileResponse ? spec.summary : 'Done, no content',
          ...(spec.response ? { content: { 'application/json': { schema: spec.response } } } : {}),
          ...(spec.fileResponse ? { content: { '*/*': { schema: { type: 'string', format: 'binary' } } } } : {}),
        },
        400: { description: 'Invalid input: the message names each field', ...errors },
        ...(spec.access === 'public'
          ? {}
          : { 401: { description: 'Not signed in', ...errors }, 403: { description: 'Not allowed for this role or API key', ...errors } }),
        ...(spec.params ? { 404: { description: 'Not found (or not visible to this user)', ...errors } } : {}),
        ...(spec.method === 'get'
          ? {}
          : { 409: { description: 'Conflict: the state does not allow it, or it changed meanwhile', ...errors } }),
      },
    });
  }
}

/** The answer as it will be sent (JSON: dates become strings), against the documented schema. */
function checkResponse(spec: { method: string; path: string; response?: z.ZodType }, result: unknown): void {
  const checked = spec.response!.safeParse(JSON.parse(JSON.stringify(result)));
  if (checked.success) return;
  const issues = checked.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new AppError(
    'INTERNAL',
    `the answer of ${spec.method.toUpperCase()} ${spec.path} does not match its documented schema: ${issues.join('; ')}`,
    { issues },
    false,
  );
}

function idOf(params: unknown, result: unknown): number | null {
  const fromPath = (params as { id?: number } | undefined)?.id;
  const fromAnswer = (result as { id?: number } | undefined)?.id;
  return typeof fromPath === 'number' ? fromPath : typeof fromAnswer === 'number' ? fromAnswer : null;
}

function parse<S extends z.ZodType | undefined>(schema: S, value: unknown, where: 'path' | 'query' | 'body'): Infer<S> {
  return (schema ? parseInput(schema, value, where) : undefined) as Infer<S>;
}

/** Path parameter for numeric ids. */
export const idParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
