import type { Knex } from 'knex';

/**
 * The 办不成事 window as the county reports run it (桂阳县): a hard case is classified when it is taken
 * (不能办, 很难办, 不给办/拖着办, 特殊办), says how it was found (at the window, a hotline complaint, the hub's
 * own discovery, a callback), climbs levels (the window, the department, the county leader in charge,
 * the county executive meeting), and a 不给办 case carries accountability records (问责) against the unit
 * and the person. The center's daily duty roster (值班领导, 值班人员) receives hard cases and their alerts;
 * the hub raises candidates for them to confirm. The county leader in charge (县政府分管负责人) signs in
 * with a role of their own.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table users drop constraint users_role_check;
    alter table users add constraint users_role_check
      check (role in ('operator', 'proxy_seat', 'agent', 'dept_head', 'runner', 'supervisor', 'director', 'county_leader', 'admin'));

    create table hard_cases (
      ticket_id bigint primary key references tickets(id),
      -- null only for cases flagged before kinds existed.
      kind text check (kind in ('cannot', 'difficult', 'refused', 'special')),
      source text not null check (source in ('window', 'hotline', 'system', 'callback')),
      level text not null default 'window' check (level in ('window', 'department', 'county', 'meeting')),
      -- The kind's own handling (解释疏导, 容缺受理, 责令立即办理, 特殊办安排), once done.
      handled_at timestamptz,
      handling jsonb,
      leader_user_id bigint references users(id),
      reported_at timestamptz,
      joint_department_ids bigint[] not null default '{}',
      joint_dispatched_at timestamptz,
      meeting jsonb,
      answered_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index hard_cases_open_idx on hard_cases (created_at) where answered_at is null;
    create index hard_cases_leader_idx on hard_cases (leader_user_id) where leader_user_id is not null;
    insert into hard_cases (ticket_id, kind, source, created_at)
      select id, null, case when channel = 'seat' then 'window' else 'hotline' end, updated_at from tickets where hard_case;

    create table accountability_records (
      id bigint generated always as identity primary key,
      ticket_id bigint not null references hard_cases(ticket_id),
      department_id bigint not null references departments(id),
      person_name text not null,
      person_user_id bigint references users(id),
      finding text not null,
      outcome text not null check (outcome in ('criticism', 'notice', 'admonition', 'disciplinary', 'other')),
      outcome_note text,
      recorded_by bigint not null references users(id),
      created_at timestamptz not null default now()
    );
    create index accountability_records_created_idx on accountability_records (created_at);
    create index accountability_records_ticket_idx on accountability_records (ticket_id);

    create table duty_roster (
      day date not null,
      user_id bigint not null references users(id),
      duty text not null check (duty in ('leader', 'staff')),
      primary key (day, user_id)
    );
    create unique index duty_roster_one_leader_uq on duty_roster (day) where duty = 'leader';

    create table hard_case_candidates (
      id bigint generated always as identity primary key,
      ticket_id bigint not null references tickets(id),
      reason text not null check (reason in ('order_late', 'not_accepted', 'not_answered', 'unsatisfied_callback')),
      detail text not null,
      status text not null default 'open' check (status in ('open', 'accepted', 'dismissed')),
      decided_by bigint references users(id),
      decided_at timestamptz,
      note text,
      created_at timestamptz not null default now(),
      unique (ticket_id, reason)
    );
    create index hard_case_candidates_open_idx on hard_case_candidates (created_at) where status = 'open';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop table hard_case_candidates;
    drop table duty_roster;
    drop table accountability_records;
    drop table hard_cases;
    update users set role = 'director' where role = 'county_leader';
    alter table users drop constraint users_role_check;
    alter table users add constraint users_role_check
      check (role in ('operator', 'proxy_seat', 'agent', 'dept_head', 'runner', 'supervisor', 'director', 'admin'));
  `);
}
