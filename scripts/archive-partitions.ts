import { loadConfig } from '../src/config/config';
import { archivePartitions } from '../src/db/partitions';
import { openDatabase } from '../src/db/open-database';
import { createLogger } from '../src/shared/logger';

/**
 * `npm run archive:partitions -- --before YYYY-MM [--out DIR] [--dry-run]`: the months of the ticket timeline
 * and the clock ledger before the given month are detached, written to DIR (default ./archive) as gzipped CSV,
 * checked row for row, and dropped (docs/scale.md: when, and how to load one back).
 */
async function main(): Promise<void> {
  const option = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
  const beforeMonth = option('--before');
  if (!beforeMonth) throw new Error('usage: npm run archive:partitions -- --before YYYY-MM [--out DIR] [--dry-run]');
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const { db, close } = await openDatabase(config, logger, 2);
  try {
    const dryRun = process.argv.includes('--dry-run');
    const { partitions } = await archivePartitions(db, { beforeMonth, dir: option('--out') ?? 'archive', dryRun });
    for (const p of partitions) logger.info(p, dryRun ? 'would archive' : 'archived');
    if (partitions.length === 0) logger.info({ beforeMonth }, 'no partition ends before that month');
  } finally {
    await close();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
