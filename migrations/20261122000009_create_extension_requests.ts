import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table extension_requests (
      id bigint generated always as identity primary key,
      ticket_id bigint not null references tickets(id),
      department_id bigint not null references departments(id),
      requested_by bigint not null references users(id),
      reason text not null,
      requested_due_at timestamptz not null,
      status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
      approved_due_at timestamptz,
      decided_by bigint references users(id),
      decided_at timestamptz,
      decision_note text,
      created_at timestamptz not null default now()
    );
    create unique index extension_requests_one_pending_uq on extension_requests (ticket_id) where status = 'pending';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table extension_requests');
}
