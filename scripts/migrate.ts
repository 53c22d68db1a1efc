import { loadConfig } from '../src/config/config';
import { createDb } from '../src/db/db';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { migrateLatest } from '../src/db/migrate';
import { createLogger } from '../src/shared/logger';

/** `npm run migrate`: bring the configured database (DATABASE_URL or the embedded one) to the latest schema. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const embedded =
    config.database.kind === 'embedded' ? await startEmbeddedPostgres({ dataDir: config.database.dataDir, port: config.database.port, logger }) : undefined;
  const db = createDb(embedded?.url ?? (config.database as { url: string }).url, 2);
  try {
    const applied = await migrateLatest(db);
    logger.info({ applied }, applied.length ? 'migrations applied' : 'already up to date');
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
