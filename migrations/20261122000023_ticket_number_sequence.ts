import type { Knex } from 'knex';

// Ticket numbers (20261122-00042) from a sequence instead of the day's counter row. Every creation
// used to update that one row, so creations queued on its lock for one commit each; a sequence
// hands out values without a lock. The day's number is the value's distance from the day's first
// value (its base, written once a day). A creation that rolls back leaves a gap in the day's numbers.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create sequence ticket_number_seq;
    create table ticket_number_days (
      day date primary key,
      base bigint not null
    );
    -- Days already numbered go on from their last number.
    insert into ticket_number_days (day, base) select day, 1 - last_value from ticket_number_counters;
    drop table ticket_number_counters;

    -- n numbers of today (Asia/Shanghai), in the order they were drawn.
    create function take_ticket_numbers(n integer) returns text[] language plpgsql as $$
    declare
      today date := (now() at time zone 'Asia/Shanghai')::date;
      drawn bigint[];
      day_base bigint;
    begin
      if n < 1 then
        return '{}';
      end if;
      loop
        drawn := array(select nextval('ticket_number_seq') from generate_series(1, n));
        select base into day_base from ticket_number_days where day = today;
        if day_base is null then
          -- The day's first creation sets its base; a concurrent one waits for it and reads it.
          insert into ticket_number_days (day, base) values (today, drawn[1]) on conflict (day) do nothing;
          select base into day_base from ticket_number_days where day = today;
        end if;
        -- Values drawn before another creation set the base would number below 1: draw again.
        exit when drawn[1] >= day_base;
      end loop;
      return array(select ticket_number(today, value - day_base + 1) from unnest(drawn) as value);
    end $$;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop function take_ticket_numbers(integer);
    create table ticket_number_counters (day date primary key, last_value integer not null);
    insert into ticket_number_counters (day, last_value)
      select left(number, 8)::date, max(split_part(number, '-', 2)::integer) from tickets group by 1;
    drop table ticket_number_days;
    drop sequence ticket_number_seq;
  `);
}
