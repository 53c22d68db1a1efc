import { loadConfig } from '../src/config/config';
import { migrateLatest } from '../src/db/migrate';
import { openDatabase } from '../src/db/open-database';
import { createLogger } from '../src/shared/logger';

/** `npm run migrate`: bring the configured database (DATABASE_URL or the embedded one) to the latest schema. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const { db, close } = await openDatabase(config, logger, 2);
  try {
    const applied = await migrateLatest(db);
    logger.info({ applied }, applied.length ? 'migrations applied' : 'already up to date');
  } finally {
    await close();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
