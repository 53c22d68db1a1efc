import type { Knex } from 'knex';

/**
 * The SLA report over a year reads a daily rollup, as the KPI report does (kpi_days): each Beijing day's
 * stopped clocks (per stage, on time or not), breaches, approved extensions and closed tickets (with the
 * sum of their handling hours), once per way the report groups them: by the department charged
 * (dim 'department'), by category (dim 'category'), and by category within a lead department (dim
 * 'lead_category', a department's own report by category). A row per key and stage, so a year by category
 * reads some hundred thousand rows. sla_rollups says which days are done; today and partial days are read live.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table sla_days (
      day date not null,
      source text not null check (source in ('clocks', 'breaches', 'extensions', 'closed')),
      dim text not null check (dim in ('department', 'category', 'lead_category')),
      department_id bigint,
      category_id bigint,
      stage text,
      total int not null,
      on_time int not null default 0,
      hours float8 not null default 0
    );
    create index sla_days_dim_idx on sla_days (dim, day);
    create index sla_days_lead_idx on sla_days (department_id, day) where dim = 'lead_category';
    create table sla_rollups (day date primary key, rolled_at timestamptz not null default now());
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table sla_rollups; drop table sla_days;');
}
