import type { Knex } from 'knex';

// Intake processes stored messages in batches: one place for the ticket number's format (used by the
// single and the batched insert), and the lookups a batch makes by contact. Triage's department
// suggestion reads only tickets that have a department, and only the latest ones of the category.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create function ticket_number(day date, seq bigint) returns text language sql immutable as $$
      select to_char(day, 'YYYYMMDD') || '-' || case when seq > 99999 then seq::text else lpad(seq::text, 5, '0') end
    $$;
    create index callbacks_contact_idx on callbacks (contact_id, completed_at);
    create index tickets_category_led_idx on tickets (category_id, id) where lead_department_id is not null;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index tickets_category_led_idx; drop index callbacks_contact_idx; drop function ticket_number(date, bigint);');
}
