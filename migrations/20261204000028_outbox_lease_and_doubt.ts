import type { Knex } from 'knex';

/**
 * Exactly once to the citizen, as far as a provider allows it. A claimed row ('sending') holds a
 * lease in next_attempt_at that a live worker renews; a crashed worker's rows are due again when
 * their lease runs out (the sweep finds them too). A row whose send may have gone out (its lease
 * ran out mid-send, or the provider's answer was lost) is in doubt: the next attempt asks the
 * provider first, and sends only if the message never left.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table outbox add column in_doubt boolean not null default false;
    drop index outbox_due_idx;
    create index outbox_due_idx on outbox (next_attempt_at) where status in ('pending', 'failed', 'sending');
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop index outbox_due_idx;
    create index outbox_due_idx on outbox (next_attempt_at) where status in ('pending', 'failed');
    alter table outbox drop column in_doubt;
  `);
}
