import type { Knex } from 'knex';

/**
 * Finding a ticket among a year's millions: its words (title and description, cut by jieba as the knowledge
 * base's are: src/shared/chinese-words.ts) in a GIN-indexed tsvector, its address by trigrams. The classifier
 * writes `search` as it classifies a new ticket; the others (tickets from before this migration, those the seat
 * dispatched at once) get theirs from a background task (src/tickets/ticket-search.ts), which finds them by the
 * small partial index. The indexes are built
 * concurrently, outside a transaction, so a database that already holds tickets keeps taking them meanwhile.
 */
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table tickets add column if not exists search tsvector');
  await knex.raw('create index concurrently if not exists tickets_search_idx on tickets using gin (search)');
  await knex.raw('create index concurrently if not exists tickets_address_trgm_idx on tickets using gin (address gin_trgm_ops)');
  await knex.raw('create index concurrently if not exists tickets_search_missing_idx on tickets (id) where search is null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index concurrently if exists tickets_search_missing_idx');
  await knex.raw('drop index concurrently if exists tickets_address_trgm_idx');
  await knex.raw('drop index concurrently if exists tickets_search_idx');
  await knex.raw('alter table tickets drop column if exists search');
}
