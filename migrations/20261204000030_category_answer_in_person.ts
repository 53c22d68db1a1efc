import type { Knex } from 'knex';

/** A category whose answers the department gives in person (a visit, a call): the citizen is told it was answered, not the text. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table categories add column answer_in_person boolean not null default false');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table categories drop column answer_in_person');
}
