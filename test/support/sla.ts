import type { Hub } from '../../src/app';
import { refreshCachedDeadlines } from '../../src/tickets/tickets.repository';

/**
 * Time passes for one ticket: its open clocks are moved `ms` into the past (start, basis,
 * deadline, next alert), as if they had been running that much longer. The database's clock,
 * which everything compares with, stays the real one.
 */
export async function travel(hub: Hub, ticketId: number, ms: number): Promise<void> {
  const shift = hub.db.raw("? * interval '1 millisecond'", [ms]);
  await hub
    .db('sla_clocks')
    .update({
      started_at: hub.db.raw('started_at - ?', [shift]),
      basis_at: hub.db.raw('basis_at - ?', [shift]),
      due_at: hub.db.raw('due_at - ?', [shift]),
      next_alert_at: hub.db.raw('next_alert_at - ?', [shift]),
    })
    .where({ ticket_id: ticketId })
    .whereIn('state', ['running', 'paused']);
  await refreshCachedDeadlines(hub.db, [ticketId]);
}

export const hours = (n: number) => n * 3_600_000;
