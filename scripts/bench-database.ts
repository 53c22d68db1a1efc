import knex from 'knex';
import { createHub, type Hub } from '../src/app';
import { loadConfig } from '../src/config/config';

/**
 * A hub on a database of its own for a bench: created on the PostgreSQL at `databaseUrl`, migrated and
 * seeded with the demo city, run in-process without Redis; dropped afterwards unless `keep`.
 */
export async function withBenchHub(
  databaseUrl: string,
  prefix: string,
  run: (hub: Hub) => Promise<void>,
  options: { keep?: boolean } = {},
): Promise<void> {
  const name = `${prefix}_${Date.now().toString(36)}`;
  const server = knex({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 1 } });
  await server.raw(`create database ${name}`);
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  try {
    const hub = await createHub(
      loadConfig({ DATABASE_URL: url.toString(), REDIS_URL: '', SEED_DEMO: 'true', LOG_LEVEL: 'warn', PORT: '0', DATABASE_POOL_MAX: '10' }),
    );
    try {
      await run(hub);
    } finally {
      await hub.stop();
    }
  } finally {
    if (options.keep) console.log(`database kept: ${url.toString()}`);
    else await server.raw(`drop database if exists ${name} with (force)`);
    await server.destroy();
  }
}
