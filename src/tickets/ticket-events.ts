import type { Work } from '../db/unit-of-work';
import { topics } from '../jobs/realtime';
import type { TicketRecord } from './ticket.types';

/** Open consoles in the ticket's scope reload it (src/jobs/realtime.ts): the departments it was with, is with, or told. */
export function announce(work: Work, ticket: TicketRecord, action: string, departments: ReadonlyArray<number | null>): void {
  work.publish(topics.tickets, {
    type: 'ticket',
    ticketId: ticket.id,
    number: ticket.number,
    status: ticket.status,
    action,
    departmentIds: [...new Set(departments.filter((id): id is number => id !== null))],
    at: new Date().toISOString(),
  });
}

/** New tickets: the center's lists and 待分拨 reload. */
export function announceCreated(work: Pick<Work, 'publish'>, count: number): void {
  work.publish(topics.center, { type: 'tickets_created', count, at: new Date().toISOString() });
}
