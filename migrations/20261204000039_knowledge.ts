import type { Knex } from 'knex';

/**
 * The knowledge base (知识库): articles, each change kept as a version; synonyms the search expands a
 * query with; the searches (to find what the knowledge lacks). An article's search vector is built
 * from its words as the hub's segmenter cut them (Chinese has no spaces): title weight A, body B, under
 * the 'simple' configuration, so the database only matches the words it is given. A ticket answered
 * from an article (直接办结) names it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create extension if not exists pg_trgm;
    create table kb_articles (
      id bigint generated always as identity primary key,
      title text not null check (length(title) between 2 and 200),
      body text not null check (length(body) between 1 and 20000),
      category_id bigint references categories(id),
      region_ids bigint[] not null default '{}',
      department_id bigint references departments(id),
      effective_from date,
      expires_on date,
      source text,
      status text not null default 'draft' check (status in ('draft', 'review', 'published', 'archived')),
      version int not null default 1,
      search tsvector not null,
      created_by bigint references users(id),
      updated_by bigint references users(id),
      published_at timestamptz,
      published_by bigint references users(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (expires_on is null or effective_from is null or expires_on >= effective_from)
    );
    create index kb_articles_search_idx on kb_articles using gin (search) where status = 'published';
    create index kb_articles_title_trgm_idx on kb_articles using gin (title gin_trgm_ops) where status = 'published';
    create index kb_articles_status_idx on kb_articles (status, updated_at desc);

    create table kb_article_versions (
      id bigint generated always as identity primary key,
      article_id bigint not null references kb_articles(id),
      version int not null,
      status text not null,
      title text not null,
      body text not null,
      fields jsonb not null,
      note text,
      changed_by bigint references users(id),
      created_at timestamptz not null default now()
    );
    create index kb_article_versions_article_idx on kb_article_versions (article_id, id);

    create table kb_synonyms (
      id bigint generated always as identity primary key,
      terms text[] not null check (cardinality(terms) between 2 and 20),
      updated_at timestamptz not null default now()
    );

    create table kb_searches (
      id bigint generated always as identity primary key,
      query text not null,
      results int not null,
      user_id bigint references users(id),
      created_at timestamptz not null default now()
    );
    create index kb_searches_created_idx on kb_searches (created_at);

    alter table tickets add column answer_article_id bigint references kb_articles(id);
    create index tickets_answer_article_idx on tickets (answer_article_id) where answer_article_id is not null;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table tickets drop column answer_article_id;
    drop table kb_searches, kb_synonyms, kb_article_versions, kb_articles;
  `);
}
