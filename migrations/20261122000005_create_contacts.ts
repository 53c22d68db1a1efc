import type { Knex } from 'knex';

// Citizens. Phone numbers are E.164; one contact per phone and per WeChat openid.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table contacts (
      id bigint generated always as identity primary key,
      phone text,
      wechat_openid text,
      name text,
      id_number text,
      anonymous boolean not null default false,
      confidential boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index contacts_phone_uq on contacts (phone) where phone is not null;
    create unique index contacts_openid_uq on contacts (wechat_openid) where wechat_openid is not null;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table contacts');
}
