import type { Knex } from 'knex';

// Tokens and API keys are stored as SHA-256 hashes; the secret is shown once.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table users (
      id bigint generated always as identity primary key,
      username text not null unique,
      display_name text not null,
      password_hash text,
      role text not null check (role in ('operator', 'proxy_seat', 'agent', 'dept_head', 'runner', 'supervisor', 'admin')),
      department_id bigint references departments(id),
      phone text,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (role not in ('agent', 'dept_head', 'runner') or department_id is not null)
    );
    create index users_department_idx on users (department_id);

    create table sessions (
      id bigint generated always as identity primary key,
      token_hash text not null unique,
      user_id bigint not null references users(id),
      expires_at timestamptz not null,
      revoked_at timestamptz,
      created_at timestamptz not null default now()
    );

    create table api_keys (
      id bigint generated always as identity primary key,
      name text not null,
      key_hash text not null unique,
      key_prefix text not null,
      user_id bigint not null references users(id),
      created_by bigint references users(id),
      revoked_at timestamptz,
      created_at timestamptz not null default now()
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table api_keys; drop table sessions; drop table users;');
}
