import type { Knex } from 'knex';

// LLM calls and tokens per day (Asia/Shanghai), shared by every process: the daily budget.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table llm_usage (
      day date primary key,
      calls integer not null default 0,
      failures integer not null default 0,
      tokens integer not null default 0
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table llm_usage');
}
