import type { Knex } from 'knex';

// Hot spots (热点): surges of one kind of request in one place, found by the detector over the
// ticket stream, each told to the duty chief once. The thresholds are data, one row per window.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table hotspot_rules (
      window_name text primary key check (window_name in ('1h', '24h', '7d')),
      min_count integer not null check (min_count >= 1),
      min_ratio numeric not null check (min_ratio >= 1),
      min_score numeric not null check (min_score > 0),
      severe_score numeric not null,
      history_weeks integer not null check (history_weeks between 1 and 12),
      every_minutes integer not null check (every_minutes between 1 and 1440),
      active boolean not null default true,
      last_checked_at timestamptz,
      updated_at timestamptz not null default now(),
      check (severe_score >= min_score)
    );
    insert into hotspot_rules (window_name, min_count, min_ratio, min_score, severe_score, history_weeks, every_minutes) values
      ('1h', 6, 4, 7, 10, 4, 10),
      ('24h', 10, 3, 7, 12, 4, 30),
      ('7d', 25, 2, 8, 14, 4, 120);

    create table hotspots (
      id bigint generated always as identity primary key,
      category_id bigint not null references categories(id),
      region_id bigint not null references regions(id),
      window_name text not null,
      status text not null default 'open' check (status in ('open', 'closed')),
      severity text not null check (severity in ('notice', 'severe')),
      window_start timestamptz not null,
      window_end timestamptz not null,
      ticket_count integer not null,
      expected numeric not null,
      score numeric not null,
      first_detected_at timestamptz not null,
      last_detected_at timestamptz not null,
      closed_at timestamptz,
      closed_by bigint references users(id),
      note text
    );
    -- One open hot spot per cell: found again, it grows; it is told once.
    create unique index hotspots_open_cell on hotspots (category_id, region_id) where status = 'open';
    create index hotspots_detected_idx on hotspots (first_detected_at desc);

    -- A notice that leads somewhere other than a ticket (a hot spot's page).
    alter table notifications add column path text;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table notifications drop column path; drop table hotspots; drop table hotspot_rules;');
}
