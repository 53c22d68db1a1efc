import type { Knex } from 'knex';

/**
 * The steps of a runner team's 代办 orders come from its template: the 六步法 (咨询告知 … 评价归档) most counties
 * use, or the 五步走 of others (调查摸底, 实地走访, 申请受理, 代办实施, 办结评价: 江永县). The order's record is
 * the same; the template says how its steps are named and grouped (src/proxy/proxy-labels.ts).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table departments add column step_template text not null default 'six_steps'
      check (step_template in ('six_steps', 'five_steps'));
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table departments drop column step_template');
}
