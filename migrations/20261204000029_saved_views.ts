import type { Knex } from 'knex';

/** A user's saved views of the ticket list: a name and the list's query string (its filters), kept per user. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table saved_views (
      id bigserial primary key,
      user_id bigint not null references users(id) on delete cascade,
      name text not null,
      query text not null,
      created_at timestamptz not null default now(),
      unique (user_id, name)
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table saved_views');
}
