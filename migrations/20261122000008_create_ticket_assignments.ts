import type { Knex } from 'knex';

// Co-handling: one lead (主办) and any number of assisting (协办) departments, each with its own status.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table ticket_assignments (
      id bigint generated always as identity primary key,
      ticket_id bigint not null references tickets(id),
      department_id bigint not null references departments(id),
      role text not null check (role in ('lead', 'assist')),
      status text not null check (status in ('dispatched', 'accepted', 'returned', 'reported', 'released', 'ended')),
      active boolean not null default true,
      report_text text,
      accepted_at timestamptz,
      reported_at timestamptz,
      ended_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index ticket_assignments_active_uq on ticket_assignments (ticket_id, department_id) where active;
    create unique index ticket_assignments_one_lead_uq on ticket_assignments (ticket_id) where active and role = 'lead';
    create index ticket_assignments_department_idx on ticket_assignments (department_id, ticket_id) where active;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table ticket_assignments');
}
