import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Db } from './db';

// Compiled code runs dist/migrations/*.js, tests and ts tools run migrations/*.ts.
const extension = path.extname(__filename);
const migrationsDir = path.resolve(__dirname, '../../migrations');

/**
 * Migration names are stored without extension, so the .ts sources and the
 * compiled .js files count as the same migrations.
 */
class MigrationSource implements Knex.MigrationSource<string> {
  async getMigrations(): Promise<string[]> {
    return fs
      .readdirSync(migrationsDir)
      .filter((file) => file.endsWith(extension) && !file.endsWith('.d.ts'))
      .map((file) => path.basename(file, extension))
      .sort();
  }
  getMigrationName(name: string): string {
    return name;
  }
  async getMigration(name: string): Promise<Knex.Migration> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- knex loads compiled migrations by path, synchronously
    return require(path.join(migrationsDir, name + extension)) as Knex.Migration;
  }
}

/** Up to and including the named migration (a test brings a database to an older schema, fills it, then migrates the rest). */
export async function migrateUpTo(db: Db, last: string): Promise<void> {
  const source = new MigrationSource();
  const names = await source.getMigrations();
  if (!names.includes(last)) throw new Error(`no migration ${last}`);
  for (const name of names.slice(0, names.indexOf(last) + 1)) await db.migrate.up({ migrationSource: source, name });
}

export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource: new MigrationSource() })) as [number, string[]];
  return applied;
}
