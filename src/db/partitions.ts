import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { PeriodicTask } from '../jobs/periodic';
import type { Db } from './db';

/**
 * The history kept in monthly partitions by created_at (Beijing months; migration 46 made them): the
 * ticket timeline and the clock ledger. A month's partition is `<table>_YYYYMM`; the first partition,
 * `<table>_before_YYYYMM`, holds everything before that month.
 */
export const partitionedTables = ['ticket_events', 'sla_clock_events'] as const;
export type PartitionedTable = (typeof partitionedTables)[number];

/** How many months ahead the job keeps made, so a month's first rows never find no partition. */
export const monthsAhead = 3;

const monthOf = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 7);

/**
 * Makes the partitions from this Beijing month to `ahead` months on (hub_month_partition: several workers at
 * once make each once). The partition names made.
 */
export async function ensureMonthlyPartitions(db: Db, now = new Date(), ahead = monthsAhead): Promise<string[]> {
  const made: string[] = [];
  for (const table of partitionedTables) {
    const { rows } = await db.raw<{ rows: Array<{ month: string; made: boolean }> }>(
      `select to_char(m, 'YYYYMM') as month, hub_month_partition(?, m::date) as made
         from generate_series(?::date, ?::date + make_interval(months => ?), interval '1 month') m`,
      [table, `${monthOf(now)}-01`, `${monthOf(now)}-01`, ahead],
    );
    made.push(...rows.filter((r) => r.made).map((r) => `${table}_${r.month}`));
  }
  return made;
}

/** The months ahead made once an hour (a worker's first run an hour after it starts; the migration made three). */
export function partitionMaker(db: Db): PeriodicTask {
  return { name: 'monthly-partitions', everyMs: 60 * 60_000, run: async () => void (await ensureMonthlyPartitions(db)) };
}

export interface Partition {
  table: PartitionedTable;
  name: string;
  /** The first month after it (YYYY-MM). */
  until: string;
  attached: boolean;
}

/** Each table's partitions, oldest first, and any left detached by an archive run that did not finish. */
export async function listPartitions(db: Db): Promise<Partition[]> {
  const { rows } = await db.raw<{ rows: Array<{ parent: PartitionedTable; name: string; attached: boolean }> }>(
    `select p.parent, c.relname as name, i.inhrelid is not null as attached
       from unnest(?::text[]) as p(parent)
       join pg_class c on c.relname ~ ('^' || p.parent || '_(before_){0,1}\\d{6}$') and c.relkind = 'r'
                      and c.relnamespace = current_schema()::regnamespace
       left join pg_inherits i on i.inhrelid = c.oid
      order by 1, 2`,
    [[...partitionedTables]],
  );
  return rows
    .map((r) => {
      const [, before, yyyymm] = /_(before_)?(\d{6})$/.exec(r.name)!;
      const month = `${yyyymm!.slice(0, 4)}-${yyyymm!.slice(4)}`;
      const until = before ? month : monthOf(new Date(Date.parse(`${month}-15T00:00:00+08:00`) + 31 * 86_400_000));
      return { table: r.parent, name: r.name, until, attached: r.attached };
    })
    .sort((a, b) => a.table.localeCompare(b.table) || a.until.localeCompare(b.until));
}

export interface ArchivedPartition {
  name: string;
  rows: number;
  file: string;
}

/**
 * The records rule's archive: each partition wholly before `beforeMonth` (YYYY-MM) is detached (concurrently:
 * writers are not blocked), copied out as gzipped CSV with a header (PostgreSQL's COPY: `\copy <table> from
 * … with (format csv, header)` loads it back), its rows counted against the copy, then dropped. A partition
 * left detached by an interrupted run is picked up again. `dryRun` only says which.
 */
export async function archivePartitions(
  db: Db,
  options: { beforeMonth: string; dir: string; dryRun?: boolean },
): Promise<{ partitions: ArchivedPartition[] }> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(options.beforeMonth)) throw new Error(`--before must be a month, YYYY-MM: ${options.beforeMonth}`);
  if (options.beforeMonth > monthOf(new Date())) throw new Error('only months already over are archived');
  const due = (await listPartitions(db)).filter((p) => p.until <= options.beforeMonth);
  if (options.dryRun) return { partitions: due.map((p) => ({ name: p.name, rows: 0, file: '' })) };
  fs.mkdirSync(options.dir, { recursive: true });
  const archived: ArchivedPartition[] = [];
  for (const partition of due) {
    if (partition.attached) await db.raw(`alter table ${partition.table} detach partition ${partition.name} concurrently`);
    const file = path.join(options.dir, `${partition.name}.csv.gz`);
    const copied = await copyOut(db, `copy ${partition.name} to stdout with (format csv, header)`, file);
    const counted = Number((await db.raw(`select count(*) as n from ${partition.name}`)).rows[0].n);
    if (copied !== counted)
      throw new Error(`${partition.name}: ${counted} rows but ${copied} copied to ${file}; left detached, not dropped`);
    await db.raw(`drop table ${partition.name}`);
    archived.push({ name: partition.name, rows: copied, file });
  }
  return { partitions: archived };
}

/** A COPY … TO STDOUT into a gzipped file; the rows copied. */
async function copyOut(db: Db, sql: string, file: string): Promise<number> {
  const connection = (await db.client.acquireConnection()) as PoolClient;
  try {
    const stream = connection.query(copyTo(sql));
    await pipeline(stream, createGzip(), fs.createWriteStream(file));
    return stream.rowCount;
  } finally {
    await db.client.releaseConnection(connection);
  }
}
