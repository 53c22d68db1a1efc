import { createDb, type Db } from '../../src/db/db';
import { migrateLatest, migrateUpTo } from '../../src/db/migrate';
import { seedDemoCity, seedTaxonomy } from '../../src/seed/seed';
import { listTickets } from '../../src/tickets/tickets.repository';
import { ticketSearchIndexer } from '../../src/tickets/ticket-search';
import { fillCity } from '../support/big-city';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase({ empty: true });
  db = createDb(database.url, 4);
});
afterAll(async () => {
  await db.destroy();
  await database.drop();
});

describe('migrations on a database that already holds tickets', () => {
  test('when the ticket search arrives on a year of tickets, then it migrates, the old tickets are indexed in the background and found', async () => {
    await migrateUpTo(db, '20261205000041_auto_answers');
    await seedTaxonomy(db);
    await seedDemoCity(db);
    await fillCity(db, { tickets: 20_000, days: 365 });
    const before = await db('tickets').count({ n: '*' }).first();

    const applied = await migrateLatest(db);
    expect(applied).toContain('20261205000042_ticket_search');
    expect(await db('tickets').count({ n: '*' }).first()).toEqual(before);
    // The indexes were built (concurrently) and are valid.
    const indexes = await db('pg_index as i')
      .join('pg_class as c', 'c.oid', 'i.indexrelid')
      .whereIn('c.relname', [
        'tickets_search_idx',
        'tickets_search_missing_idx',
        'ticket_requesters_contact_idx',
        'ticket_assignments_ticket_idx',
        'inbound_messages_ticket_idx',
      ])
      .select('c.relname', 'i.indisvalid');
    expect(indexes.map((i) => i.indisvalid)).toEqual([true, true, true, true, true]);

    expect(await listTickets(db, { text: '路灯', limit: 5 })).toEqual([]);
    await ticketSearchIndexer(db, 5_000).run();
    expect(await db('tickets').whereNull('search').count({ n: '*' }).first()).toEqual({ n: 0 });
    const found = await listTickets(db, { text: '路灯', limit: 50 });
    expect(found).toHaveLength(50);
    for (const ticket of found) expect(ticket.description).toContain('路灯');
  }, 120_000);
});
