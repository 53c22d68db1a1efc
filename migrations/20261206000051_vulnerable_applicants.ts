import type { Knex } from 'knex';

/**
 * Vulnerable applicants (elderly, disabled, seriously ill): flagged on the contact with their consent (how it was
 * given, by whom, when), shown through the one masking rule only to those who serve them (the center and the
 * runners), offered home assistance first; consent withdrawn clears it, and so does retention's anonymisation.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table contacts add column vulnerability text[] not null default '{}'
      check (vulnerability <@ array['elderly', 'disabled', 'seriously_ill']);
    alter table contacts add column vulnerability_consent jsonb;
    alter table contacts add constraint contacts_vulnerability_consent_check
      check ((cardinality(vulnerability) = 0) = (vulnerability_consent is null));
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table contacts drop constraint contacts_vulnerability_consent_check;
    alter table contacts drop column vulnerability_consent;
    alter table contacts drop column vulnerability;
  `);
}
