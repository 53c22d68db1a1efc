import type { Knex } from 'knex';

// Mini-program sessions (a citizen signed in through WeChat), and what the seats' inbox needs of a conversation.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table citizen_sessions (
      id bigint generated always as identity primary key,
      token_hash text not null unique,
      contact_id bigint not null references contacts(id),
      expires_at timestamptz not null,
      created_at timestamptz not null default now()
    );
    alter table conversations add column last_inbound_at timestamptz;
    alter table conversations add column last_reply_at timestamptz;
    create index conversations_waiting_idx on conversations (last_inbound_at) where status = 'open';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'drop table citizen_sessions; alter table conversations drop column last_inbound_at; alter table conversations drop column last_reply_at;',
  );
}
