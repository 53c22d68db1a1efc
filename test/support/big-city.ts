import type { Knex } from 'knex';
import { ticketSearchText } from '../../src/tickets/ticket-search';
import { starterSet } from '../../src/triage/starter-set';

/**
 * A city's hotline as the hub would have written it, straight into the tables: tickets over the last
 * `days` days with their citizens, events, stage clocks and their ledger, lead assignments, callbacks,
 * the citizens' messages and what they were sent. For npm run bench:data (a year of a megacity) and the
 * tests of what reads them in bulk (the KPI rollup, a migration on a database that holds tickets).
 *
 * Its shape: requests by Beijing hour (a day's peak mid-morning), channels (phone first), a long tail of
 * categories and places, each ticket's words a citizen's sentence of its category (the starter set's,
 * with its search vector as the hub writes it) and an address on one of the city's streets, two in three
 * from a caller whose phone is known (some call often), those older than 20 days closed, the newer ones
 * at every stage with a fifth of the open ones overdue, 40% of the replied surveyed.
 */
export async function fillCity(db: Knex, size: { tickets: number; days: number }): Promise<void> {
  const ticketCount = size.tickets;
  await db.raw('select setseed(0.24)');
  // Reference ids as arrays the generator indexes into (power-law skew: a few categories and places take most).
  const ids = async (sql: string) => ((await db.raw(sql)).rows as Array<{ id: number }>).map((r) => r.id);
  const categories = await ids('select id from categories where parent_id is not null order by id');
  const regions = await ids("select id from regions where level in ('village', 'grid') order by id");
  const departments = await ids("select id from departments where kind <> 'center' and active order by id");
  await db.raw('create temporary table refs as select ?::bigint[] as categories, ?::bigint[] as regions, ?::bigint[] as departments', [
    categories,
    regions,
    departments,
  ]);
  // Beijing hour of day weighted like a hotline's day: quiet at night, peaks at 10:00 and 15:00.
  // Citizens' sentences by category (the starter set), with the words the hub indexes them by.
  const categoryIds = new Map(
    ((await db.raw('select id, code from categories')).rows as Array<{ id: number; code: string }>).map((c) => [c.code, c.id]),
  );
  const texts = starterSet.filter((e) => categoryIds.has(e.code));
  await db.raw(
    `create temporary table texts as
       select category_id, (row_number() over (partition by category_id order by ord) - 1)::int as k, description, terms
         from unnest(?::bigint[], ?::text[], ?::text[]) with ordinality as x(category_id, description, terms, ord)`,
    [
      texts.map((e) => categoryIds.get(e.code)!),
      texts.map((e) => e.text),
      texts.map((e) => ticketSearchText({ title: [...e.text].slice(0, 30).join(''), description: e.text, address: null })),
    ],
  );
  await db.raw('create temporary table text_counts as select category_id, count(*)::int as n from texts group by category_id');
  await db.raw('create index on texts (category_id, k)');
  // Callers: a phone for two in three tickets, some calling again and again (power-law over 45% as many people).
  const citizens = Math.max(10, Math.ceil(ticketCount * 0.45));
  await db.raw(
    `insert into contacts (phone, created_at, updated_at)
     select '+861' || (3 + i % 7)::text || lpad(((i::bigint * 7919) % 1000000000)::text, 9, '0'), now(), now()
       from generate_series(1, ?) as i
     on conflict do nothing`,
    [citizens],
  );
  const contactRange = (await db.raw("select min(id) as first, max(id) as last from contacts where phone like '+861%'")).rows[0] as {
    first: number;
    last: number;
  };
  // The city's 600 streets, with the words the hub indexes an address on them by.
  const streetNames = [
    '滨河',
    '光明',
    '人民',
    '解放',
    '建设',
    '和平',
    '新华',
    '东风',
    '朝阳',
    '胜利',
    '幸福',
    '长江',
    '黄河',
    '泰山',
    '文化',
    '学府',
    '工业',
    '花园',
    '南湖',
    '北苑',
    '青年',
    '振兴',
    '民主',
    '团结',
    '春晖',
    '翠柳',
    '金桥',
    '银杏',
    '松林',
    '枫林',
  ].flatMap((name) =>
    [
      '路',
      '街',
      '大道',
      '巷',
      '东路',
      '西路',
      '南路',
      '北路',
      '一路',
      '二路',
      '三路',
      '中路',
      '大街',
      '胡同',
      '里',
      '小区',
      '花园',
      '新村',
      '苑',
      '坊',
    ].map((kind) => name + kind),
  );
  await db.raw(
    'create temporary table streets as select (ord - 1)::int as k, name, terms from unnest(?::text[], ?::text[]) with ordinality as x(name, terms, ord)',
    [streetNames, streetNames.map((name) => ticketSearchText({ title: '', description: '', address: name }))],
  );
  const hasSearch = (await db.raw("select 1 from information_schema.columns where table_name = 'tickets' and column_name = 'search'")).rows
    .length;
  await db.raw(
    `create temporary table hour_weights as
       select h, w, sum(w) over (order by h) / sum(w) over () as upto
         from unnest(array[1,1,1,1,1,2,4,8,14,18,19,17,12,14,17,16,13,10,8,7,6,4,3,2]::float8[]) with ordinality as x(w, h)`,
  );
  await db.raw(
    `insert into tickets (number, status, channel, request_type, urgency, category_id, title, description, region_id,
                          lead_department_id, directly_resolved, return_count, reopen_count, replied_at, closed_at,
                          next_due_at, next_due_stage, location, created_at, updated_at, address, contact_id${hasSearch ? ', search' : ''})
     select
            -- Numbered as the hub numbers them: the Beijing day and its sequence.
            to_char(created_at at time zone 'Asia/Shanghai', 'YYYYMMDD') || '-' ||
              lpad((row_number() over (partition by (created_at at time zone 'Asia/Shanghai')::date order by created_at))::text, 5, '0'),
            status, channel, request_type, urgency, t.category_id, coalesce(left(tx.description, 30), '生成的工单'),
            coalesce(tx.description, '用于容量测试的工单内容'), region_id, lead_department_id, directly_resolved,
            return_count, reopen_count, replied_at, closed_at, next_due_at, next_due_st, location, created_at, updated_at,
            st.name || house || '号' || building || '号楼', contact_id
            ${hasSearch ? ", to_tsvector('simple', coalesce(tx.terms, '') || ' ' || st.terms || ' ' || house || ' 号 ' || building || ' 号楼')" : ''}
       from (
     select
            case when age > 20 then (case when r1 < 0.97 then 'closed' else 'cancelled' end)
                 else (array['triage','dispatched','accepted','accepted','replied','closed','closed','closed'])[1 + floor(r1 * 8)::int] end as status,
            (array['phone','phone','phone','phone','phone','miniprogram','miniprogram','sms','seat','api'])[1 + floor(r2 * 10)::int] as channel,
            (array['complaint','complaint','help','help','consult','consult','report','suggestion','praise','proxy'])[1 + floor(r3 * 10)::int] as request_type,
            case when r3 < 0.02 then 'emergency' when r3 < 0.1 then 'urgent' else 'normal' end as urgency,
            categories[1 + floor(power(r4, 2.2) * cardinality(categories))::int] as category_id,
            regions[1 + floor(power(r5, 1.8) * cardinality(regions))::int] as region_id,
            departments[1 + floor(power(r6, 1.5) * cardinality(departments))::int] as lead_department_id,
            r2 < 0.18 as directly_resolved, (r6 < 0.03)::int as return_count, (r5 < 0.02)::int as reopen_count,
            case when age > 20 or r1 >= 0.5 then at + interval '3 days' end as replied_at,
            case when age > 20 and r1 < 0.97 then at + interval '5 days' end as closed_at,
            case when age <= 20 and r1 < 0.625 then now() + (r4 * 10 - 2) * interval '1 day' end as next_due_at,
            case when age <= 20 and r1 < 0.625 then 'reply' end as next_due_st,
            -- Half the mini-program's requests carry the citizen's coordinates (the map's points).
            case when r2 >= 0.5 and r2 < 0.6 then jsonb_build_object('longitude', 116.9 + r4 * 0.4, 'latitude', 36.55 + r5 * 0.25) end
              as location,
            at as created_at, at as updated_at,
            -- An address on one of the city's 600 streets: street, number, building.
            floor(r7 * 30)::int * 20 + floor(r8 * 20)::int as street, (1 + floor(r9 * 200))::int as house, (1 + floor(r7 * 30))::int as building,
            case when r8 < 0.67 then ${contactRange.first} + floor(power(r9, 1.6) * ${contactRange.last - contactRange.first + 1})::bigint end as contact_id,
            floor(r7 * 1e6)::int as text_draw
       from (select i, r1, r2, r3, r4, r5, r6, random() as r7, random() as r8, random() as r9,
                    extract(epoch from now() - at) / 86400 as age, at
               from (select i, random() as r1, random() as r2, random() as r3, random() as r4, random() as r5, random() as r6,
                            date_trunc('day', now() - floor(random() * ?) * interval '1 day', 'Asia/Shanghai')
                              + ((select min(h) from hour_weights where upto >= random() + 0 * i) - 1 + random()) * interval '1 hour' as at
                       from generate_series(1, ?) as i) g
              where at < now()) x, refs
       ) t
       left join text_counts tc using (category_id)
       left join texts tx on tx.category_id = t.category_id and tx.k = t.text_draw % tc.n
       join streets st on st.k = t.street
      -- Ids in time order, as the hub writes them (the newest first is the highest id).
      order by t.created_at`,
    [size.days, ticketCount],
  );
  const at = 't.created_at';
  await db.raw(
    `insert into ticket_assignments (ticket_id, department_id, role, status, active, accepted_at, dispatched_at, created_at, updated_at)
     select t.id, t.lead_department_id, 'lead',
            case when t.status in ('closed', 'cancelled') then 'ended' when t.status = 'replied' then 'reported' when t.status = 'dispatched' then 'dispatched' else 'accepted' end,
            t.status not in ('closed', 'cancelled'),
            ${at} + interval '1 hour', ${at} + interval '10 minutes', ${at} + interval '10 minutes', ${at} + interval '10 minutes'
       from tickets t where t.status <> 'triage' and not t.directly_resolved`,
  );
  await db.raw(
    `insert into ticket_events (ticket_id, type, actor_kind, from_status, to_status, created_at)
     select t.id, e.type, 'system', null, null, e.at
       from tickets t
       cross join lateral (values
                  ('dispatch', case when t.status <> 'triage' and not t.directly_resolved then ${at} + interval '10 minutes' end),
         ('sign_for', case when t.status not in ('triage', 'dispatched') and not t.directly_resolved then ${at} + interval '1 hour' end),
         ('return', case when t.return_count > 0 then ${at} + interval '2 hours' end),
         ('reply', t.replied_at),
         ('reopen', case when t.reopen_count > 0 then t.replied_at + interval '1 day' end),
         ('close', t.closed_at)
       ) as e(type, at)
      where e.at is not null and e.at < now()`,
  );
  // Stopped clocks of the stages the reports count (the center's 派单 in an hour, sign-for in 2 working hours, reply in
  // 7 working days), a tenth of the sign-fors late.
  await db.raw(
    `insert into sla_clocks (ticket_id, department_id, stage, amount, unit, state, started_at, limit_ms, basis_at, due_at, stopped_at, created_at, updated_at)
     select t.id, case when s.stage = 'dispatch' then null else t.lead_department_id end, s.stage, s.amount, s.unit, 'stopped', s.started,
            s.limit_ms, s.started, s.due, s.stopped, s.started, s.stopped
       from tickets t
       cross join lateral (values
         ('sign_for', 2, 'working_hours', ${at} + interval '10 minutes', 7200000::bigint, ${at} + interval '3 hours',
          ${at} + case when t.id % 10 = 0 then interval '4 hours' else interval '1 hour' end),
         ('reply', 7, 'working_days', ${at} + interval '10 minutes', 7 * 25200000::bigint, ${at} + interval '9 days', t.replied_at),
         ('dispatch', 1, 'natural_hours', ${at}, 3600000::bigint, ${at} + interval '1 hour', ${at} + interval '10 minutes')
       ) as s(stage, amount, unit, started, limit_ms, due, stopped)
      where t.lead_department_id is not null and t.status not in ('triage', 'dispatched') and not t.directly_resolved
        and s.stopped is not null and s.stopped < now()`,
  );
  await db.raw(
    `insert into sla_clocks (ticket_id, department_id, stage, amount, unit, state, started_at, limit_ms, basis_at, due_at, created_at, updated_at)
     select t.id, t.lead_department_id, 'reply', 7, 'working_days', 'running', ${at}, 7 * 25200000::bigint, ${at}, t.next_due_at, ${at}, ${at}
       from tickets t where t.next_due_at is not null`,
  );
  // A late clock breached at its deadline; one ticket in 50 had its reply deadline extended, approved two days in.
  await db.raw(`update sla_clocks set breached_at = due_at where state = 'stopped' and stopped_at > due_at`);
  await db.raw(
    `insert into extension_requests (ticket_id, department_id, requested_by, reason, requested_due_at, status, approved_due_at, decided_by, decided_at, created_at)
     select t.id, t.lead_department_id, u.id, '需现场勘查', t.created_at + interval '12 days', 'approved', t.created_at + interval '12 days', u.id,
            t.created_at + interval '2 days', t.created_at + interval '1 day'
       from tickets t cross join (select min(id) as id from users) u
      where t.id % 50 = 7 and t.lead_department_id is not null and t.created_at < now() - interval '2 days'`,
  );
  // Callbacks: 40% of the replied are surveyed; of those, 85% answer.
  await db.raw(
    `insert into callbacks (ticket_id, cycle, status, channel, contacted, resolved, satisfaction, unreasonable, outcome, completed_at, department_id, created_at, updated_at)
     select t.id, 0, case when r < 0.85 then 'completed' else 'unreachable' end,
            (array['sms', 'phone', 'miniprogram', 'operator'])[1 + (t.id % 4)::int],
            case when r < 0.85 then r < 0.83 end, case when r < 0.85 then r < 0.7 end,
            case when r < 0.85 then (case when r < 0.6 then 'satisfied' when r < 0.8 then 'basic' else 'unsatisfied' end) end,
            false, case when r < 0.85 then 'closed' else 'unreachable' end,
            t.replied_at + interval '1 day', t.lead_department_id, t.replied_at, t.replied_at + interval '1 day'
       from (select t.*, random() as r from tickets t where t.replied_at is not null and t.replied_at < now() - interval '1 day' and t.id % 5 < 2) t`,
  );
  // The history that only grows: each clock's ledger (start, stop), the citizens' messages, what they were sent.
  await db.raw(
    `insert into sla_clock_events (clock_id, ticket_id, type, due_at, actor_kind, reason, created_at)
     select c.id, c.ticket_id, e.type, c.due_at, 'system', e.reason, e.at
       from sla_clocks c
       cross join lateral (values ('start', c.started_at, '时限政策'), ('stop', c.stopped_at, null)) as e(type, at, reason)
      where e.at is not null`,
  );
  await db.raw(
    `insert into inbound_messages (channel, provider_id, from_phone, text, received_at, status, kind, contact_id, ticket_id, processed_at, created_at)
     select t.channel, 'gen-' || t.id, c.phone, t.description, t.created_at, 'processed', 'request', t.contact_id, t.id, t.created_at, t.created_at
       from tickets t left join contacts c on c.id = t.contact_id
      where t.channel in ('sms', 'miniprogram')`,
  );
  await db.raw(
    `insert into outbox (kind, channel, recipient, payload, ticket_id, dedupe_key, status, attempts, next_attempt_at, created_at, sent_at)
     select m.kind, 'sms', jsonb_build_object('contactId', t.contact_id), jsonb_build_object('ticketId', t.id, 'number', t.number, 'action', m.action),
            t.id, 'gen:' || t.id || ':' || m.action, 'sent', 1, m.at, m.at, m.at + interval '2 seconds'
       from tickets t
       cross join lateral (values ('citizen.intake_ack', 'created', t.created_at),
                                  ('citizen.ticket_status', 'reply', t.replied_at),
                                  ('citizen.ticket_status', 'close', t.closed_at)) as m(kind, action, at)
      where t.contact_id is not null and m.at is not null and m.at < now()`,
  );
  for (const table of [
    'tickets',
    'contacts',
    'ticket_events',
    'ticket_assignments',
    'sla_clocks',
    'sla_clock_events',
    'callbacks',
    'inbound_messages',
    'outbox',
  ])
    await db.raw(`vacuum analyze ${table}`);
}
