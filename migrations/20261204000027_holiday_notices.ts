import type { Knex } from 'knex';

/**
 * The years whose State Council holiday notice (放假安排, with its 调休) was imported by an admin.
 * With the years the chinese-days package carries, they are the years whose deadlines are final;
 * a deadline in any other year counts only the statutory holidays and is provisional.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table holiday_notices (
      year integer primary key check (year between 2000 and 2100),
      calendar_id bigint references work_calendars(id) on delete set null,
      imported_by bigint references users(id),
      imported_at timestamptz not null default now()
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table holiday_notices');
}
