import type { Knex } from 'knex';

// Every outward message is written here in the transaction that caused it; a worker delivers it.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table outbox (
      id bigint generated always as identity primary key,
      kind text not null,
      channel text not null,
      recipient jsonb not null default '{}',
      payload jsonb not null default '{}',
      ticket_id bigint references tickets(id),
      dedupe_key text unique,
      status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed', 'dead')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null default now(),
      last_error text,
      provider_id text,
      created_at timestamptz not null default now(),
      sent_at timestamptz
    );
    create index outbox_due_idx on outbox (next_attempt_at) where status in ('pending', 'failed');
    create index outbox_ticket_idx on outbox (ticket_id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table outbox');
}
