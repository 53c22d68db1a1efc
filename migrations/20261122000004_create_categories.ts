import type { Knex } from 'knex';

// The taxonomy is data: two levels, a level-2 code starts with its parent's code.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table categories (
      id bigint generated always as identity primary key,
      code text not null unique,
      name text not null,
      parent_id bigint references categories(id),
      level smallint not null check (level in (1, 2)),
      description text not null default '',
      active boolean not null default true,
      sort_order integer not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((level = 1) = (parent_id is null))
    );
    create index categories_parent_idx on categories (parent_id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table categories');
}
