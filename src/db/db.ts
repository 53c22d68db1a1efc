import { createHash } from 'node:crypto';
import knex, { type Knex } from 'knex';
import pg from 'pg';

export type Db = Knex;
export type Tx = Knex.Transaction;
/** A repository takes either the pool or a transaction. */
export type Queryable = Knex | Knex.Transaction;

// int8 (ids, counts) as numbers: ids stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));
// …and arrays of them (int8[], oid 1016), e.g. a catalog entry's assisting departments.
const parseTextArray = pg.types.getTypeParser(1016 as never) as (value: string) => Array<string | null>;
pg.types.setTypeParser(1016 as never, (value: string) => parseTextArray(value).map((v) => (v === null ? null : Number.parseInt(v, 10))));

export function createDb(url: string, poolMax: number): Db {
  return knex({
    client: 'pg',
    connection: url,
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: 10_000,
  });
}

export async function pingDb(db: Db): Promise<void> {
  await db.raw('select 1');
}

/** `returning` list that maps snake_case columns to camelCase fields: { displayName: 'display_name' } → ['display_name as displayName']. */
export function returningAs(columns: Record<string, string>, tableAlias?: string): string[] {
  return Object.entries(columns).map(([alias, column]) => `${tableAlias ? `${tableAlias}.` : ''}${column} as ${alias}`);
}

/** The same column map as SQL text for raw queries, aliases quoted so their case survives: `display_name as "displayName"`. */
export function columnList(columns: Record<string, string>): string {
  return Object.entries(columns)
    .map(([alias, column]) => `${column} as "${alias}"`)
    .join(', ');
}

/** The same column map for a select with a table alias: { displayName: 'u.display_name' }. */
export function selectAs(columns: Record<string, string>, tableAlias: string): Record<string, string> {
  return Object.fromEntries(Object.entries(columns).map(([alias, column]) => [alias, `${tableAlias}.${column}`]));
}

/** A JS array bound as one PostgreSQL array parameter (`?::bigint[]`, for unnest); nulls allowed. */
export function pgArray(values: ReadonlyArray<string | number | null>): Knex.Value {
  return values as unknown as Knex.Value;
}

const preparedNames = new Map<string, { name: string }>();
/**
 * Query options that run a hot statement as a named prepared statement: PostgreSQL parses and plans it
 * once per connection, and afterwards only its parameters cross the wire. `db.raw(sql, bindings).options(prepared(sql))`.
 */
export function prepared(sql: string): { name: string } {
  let options = preparedNames.get(sql);
  if (!options) {
    options = { name: `hh_${createHash('sha1').update(sql).digest('base64url').slice(0, 20)}` };
    preparedNames.set(sql, options);
  }
  return options;
}
