import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Express } from 'express';
import { registerAuthRoutes } from './auth/auth.routes';
import { AuthService } from './auth/auth.service';
import type { Config } from './config/config';
import { createDb, pingDb, type Db } from './db/db';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './db/embedded';
import { migrateLatest } from './db/migrate';
import { ApiRouter } from './http/api-router';
import { createHttpApp } from './http/http-app';
import { createMetrics } from './http/metrics';
import { BullMqQueue } from './jobs/bullmq-queue';
import { InProcessQueue } from './jobs/in-process-queue';
import { startPeriodic } from './jobs/periodic';
import type { JobHandlers, JobQueue } from './jobs/queue';
import { registerOrgRoutes } from './org/org.routes';
import { OrgService } from './org/org.service';
import { seedDemoCity, seedTaxonomy } from './seed/seed';
import { createLogger, type Logger } from './shared/logger';
import { registerTicketRoutes } from './tickets/tickets.routes';
import { TicketsService } from './tickets/tickets.service';
import { registerTaxonomyRoutes } from './triage/taxonomy.routes';
import { TaxonomyService } from './triage/taxonomy.service';
import { triageHandlers, triageRecovery } from './triage/triage.jobs';

export interface Hub {
  config: Config;
  logger: Logger;
  db: Db;
  queue: JobQueue;
  http: Express;
  services: { auth: AuthService; org: OrgService; taxonomy: TaxonomyService; tickets: TicketsService };
  /** Starts what the role runs: HTTP for api/all, job workers and sweeps for worker/all. */
  start(): Promise<void>;
  /** Graceful: stop taking requests, finish running jobs, close queue and database. */
  stop(): Promise<void>;
  /** Where HTTP listens once started (the real port when PORT=0). */
  url(): string | undefined;
  seeded: { taxonomy: boolean; demo: boolean };
}

/** The composition root: the one place that builds and wires every part of the hub. */
export async function createHub(config: Config, options: { logger?: Logger } = {}): Promise<Hub> {
  const logger = options.logger ?? createLogger(config.logLevel);

  let embedded: EmbeddedPostgresHandle | undefined;
  let databaseUrl: string;
  if (config.database.kind === 'external') {
    databaseUrl = config.database.url;
  } else {
    embedded = await startEmbeddedPostgres({ dataDir: config.database.dataDir, port: config.database.port, logger });
    databaseUrl = embedded.url;
  }
  const db = createDb(databaseUrl, config.database.poolMax);
  const queue: JobQueue =
    config.queue.kind === 'bullmq'
      ? new BullMqQueue({ redisUrl: config.queue.redisUrl, prefix: config.queue.prefix, concurrency: config.queue.concurrency, logger })
      : new InProcessQueue(config.queue.concurrency, logger);

  let seeded = { taxonomy: false, demo: false };
  try {
    const applied = await migrateLatest(db);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');
    seeded = { taxonomy: await seedTaxonomy(db), demo: config.seedDemo ? await seedDemoCity(db) : false };
  } catch (error) {
    await queue.close();
    await db.destroy();
    await embedded?.stop();
    throw error;
  }

  const auth = new AuthService(db, config.sessionTtlMs);
  const org = new OrgService(db);
  const taxonomy = new TaxonomyService(db);
  const tickets = new TicketsService(db, queue, logger);

  const handlers: JobHandlers = {
    ...triageHandlers(tickets),
  };
  const periodicTasks = [triageRecovery(db, queue)];

  const openApi = new OpenAPIRegistry();
  openApi.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', description: 'A session token from /api/v1/auth/login, or an API key' });
  const api = new ApiRouter(openApi, '/api/v1');
  registerAuthRoutes(api, auth);
  registerOrgRoutes(api, org);
  registerTaxonomyRoutes(api, taxonomy);
  registerTicketRoutes(api, tickets);

  const metrics = createMetrics(db, queue);
  const http = createHttpApp({
    logger,
    auth,
    bodyLimitBytes: config.http.bodyLimitBytes,
    openApi,
    metrics,
    api: api.router,
    readiness: async () => ({
      database: await pingDb(db).then(() => 'ok', (err: Error) => err.message),
      queue: await queue.ping().then(() => 'ok', (err: Error) => err.message),
    }),
  });

  let server: Server | undefined;
  let stopPeriodic: (() => Promise<void>) | undefined;
  let stopping: Promise<void> | undefined;
  const runsHttp = config.role === 'api' || config.role === 'all';
  const runsWorker = config.role === 'worker' || config.role === 'all';

  return {
    config,
    logger,
    db,
    queue,
    http,
    services: { auth, org, taxonomy, tickets },
    seeded,
    url: () => {
      const address = server?.address() as AddressInfo | null | undefined;
      return address ? `http://${config.http.host}:${address.port}` : undefined;
    },
    async start() {
      if (runsWorker) {
        await queue.startWorker(handlers);
        stopPeriodic = startPeriodic(periodicTasks, logger);
      }
      if (runsHttp) {
        server = await new Promise<Server>((resolve, reject) => {
          const s = http.listen(config.http.port, config.http.host, () => resolve(s)).once('error', reject);
        });
        // Above Node's default, so a proxy's pooled connections are not cut mid-request.
        server.keepAliveTimeout = 65_000;
      }
    },
    stop() {
      stopping ??= (async () => {
        const deadline = setTimeout(() => server?.closeAllConnections(), config.shutdownTimeoutMs).unref();
        if (server) {
          const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
          server.closeIdleConnections();
          await closed;
        }
        clearTimeout(deadline);
        await stopPeriodic?.();
        await queue.close();
        await db.destroy();
        await embedded?.stop();
      })();
      return stopping;
    },
  };
}
