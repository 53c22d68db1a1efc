import type { Knex } from 'knex';

// Citizens answered from the knowledge base (智能答复): which article answered which ticket, how sure the
// rule was, and whether the citizen asked for a person after all (转人工). The knowledge team reads it
// per article; intake reads it to hand a ticket back.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table kb_auto_answers (
      ticket_id bigint primary key references tickets(id),
      article_id bigint not null references kb_articles(id),
      article_version integer not null,
      confidence real not null,
      answered_at timestamptz not null default now(),
      handed_back_at timestamptz
    );
    create index kb_auto_answers_article_idx on kb_auto_answers (article_id, answered_at);
    alter table inbound_messages drop constraint inbound_messages_kind_check;
    alter table inbound_messages add constraint inbound_messages_kind_check
      check (kind in ('request', 'follow_up', 'status_query', 'opt_out', 'empty', 'survey_answer', 'hand_to_person'));
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table inbound_messages drop constraint inbound_messages_kind_check;
    alter table inbound_messages add constraint inbound_messages_kind_check
      check (kind in ('request', 'follow_up', 'status_query', 'opt_out', 'empty', 'survey_answer'));
    drop table kb_auto_answers;
  `);
}
