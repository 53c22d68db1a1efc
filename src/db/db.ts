import knex, { type Knex } from 'knex';
import ClientPg from 'knex/lib/dialects/postgres';
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

/**
 * Server-side prepared statements for what a process runs again and again, as PgJDBC's
 * prepareThreshold does: from its third run, a parameterised statement text gets a name, and on each
 * connection PostgreSQL parses and plans it once; afterwards only the parameters cross the wire.
 * Planning was half of PostgreSQL's time for triage's statements (docs/benchmarks.md). Bounded: at
 * most 500 named texts per process; counts of texts not yet named are dropped when 10,000 pile up.
 */
export class StatementNames {
  private readonly seen = new Map<string, number>();
  private readonly named = new Map<string, string>();

  constructor(
    private readonly threshold = 3,
    private readonly maxNamed = 500,
    private readonly maxSeen = 10_000,
  ) {}

  nameFor(sql: string): string | undefined {
    const name = this.named.get(sql);
    if (name !== undefined || this.named.size >= this.maxNamed) return name;
    const runs = (this.seen.get(sql) ?? 0) + 1;
    if (runs < this.threshold) {
      if (this.seen.size >= this.maxSeen) this.seen.clear();
      this.seen.set(sql, runs);
      return undefined;
    }
    this.seen.delete(sql);
    const next = `hh_${this.named.size + 1}`;
    this.named.set(sql, next);
    return next;
  }
}

// One per process: knex builds a transaction's client from the prototype, without the constructor.
const statementNames = new StatementNames();

/** knex's PostgreSQL client, naming repeated statements (see StatementNames). */
class ClientPgPrepared extends ClientPg {
  override _query(
    connection: unknown,
    query: { sql: string; bindings?: readonly unknown[]; options?: Record<string, unknown> },
  ): Promise<unknown> {
    if (query.bindings && query.bindings.length > 0 && query.options?.name === undefined) {
      const name = statementNames.nameFor(query.sql);
      if (name) query.options = { ...query.options, name };
    }
    return super._query(connection, query);
  }
}

export function createDb(url: string, poolMax: number, options: { prepare: boolean } = { prepare: true }): Db {
  return knex({
    client: options.prepare ? ClientPgPrepared : 'pg',
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
