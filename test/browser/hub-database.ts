import pg from 'pg';

/** The embedded PostgreSQL port of the hub the browser tests start (playwright.config.ts). */
export const hubPgPort = Number(process.env.BROWSER_TEST_PG_PORT ?? 54917);

/** On the machine's services (DATABASE_URL, REDIS_URL), the hub's database and key prefix (test/support/browser-hub.ts). */
export const hubDatabaseName = 'hh_browser';
export const hubRedisPrefix = 'hh-browser';

/** The hub's database: hh_browser on DATABASE_URL's server, else the embedded one. */
export function hubDatabaseUrl(): string {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return `postgres://postgres:postgres@127.0.0.1:${hubPgPort}/postgres`;
  const url = new URL(serverUrl);
  url.pathname = `/${hubDatabaseName}`;
  return url.toString();
}

/**
 * The browser hub's own database, for what only time would do otherwise (a deadline passing). Nothing
 * the console shows is written here: the tests act through the pages and the API.
 */
export async function withHubDatabase<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: hubDatabaseUrl() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
