import type { Knex } from 'knex';

/**
 * The KPI report over a year of a megacity: each Beijing day rolled up once (kpi_days: each source's
 * counts per department, per district, per level-1 category and per channel, one dimension a row;
 * kpi_rollups: which days are done), so a month's report reads about ten thousand rows, not millions. Today and partial days are read
 * live. The board's figures read covering indexes: today's and the week's tickets by their creation,
 * the open tickets of each department with their next deadline.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table kpi_days (
      day date not null,
      source text not null check (source in ('surveys', 'clocks', 'events', 'created', 'volume')),
      dim text not null check (dim in ('department', 'district', 'category', 'channel')),
      key text,
      answered int not null default 0,
      unreachable int not null default 0,
      skipped int not null default 0,
      unreasonable int not null default 0,
      contacted int not null default 0,
      resolved int not null default 0,
      satisfied int not null default 0,
      basic int not null default 0,
      unsatisfied int not null default 0,
      sign_for int not null default 0,
      sign_for_on_time int not null default 0,
      reply int not null default 0,
      reply_on_time int not null default 0,
      dispatched int not null default 0,
      returned int not null default 0,
      replied int not null default 0,
      reopened int not null default 0,
      created int not null default 0,
      direct int not null default 0,
      volume int not null default 0
    );
    create index kpi_days_day_idx on kpi_days (dim, day);
    create table kpi_rollups (day date primary key, rolled_at timestamptz not null default now());

    create index tickets_created_cover_idx on tickets (created_at) include (channel, category_id, region_id);
    drop index tickets_created_at_idx;
    create index tickets_open_lead_idx on tickets (lead_department_id) include (next_due_at)
      where status in ('dispatched', 'accepted', 'returned');
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop index tickets_open_lead_idx;
    create index tickets_created_at_idx on tickets (created_at);
    drop index tickets_created_cover_idx;
    drop table kpi_rollups;
    drop table kpi_days;
  `);
}
