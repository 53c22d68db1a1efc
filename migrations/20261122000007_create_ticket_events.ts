import type { Knex } from 'knex';

// The timeline is the audit log: rows are only ever added.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table ticket_events (
      id bigint generated always as identity primary key,
      ticket_id bigint not null references tickets(id),
      type text not null,
      actor_kind text not null check (actor_kind in ('user', 'system', 'citizen', 'classifier')),
      actor_user_id bigint references users(id),
      from_status text,
      to_status text,
      reason text,
      data jsonb not null default '{}',
      created_at timestamptz not null default now()
    );
    create index ticket_events_ticket_idx on ticket_events (ticket_id, id);

    create function ticket_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'ticket_events is append-only';
    end $$;
    create trigger ticket_events_append_only before update or delete on ticket_events
      for each row execute function ticket_events_append_only();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table ticket_events; drop function ticket_events_append_only();');
}
