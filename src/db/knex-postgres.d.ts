// knex's PostgreSQL dialect class, which db.ts extends; knex ships no types for its dialect modules.
declare module 'knex/lib/dialects/postgres' {
  import { Knex } from 'knex';

  class ClientPg extends Knex.Client {
    _query(connection: unknown, query: { sql: string; bindings?: readonly unknown[]; options?: Record<string, unknown> }): Promise<unknown>;
  }
  export = ClientPg;
}
