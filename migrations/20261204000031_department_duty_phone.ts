import type { Knex } from 'knex';

/** A department's duty phone (值班电话): urgent tickets and red or escalated alerts reach it by SMS. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table departments add column duty_phone text');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table departments drop column duty_phone');
}
