import { sharedPlaceLens } from '../shared/pii';
import { requestTypeLabels, ticketStatusLabels } from '../tickets/ticket.types';
import type { TicketListRow } from '../tickets/tickets.repository';
import type { TicketCard } from './ports';

/** The ticket as a department's chat card shows it, with the buttons its status offers. */
export function presentCard(row: TicketListRow): TicketCard {
  const actions: TicketCard['actions'] =
    row.status === 'dispatched' ? ['sign_for', 'return', 'view'] : row.status === 'accepted' ? ['reply', 'return', 'view'] : ['view'];
  return {
    ticketId: row.id,
    number: row.number,
    status: row.status,
    statusLabel: ticketStatusLabels[row.status],
    requestTypeLabel: requestTypeLabels[row.requestType],
    urgency: row.urgency,
    categoryName: row.categoryName,
    // A chat channel is a shared place: personal data in free text is masked whoever reads it.
    summary: sharedPlaceLens.text(row.title),
    place: [row.regionName, row.address].filter(Boolean).join(' ') || null,
    departmentName: row.leadDepartmentName,
    replyDueAt: row.replyDueAt,
    actions,
  };
}
