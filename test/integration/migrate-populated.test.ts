import { createDb, type Db } from '../../src/db/db';
import { migrateLatest, migrateUpTo } from '../../src/db/migrate';
import { seedDemoCity, seedTaxonomy } from '../../src/seed/seed';
import { listEvents, listTickets } from '../../src/tickets/tickets.repository';
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
  test('when the ticket search and the partitions arrive on a year of tickets, then it migrates, the old tickets are indexed in the background and found, and the history is kept', async () => {
    await migrateUpTo(db, '20261205000041_auto_answers');
    // Today's demo city has a role that schema did not know yet (the county leader in charge, migration 47, which
    // widens the same check).
    await db.raw(`alter table users drop constraint users_role_check;
      alter table users add constraint users_role_check check (role in ('operator', 'proxy_seat', 'agent', 'dept_head', 'runner', 'supervisor', 'director', 'county_leader', 'admin'))`);
    await seedTaxonomy(db);
    await seedDemoCity(db);
    await fillCity(db, { tickets: 20_000, days: 365 });
    const before = await db('tickets').count({ n: '*' }).first();
    const events = await db('ticket_events').count({ n: '*' }).max({ id: 'id' }).first();
    const ledger = await db('sla_clock_events').count({ n: '*' }).first();

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

    // The timeline and the clock ledger became partitioned: every row kept, in the first partition (everything
    // before next month), new rows in their month with ids after the old ones, months ahead made.
    expect(applied).toContain('20261205000046_monthly_partitions');
    expect(await db('ticket_events').count({ n: '*' }).first()).toEqual({ n: events!.n });
    expect(await db('sla_clock_events').count({ n: '*' }).first()).toEqual(ledger);
    const where = await db.raw(`select tableoid::regclass::text as p, count(*)::int as n from ticket_events group by 1`);
    expect(where.rows).toEqual([{ p: expect.stringMatching(/^ticket_events_before_\d{6}$/), n: Number(events!.n) }]);
    const [ticket] = await db('tickets').select('id').orderBy('id', 'desc').limit(1);
    const add = async (createdAt: Date) =>
      (
        await db('ticket_events')
          .insert({ ticket_id: ticket.id, type: 'note', actor_kind: 'system', data: {}, created_at: createdAt })
          .returning(['id', db.raw('tableoid::regclass::text as p')])
      )[0];
    const added = await add(new Date());
    expect(Number(added.id)).toBeGreaterThan(Number(events!.id));
    expect(added.p).toBe(where.rows[0].p);
    const nextMonth = new Date(Date.now() + 8 * 3_600_000);
    nextMonth.setUTCMonth(nextMonth.getUTCMonth() + 1, 1);
    const yyyymm = nextMonth.toISOString().slice(0, 7);
    expect(where.rows[0].p).toBe(`ticket_events_before_${yyyymm.replace('-', '')}`);
    expect((await add(new Date(`${yyyymm}-01T00:00:00+08:00`))).p).toBe(`ticket_events_${yyyymm.replace('-', '')}`);
    const timeline = await listEvents(db, ticket.id);
    expect(timeline.slice(-2).map((e) => e.type)).toEqual(['note', 'note']);
    await expect(db('ticket_events').where({ id: added.id }).update({ reason: 'x' })).rejects.toThrow(/append-only/);
  }, 120_000);
});
