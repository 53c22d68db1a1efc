import type { Knex } from 'knex';

// SLA supervision: working calendars per region, policies and the alert ladder as data, the stage
// clocks with their ledger, exactly-once alerts, and the staff's in-app notifications.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    -- The hotline center's director (中心主任): the top of the escalation ladder.
    alter table users drop constraint users_role_check;
    alter table users add constraint users_role_check check (role in ('operator', 'proxy_seat', 'agent', 'dept_head', 'runner', 'supervisor', 'director', 'admin'));

    -- Working hours per weekday; the official holidays and 调休 come from chinese-days, then these overrides.
    -- region_id null is the city's default; a region's own calendar covers it and everything below it.
    create table work_calendars (
      id bigint generated always as identity primary key,
      name text not null,
      region_id bigint unique references regions(id),
      week_hours jsonb not null,
      make_up_day_hours jsonb,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index work_calendars_one_default_uq on work_calendars ((true)) where region_id is null;

    create table work_calendar_overrides (
      calendar_id bigint not null references work_calendars(id) on delete cascade,
      day date not null,
      kind text not null check (kind in ('holiday', 'workday')),
      note text,
      created_by bigint references users(id),
      created_at timestamptz not null default now(),
      primary key (calendar_id, day)
    );

    create table sla_policies (
      id bigint generated always as identity primary key,
      name text not null,
      stage text not null check (stage in ('dispatch', 'sign_for', 'first_contact', 'reply', 'callback')),
      request_type text check (request_type in ('consult', 'help', 'complaint', 'report', 'suggestion', 'praise', 'proxy')),
      urgency text check (urgency in ('normal', 'urgent', 'emergency')),
      category_id bigint references categories(id),
      matter text,
      amount numeric not null check (amount > 0),
      unit text not null check (unit in ('working_days', 'working_hours', 'natural_hours')),
      priority integer not null default 0,
      deleted_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    -- The warning and escalation ladder: level 0 is the yellow warning at a share of the limit,
    -- level 1 the red one at the deadline, each further level one step up, some time after it.
    create table sla_alert_levels (
      level integer primary key check (level >= 0),
      name text not null,
      audience text not null check (audience in ('assignee', 'dept_head', 'supervisor', 'director')),
      at_share numeric check (at_share > 0 and at_share <= 1),
      after_amount numeric check (after_amount >= 0),
      after_unit text check (after_unit in ('working_days', 'working_hours', 'natural_hours')),
      sms boolean not null default false,
      check ((at_share is null) <> (after_amount is null)),
      check ((after_amount is null) = (after_unit is null))
    );

    -- Bumped by every change of calendars, policies or levels: processes reload what they cached.
    create table sla_config (
      id boolean primary key default true check (id),
      revision bigint not null default 1
    );
    insert into sla_config default values;

    create table sla_clocks (
      id bigint generated always as identity primary key,
      ticket_id bigint not null references tickets(id),
      -- Set for a co-handling department's own clocks; null for the ticket's (the lead's) clocks.
      assignment_id bigint references ticket_assignments(id),
      department_id bigint references departments(id),
      stage text not null check (stage in ('dispatch', 'sign_for', 'first_contact', 'reply', 'callback')),
      cycle integer not null default 0,
      policy_id bigint references sla_policies(id),
      calendar_id bigint references work_calendars(id),
      amount numeric not null,
      unit text not null check (unit in ('working_days', 'working_hours', 'natural_hours')),
      state text not null check (state in ('running', 'paused', 'stopped', 'cancelled')),
      started_at timestamptz not null,
      -- Working (or, for natural_hours, clock) time of the whole limit, the part used before
      -- basis_at (the start or the last resume), and the deadline (null while paused).
      limit_ms bigint not null,
      used_ms bigint not null default 0,
      basis_at timestamptz not null,
      due_at timestamptz,
      stopped_at timestamptz,
      breached_at timestamptz,
      extensions integer not null default 0,
      -- The deadline was set by hand (an operator, an extension, 督办): a policy change does not move it.
      manual_due boolean not null default false,
      -- Bumped whenever the deadline moves: alert jobs carry it, so a stale job does nothing.
      generation integer not null default 1,
      next_alert_level integer,
      next_alert_at timestamptz,
      -- The highest level alerted so far (any generation): a moved deadline does not repeat a level already past.
      alerted_level integer not null default -1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index sla_clocks_next_alert_idx on sla_clocks (next_alert_at) where state = 'running' and next_alert_at is not null;
    create index sla_clocks_ticket_idx on sla_clocks (ticket_id, id);
    create index sla_clocks_overdue_idx on sla_clocks (due_at) where state = 'running';
    create index sla_clocks_stopped_idx on sla_clocks (stopped_at) where state = 'stopped';
    create unique index sla_clocks_one_open_uq on sla_clocks (ticket_id, stage, coalesce(assignment_id, 0)) where state in ('running', 'paused');

    -- The ledger: every start, pause, resume, stop, extension, warning and breach, with who and why.
    create table sla_clock_events (
      id bigint generated always as identity primary key,
      clock_id bigint not null references sla_clocks(id),
      ticket_id bigint not null references tickets(id),
      type text not null check (type in ('start', 'pause', 'resume', 'stop', 'cancel', 'extend', 'retarget', 'warn', 'breach', 'escalate')),
      due_at timestamptz,
      actor_kind text not null,
      actor_user_id bigint references users(id),
      actor_name text,
      reason text,
      data jsonb,
      created_at timestamptz not null default now()
    );
    create index sla_clock_events_clock_idx on sla_clock_events (clock_id, id);
    create index sla_clock_events_ticket_idx on sla_clock_events (ticket_id, id);

    -- One row per clock, deadline generation and level: the alert is sent once, whoever finds it due.
    create table sla_alerts (
      id bigint generated always as identity primary key,
      clock_id bigint not null references sla_clocks(id),
      ticket_id bigint not null references tickets(id),
      generation integer not null,
      level integer not null,
      audience text not null,
      due_at timestamptz not null,
      via text not null check (via in ('job', 'sweep')),
      created_at timestamptz not null default now(),
      unique (clock_id, generation, level)
    );
    create index sla_alerts_created_idx on sla_alerts (created_at);

    -- The staff's in-app notification list.
    create table notifications (
      id bigint generated always as identity primary key,
      user_id bigint not null references users(id),
      kind text not null,
      ticket_id bigint references tickets(id),
      alert_id bigint references sla_alerts(id),
      title text not null,
      body text not null,
      dedupe_key text,
      read_at timestamptz,
      created_at timestamptz not null default now(),
      unique (user_id, dedupe_key)
    );
    create index notifications_user_idx on notifications (user_id, id desc);
    create index notifications_unread_idx on notifications (user_id) where read_at is null;

    alter table tickets
      add column next_due_at timestamptz,
      add column next_due_stage text,
      add column clocks_paused boolean not null default false,
      add column first_contact_at timestamptz,
      add column supervision_pending boolean not null default false;
    create index tickets_next_due_idx on tickets (next_due_at) where next_due_at is not null;
    -- "Overdue" now reads next_due_at; nothing searches by the reply deadline alone.
    drop index tickets_reply_due_idx;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop index tickets_next_due_idx;
    create index tickets_reply_due_idx on tickets (reply_due_at) where status in ('dispatched', 'accepted', 'returned');
    alter table tickets drop column next_due_at, drop column next_due_stage, drop column clocks_paused, drop column first_contact_at, drop column supervision_pending;
    drop table notifications; drop table sla_alerts; drop table sla_clock_events; drop table sla_clocks;
    drop table sla_config; drop table sla_alert_levels; drop table sla_policies; drop table work_calendar_overrides; drop table work_calendars;
    alter table users drop constraint users_role_check;
    alter table users add constraint users_role_check check (role in ('operator', 'proxy_seat', 'agent', 'dept_head', 'runner', 'supervisor', 'admin'));
  `);
}
