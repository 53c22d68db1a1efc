import type { Knex } from 'knex';

// Routing: the dispatch catalog (派单目录) and its revisions, assignment inside departments,
// return arbitration, and the Slack side (channel per department, user mapping, posted cards).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table dispatch_catalog_entries (
      id bigint generated always as identity primary key,
      name text not null,
      category_id bigint references categories(id),
      request_type text check (request_type in ('consult', 'help', 'complaint', 'report', 'suggestion', 'praise', 'proxy')),
      region_id bigint references regions(id),
      matter text,
      keywords text[] not null default '{}',
      lead_department_id bigint not null references departments(id),
      assist_department_ids bigint[] not null default '{}',
      priority integer not null default 0,
      effective_from date,
      effective_to date,
      -- Set when an upheld return shows the entry routed a ticket to the wrong department.
      flagged_at timestamptz,
      flag_note text,
      deleted_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (effective_to is null or effective_from is null or effective_to >= effective_from)
    );

    -- Every change to the catalog is a new catalog version; tickets record the version that routed them.
    create table dispatch_catalog_revisions (
      version integer primary key,
      entry_id bigint not null references dispatch_catalog_entries(id),
      change text not null check (change in ('create', 'update', 'delete')),
      before jsonb,
      after jsonb,
      actor_user_id bigint references users(id),
      created_at timestamptz not null default now()
    );

    alter table categories add column dispatch_mode text not null default 'auto' check (dispatch_mode in ('auto', 'suggest'));

    alter table departments
      add column assignment_strategy text not null default 'queue' check (assignment_strategy in ('queue', 'round_robin', 'least_open', 'skills')),
      add column last_assigned_user_id bigint references users(id),
      add column slack_channel_id text;

    alter table users
      add column on_duty boolean not null default true,
      add column capacity integer check (capacity is null or capacity > 0),
      add column skills text[] not null default '{}',
      add column slack_user_id text unique;

    alter table tickets
      add column matter text,
      add column catalog_entry_id bigint references dispatch_catalog_entries(id),
      add column catalog_version integer;
    -- When the department last received the ticket (dispatch, a rejected return, a reopen): the return window runs from here.
    alter table ticket_assignments add column dispatched_at timestamptz not null default now();

    create index tickets_assignee_idx on tickets (assignee_user_id) where status in ('dispatched', 'accepted');

    -- Return and routing statistics read the timeline by event type and period.
    create index ticket_events_type_created_idx on ticket_events (type, created_at);

    -- Slack: each inbound interaction once (Slack may deliver twice), and the card posted per ticket and channel.
    create table chat_inbound (
      dedupe_key text primary key,
      received_at timestamptz not null default now()
    );
    create table chat_cards (
      ticket_id bigint not null references tickets(id),
      channel_id text not null,
      message_ts text not null,
      updated_at timestamptz not null default now(),
      primary key (ticket_id, channel_id)
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop table chat_cards; drop table chat_inbound;
    drop index ticket_events_type_created_idx;
    alter table ticket_assignments drop column dispatched_at;
    alter table tickets drop column catalog_version, drop column catalog_entry_id, drop column matter;
    alter table users drop column slack_user_id, drop column skills, drop column capacity, drop column on_duty;
    alter table departments drop column slack_channel_id, drop column last_assigned_user_id, drop column assignment_strategy;
    alter table categories drop column dispatch_mode;
    drop table dispatch_catalog_revisions; drop table dispatch_catalog_entries;
  `);
}
