import pg from 'pg';

/** The embedded PostgreSQL port of the hub the browser tests start (playwright.config.ts). */
export const hubPgPort = Number(process.env.BROWSER_TEST_PG_PORT ?? 54917);

/**
 * The browser hub's own database, for what only time would do otherwise (a deadline passing). Nothing
 * the console shows is written here: the tests act through the pages and the API.
 */
export async function withHubDatabase<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${hubPgPort}/postgres` });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
