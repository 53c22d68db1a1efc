import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table departments (
      id bigint generated always as identity primary key,
      code text not null unique,
      name text not null,
      kind text not null check (kind in ('center', 'functional', 'district_gov', 'township_gov', 'utility', 'runner_team')),
      parent_id bigint references departments(id),
      region_id bigint references regions(id),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index departments_region_idx on departments (region_id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table departments');
}
