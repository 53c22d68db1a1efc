import type { Knex } from 'knex';

// Callbacks (回访): one survey per replied ticket and handling cycle, its channel attempts and
// answers, and the settings (policy and questions) as one validated document.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table callback_settings (
      id boolean primary key default true check (id),
      settings jsonb not null,
      updated_at timestamptz not null default now()
    );

    create table callbacks (
      id bigint generated always as identity primary key,
      ticket_id bigint not null references tickets(id),
      cycle integer not null,
      contact_id bigint references contacts(id),
      status text not null check (status in ('scheduled', 'asking', 'completed', 'unreachable', 'skipped', 'cancelled')),
      -- The channel being tried; 'operator' is the seats' manual-call queue.
      channel text check (channel in ('sms', 'phone', 'miniprogram', 'operator')),
      -- Channels still to try after this one.
      remaining_channels text[] not null default '{}',
      attempt integer not null default 0,
      step text check (step in ('contacted', 'resolved', 'satisfaction', 'comment')),
      reasked boolean not null default false,
      reminded boolean not null default false,
      next_action_at timestamptz,
      window_ends_at timestamptz,
      phone text,
      call_sid text,
      contacted boolean,
      resolved boolean,
      satisfaction text check (satisfaction in ('satisfied', 'basic', 'unsatisfied')),
      comment text,
      outcome text check (outcome in ('closed', 'reopened', 'review', 'unreachable', 'skipped')),
      unreachable_reason text,
      unreasonable boolean not null default false,
      unreasonable_reason text,
      reviewed_by bigint references users(id),
      answered_by bigint references users(id),
      completed_at timestamptz,
      -- When the outcome was carried out on the ticket (办结 or 重办); a job retries until it is.
      applied_at timestamptz,
      department_id bigint references departments(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (ticket_id, cycle)
    );
    create index callbacks_due_idx on callbacks (next_action_at) where status in ('scheduled', 'asking') and next_action_at is not null;
    create index callbacks_asking_contact_idx on callbacks (contact_id) where status = 'asking';
    create index callbacks_completed_idx on callbacks (completed_at);
    create index callbacks_unapplied_idx on callbacks (id) where applied_at is null and status in ('completed', 'unreachable', 'skipped');
    create index callbacks_queue_idx on callbacks (id) where status = 'asking' and channel = 'operator';
    create unique index callbacks_call_sid_uq on callbacks (call_sid) where call_sid is not null;

    -- What was asked and answered, on which channel: the survey's own record.
    create table callback_events (
      id bigint generated always as identity primary key,
      callback_id bigint not null references callbacks(id),
      type text not null,
      channel text,
      step text,
      text text,
      data jsonb,
      created_at timestamptz not null default now()
    );
    create index callback_events_callback_idx on callback_events (callback_id, id);

    -- An inbound message can be the answer to a callback survey.
    alter table inbound_messages drop constraint inbound_messages_kind_check;
    alter table inbound_messages add constraint inbound_messages_kind_check check (kind in ('request', 'follow_up', 'status_query', 'opt_out', 'empty', 'survey_answer'));
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table inbound_messages drop constraint inbound_messages_kind_check;
    alter table inbound_messages add constraint inbound_messages_kind_check check (kind in ('request', 'follow_up', 'status_query', 'opt_out', 'empty'));
    drop table callback_events; drop table callbacks; drop table callback_settings;
  `);
}
