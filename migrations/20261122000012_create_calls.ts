import type { Knex } from 'knex';

// Phone calls into the IVR, and the callback tasks (漏接回拨) for calls that ended without being served.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table calls (
      id bigint generated always as identity primary key,
      call_sid text not null unique,
      from_phone text,
      status text not null default 'ringing',
      menu_choice text,
      outcome text check (outcome in ('request_recorded', 'status_answered', 'operator_connected')),
      duration_seconds integer,
      started_at timestamptz not null default now(),
      ended_at timestamptz
    );

    create table callback_tasks (
      id bigint generated always as identity primary key,
      call_id bigint not null unique references calls(id),
      phone text,
      reason text not null check (reason in ('missed', 'abandoned')),
      status text not null default 'open' check (status in ('open', 'done')),
      done_by bigint references users(id),
      done_at timestamptz,
      note text,
      reached boolean,
      created_at timestamptz not null default now()
    );
    create index callback_tasks_open_idx on callback_tasks (created_at) where status = 'open';

    alter table inbound_messages add column request_type text check (request_type in ('consult', 'help', 'complaint', 'report', 'suggestion', 'praise', 'proxy'));
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table callback_tasks; drop table calls; alter table inbound_messages drop column request_type;');
}
