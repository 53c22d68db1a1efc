import type { Knex } from 'knex';

/** 常用语: a department's canned replies, with placeholders the console fills from the ticket. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table canned_replies (
      id bigserial primary key,
      department_id bigint not null references departments(id),
      title text not null,
      body text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (department_id, title)
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table canned_replies');
}
