import { randomBytes } from 'node:crypto';
import knex, { type Knex } from 'knex';
import { createDb } from '../../src/db/db';
import { migrateLatest } from '../../src/db/migrate';
import { seedDemoCity, seedTaxonomy } from '../../src/seed/seed';
import { trainAndStore } from '../../src/triage/model-training';
import { starterCategoryExamples } from '../../src/triage/starter-set';

const runId = () => process.env.HH_TEST_RUN ?? 'adhoc';
const adminUrl = () => {
  const url = process.env.HH_TEST_ADMIN_URL;
  if (!url) throw new Error('HH_TEST_ADMIN_URL is not set: run through jest (globalSetup)');
  return url;
};

export function databaseUrl(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

function adminConnection(): Knex {
  // Two connections: one holds the template lock while the other runs CREATE DATABASE.
  return knex({ client: 'pg', connection: adminUrl(), pool: { min: 0, max: 2 } });
}

/**
 * The run's template: migrated, seeded and with the starter classifier trained once (the first test file to
 * get here does it, under a lock), as a database is after the hub's first start. Training took 3–4 s of each
 * hub's start in every test file before.
 */
async function ensureTemplate(admin: Knex): Promise<string> {
  const template = `hh_t_${runId()}_template`;
  await admin.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [template]);
    const exists = await trx('pg_database').where({ datname: template }).first();
    if (exists) return;
    await admin.raw(`create database "${template}"`);
    const db = createDb(databaseUrl(template), 2);
    try {
      await migrateLatest(db);
      await seedTaxonomy(db);
      await seedDemoCity(db);
      await trainAndStore(db, starterCategoryExamples(), 'starter set (src/triage/starter-set-text.ts)');
    } finally {
      await db.destroy();
    }
  });
  return template;
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database with the schema, the taxonomy and the demo city; dropped by drop() or at the end of the run. */
export async function createTestDatabase(
  options: {
    empty?: boolean;
    /** Without the classifier: a database no worker has started on yet. */
    untrained?: boolean;
  } = {},
): Promise<TestDatabase> {
  const admin = adminConnection();
  try {
    const name = `hh_t_${runId()}_${randomBytes(4).toString('hex')}`;
    if (options.empty) await admin.raw(`create database "${name}"`);
    else await admin.raw(`create database "${name}" template "${await ensureTemplate(admin)}"`);
    if (options.untrained) {
      const db = createDb(databaseUrl(name), 1);
      await db('classifier_models')
        .delete()
        .finally(() => db.destroy());
    }
    return {
      name,
      url: databaseUrl(name),
      drop: async () => {
        const dropper = adminConnection();
        try {
          await dropper.raw(`drop database if exists "${name}" with (force)`);
        } finally {
          await dropper.destroy();
        }
      },
    };
  } finally {
    await admin.destroy();
  }
}
