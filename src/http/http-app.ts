import { randomUUID, timingSafeEqual } from 'node:crypto';
import { BlockList, isIPv6 } from 'node:net';
import path from 'node:path';
import { OpenApiGeneratorV31, type OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import swaggerUi from 'swagger-ui-express';
import type { Config } from '../config/config';
import { AppError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { UserActor } from '../shared/roles';
import { errorHandler, notFoundHandler } from './error-handler';
import { isOwnOrigin } from './sockets';

export interface HttpAppDeps {
  logger: Logger;
  /** Who a bearer token or API key belongs to (undefined: invalid, expired or revoked). */
  auth: { authenticate(secret: string): Promise<UserActor | undefined> };
  bodyLimitBytes: number;
  /** The hub's public URL: the origin its own pages are served from. */
  publicUrl: string;
  /** The built staff console (web/dist), served at `/` when it is there. */
  consoleDir?: string;
  exposure: Config['exposure'];
  openApi: OpenAPIRegistry;
  metrics: { registry: { contentType: string; metrics(): Promise<string> }; middleware: RequestHandler };
  /** Routers mounted under /api/v1. */
  api: express.Router;
  /** Whether a request under /api/v1 goes to a route that takes a file as its body (not JSON). */
  takesFile: (method: string, path: string) => boolean;
  /** Channel webhooks, mounted under /webhooks (each verifies its provider's signature). */
  webhooks: express.Router;
  /** The citizens' mini-program API, mounted under /api/mp/v1 (its own sign-in). */
  citizenApi: express.Router;
  /** Checks behind /readyz: database, queue and media store. */
  readiness: () => Promise<Record<string, 'ok' | string>>;
}

export function createHttpApp(deps: HttpAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Whose X-Forwarded-For to believe: req.ip is then the client's address (sign-in locks, audit, metrics).
  app.set('trust proxy', deps.exposure.trustProxy);

  app.use(requestLogging(deps.logger));
  app.use(deps.metrics.middleware);
  app.use(securityHeaders);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks = await deps.readiness();
    const ready = Object.values(checks).every((v) => v === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  app.get('/metrics', metricsAccess(deps.exposure), async (_req, res) => {
    res.setHeader('Content-Type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });

  const document = openApiDocument(deps.openApi);
  const publicOrigin = new URL(deps.publicUrl).origin;
  const docsAccess = deps.exposure.apiDocsPublic ? [] : [authenticate(deps.auth, publicOrigin), requireStaff];
  app.get('/api/openapi.json', ...docsAccess, (_req, res) => {
    res.json(document);
  });
  app.use('/api/docs', ...docsAccess, swaggerUi.serve, swaggerUi.setup(document, { customSiteTitle: 'hotline-hub API' }));

  app.use('/webhooks', deps.webhooks);
  app.use('/api/mp/v1', deps.citizenApi);
  app.use(
    '/api/v1',
    requireJsonBody(deps.takesFile),
    express.json({ limit: deps.bodyLimitBytes, strict: true }),
    authenticate(deps.auth, publicOrigin),
    deps.api,
  );

  if (deps.consoleDir) app.use(serveConsole(deps.consoleDir));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}

/**
 * Request ids (the caller's X-Request-Id when it is sane, otherwise a new one) and one
 * log line per successful request at info; refused and failed requests are logged by
 * the error handler with their reason. Lighter than pino-http: no child logger per request.
 */
function requestLogging(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    req.requestId = id;
    res.setHeader('X-Request-Id', id);
    if (logger.isLevelEnabled('info') && req.path !== '/healthz' && req.path !== '/metrics') {
      const started = process.hrtime.bigint();
      res.on('finish', () => {
        if (res.statusCode >= 400) return;
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        logger.info(
          {
            reqId: id,
            method: req.method,
            url: req.originalUrl,
            status: res.statusCode,
            ms: Math.round(ms * 10) / 10,
            userId: req.actor?.kind === 'user' ? req.actor.userId : undefined,
          },
          'request',
        );
      });
    }
    next();
  };
}

/**
 * A body that is there must be JSON: a form or text body is refused rather than silently ignored. The one
 * exception is an upload, POSTed as the file itself to a …/media path (the handler reads and checks it).
 */
const requireJsonBody =
  (takesFile: HttpAppDeps['takesFile']): RequestHandler =>
  (req, _res, next) => {
    if (takesFile(req.method, req.path)) return next();
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    const type = req.headers['content-type'] ?? '';
    if (hasBody && !/^application\/([\w.+-]*\+)?json\s*(;|$)/i.test(type)) {
      next(new AppError('UNSUPPORTED_MEDIA_TYPE', '请求体请用 application/json'));
      return;
    }
    next();
  };

/**
 * Resolves the caller from a bearer token or X-Api-Key, or (the staff console) the session cookie; a
 * credential that is given but wrong is a 401 even on public routes. A write authenticated by the
 * cookie alone must come from the hub's own pages: its Origin (or Referer) is the hub's, or it is
 * refused (CSRF). SameSite=Strict already keeps other sites' requests from carrying the cookie; this
 * is the second lock.
 */
function authenticate(auth: HttpAppDeps['auth'], publicOrigin: string): RequestHandler {
  return async (req, _res, next) => {
    const apiKeyHeader = req.headers['x-api-key'];
    const header = bearerSecret(req.headers.authorization) ?? (typeof apiKeyHeader === 'string' ? apiKeyHeader : undefined);
    if (header === undefined && req.headers.authorization !== undefined)
      return next(new AppError('UNAUTHENTICATED', '请使用 Authorization: Bearer <token>'));
    const cookie = header === undefined ? sessionCookieOf(req.headers.cookie) : undefined;
    const secret = header ?? cookie;
    if (secret === undefined) return next();
    if (cookie !== undefined && !safeMethods.has(req.method) && !sameOrigin(req, publicOrigin)) {
      return next(new AppError('FORBIDDEN', '使用会话 Cookie 的写操作必须来自本系统页面（Origin 校验）'));
    }
    const actor = await auth.authenticate(secret);
    if (!actor) return next(new AppError('UNAUTHENTICATED', '令牌或 API 密钥无效、已过期或已吊销'));
    // The cached actor is shared between requests: this request's copy carries its address.
    req.actor = { ...actor, address: req.ip };
    next();
  };
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The browser's session cookie: HttpOnly, SameSite=Strict, Secure behind HTTPS. */
export const sessionCookie = 'hh_session';

export function sessionCookieOf(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name !== sessionCookie || value.length === 0) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      return undefined; // a cookie that is not even encoded right is no session
    }
  }
  return undefined;
}

/** Whether the request says it comes from the hub itself: its public URL, or the host it was sent to. */
function sameOrigin(req: express.Request, publicOrigin: string): boolean {
  return isOwnOrigin(req.headers.origin ?? originOf(req.headers.referer), publicOrigin, req.headers.host);
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

const requireStaff: RequestHandler = (req, _res, next) => {
  next(req.actor?.kind === 'user' ? undefined : new AppError('UNAUTHENTICATED', '请先登录：Authorization: Bearer <token>'));
};

/**
 * Security headers (helmet). The CSP suits a same-origin single-page app: scripts only from the
 * hub itself; inline styles allowed, since Ant Design injects its styles at run time.
 */
const securityHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  strictTransportSecurity: { maxAge: 365 * 86_400, includeSubDomains: true },
});

/**
 * /metrics for Prometheus only: with METRICS_TOKEN, a bearer token (compared in constant time);
 * with METRICS_ALLOW, those addresses or networks; with neither, this machine only.
 */
function metricsAccess(exposure: Config['exposure']): RequestHandler {
  const allowed = new BlockList();
  const entries = exposure.metricsAllow.length > 0 || exposure.metricsToken ? exposure.metricsAllow : ['127.0.0.0/8', '::1/128'];
  for (const entry of entries) {
    const [address, prefix] = entry.split('/');
    const type = isIPv6(address ?? '') ? 'ipv6' : 'ipv4';
    if (prefix === undefined) allowed.addAddress(address!, type);
    else allowed.addSubnet(address!, Number(prefix), type);
  }
  const expected = exposure.metricsToken ? Buffer.from(exposure.metricsToken) : undefined;
  return (req, _res, next) => {
    const ip = (req.ip ?? '').replace(/^::ffff:/, '');
    const byAddress = entries.length > 0 && ip !== '' && allowed.check(ip, isIPv6(ip) ? 'ipv6' : 'ipv4');
    const given = Buffer.from(bearerSecret(req.headers.authorization) ?? '');
    const byToken = expected !== undefined && given.length === expected.length && timingSafeEqual(given, expected);
    next(byAddress || byToken ? undefined : new AppError('FORBIDDEN', '监控指标只对已配置的采集端开放（METRICS_TOKEN、METRICS_ALLOW）'));
  };
}

/** The secret of an `Authorization: Bearer <secret>` header. */
export function bearerSecret(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * The staff console: its hashed assets cached for a year (a new build has new names), index.html
 * never cached, and every other page path answered with index.html (the console routes on the client).
 */
function serveConsole(dir: string): express.Router {
  const router = express.Router();
  router.use('/assets', express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }));
  router.use(express.static(dir, { index: false, maxAge: 0 }));
  router.get(/^\/(?!api\/|webhooks\/|assets\/|metrics$|healthz$|readyz$).*/, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(path.join(dir, 'index.html'));
  });
  return router;
}

/** The OpenAPI 3.1 document of the staff API and the channels (also built from stubs by `npm run openapi`). */
export function openApiDocument(registry: OpenAPIRegistry) {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'hotline-hub API',
      version: '1',
      description:
        '12345 hotline hub: tickets, lifecycle actions, regions, departments, taxonomy and users. Errors are `{error: {code, message, details}}`.',
    },
    servers: [{ url: '/' }],
  });
}
