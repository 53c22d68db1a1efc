import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createDb, type Db } from '../../src/db/db';
import { archivePartitions, ensureMonthlyPartitions, listPartitions } from '../../src/db/partitions';
import { listEvents } from '../../src/tickets/tickets.repository';
import { fillCity } from '../support/big-city';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let database: TestDatabase;
let db: Db;
let dir: string;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url, 4);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hh-archive-'));
});
afterAll(async () => {
  await db.destroy();
  await database.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** YYYY-MM of the Beijing month `n` months from now. */
const month = (n: number) => {
  const now = new Date(Date.now() + 8 * 3_600_000);
  const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + n, 1));
  return at.toISOString().slice(0, 7);
};
const monthStart = (n: number) => new Date(`${month(n)}-01T00:00:00+08:00`);
const count = async (sql: string, bindings: unknown[] = []) => Number((await db.raw(sql, bindings as never)).rows[0].n);

describe('the history in monthly partitions', () => {
  test('when the months ahead run short, then the job makes them, once however many workers run it', async () => {
    const names = (await listPartitions(db)).map((p) => p.name);
    for (let n = 0; n <= 3; n++) expect(names).toContain(`ticket_events_${month(n).replace('-', '')}`);
    expect(names).not.toContain(`ticket_events_${month(4).replace('-', '')}`);

    // Two months on, three workers at once: months 4 and 5 are made once each, for both tables.
    const later = new Date(Date.now() + 62 * 86_400_000);
    const made = (await Promise.all([0, 1, 2].map(() => ensureMonthlyPartitions(db, later)))).flat().sort();
    expect(made).toEqual(
      ['sla_clock_events', 'ticket_events'].flatMap((table) => [4, 5].map((n) => `${table}_${month(n).replace('-', '')}`)).sort(),
    );
    expect(await ensureMonthlyPartitions(db, later)).toEqual([]);
  });

  test('when a row is written, then it lands in its month, and the timeline reads across months', async () => {
    await fillCity(db, { tickets: 3_000, days: 300 });
    // The newest rows of this month and of an older one: each in its Beijing month's partition (whatever the hour the test runs).
    const { rows: placed } = await db.raw(
      `(select tableoid::regclass::text as p, to_char(created_at at time zone 'Asia/Shanghai', 'YYYYMM') as m from ticket_events order by created_at desc limit 1)
       union all
       (select tableoid::regclass::text, to_char(created_at at time zone 'Asia/Shanghai', 'YYYYMM') from ticket_events
         where created_at < date_trunc('month', now() at time zone 'Asia/Shanghai') at time zone 'Asia/Shanghai' order by created_at desc limit 1)`,
    );
    expect(placed).toHaveLength(2);
    for (const row of placed) expect(row.p).toBe(`ticket_events_${row.m}`);
    // A ticket whose events span two months reads them all, in order.
    const { rows } = await db.raw(
      `select ticket_id from ticket_events group by ticket_id
        having count(distinct date_trunc('month', created_at at time zone 'Asia/Shanghai')) > 1 limit 1`,
    );
    const events = await listEvents(db, Number(rows[0].ticket_id));
    expect(events.length).toBeGreaterThan(1);
    expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => a - b));
  });

  test('when months are archived, then each is exported whole, checked, dropped, and can be loaded back', async () => {
    const cutoff = month(-6);
    const older = await count('select count(*) as n from ticket_events where created_at < ?', [monthStart(-6)]);
    const newer = await count('select count(*) as n from ticket_events where created_at >= ?', [monthStart(-6)]);
    const ledger = await count('select count(*) as n from sla_clock_events where created_at < ?', [monthStart(-6)]);
    expect(older).toBeGreaterThan(0);
    expect(ledger).toBeGreaterThan(0);

    // Bad input changes nothing.
    await expect(archivePartitions(db, { beforeMonth: '2026-13', dir })).rejects.toThrow(/YYYY-MM/);
    await expect(archivePartitions(db, { beforeMonth: month(1), dir })).rejects.toThrow(/over/);
    const planned = await archivePartitions(db, { beforeMonth: cutoff, dir, dryRun: true });
    expect(fs.readdirSync(dir)).toEqual([]);

    const { partitions } = await archivePartitions(db, { beforeMonth: cutoff, dir });
    expect(partitions.map((p) => p.name)).toEqual(planned.partitions.map((p) => p.name));
    // The first partition (everything before the monthly ones) goes too.
    expect(partitions.map((p) => p.name)).toContain(`ticket_events_before_${month(-12).replace('-', '')}`);
    const archived = (table: string) => partitions.filter((p) => p.name.startsWith(`${table}_`)).reduce((n, p) => n + p.rows, 0);
    expect(archived('ticket_events')).toBe(older);
    expect(archived('sla_clock_events')).toBe(ledger);
    expect(await count('select count(*) as n from ticket_events')).toBe(newer);
    expect((await listPartitions(db)).filter((p) => p.until <= cutoff)).toEqual([]);

    // A month loads back with COPY into a table of the same shape.
    await db.raw('create table restored (like ticket_events)');
    const busiest = partitions.filter((p) => p.name.startsWith('ticket_events_')).sort((a, b) => b.rows - a.rows)[0]!;
    const connection = (await db.client.acquireConnection()) as PoolClient;
    try {
      await pipeline(
        fs.createReadStream(busiest.file),
        createGunzip(),
        connection.query(copyFrom('copy restored from stdin with (format csv, header)')),
      );
    } finally {
      await db.client.releaseConnection(connection);
    }
    expect(await count('select count(*) as n from restored')).toBe(busiest.rows);
    expect(await count(`select count(*) as n from restored where data is null or created_at >= ?`, [monthStart(-6)])).toBe(0);

    // Nothing more to archive before the same month; new rows still find their month.
    expect((await archivePartitions(db, { beforeMonth: cutoff, dir })).partitions).toEqual([]);
    const [ticket] = (await db.raw('select id from tickets order by id desc limit 1')).rows;
    await db('ticket_events').insert({ ticket_id: ticket.id, type: 'note', actor_kind: 'system', data: {} });
    expect(await count('select count(*) as n from ticket_events')).toBe(newer + 1);
  });
});
