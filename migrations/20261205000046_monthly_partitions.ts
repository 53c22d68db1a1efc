import type { Knex } from 'knex';

/**
 * The history that only grows — the ticket timeline (ticket_events) and the clock ledger (sla_clock_events),
 * the two largest tables of a year (7.1 M and 6.5 M rows at 2 M tickets) — in monthly partitions by
 * created_at (Beijing months), so a month's reports read only its month and archived months are detached
 * and exported whole (src/db/partitions.ts, npm run archive:partitions).
 *
 * A table that already holds rows is not copied: it becomes the first partition, `<table>_before_YYYYMM`,
 * holding everything before next month (a check constraint proves it, so attaching reads nothing twice);
 * an empty one covers up to twelve months ago, with monthly partitions from there, so back-dated rows
 * (an import, a generated city) have their month. Months ahead are made by hub_month_partition, here three
 * and then by the partition job (src/db/partitions.ts). The primary key carries created_at, as PostgreSQL
 * requires; ids still come from one sequence.
 *
 * inbound_messages, outbox and notifications stay whole: each is deduplicated by a unique key over all
 * time (a provider's message id, a dedupe key) that a time partition would split. Retention erases them in
 * place (src/privacy).
 *
 * Also: ticket_events' append-only trigger lets retention's erasure of message words through
 * (hub.erasing = 'on', set by that statement's transaction), which it refused before.
 */
const tables = [
  {
    name: 'ticket_events',
    indexes: ['(ticket_id, id)', '(type, created_at)'],
    indexNames: ['ticket_events_ticket_idx', 'ticket_events_type_created_idx'],
  },
  {
    name: 'sla_clock_events',
    indexes: ['(clock_id, id)', '(ticket_id, id)'],
    indexNames: ['sla_clock_events_clock_idx', 'sla_clock_events_ticket_idx'],
  },
] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create or replace function ticket_events_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and current_setting('hub.erasing', true) = 'on' then
        return new;
      end if;
      raise exception 'ticket_events is append-only';
    end $$;

    -- A month's partition of a partitioned table, unless it exists or the first partition already covers it.
    create function hub_month_partition(parent text, month date) returns boolean language plpgsql as $$
    declare
      name text := parent || '_' || to_char(month, 'YYYYMM');
      covered date;
    begin
      perform pg_advisory_xact_lock(hashtext('partition:' || name));
      if to_regclass(name) is not null then return false; end if;
      select max(to_date(substring(c.relname from '_before_(\\d{6})$'), 'YYYYMM')) into covered
        from pg_inherits i join pg_class c on c.oid = i.inhrelid
       where i.inhparent = parent::regclass and c.relname like parent || '\\_before\\_%';
      if covered is not null and month < covered then return false; end if;
      execute format('create table %I partition of %I for values from (%L) to (%L)', name, parent,
                     month::timestamp at time zone 'Asia/Shanghai', (month + interval '1 month')::timestamp at time zone 'Asia/Shanghai');
      return true;
    end $$;
  `);

  const thisMonth = (await knex.raw(`select date_trunc('month', now() at time zone 'Asia/Shanghai')::date as m`)).rows[0].m as string;
  for (const table of tables) {
    const { name } = table;
    const populated = (await knex.raw(`select exists (select 1 from ${name}) as yes`)).rows[0].yes as boolean;
    // Where the first partition ends: next month for a table with rows, twelve months ago for an empty one.
    const boundary = (
      await knex.raw(`select (date_trunc('month', ?::date) + ?::interval)::date as b`, [thisMonth, populated ? '1 month' : '-12 months'])
    ).rows[0].b as Date | string;
    const yyyymm = (await knex.raw(`select to_char(?::date, 'YYYYMM') as s`, [boundary])).rows[0].s as string;
    const first = `${name}_before_${yyyymm}`;
    const bound = `'${typeof boundary === 'string' ? boundary : boundary.toISOString().slice(0, 10)}'::timestamp at time zone 'Asia/Shanghai'`;
    const columns = (
      await knex.raw(
        `select string_agg(format('%I %s%s', attname, format_type(atttypid, atttypmod), case when attnotnull then ' not null' else '' end), ', ' order by attnum) as cols
           from pg_attribute where attrelid = ?::regclass and attnum > 0 and not attisdropped`,
        [name],
      )
    ).rows[0].cols as string;

    await knex.raw(`
      alter table ${name} rename to ${first};
      ${table.indexNames.map((index, i) => `alter index ${index} rename to ${first}_${i}_idx;`).join('\n')}
      alter table ${first} rename constraint ${name}_pkey to ${first}_pkey;
      alter table ${first} alter column id drop identity;
      alter table ${first} add constraint ${first}_range check (created_at < ${bound});
      create unique index ${first}_key on ${first} (id, created_at);

      create sequence ${name}_id_seq;
      select setval('${name}_id_seq', coalesce((select max(id) from ${first}), 0) + 1, false);
      create table ${name} (${columns}) partition by range (created_at);
      alter sequence ${name}_id_seq owned by ${name}.id;
      alter table ${name} alter column id set default nextval('${name}_id_seq');
      alter table ${name} alter column created_at set default now();
      alter table ${name} add primary key (id, created_at);
      ${table.indexes.map((columns, i) => `create index ${table.indexNames[i]} on ${name} ${columns};`).join('\n')}
    `);
    // The checks, foreign keys and defaults the table had, now the partitioned table's (by the same names, which
    // attaching the first partition matches: its own become the partitioned table's, checked already).
    const { rows: constraints } = await knex.raw(
      `select conname, pg_get_constraintdef(oid) as def from pg_constraint
        where conrelid = ?::regclass and contype in ('c', 'f') and conname <> ?`,
      [first, `${first}_range`],
    );
    for (const c of constraints) await knex.raw(`alter table ${name} add constraint ${c.conname} ${c.def}`);
    const { rows: defaults } = await knex.raw(
      `select a.attname, pg_get_expr(d.adbin, d.adrelid) as def from pg_attrdef d
         join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum
        where d.adrelid = ?::regclass and a.attname not in ('id', 'created_at')`,
      [first],
    );
    for (const d of defaults) await knex.raw(`alter table ${name} alter column ${d.attname} set default ${d.def}`);
    await knex.raw(`alter table ${first} drop constraint ${first}_pkey, add constraint ${first}_key primary key using index ${first}_key`);
    await knex.raw(`alter table ${name} attach partition ${first} for values from (minvalue) to (${bound})`);
  }
  await knex.raw(`
    drop trigger ticket_events_append_only on ticket_events_before_${await firstSuffix(knex, 'ticket_events')};
    create trigger ticket_events_append_only before update or delete on ticket_events
      for each row execute function ticket_events_append_only();
  `);
  // Months from the first partition's end to three ahead.
  for (const table of tables)
    await knex.raw(
      `select hub_month_partition(?, m::date) from generate_series(
         (select max(to_date(substring(c.relname from '_before_(\\d{6})$'), 'YYYYMM')) from pg_inherits i join pg_class c on c.oid = i.inhrelid
           where i.inhparent = ?::regclass), ?::date + interval '3 months', interval '1 month') m`,
      [table.name, table.name, thisMonth],
    );
}

async function firstSuffix(knex: Knex, table: string): Promise<string> {
  const { rows } = await knex.raw(
    `select substring(c.relname from '_before_(\\d{6})$') as s from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = ?::regclass and c.relname like ? || '\\_before\\_%'`,
    [table, table],
  );
  return rows[0].s as string;
}

export async function down(): Promise<void> {
  throw new Error('the monthly partitions are not undone: restore from a backup taken before this migration');
}
