import type { Config } from '../config/config';
import type { Logger } from '../shared/logger';
import { createDb, type Db } from './db';
import { startEmbeddedPostgres } from './embedded';

/** The configured database: DATABASE_URL, or the embedded PostgreSQL started here. close() stops both. */
export async function openDatabase(
  config: Pick<Config, 'database'>,
  logger: Logger,
  poolMax = config.database.poolMax,
): Promise<{ db: Db; close(): Promise<void> }> {
  const embedded =
    config.database.kind === 'embedded'
      ? await startEmbeddedPostgres({ dataDir: config.database.dataDir, port: config.database.port, logger })
      : undefined;
  const db = createDb(embedded?.url ?? (config.database as { url: string }).url, poolMax, { prepare: config.database.prepare });
  return {
    db,
    close: async () => {
      await db.destroy();
      await embedded?.stop();
    },
  };
}
