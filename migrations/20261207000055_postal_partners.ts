import type { Knex } from 'knex';

/**
 * 政邮商: the postal company's couriers as grid workers (网格员). Grids follow the postal delivery areas, each with its
 * courier and an archive of the enterprises in it (visits, needs). The government pays per piece (群众点单、邮政跑单、
 * 政府买单): a tariff by distance band with deductions for late or refused deliveries, a monthly statement per postal
 * company with a line per courier, approved by the center — after which its pieces and amounts are fixed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table postal_companies (
      id bigint generated always as identity primary key,
      name text not null unique,
      active boolean not null default true,
      created_at timestamptz not null default now()
    );

    create table postal_grids (
      id bigint generated always as identity primary key,
      code text not null unique,
      name text not null,
      postal_company_id bigint not null references postal_companies(id),
      region_id bigint references regions(id),
      courier_user_id bigint references users(id),
      area text,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index postal_grids_courier_idx on postal_grids (courier_user_id);

    create table grid_enterprises (
      id bigint generated always as identity primary key,
      grid_id bigint not null references postal_grids(id),
      name text not null,
      credit_code text unique check (credit_code ~ '^[0-9A-Z]{18}$'),
      address text,
      contact_name text,
      contact_phone text,
      status text not null default 'operating' check (status in ('operating', 'suspended', 'closed')),
      needs text,
      last_visit_at timestamptz,
      updated_by bigint references users(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (grid_id, name)
    );

    create table grid_enterprise_visits (
      id bigint generated always as identity primary key,
      enterprise_id bigint not null references grid_enterprises(id),
      by_user_id bigint not null references users(id),
      kind text not null check (kind in ('onsite', 'online')),
      note text not null,
      needs text,
      at timestamptz not null default now()
    );
    create index grid_enterprise_visits_idx on grid_enterprise_visits (enterprise_id, at desc);

    -- Prices in fen. bands: [{upToKm, priceFen}], ascending, the last without upToKm.
    create table postal_tariffs (
      id bigint generated always as identity primary key,
      effective_from date not null unique,
      bands jsonb not null,
      late_deduction_fen integer not null check (late_deduction_fen >= 0),
      refused_deduction_fen integer not null check (refused_deduction_fen >= 0),
      created_by bigint references users(id),
      created_at timestamptz not null default now()
    );

    create table postal_settlements (
      id bigint generated always as identity primary key,
      postal_company_id bigint not null references postal_companies(id),
      month date not null check (extract(day from month) = 1),
      status text not null default 'draft' check (status in ('draft', 'approved')),
      pieces integer not null,
      gross_fen bigint not null,
      deductions_fen bigint not null,
      net_fen bigint not null,
      computed_by bigint references users(id),
      computed_at timestamptz not null default now(),
      approved_by bigint references users(id),
      approved_at timestamptz,
      unique (postal_company_id, month)
    );

    -- One trip of a courier: collecting materials or delivering a result.
    create table postal_pieces (
      id bigint generated always as identity primary key,
      grid_id bigint not null references postal_grids(id),
      courier_user_id bigint not null references users(id),
      order_id bigint references proxy_orders(id),
      kind text not null check (kind in ('collect', 'deliver')),
      distance_km numeric(6, 1) not null check (distance_km > 0),
      due_at timestamptz,
      done_at timestamptz not null,
      outcome text not null check (outcome in ('delivered', 'refused')),
      tracking_number text,
      note text,
      recorded_by bigint references users(id),
      created_at timestamptz not null default now(),
      -- Fixed when the month's statement is approved.
      settlement_id bigint references postal_settlements(id),
      price_fen integer,
      deduction_fen integer
    );
    create index postal_pieces_done_idx on postal_pieces (done_at);
    create index postal_pieces_courier_idx on postal_pieces (courier_user_id, done_at);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop table postal_pieces;
    drop table postal_settlements;
    drop table postal_tariffs;
    drop table grid_enterprise_visits;
    drop table grid_enterprises;
    drop table postal_grids;
    drop table postal_companies;
  `);
}
