import type { Knex } from 'knex';

/**
 * 一件事一次办: a bundle of matters (企业开办, 出生一件事) told in situations (办事情景), each with its matters, its
 * promised limit and what its one 一次性告知单 adds. A 代办 ticket may name a situation as its matter: its order then
 * holds one submission and one result per matter, and is done when every matter is.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table proxy_bundles (
      id bigint generated always as identity primary key,
      code text not null unique,
      name text not null unique,
      description text,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table proxy_bundle_scenarios (
      id bigint generated always as identity primary key,
      bundle_id bigint not null references proxy_bundles(id),
      code text not null unique,
      name text not null unique,
      matter_ids bigint[] not null check (cardinality(matter_ids) between 2 and 20),
      legal_days integer not null check (legal_days between 1 and 365),
      -- What this situation adds to the 告知单 (its conditions, where to sign).
      notice text,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index proxy_bundle_scenarios_bundle_idx on proxy_bundle_scenarios (bundle_id);

    alter table proxy_orders add column scenario_id bigint references proxy_bundle_scenarios(id);

    -- Each matter of a bundled order: submitted with its acceptance number, then its result.
    create table proxy_order_matters (
      order_id bigint not null references proxy_orders(id),
      matter_id bigint not null references proxy_matters(id),
      position integer not null,
      status text not null default 'pending' check (status in ('pending', 'submitted', 'approved', 'refused')),
      acceptance_number text,
      submitted_at timestamptz,
      result_note text,
      result_at timestamptz,
      by_user_id bigint references users(id),
      primary key (order_id, matter_id)
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop table proxy_order_matters;
    alter table proxy_orders drop column scenario_id;
    drop table proxy_bundle_scenarios;
    drop table proxy_bundles;
  `);
}
