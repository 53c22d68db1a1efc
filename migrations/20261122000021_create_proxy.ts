import type { Knex } from 'knex';

// 帮办代办: the matters catalog, runners (with the grids and matters they cover), proxy orders with
// the six steps, the applicant's mandate, the materials hand-over log, delivery of the result; and
// the hard-case (办不成事) stages of the SLA.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table proxy_matters (
      id bigint generated always as identity primary key,
      code text not null unique,
      name text not null unique,
      department_id bigint references departments(id),
      legal_days integer not null check (legal_days > 0 and legal_days <= 365),
      -- [{key, name, form: original|copy|either, count, deferrable}]
      materials jsonb not null default '[]',
      service_modes text[] not null check (service_modes <@ array['remote_guidance', 'home_assistance', 'full_proxy'] and cardinality(service_modes) > 0),
      delivery_options text[] not null check (delivery_options <@ array['window', 'postal'] and cardinality(delivery_options) > 0),
      eligibility text,
      -- Trips to the service hall a full proxy saves the applicant.
      trips_saved integer not null default 2 check (trips_saved >= 0),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    -- A runner's profile (跑手, 代办员, 网格员, 政邮商 postal staff): the grids (regions) they cover and the matters they are trained for.
    create table runners (
      user_id bigint primary key references users(id),
      kind text not null default 'runner' check (kind in ('runner', 'agent', 'grid_worker', 'postal')),
      grid_region_ids bigint[] not null default '{}',
      matter_ids bigint[] not null default '{}',
      last_assigned_at timestamptz,
      updated_at timestamptz not null default now()
    );

    create table proxy_orders (
      id bigint generated always as identity primary key,
      ticket_id bigint not null unique references tickets(id),
      matter_id bigint references proxy_matters(id),
      service_mode text not null check (service_mode in ('remote_guidance', 'home_assistance', 'full_proxy')),
      applicant_address text,
      region_id bigint references regions(id),
      team_id bigint references departments(id),
      runner_user_id bigint references users(id),
      status text not null check (status in ('unassigned', 'offered', 'accepted', 'submitted', 'delivering', 'done', 'cancelled')),
      offered_at timestamptz,
      offer_expires_at timestamptz,
      declined_user_ids bigint[] not null default '{}',
      accepted_at timestamptz,
      acceptance_number text,
      submitted_at timestamptz,
      done_at timestamptz,
      due_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index proxy_orders_runner_idx on proxy_orders (runner_user_id, status);
    create index proxy_orders_offer_idx on proxy_orders (offer_expires_at) where status = 'offered';
    create index proxy_orders_unassigned_idx on proxy_orders (id) where status = 'unassigned';
    create index proxy_orders_created_idx on proxy_orders (created_at);

    -- The six steps (六步法), each with time and actor.
    create table proxy_steps (
      id bigint generated always as identity primary key,
      order_id bigint not null references proxy_orders(id),
      step text not null check (step in ('consult', 'mandate', 'collect', 'coordinate', 'feedback', 'archive')),
      actor_user_id bigint references users(id),
      actor_name text,
      note text,
      data jsonb,
      created_at timestamptz not null default now()
    );
    create index proxy_steps_order_idx on proxy_steps (order_id, id);

    create table proxy_mandates (
      id bigint generated always as identity primary key,
      order_id bigint not null references proxy_orders(id),
      scope text[] not null check (scope <@ array['collect_materials', 'submit', 'receive_result', 'pay_fees'] and cardinality(scope) > 0),
      valid_until date not null,
      signed_by text not null,
      method text not null check (method in ('paper', 'sms', 'miniprogram', 'phone_recording')),
      recorded_by bigint references users(id),
      revoked_at timestamptz,
      created_at timestamptz not null default now()
    );
    create index proxy_mandates_order_idx on proxy_mandates (order_id);

    -- The materials hand-over log: every item, every direction, who, when, where.
    create table proxy_materials (
      id bigint generated always as identity primary key,
      order_id bigint not null references proxy_orders(id),
      -- The matter's material key, or 'other' (with a note) for an item not on the list.
      item_key text not null,
      name text not null,
      form text not null check (form in ('original', 'copy')),
      count integer not null check (count > 0),
      direction text not null check (direction in ('received', 'submitted', 'returned', 'deferred')),
      place text,
      note text,
      -- 容缺: the applicant's promise to bring it later.
      promised_by date,
      by_user_id bigint references users(id),
      created_at timestamptz not null default now()
    );
    create index proxy_materials_order_idx on proxy_materials (order_id, id);

    create table proxy_deliveries (
      id bigint generated always as identity primary key,
      order_id bigint not null unique references proxy_orders(id),
      method text not null check (method in ('window', 'postal')),
      tracking_number text,
      status text not null check (status in ('pending', 'in_transit', 'delivered', 'returned')),
      last_error text,
      checks integer not null default 0,
      next_check_at timestamptz,
      delivered_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index proxy_deliveries_check_idx on proxy_deliveries (next_check_at) where status in ('pending', 'in_transit');

    -- The hard-case ladder (办不成事) as stages of the SLA.
    alter table sla_clocks drop constraint sla_clocks_stage_check;
    alter table sla_clocks add constraint sla_clocks_stage_check check (stage in ('dispatch', 'sign_for', 'first_contact', 'reply', 'callback', 'hard_onsite_rep', 'hard_onsite_head', 'hard_answer'));
    alter table sla_policies drop constraint sla_policies_stage_check;
    alter table sla_policies add constraint sla_policies_stage_check check (stage in ('dispatch', 'sign_for', 'first_contact', 'reply', 'callback', 'hard_onsite_rep', 'hard_onsite_head', 'hard_answer'));
    alter table tickets add column hard_case boolean not null default false;

    -- The hard-case limits for databases seeded before them (a fresh one gets them with the SLA defaults).
    insert into sla_policies (name, stage, amount, unit, priority)
    select v.name, v.stage, v.amount, v.unit, 0
    from (values ('办不成事：首席代表 10 分钟内到场', 'hard_onsite_rep', 1.0 / 6, 'natural_hours'),
                 ('办不成事：部门负责人 30 分钟内到场', 'hard_onsite_head', 0.5, 'natural_hours'),
                 ('办不成事：3 个工作日内答复', 'hard_answer', 3, 'working_days')) as v(name, stage, amount, unit)
    where exists (select 1 from sla_policies) and not exists (select 1 from sla_policies p where p.stage = v.stage);
    update sla_config set revision = revision + 1;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table tickets drop column hard_case;
    delete from sla_clock_events where clock_id in (select id from sla_clocks where stage like 'hard_%');
    delete from sla_alerts where clock_id in (select id from sla_clocks where stage like 'hard_%');
    delete from sla_clocks where stage like 'hard_%';
    delete from sla_policies where stage like 'hard_%';
    alter table sla_clocks drop constraint sla_clocks_stage_check;
    alter table sla_clocks add constraint sla_clocks_stage_check check (stage in ('dispatch', 'sign_for', 'first_contact', 'reply', 'callback'));
    alter table sla_policies drop constraint sla_policies_stage_check;
    alter table sla_policies add constraint sla_policies_stage_check check (stage in ('dispatch', 'sign_for', 'first_contact', 'reply', 'callback'));
    drop table proxy_deliveries; drop table proxy_materials; drop table proxy_mandates; drop table proxy_steps; drop table proxy_orders; drop table runners; drop table proxy_matters;
  `);
}
