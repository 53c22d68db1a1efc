import type { Knex } from 'knex';

// Every inbound message is stored once per provider id; conversations thread them per contact and channel.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table contacts add column sms_opted_out boolean not null default false;

    create table conversations (
      id bigint generated always as identity primary key,
      contact_id bigint not null references contacts(id),
      channel text not null check (channel in ('phone', 'sms', 'miniprogram')),
      ticket_id bigint references tickets(id),
      status text not null default 'open' check (status in ('open', 'closed')),
      last_message_at timestamptz not null default now(),
      created_at timestamptz not null default now()
    );
    create unique index conversations_one_open_uq on conversations (contact_id, channel) where status = 'open';

    create table inbound_messages (
      id bigint generated always as identity primary key,
      channel text not null check (channel in ('phone', 'sms', 'miniprogram')),
      provider_id text not null,
      from_phone text,
      from_openid text,
      text text not null default '',
      media jsonb not null default '[]',
      location jsonb,
      raw jsonb not null default '{}',
      received_at timestamptz not null,
      status text not null default 'received' check (status in ('received', 'processed')),
      kind text check (kind in ('request', 'follow_up', 'status_query', 'opt_out', 'empty')),
      contact_id bigint references contacts(id),
      conversation_id bigint references conversations(id),
      ticket_id bigint references tickets(id),
      processed_at timestamptz,
      created_at timestamptz not null default now(),
      unique (channel, provider_id)
    );
    create index inbound_messages_pending_idx on inbound_messages (created_at) where status = 'received';

    alter table outbox drop constraint outbox_status_check;
    alter table outbox add constraint outbox_status_check check (status in ('pending', 'sending', 'sent', 'failed', 'dead', 'cancelled'));
    alter table outbox add column segments integer;
    alter table outbox add column provider_status text;
    create index outbox_provider_idx on outbox (provider_id) where provider_id is not null;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop table inbound_messages; drop table conversations;
    alter table contacts drop column sms_opted_out;
    alter table outbox drop column segments; alter table outbox drop column provider_status;
  `);
}
