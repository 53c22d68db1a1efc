import pg from 'pg';
import { hubDatabaseName, hubDatabaseUrl, hubRedisPrefix } from '../browser/hub-database';
import { deleteRedisPrefix } from './test-hub';

/**
 * Starts the hub the browser tests drive (playwright.config.ts). With DATABASE_URL and REDIS_URL, as in CI's
 * first pass, it runs on the machine's PostgreSQL and Redis (BullMQ jobs, Redis pub/sub for the live pages), on
 * a database and a key prefix made afresh for the run; without them, on the embedded defaults a newcomer's
 * `npm start` gives. So CI's two passes drive the console on different things.
 */
async function freshServices(): Promise<void> {
  if (process.env.DATABASE_URL) {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(`drop database if exists ${hubDatabaseName} with (force)`);
      await admin.query(`create database ${hubDatabaseName}`);
    } finally {
      await admin.end();
    }
    process.env.DATABASE_URL = hubDatabaseUrl();
  }
  if (process.env.REDIS_URL) {
    await deleteRedisPrefix(process.env.REDIS_URL, hubRedisPrefix);
    process.env.REDIS_PREFIX = hubRedisPrefix;
  }
}

freshServices().then(
  () => import('../../src/main.js'),
  (error: unknown) => {
    process.stderr.write(`the browser tests' hub could not set up its database or Redis: ${String(error)}\n`);
    process.exit(1);
  },
);
