import type { Knex } from 'knex';

/**
 * What the caller said on each ticket (name, ID number, anonymity, confidentiality) stays on that
 * ticket: a later call from the same number with another name, or anonymously, changes the
 * contact row (the latest, for lookup) but not the earlier tickets. Existing tickets take their
 * contact's values as they are now.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table tickets add column caller jsonb;
    update tickets t set caller = jsonb_build_object('name', c.name, 'idNumber', c.id_number, 'anonymous', c.anonymous, 'confidential', c.confidential)
    from contacts c where c.id = t.contact_id;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table tickets drop column caller');
}
