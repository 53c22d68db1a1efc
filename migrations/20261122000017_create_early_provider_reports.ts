import type { Knex } from 'knex';

// Delivery reports that arrive before the hub has recorded the provider's message id; applied when it does.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table early_provider_reports (
      provider_id text primary key,
      provider_status text not null,
      error_code text,
      received_at timestamptz not null default now()
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table early_provider_reports');
}
