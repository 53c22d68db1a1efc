import type { Knex } from 'knex';

/**
 * A real fault inside PostgreSQL: inserts into `table` whose `column` equals `value` raise `message`
 * (a trigger), until the returned function drops it. For tests of what a failed statement leaves behind.
 */
export async function refuseInserts(
  db: Knex,
  table: string,
  column: string,
  value: string,
  message = 'refused for the test',
): Promise<() => Promise<void>> {
  const name = `refuse_${table}_${column}`;
  await db.raw(
    `create function ${name}() returns trigger language plpgsql as $$
     begin
       if new.${column}::text = ${quote(value)} then raise exception ${quote(message)}; end if;
       return new;
     end $$;
     create trigger ${name} before insert on ${table} for each row execute function ${name}();`,
  );
  return async () => {
    await db.raw(`drop trigger if exists ${name} on ${table}; drop function if exists ${name}();`);
  };
}

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
