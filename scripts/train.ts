import { loadConfig } from '../src/config/config';
import { migrateLatest } from '../src/db/migrate';
import { openDatabase } from '../src/db/open-database';
import { seedTaxonomy } from '../src/seed/seed';
import { createLogger } from '../src/shared/logger';
import { readLabeledCsv } from '../src/triage/local-model/labeled-csv';
import { trainAndStore } from '../src/triage/model-training';

/**
 * `npm run train -- --data FILE.csv` (columns text,label; a label is a category code or name):
 * trains the local model and stores it as the next active version in the configured database.
 * Running hubs pick it up within 15 seconds.
 */
async function main(): Promise<void> {
  const i = process.argv.indexOf('--data');
  const file = i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith('--data='))?.slice('--data='.length);
  if (!file) throw new Error('usage: npm run train -- --data FILE.csv');
  const examples = readLabeledCsv(file);
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const { db, close } = await openDatabase(config, logger, 2);
  try {
    await migrateLatest(db);
    await seedTaxonomy(db); // as the hub does: the default taxonomy into an empty categories table
    const { version, classifier } = await trainAndStore(db, examples, `npm run train --data ${file}`);
    process.stdout.write(
      `trained local model v${version} on ${examples.length} examples (${classifier.labels.length} labels: ${classifier.labels.join(', ')}); it is now active\n`,
    );
  } finally {
    await close();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).message ?? String(error)}\n`);
  process.exit(1);
});
