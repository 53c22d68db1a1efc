import type { Knex } from 'knex';

/**
 * 项目帮办: an enterprise's investment project through its three stages (招商引进, 项目建设, 投产运营) with its three
 * named companions (三员: the 招商联络员, the 全程代办员 A/B pair, the 驻企服务员); the approvals it needs with their
 * deadlines, the problems raised and solved, appointments outside office hours, and its record. Staff away (休假,
 * 出差) until a time: a pair's B takes over from an away A.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table projects (
      id bigint generated always as identity primary key,
      name text not null,
      enterprise_name text not null,
      credit_code text check (credit_code ~ '^[0-9A-Z]{18}$'),
      contact_name text,
      contact_phone text,
      region_id bigint references regions(id),
      investment_wan numeric(14, 2) check (investment_wan >= 0),
      stage text not null default 'attraction' check (stage in ('attraction', 'construction', 'operation')),
      department_id bigint references departments(id),
      liaison_user_id bigint references users(id),
      agent_a_user_id bigint not null references users(id),
      agent_b_user_id bigint not null references users(id),
      resident_user_id bigint references users(id),
      status text not null default 'active' check (status in ('active', 'closed')),
      created_by bigint references users(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      closed_at timestamptz,
      check (agent_a_user_id <> agent_b_user_id)
    );
    create index projects_pair_idx on projects (agent_a_user_id, agent_b_user_id) where status = 'active';

    create table project_approvals (
      id bigint generated always as identity primary key,
      project_id bigint not null references projects(id),
      name text not null,
      department_id bigint references departments(id),
      status text not null default 'pending' check (status in ('pending', 'in_progress', 'approved', 'refused')),
      due_on date not null,
      note text,
      done_at timestamptz,
      overdue_alerted_at timestamptz,
      updated_by bigint references users(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index project_approvals_open_idx on project_approvals (due_on) where status in ('pending', 'in_progress') and overdue_alerted_at is null;
    create index project_approvals_project_idx on project_approvals (project_id);

    create table project_problems (
      id bigint generated always as identity primary key,
      project_id bigint not null references projects(id),
      description text not null,
      department_id bigint references departments(id),
      raised_by bigint references users(id),
      raised_at timestamptz not null default now(),
      solution text,
      solved_by bigint references users(id),
      solved_at timestamptz
    );
    create index project_problems_project_idx on project_problems (project_id);

    create table project_meetings (
      id bigint generated always as identity primary key,
      project_id bigint not null references projects(id),
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      place text not null,
      purpose text not null,
      out_of_hours boolean not null,
      created_by bigint references users(id),
      created_at timestamptz not null default now(),
      check (ends_at > starts_at)
    );
    create index project_meetings_project_idx on project_meetings (project_id);

    create table project_events (
      id bigint generated always as identity primary key,
      project_id bigint not null references projects(id),
      kind text not null,
      actor_user_id bigint references users(id),
      actor_name text not null,
      text text not null,
      at timestamptz not null default now()
    );
    create index project_events_project_idx on project_events (project_id, id);

    create table staff_absences (
      user_id bigint primary key references users(id),
      until timestamptz not null,
      note text,
      set_by bigint references users(id),
      set_at timestamptz not null default now()
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop table staff_absences;
    drop table project_events;
    drop table project_meetings;
    drop table project_problems;
    drop table project_approvals;
    drop table projects;
  `);
}
