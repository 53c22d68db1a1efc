import type { Queryable } from '../db/db';
import type { orderOrigins } from './proxy-labels';

export type OrderStatus = 'unassigned' | 'offered' | 'accepted' | 'submitted' | 'delivering' | 'done' | 'cancelled';

/** A cancelled or merged ticket's order ends, unless it is already done. */
export async function cancelOpenOrder(db: Queryable, ticketId: number): Promise<void> {
  await db('proxy_orders')
    .update({ status: 'cancelled', updated_at: db.fn.now() })
    .where({ ticket_id: ticketId })
    .whereNotIn('status', ['done', 'cancelled']);
}

export async function setOrderServiceMode(db: Queryable, ticketId: number, serviceMode: string): Promise<void> {
  await db('proxy_orders').update({ service_mode: serviceMode }).where({ ticket_id: ticketId });
}

/** What the order takes from its ticket: the catalog's matter, and the 代办 details given at creation. */
export async function orderSourceOf(
  db: Queryable,
  ticketId: number,
): Promise<{ matterId: number | null; scenarioId: number | null; detail: { serviceMode?: string; applicantAddress?: string } | null }> {
  return db('tickets as t')
    .leftJoin('proxy_matters as m', (j) => j.on('m.name', '=', 't.matter').orOn('m.code', '=', 't.matter'))
    .leftJoin('proxy_bundle_scenarios as s', (j) => j.on('s.name', '=', 't.matter').orOn('s.code', '=', 't.matter'))
    .select({
      matterId: 'm.id',
      scenarioId: 's.id',
      detail: db.raw("(select data->'proxy' from ticket_events where ticket_id = t.id and type = 'created')"),
    })
    .where('t.id', ticketId)
    .first();
}

/**
 * The ticket's order, for the team that now holds it: created, or moved to the new team (its
 * runners are asked again unless the work is already under way).
 */
export async function upsertOrderForTeam(
  db: Queryable,
  order: {
    ticketId: number;
    matterId: number | null;
    scenarioId: number | null;
    serviceMode: string;
    address: string | null;
    regionId: number | null;
    teamId: number;
  },
): Promise<{ id: number; status: OrderStatus } | undefined> {
  const { rows } = await db.raw<{ rows: Array<{ id: number; status: OrderStatus }> }>(
    `insert into proxy_orders (ticket_id, matter_id, scenario_id, service_mode, applicant_address, region_id, team_id, status)
     values (:ticketId, :matterId, :scenarioId, :serviceMode, :address, :regionId, :teamId, 'unassigned')
     on conflict (ticket_id) do update set
       -- A matter or a bundle's situation, whichever the ticket now names (kept when it names neither).
       matter_id = case when excluded.matter_id is null and excluded.scenario_id is null then proxy_orders.matter_id else excluded.matter_id end,
       scenario_id = case when excluded.matter_id is null and excluded.scenario_id is null then proxy_orders.scenario_id else excluded.scenario_id end,
       region_id = coalesce(excluded.region_id, proxy_orders.region_id),
       -- Another team now holds the ticket: its runners are asked.
       team_id = excluded.team_id,
       status = case when proxy_orders.team_id is distinct from excluded.team_id and proxy_orders.status in ('unassigned', 'offered', 'accepted') then 'unassigned' else proxy_orders.status end,
       runner_user_id = case when proxy_orders.team_id is distinct from excluded.team_id and proxy_orders.status in ('unassigned', 'offered', 'accepted') then null else proxy_orders.runner_user_id end,
       updated_at = now()
     returning id, status`,
    order,
  );
  return rows[0];
}

/**
 * A hard case not finished on site: its 帮代办 order, accepted in the window's chief representative's name (a
 * 代办 ticket's own order is handed to them). Undefined when the ticket's order is already done or cancelled.
 */
export async function upsertFollowUpOrder(
  db: Queryable,
  order: {
    ticketId: number;
    matterId: number;
    serviceMode: string;
    address: string | null;
    regionId: number | null;
    teamId: number;
    representativeUserId: number;
  },
): Promise<{ id: number } | undefined> {
  const { rows } = await db.raw<{ rows: Array<{ id: number }> }>(
    `insert into proxy_orders (ticket_id, matter_id, service_mode, applicant_address, region_id, team_id, runner_user_id, status, accepted_at, origin)
     values (:ticketId, :matterId, :serviceMode, :address, :regionId, :teamId, :representativeUserId, 'accepted', now(), 'hard_case')
     on conflict (ticket_id) do update set
       matter_id = excluded.matter_id, scenario_id = null, team_id = excluded.team_id, runner_user_id = excluded.runner_user_id,
       status = 'accepted', accepted_at = now(), offer_expires_at = null, origin = 'hard_case', updated_at = now()
     where proxy_orders.status not in ('done', 'cancelled')
     returning id`,
    order,
  );
  return rows[0];
}

/** Home visits booked on the order (预约 上门办理), soonest first. */
export async function orderVisits(
  db: Queryable,
  orderId: number,
): Promise<Array<{ id: number; startsAt: Date; endsAt: Date; address: string | null; status: string }>> {
  const rows = await db('appointments as a')
    .join('appointment_slots as s', 's.id', 'a.slot_id')
    .select({ id: 'a.id', startsAt: 's.starts_at', endsAt: 's.ends_at', address: 'a.address', status: 'a.status' })
    .where('a.order_id', orderId)
    .orderBy('s.starts_at');
  return rows.map((r: { id: string }) => ({ ...r, id: Number(r.id) })) as never;
}

/** Where the ticket's order came from, once the proxy hook has opened it (the proactive run's orders). */
export async function markOrigin(db: Queryable, ticketId: number, origin: 'proactive'): Promise<void> {
  await db('proxy_orders').update({ origin }).where({ ticket_id: ticketId });
}

export interface OrderRecord {
  id: number;
  ticketId: number;
  matterId: number | null;
  /** A bundle's situation (一件事一次办) instead of one matter. */
  scenarioId: number | null;
  serviceMode: 'remote_guidance' | 'home_assistance' | 'full_proxy';
  applicantAddress: string | null;
  regionId: number | null;
  teamId: number | null;
  runnerUserId: number | null;
  status: OrderStatus;
  offeredAt: Date | null;
  offerExpiresAt: Date | null;
  declinedUserIds: number[];
  acceptedAt: Date | null;
  acceptanceNumber: string | null;
  submittedAt: Date | null;
  doneAt: Date | null;
  dueAt: Date | null;
  origin: (typeof orderOrigins)[number];
  createdAt: Date;
}

const orderColumns = {
  id: 'o.id',
  ticketId: 'o.ticket_id',
  matterId: 'o.matter_id',
  scenarioId: 'o.scenario_id',
  serviceMode: 'o.service_mode',
  applicantAddress: 'o.applicant_address',
  regionId: 'o.region_id',
  teamId: 'o.team_id',
  runnerUserId: 'o.runner_user_id',
  status: 'o.status',
  offeredAt: 'o.offered_at',
  offerExpiresAt: 'o.offer_expires_at',
  declinedUserIds: 'o.declined_user_ids',
  acceptedAt: 'o.accepted_at',
  acceptanceNumber: 'o.acceptance_number',
  submittedAt: 'o.submitted_at',
  doneAt: 'o.done_at',
  // The order is due when its ticket's answer is: the matter's legal limit, with extensions and pauses.
  dueAt: 't.reply_due_at',
  origin: 'o.origin',
  createdAt: 'o.created_at',
} as const satisfies Record<keyof OrderRecord, string>;

export async function findOrder(db: Queryable, orderId: number): Promise<OrderRecord | undefined> {
  return db('proxy_orders as o')
    .join('tickets as t', 't.id', 'o.ticket_id')
    .select(orderColumns)
    .where('o.id', orderId)
    .first<OrderRecord | undefined>();
}

export async function lockOrder(db: Queryable, orderId: number): Promise<OrderRecord | undefined> {
  return db('proxy_orders as o')
    .join('tickets as t', 't.id', 'o.ticket_id')
    .select(orderColumns)
    .where('o.id', orderId)
    .forUpdate('o')
    .first<OrderRecord | undefined>();
}

export async function listOrders(
  db: Queryable,
  filter: { status?: OrderStatus; runnerUserId?: number; teamId?: number; limit: number },
): Promise<Array<OrderRecord & { number: string; title: string }>> {
  const query = db('proxy_orders as o')
    .join('tickets as t', 't.id', 'o.ticket_id')
    .select({ ...orderColumns, number: 't.number', title: 't.title' })
    .orderBy('o.id', 'desc')
    .limit(filter.limit);
  if (filter.status) query.where('o.status', filter.status);
  if (filter.runnerUserId !== undefined) query.where('o.runner_user_id', filter.runnerUserId);
  else if (filter.teamId !== undefined) query.where('o.team_id', filter.teamId);
  return query;
}

/**
 * The team's on-duty runner who covers the applicant's grid, trained for the matter, below their
 * capacity, not among those who declined: the least loaded, then the one who waited longest
 * (locked, so that two assignments never pick one runner past capacity). `only`: that runner, if they fit.
 */
export async function chooseRunner(db: Queryable, order: OrderRecord, only?: number): Promise<number | undefined> {
  if (order.regionId === null || order.teamId === null) return undefined;
  const { rows } = await db.raw<{ rows: Array<{ id: number }> }>(
    `select u.id
     from users u
     join runners r on r.user_id = u.id
     join regions place on place.id = :regionId
     where u.role = 'runner' and u.active and u.on_duty and u.department_id = :teamId
       and not (u.id = any(:declined::bigint[]))
       and (:only::bigint is null or u.id = :only)
       and exists (select 1 from unnest(r.grid_region_ids) as g(id) where place.path like '%/' || g.id || '/%')
       and (:matterId::bigint is null or :matterId = any(r.matter_ids))
       and (u.capacity is null or (select count(*) from proxy_orders o where o.runner_user_id = u.id and o.status in ('offered', 'accepted', 'submitted', 'delivering')) < u.capacity)
     order by (select count(*) from proxy_orders o where o.runner_user_id = u.id and o.status in ('offered', 'accepted', 'submitted', 'delivering')),
              r.last_assigned_at nulls first, u.id
     limit 1
     for update of r`,
    { regionId: order.regionId, teamId: order.teamId, declined: order.declinedUserIds, only: only ?? null, matterId: order.matterId },
  );
  return rows[0]?.id;
}

/** The order is offered to the runner, for acceptMinutes; they are the last assigned of their team. */
export async function offerOrder(db: Queryable, orderId: number, runnerUserId: number, acceptMinutes: number): Promise<void> {
  await db.raw(
    `update proxy_orders set status = 'offered', runner_user_id = ?, offered_at = now(), offer_expires_at = now() + ? * interval '1 minute', updated_at = now() where id = ?`,
    [runnerUserId, acceptMinutes, orderId],
  );
  await db('runners').update({ last_assigned_at: db.fn.now() }).where({ user_id: runnerUserId });
}

/** Declined or let lapse: back to the pool, that runner passed over. */
export async function unassignOrder(db: Queryable, orderId: number, passedOverUserId: number | null): Promise<void> {
  await db.raw(
    `update proxy_orders set status = 'unassigned', runner_user_id = null, declined_user_ids = array_append(declined_user_ids, ?::bigint), updated_at = now() where id = ?`,
    [passedOverUserId, orderId],
  );
}

/** An order's change of status, with what goes with it (accepted_at, acceptance number, done_at…). */
export async function setOrder(
  db: Queryable,
  orderId: number,
  patch: { status: OrderStatus; acceptanceNumber?: string },
  only?: { notStatus: OrderStatus },
): Promise<number> {
  const now = db.fn.now();
  const query = db('proxy_orders')
    .update({
      status: patch.status,
      updated_at: now,
      ...(patch.status === 'accepted' ? { accepted_at: now, offer_expires_at: null } : {}),
      ...(patch.status === 'submitted' && patch.acceptanceNumber ? { acceptance_number: patch.acceptanceNumber, submitted_at: now } : {}),
      ...(patch.status === 'done' ? { done_at: now } : {}),
    })
    .where({ id: orderId });
  if (only) query.whereNot('status', only.notStatus);
  return query;
}

export function expiredOffers(db: Queryable, limit: number): Promise<Array<{ id: number }>> {
  return db('proxy_orders').select('id').where('status', 'offered').andWhere('offer_expires_at', '<=', db.raw('now()')).limit(limit);
}

/** Orders waiting for a runner: a vulnerable applicant's (特殊群体) first, then the oldest. */
export function unassignedOrders(db: Queryable, limit: number): Promise<Array<{ id: number }>> {
  return db('proxy_orders as o')
    .join('tickets as t', 't.id', 'o.ticket_id')
    .leftJoin('contacts as c', 'c.id', 't.contact_id')
    .select('o.id')
    .where('o.status', 'unassigned')
    .orderByRaw('cardinality(c.vulnerability) > 0 desc nulls last, o.id')
    .limit(limit);
}

/** What an order's notices and messages say of its ticket. */
export async function orderTicket(
  db: Queryable,
  ticketId: number,
): Promise<{ number: string; title: string; contactId: number | null; channel: string }> {
  return db('tickets')
    .select({ number: 'number', title: 'title', contactId: 'contact_id', channel: 'channel' })
    .where({ id: ticketId })
    .first();
}

export async function insertStep(
  db: Queryable,
  step: {
    orderId: number;
    step: string;
    actorUserId: number | null;
    actorName: string;
    note: string | null;
    data: Record<string, unknown> | null;
  },
): Promise<void> {
  await db('proxy_steps').insert({
    order_id: step.orderId,
    step: step.step,
    actor_user_id: step.actorUserId,
    actor_name: step.actorName,
    note: step.note,
    data: step.data ? JSON.stringify(step.data) : null,
  });
}

export async function insertMandate(
  db: Queryable,
  mandate: { orderId: number; scope: string[]; validUntil: string; signedBy: string; method: string; recordedBy: number },
): Promise<void> {
  await db('proxy_mandates').insert({
    order_id: mandate.orderId,
    scope: mandate.scope,
    valid_until: mandate.validUntil,
    signed_by: mandate.signedBy,
    method: mandate.method,
    recorded_by: mandate.recordedBy,
  });
}

/** The applicant's latest mandate still valid on the day. */
export async function validMandate(db: Queryable, orderId: number, day: string): Promise<{ scope: string[] } | undefined> {
  return db('proxy_mandates')
    .where({ order_id: orderId })
    .whereNull('revoked_at')
    .andWhere('valid_until', '>=', day)
    .orderBy('id', 'desc')
    .first<{ scope: string[] } | undefined>();
}

export interface MaterialEntry {
  orderId: number;
  itemKey: string;
  name: string;
  form: 'original' | 'copy';
  count: number;
  direction: 'received' | 'submitted' | 'returned' | 'deferred';
  place?: string | null;
  promisedBy?: string | null;
  note: string | null;
  byUserId: number;
}

export async function insertMaterial(db: Queryable, entry: MaterialEntry): Promise<void> {
  await db('proxy_materials').insert({
    order_id: entry.orderId,
    item_key: entry.itemKey,
    name: entry.name,
    form: entry.form,
    count: entry.count,
    direction: entry.direction,
    place: entry.place ?? null,
    promised_by: entry.promisedBy ?? null,
    note: entry.note,
    by_user_id: entry.byUserId,
  });
}

export function materialMovements(
  db: Queryable,
  orderId: number,
): Promise<Array<{ item_key: string; direction: string; form: 'original' | 'copy'; count: number }>> {
  return db('proxy_materials').select('item_key', 'direction', 'form', 'count').where({ order_id: orderId });
}

/** A result delivered again (the post returned it) replaces the earlier delivery. */
export async function upsertDelivery(
  db: Queryable,
  orderId: number,
  method: 'window' | 'postal',
  trackingNumber: string | null,
): Promise<void> {
  const delivery = {
    method,
    tracking_number: trackingNumber,
    status: method === 'window' ? 'delivered' : 'in_transit',
    delivered_at: method === 'window' ? db.fn.now() : null,
    next_check_at: method === 'postal' ? db.fn.now() : null,
    checks: 0,
    last_error: null,
    updated_at: db.fn.now(),
  };
  await db('proxy_deliveries')
    .insert({ order_id: orderId, ...delivery })
    .onConflict('order_id')
    .merge(delivery);
}

export interface DeliveryRow {
  id: number;
  tracking_number: string | null;
  status: string;
  checks: number;
}

export function findDelivery(db: Queryable, orderId: number): Promise<DeliveryRow | undefined> {
  return db('proxy_deliveries').where({ order_id: orderId }).first<DeliveryRow | undefined>();
}

/** A tracking check's result: still on its way (checked again in `recheckMinutes`), arrived, returned, or the lookup failed. */
export async function recordTracking(
  db: Queryable,
  delivery: DeliveryRow,
  result: { status: string; deliveredAt?: Date | null; error?: string; recheckMinutes?: number },
): Promise<void> {
  await db('proxy_deliveries')
    .update({
      ...(result.error === undefined ? { status: result.status, last_error: null } : { last_error: result.error.slice(0, 500) }),
      ...(result.status === 'delivered' ? { delivered_at: result.deliveredAt ?? db.fn.now() } : {}),
      checks: delivery.checks + 1,
      next_check_at: result.recheckMinutes === undefined ? null : db.raw(`now() + ? * interval '1 minute'`, [result.recheckMinutes]),
      updated_at: db.fn.now(),
    })
    .where({ id: delivery.id });
}

/** The runner or the seat says the posted result arrived; 0 when none was on its way. */
export function confirmDelivery(db: Queryable, orderId: number): Promise<number> {
  return db('proxy_deliveries')
    .update({ status: 'delivered', delivered_at: db.fn.now(), next_check_at: null, updated_at: db.fn.now() })
    .where({ order_id: orderId, status: 'in_transit' });
}

export function dueDeliveries(db: Queryable, limit: number): Promise<Array<{ order_id: number; tracking_number: string; checks: number }>> {
  return db('proxy_deliveries')
    .select('order_id', 'tracking_number', 'checks')
    .where('status', 'in_transit')
    .andWhere('next_check_at', '<=', db.raw('now()'))
    .limit(limit);
}

/** 容缺 promises past their date with the item still not in: one reminder per item to the runner. Returns how many. */
export async function remindLapsedPromises(db: Queryable): Promise<number> {
  const { rows } = await db.raw<{ rows: unknown[] }>(
    `insert into notifications (user_id, kind, ticket_id, title, body, dedupe_key)
     select o.runner_user_id, 'proxy.promise_due', o.ticket_id, '容缺材料逾期未补：' || d.name,
            '申请人承诺 ' || to_char(d.promised_by, 'YYYY-MM-DD') || ' 前补交「' || d.name || '」，至今未收到，请跟进。', 'promise:' || d.id
     from proxy_materials d
     join proxy_orders o on o.id = d.order_id
     where d.direction = 'deferred' and d.promised_by < (now() at time zone 'Asia/Shanghai')::date
       and o.runner_user_id is not null and o.status not in ('done', 'cancelled')
       and not exists (select 1 from proxy_materials r where r.order_id = d.order_id and r.item_key = d.item_key and r.direction = 'received' and r.id > d.id)
     on conflict (user_id, dedupe_key) do nothing
     returning id`,
  );
  return rows.length;
}

/** An order's record: its steps, mandates, materials and delivery. */
export async function orderRecord(db: Queryable, orderId: number) {
  const [steps, mandates, materials, delivery] = await Promise.all([
    db('proxy_steps')
      .select({ step: 'step', actorName: 'actor_name', note: 'note', data: 'data', at: 'created_at' })
      .where({ order_id: orderId })
      .orderBy('id'),
    db('proxy_mandates')
      .select({
        scope: 'scope',
        validUntil: db.raw("to_char(valid_until, 'YYYY-MM-DD')"),
        signedBy: 'signed_by',
        method: 'method',
        revokedAt: 'revoked_at',
        at: 'created_at',
      })
      .where({ order_id: orderId })
      .orderBy('id'),
    db('proxy_materials')
      .select({
        itemKey: 'item_key',
        name: 'name',
        form: 'form',
        count: 'count',
        direction: 'direction',
        place: 'place',
        note: 'note',
        promisedBy: db.raw("to_char(promised_by, 'YYYY-MM-DD')"),
        at: 'created_at',
      })
      .where({ order_id: orderId })
      .orderBy('id'),
    db('proxy_deliveries')
      .select({
        method: 'method',
        trackingNumber: 'tracking_number',
        status: 'status',
        lastError: 'last_error',
        deliveredAt: 'delivered_at',
      })
      .where({ order_id: orderId })
      .first(),
  ]);
  return { steps, mandates, materials, delivery };
}
