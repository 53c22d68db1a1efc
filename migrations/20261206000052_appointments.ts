import type { Knex } from 'knex';

/**
 * Appointments (特殊办, 预约): slots a window's department or a runner team opens for a matter — early, late, at home,
 * on a holiday (提前办理, 延时办理, 上门办理, 节假日办理) — each with its capacity, booked by the seat, the
 * mini-program or SMS; reminded the day before to the citizen and to whoever serves; recorded as kept or missed. A
 * home visit on a 代办 ticket goes on its order, with the address.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table appointment_slots (
      id bigint generated always as identity primary key,
      department_id bigint not null references departments(id),
      matter_id bigint references proxy_matters(id),
      mode text not null check (mode in ('early', 'late', 'home', 'holiday')),
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      capacity integer not null check (capacity between 1 and 200),
      created_by bigint references users(id),
      created_at timestamptz not null default now(),
      check (ends_at > starts_at)
    );
    create index appointment_slots_starts_idx on appointment_slots (starts_at);

    create table appointments (
      id bigint generated always as identity primary key,
      slot_id bigint not null references appointment_slots(id),
      contact_id bigint not null references contacts(id),
      ticket_id bigint references tickets(id),
      order_id bigint references proxy_orders(id),
      address text,
      channel text not null check (channel in ('seat', 'miniprogram', 'sms')),
      status text not null default 'booked' check (status in ('booked', 'kept', 'missed', 'cancelled')),
      reminded_at timestamptz,
      outcome_at timestamptz,
      outcome_by bigint references users(id),
      note text,
      created_at timestamptz not null default now()
    );
    create unique index appointments_once_uq on appointments (slot_id, contact_id) where status <> 'cancelled';
    create index appointments_slot_idx on appointments (slot_id) where status = 'booked';
    create index appointments_order_idx on appointments (order_id) where order_id is not null;

    -- "预约 12" by SMS books slot 12.
    alter table inbound_messages drop constraint inbound_messages_kind_check;
    alter table inbound_messages add constraint inbound_messages_kind_check
      check (kind in ('request', 'follow_up', 'status_query', 'opt_out', 'empty', 'survey_answer', 'hand_to_person', 'appointment'));
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    update inbound_messages set kind = 'status_query' where kind = 'appointment';
    alter table inbound_messages drop constraint inbound_messages_kind_check;
    alter table inbound_messages add constraint inbound_messages_kind_check
      check (kind in ('request', 'follow_up', 'status_query', 'opt_out', 'empty', 'survey_answer', 'hand_to_person'));
    drop table appointments;
    drop table appointment_slots;
  `);
}
