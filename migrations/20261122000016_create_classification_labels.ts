import type { Knex } from 'knex';

// What operators confirmed or corrected: training data from the hotline's own tickets.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table classification_labels (
      id bigint generated always as identity primary key,
      ticket_id bigint not null unique references tickets(id),
      text text not null,
      category_code text not null,
      source text not null check (source in ('confirmed', 'corrected')),
      created_by bigint references users(id),
      created_at timestamptz not null default now()
    );
    create index classification_labels_created_idx on classification_labels (created_at);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table classification_labels');
}
