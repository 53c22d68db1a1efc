import { createDb, StatementNames } from '../../src/db/db';
import { createTestDatabase } from '../support/test-database';

describe('repeated statements are prepared on the server', () => {
  test('a statement text is named from its third run on, always with the same name, and the names are bounded', () => {
    const names = new StatementNames(3, 2, 4);
    expect([names.nameFor('a'), names.nameFor('a')]).toEqual([undefined, undefined]);
    const a = names.nameFor('a');
    expect(a).toBeDefined();
    expect(names.nameFor('a')).toBe(a);
    ['b', 'b', 'b'].forEach((sql) => names.nameFor(sql));
    const b = names.nameFor('b');
    expect(b).toBeDefined();
    expect(b).not.toBe(a);
    // Two named already: no more names, the named ones keep theirs.
    expect(['c', 'c', 'c', 'c'].map((sql) => names.nameFor(sql))).toEqual([undefined, undefined, undefined, undefined]);
    expect([names.nameFor('a'), names.nameFor('b')]).toEqual([a, b]);
  });

  test('when a parameterised statement runs again and again, then PostgreSQL holds it prepared and its answers stay right', async () => {
    const database = await createTestDatabase({ empty: true });
    const db = createDb(database.url, 1);
    try {
      await db.transaction(async (trx) => {
        for (let i = 1; i <= 5; i += 1) expect((await trx.raw('select ?::int * 2 as doubled', [i])).rows[0].doubled).toBe(i * 2);
        const { rows } = await trx.raw("select name from pg_prepared_statements where statement = 'select $1::int * 2 as doubled'");
        expect(rows).toHaveLength(1);
        // Statements without parameters are left alone.
        for (let i = 1; i <= 5; i += 1) await trx.raw('select 42 as answer');
        expect(
          (await trx.raw("select count(*)::int as n from pg_prepared_statements where statement = 'select 42 as answer'")).rows[0].n,
        ).toBe(0);
      });
      // A prepared statement that fails leaves the connection usable, and the statement with it.
      for (let i = 0; i < 4; i += 1) await db.raw('select 1 / ?::int as q', [1]);
      await expect(db.raw('select 1 / ?::int as q', [0])).rejects.toThrow(/division by zero/);
      expect((await db.raw('select 1 / ?::int as q', [1])).rows[0].q).toBe(1);
    } finally {
      await db.destroy();
      await database.drop();
    }
  });

  test('when prepared statements are switched off (DATABASE_PREPARE=false), then none are made', async () => {
    const database = await createTestDatabase({ empty: true });
    const db = createDb(database.url, 1, { prepare: false });
    try {
      await db.transaction(async (trx) => {
        for (let i = 1; i <= 5; i += 1) await trx.raw('select ?::int + 1 as next', [i]);
        expect((await trx.raw('select count(*)::int as n from pg_prepared_statements')).rows[0].n).toBe(0);
      });
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});
