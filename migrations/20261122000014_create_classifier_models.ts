import type { Knex } from 'knex';

// Trained models, versioned; exactly one active per kind. Each ticket keeps the classifier's latest suggestion.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table classifier_models (
      id bigint generated always as identity primary key,
      kind text not null check (kind in ('local')),
      version integer not null,
      labels jsonb not null,
      training_examples integer not null,
      training_source text not null,
      metrics jsonb not null default '{}',
      model jsonb not null,
      active boolean not null default false,
      created_at timestamptz not null default now(),
      unique (kind, version)
    );
    create unique index classifier_models_one_active_uq on classifier_models (kind) where active;
    alter table tickets add column classification jsonb;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table tickets drop column classification; drop table classifier_models;');
}
