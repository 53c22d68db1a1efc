import type { Knex } from 'knex';

/**
 * Work chat beyond Slack: WeCom (企业微信/政务微信) and DingTalk (钉钉). A department names the platform its
 * notices go to (each member with an account there gets them); a user names their own platform and account id.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table departments add column work_chat text check (work_chat in ('wecom', 'dingtalk'));
    alter table users add column work_chat jsonb
      check (work_chat is null or (work_chat->>'platform' in ('wecom', 'dingtalk') and length(work_chat->>'userId') between 1 and 64));
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table departments drop column work_chat; alter table users drop column work_chat;');
}
