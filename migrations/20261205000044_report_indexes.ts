import type { Knex } from 'knex';

/**
 * The SLA report over a month or a year reads covering indexes, not the tables (measured on 2,000,000
 * tickets: docs/benchmarks.md): the stopped clocks with what the report counts of them, the breached ones,
 * and the closed tickets with their department, category and age. Built concurrently, outside a transaction.
 */
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index concurrently if not exists sla_clocks_stopped_cover_idx on sla_clocks (stopped_at)
                    include (stage, due_at, department_id, ticket_id) where state = 'stopped'`);
  await knex.raw('drop index concurrently if exists sla_clocks_stopped_idx');
  await knex.raw(`create index concurrently if not exists sla_clocks_breached_idx on sla_clocks (breached_at)
                    include (department_id, ticket_id) where breached_at is not null`);
  await knex.raw(`create index concurrently if not exists tickets_closed_cover_idx on tickets (closed_at)
                    include (lead_department_id, category_id, created_at) where status = 'closed'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index concurrently if exists tickets_closed_cover_idx');
  await knex.raw('drop index concurrently if exists sla_clocks_breached_idx');
  await knex.raw(`create index concurrently if not exists sla_clocks_stopped_idx on sla_clocks (stopped_at) where state = 'stopped'`);
  await knex.raw('drop index concurrently if exists sla_clocks_stopped_cover_idx');
}
