import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { createLogger } from '../../src/shared/logger';

/**
 * One run = one id. With DATABASE_URL the suite uses that server; without it, an
 * embedded PostgreSQL in a temporary directory. Every test file clones its own
 * database from a template migrated once per run (see test-database.ts).
 */
export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  process.env.HH_TEST_RUN = runId;
  if (process.env.DATABASE_URL) {
    process.env.HH_TEST_ADMIN_URL = process.env.DATABASE_URL;
    return;
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hh-test-pg-'));
  fs.chmodSync(dataDir, 0o755);
  const port = await freePort();
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, 'pg'),
    port,
    logger: createLogger('warn'),
    persistent: false,
  });
  process.env.HH_TEST_ADMIN_URL = embedded.url;
  (globalThis as { hhEmbedded?: { stop(): Promise<void>; dataDir: string } }).hhEmbedded = { stop: embedded.stop, dataDir };
}

/**
 * A port free now for a server a test starts, below the kernel's ephemeral range (32768–60999 here): a port from
 * that range (listen(0)) can be taken, between this check and the server's bind, by any outgoing connection of a
 * test running in parallel — an embedded PostgreSQL once failed to start so.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await bindable(port)) return port;
  }
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
