import type { Knex } from 'knex';

/**
 * Proactive 代办 (智能帮代办, 未诉先办), as 桃源县 runs it: residents' data from the police and health bureaus is
 * imported as a register; each matter may have an eligibility rule (turning 60 → 老年人优待证, 80 → 高龄补贴, a
 * severe disability → 残疾证, 特困, an ID card about to expire → 换证); a scheduled run creates a 代办 order for
 * everyone newly eligible, once per person and matter (proactive_grants), routed to their township's runner
 * team. The register is personal data: the proxy roles alone read it, every import is audited, and residents no
 * import has refreshed within the retention policy's days are deleted. A grant keeps the township, so the
 * counts outlive the resident's row.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table resident_imports (
      id bigint generated always as identity primary key,
      source text not null,
      file_name text,
      rows integer not null,
      accepted integer not null,
      refused integer not null,
      imported_by bigint not null references users(id),
      created_at timestamptz not null default now()
    );

    create table residents (
      id bigint generated always as identity primary key,
      id_number text not null unique check (id_number ~ '^[0-9]{17}[0-9X]$'),
      name text not null,
      phone text,
      birth_date date not null,
      address text,
      region_id bigint not null references regions(id),
      disability_grade smallint check (disability_grade between 1 and 4),
      hardship boolean not null default false,
      id_expires_on date,
      deceased boolean not null default false,
      import_id bigint not null references resident_imports(id),
      updated_at timestamptz not null default now()
    );
    create index residents_birth_idx on residents (birth_date) where not deceased;
    create index residents_updated_idx on residents (updated_at);

    create table proactive_rules (
      matter_id bigint primary key references proxy_matters(id),
      rule text not null check (rule in ('age', 'disability', 'hardship', 'id_expiry')),
      -- age: years reached; disability: the worst grade counted (1 the most severe); id_expiry: days ahead.
      threshold integer check (threshold between 0 and 150),
      delivery text not null default 'home' check (delivery in ('home', 'postal')),
      active boolean not null default true,
      updated_at timestamptz not null default now(),
      check ((rule = 'hardship') = (threshold is null))
    );

    create table proactive_grants (
      id bigint generated always as identity primary key,
      resident_id bigint references residents(id) on delete set null,
      matter_id bigint not null references proxy_matters(id),
      township_id bigint references regions(id),
      ticket_id bigint references tickets(id),
      outcome text not null check (outcome in ('ordered', 'already_served')),
      created_at timestamptz not null default now(),
      unique (resident_id, matter_id)
    );
    create index proactive_grants_created_idx on proactive_grants (created_at);
    create index contacts_id_number_idx on contacts (id_number) where id_number is not null;

    alter table retention_policies drop constraint retention_policies_kind_check;
    alter table retention_policies add constraint retention_policies_kind_check
      check (kind in ('citizen_identity', 'message_bodies', 'media', 'audit_log', 'resident_register'));
    insert into retention_policies (kind, keep_days) values ('resident_register', 365);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    delete from retention_policies where kind = 'resident_register';
    alter table retention_policies drop constraint retention_policies_kind_check;
    alter table retention_policies add constraint retention_policies_kind_check
      check (kind in ('citizen_identity', 'message_bodies', 'media', 'audit_log'));
    drop index contacts_id_number_idx;
    drop table proactive_grants;
    drop table proactive_rules;
    drop table residents;
    drop table resident_imports;
  `);
}
