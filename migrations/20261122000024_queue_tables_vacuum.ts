import type { Knex } from 'knex';

// The stored inbound messages and the outbox are queues that keep their history: every message is
// claimed through a partial index (waiting rows only), then updated out of it, which leaves a dead
// entry in that index until VACUUM. PostgreSQL's default waits for dead rows to reach a fifth of the
// table: with a million rows of history, 200,000 dead entries for every claim to step over. (With
// vacuum off, a 60 s burst of 30,000 messages leaves an empty intake claim reading 10,696 buffers,
// 7 ms.) Vacuum these two after a fixed number of dead rows instead, whatever their history.
const queues = ['inbound_messages', 'outbox'];

export async function up(knex: Knex): Promise<void> {
  for (const table of queues) {
    await knex.raw(`alter table ?? set (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000)`, [table]);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of queues) {
    await knex.raw(`alter table ?? reset (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold)`, [table]);
  }
}
