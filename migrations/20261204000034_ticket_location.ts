import type { Knex } from 'knex';

/** Where the citizen was when they wrote (the mini-program sends coordinates): kept on the ticket, shown with a map link. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table tickets add column location jsonb`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table tickets drop column location');
}
