import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Knex } from 'knex';

const run = promisify(execFile);

/**
 * How fast the machine is today, on a yardstick that does not change with our code: pgbench's
 * one-row inserts per second at 16 clients for a few seconds, into a table of its own in the
 * benchmark's database. This VM ranged from 6,400 to 24,300 on different days, which moves every
 * latency a benchmark prints; the figure lets runs on different days be compared. Returns the line
 * to print, which says why when there is no figure (pgbench comes with the PostgreSQL client packages).
 */
export async function machineGauge(db: Knex, databaseUrl: string, seconds = 5): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hh-gauge-'));
  const script = path.join(dir, 'insert.sql');
  await writeFile(script, "insert into machine_gauge (v) values ('x');\n");
  await db.raw('create table machine_gauge (id bigserial primary key, v text)');
  try {
    const { stdout } = await run('pgbench', ['-n', '-c', '16', '-j', '2', '-T', String(seconds), '-f', script, databaseUrl]);
    const tps = /^tps = ([\d.]+)/m.exec(stdout)?.[1];
    if (!tps) return `machine today: not measured (pgbench printed no tps)`;
    return `machine today: ${Math.round(Number(tps))} one-row inserts/s by pgbench at 16 clients (compare runs of different days by it: docs/benchmarks.md)`;
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'pgbench is not installed'
        : String((error as { stderr?: string }).stderr || error).trim();
    return `machine today: not measured (${reason})`;
  } finally {
    await db.raw('drop table machine_gauge');
    await rm(dir, { recursive: true, force: true });
  }
}
