import type { Queryable } from '../db/db';
import type { OrderStatus } from './proxy.service';

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
): Promise<{ matterId: number | null; detail: { serviceMode?: string; applicantAddress?: string } | null }> {
  return db('tickets as t')
    .leftJoin('proxy_matters as m', (j) => j.on('m.name', '=', 't.matter').orOn('m.code', '=', 't.matter'))
    .select({ matterId: 'm.id', detail: db.raw("(select data->'proxy' from ticket_events where ticket_id = t.id and type = 'created')") })
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
    serviceMode: string;
    address: string | null;
    regionId: number | null;
    teamId: number;
  },
): Promise<{ id: number; status: OrderStatus } | undefined> {
  const { rows } = await db.raw<{ rows: Array<{ id: number; status: OrderStatus }> }>(
    `insert into proxy_orders (ticket_id, matter_id, service_mode, applicant_address, region_id, team_id, status)
     values (:ticketId, :matterId, :serviceMode, :address, :regionId, :teamId, 'unassigned')
     on conflict (ticket_id) do update set
       matter_id = coalesce(excluded.matter_id, proxy_orders.matter_id),
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
