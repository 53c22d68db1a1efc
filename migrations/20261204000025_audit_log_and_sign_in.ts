import type { Knex } from 'knex';

/**
 * The audit log: append-only (a trigger refuses UPDATE and DELETE, so not even the hub's own
 * code can rewrite it). Sign-in locks are keyed by the user's unlock epoch, so an admin's
 * unlock is one update that every process sees. API keys get scopes and an expiry (the keys
 * already issued keep read and write, and expire 90 days from the migration).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table audit_log (
      id bigint generated always as identity primary key,
      at timestamptz not null default now(),
      action text not null,
      actor_user_id bigint references users(id),
      actor_name text,
      target_user_id bigint references users(id),
      target text,
      ip text,
      details jsonb not null default '{}'::jsonb
    );
    create index audit_log_action_idx on audit_log (action, id);
    create index audit_log_actor_idx on audit_log (actor_user_id, id) where actor_user_id is not null;
    create index audit_log_target_user_idx on audit_log (target_user_id, id) where target_user_id is not null;

    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only';
    end $$;
    create trigger audit_log_append_only before update or delete or truncate on audit_log
      for each statement execute function audit_log_append_only();

    alter table users add column sign_in_epoch timestamptz not null default now();

    alter table api_keys
      add column scopes text[] not null default '{read,write}',
      add column expires_at timestamptz;
    -- Keys issued before expiry existed keep working for 90 days from now, then must be renewed.
    update api_keys set expires_at = now() + interval '90 days' where expires_at is null;
    alter table api_keys alter column expires_at set not null;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table api_keys drop column scopes, drop column expires_at;
    alter table users drop column sign_in_epoch;
    drop table audit_log;
    drop function audit_log_append_only();
  `);
}
