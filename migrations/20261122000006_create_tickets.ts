import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table tickets (
      id bigint generated always as identity primary key,
      number text not null unique,
      status text not null check (status in ('new', 'triage', 'dispatched', 'accepted', 'returned', 'replied', 'closed', 'cancelled')),
      channel text not null check (channel in ('phone', 'sms', 'miniprogram', 'seat', 'api')),
      request_type text not null check (request_type in ('consult', 'help', 'complaint', 'report', 'suggestion', 'praise', 'proxy')),
      urgency text not null default 'normal' check (urgency in ('normal', 'urgent', 'emergency')),
      category_id bigint references categories(id),
      title text not null,
      description text not null,
      address text,
      region_id bigint references regions(id),
      contact_id bigint references contacts(id),
      lead_department_id bigint references departments(id),
      assignee_user_id bigint references users(id),
      merged_into_id bigint references tickets(id),
      supervised boolean not null default false,
      directly_resolved boolean not null default false,
      urge_count integer not null default 0,
      return_count integer not null default 0,
      reopen_count integer not null default 0,
      reply_text text,
      reply_solved boolean,
      replied_at timestamptz,
      reply_due_at timestamptz,
      closed_at timestamptz,
      created_by bigint references users(id),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index tickets_status_idx on tickets (status, id);
    create index tickets_lead_department_idx on tickets (lead_department_id, id);
    create index tickets_category_idx on tickets (category_id);
    create index tickets_region_idx on tickets (region_id);
    create index tickets_contact_idx on tickets (contact_id);
    create index tickets_created_at_idx on tickets (created_at);
    create index tickets_reply_due_idx on tickets (reply_due_at) where status in ('dispatched', 'accepted', 'returned');

    -- Daily sequence behind the human ticket number 20261122-00042 (Asia/Shanghai days).
    create table ticket_number_counters (
      day date primary key,
      last_value integer not null
    );

    -- Further citizens linked to a ticket, e.g. by merging duplicates (并单).
    create table ticket_requesters (
      ticket_id bigint not null references tickets(id),
      contact_id bigint not null references contacts(id),
      source_ticket_id bigint references tickets(id),
      created_at timestamptz not null default now(),
      primary key (ticket_id, contact_id)
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table ticket_requesters; drop table ticket_number_counters; drop table tickets;');
}
