import type { Knex } from 'knex';

/**
 * Retention (个人信息保护法, the center's records rules): how long each kind of personal data is kept, as data
 * an admin changes (each change audited); what is past it is erased or anonymised in place by a daily task,
 * so that tickets, their timelines and every count and report stay. A contact anonymised keeps its row (the
 * tickets point at it) and says when; a photo or recording erased keeps its row and says when. The audit
 * log stays append-only except for the retention task's own deletion of entries past their time.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table retention_policies (
      kind text primary key check (kind in ('citizen_identity', 'message_bodies', 'media', 'audit_log')),
      keep_days integer not null check (keep_days between 30 and 36500),
      last_applied_at timestamptz,
      last_result jsonb,
      updated_at timestamptz not null default now(),
      -- The audit log keeps network logs at least six months (网络安全法 第二十一条).
      check (kind <> 'audit_log' or keep_days >= 180)
    );
    insert into retention_policies (kind, keep_days) values
      ('citizen_identity', 1095), ('message_bodies', 365), ('media', 1095), ('audit_log', 1095);

    alter table contacts add column anonymised_at timestamptz;
    alter table media add column erased_at timestamptz;
    create index media_created_idx on media (created_at) where erased_at is null;
    create index inbound_messages_received_idx on inbound_messages (received_at) where text <> '';
    create index audit_log_at_idx on audit_log (at);

    create or replace function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and current_setting('hub.audit_retention', true) = 'on' then
        return null;
      end if;
      raise exception 'audit_log is append-only';
    end $$;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    create or replace function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only';
    end $$;
    drop index audit_log_at_idx;
    drop index inbound_messages_received_idx;
    drop index media_created_idx;
    alter table media drop column erased_at;
    alter table contacts drop column anonymised_at;
    drop table retention_policies;
  `);
}
