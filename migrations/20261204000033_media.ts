import type { Knex } from 'knex';

/**
 * Photos, recordings and files the hub keeps: citizens' MMS and mini-program images and voicemail (fetched
 * once from the provider, keyed by its URL), and the photos departments and runners upload. The bytes live in
 * the object store under object_key; a ticket's media are its own rows and those of the messages that opened
 * or followed it. 答复 also gets its result type (解决 / 解释说明 / 无法解决).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table media (
      id bigint generated always as identity primary key,
      ticket_id bigint references tickets(id),
      message_id bigint references inbound_messages(id),
      source text not null check (source in ('citizen', 'staff', 'runner')),
      provider_key text unique,
      object_key text not null,
      thumbnail_key text,
      content_type text not null,
      byte_size integer not null check (byte_size > 0),
      sha256 text not null,
      width integer,
      height integer,
      file_name text,
      uploaded_by bigint references users(id),
      created_at timestamptz not null default now(),
      check (ticket_id is not null or message_id is not null)
    );
    create index media_ticket_idx on media (ticket_id) where ticket_id is not null;
    create index media_message_idx on media (message_id) where message_id is not null;

    alter table tickets add column reply_result text check (reply_result in ('solved', 'explained', 'unsolvable'));
    update tickets set reply_result = case when reply_solved then 'solved' else 'unsolvable' end where reply_solved is not null;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table tickets drop column reply_result; drop table media;');
}
