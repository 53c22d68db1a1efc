import type { Knex } from 'knex';

/**
 * Finding a ticket among a year's millions: its words (title, description and address, cut by jieba as the
 * knowledge base's are: src/shared/chinese-words.ts) in a GIN-indexed tsvector; its callers by phone (requesters
 * merged in too, by their own index); its assignments and messages by ticket for its page. The classifier
 * writes `search` as it classifies a new ticket; the others (tickets from before this migration, those the seat
 * dispatched at once) get theirs from a background task (src/tickets/ticket-search.ts), which finds them by the
 * small partial index. The indexes are built
 * concurrently, outside a transaction, so a database that already holds tickets keeps taking them meanwhile.
 */
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table tickets add column if not exists search tsvector');
  await knex.raw('create index concurrently if not exists tickets_search_idx on tickets using gin (search)');
  await knex.raw('create index concurrently if not exists ticket_requesters_contact_idx on ticket_requesters (contact_id)');
  await knex.raw('create index concurrently if not exists ticket_assignments_ticket_idx on ticket_assignments (ticket_id)');
  await knex.raw(
    'create index concurrently if not exists inbound_messages_ticket_idx on inbound_messages (ticket_id) where ticket_id is not null',
  );
  await knex.raw('create index concurrently if not exists tickets_search_missing_idx on tickets (id) where search is null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index concurrently if exists tickets_search_missing_idx');
  await knex.raw('drop index concurrently if exists inbound_messages_ticket_idx');
  await knex.raw('drop index concurrently if exists ticket_assignments_ticket_idx');
  await knex.raw('drop index concurrently if exists ticket_requesters_contact_idx');
  await knex.raw('drop index concurrently if exists tickets_search_idx');
  await knex.raw('alter table tickets drop column if exists search');
}
