import type { Knex } from 'knex';

/**
 * A hard case not finished on site becomes a 帮代办 order under the window's chief representative (首席代表),
 * tracked by the 办不成事 window's staff until it is done (桂阳县): the case's order is the one of origin hard_case,
 * held by the representative. An order now says where it came from: a
 * citizen's 代办 request, a hard case, or the hub's own proactive run (未诉先办). Its due_at, never set, goes: an
 * order is due when its ticket's answer is (the matter's legal limit, with extensions and pauses).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table proxy_orders add column origin text not null default 'request'
      check (origin in ('request', 'hard_case', 'proactive'));
    alter table proxy_orders drop column due_at;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table proxy_orders drop column origin;
    alter table proxy_orders add column due_at timestamptz;
  `);
}
