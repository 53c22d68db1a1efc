import type { Knex } from 'knex';

/** The audit log also keeps settings changes: found by what they changed (`catalog_entry`, `catalog_entry:12`). */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index audit_log_target_idx on audit_log (target text_pattern_ops, id) where target is not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index audit_log_target_idx');
}
