import { AppError, fromDatabaseError } from '../shared/errors';
import type { Actor, SystemActor, UserActor } from '../shared/roles';
import type { TicketAction } from './ticket-lifecycle';
import type { ActionBody, CreateTicketInput } from './ticket.schemas';
import type { TicketDetail } from './ticket-view';
import type { TicketsService } from './tickets.service';

/**
 * Creates a ticket and performs one action on it at once (the seat's `then`, a proactive or a courier's 代办 order
 * dispatched), before the classifier is asked: its automatic dispatch cannot overtake the action. A refusal, the
 * lifecycle's or the database's, leaves the ticket as created and is answered; any other error is thrown.
 */
export async function createThen<A extends TicketAction>(
  tickets: TicketsService,
  creator: UserActor | SystemActor,
  input: CreateTicketInput,
  then: { action: A; body: ActionBody<A>; by?: Actor },
): Promise<{ ticket: TicketDetail; refused: AppError | null }> {
  let refused: AppError | null = null;
  const ticket = await tickets.create(creator, input, async (ticketId) => {
    try {
      await tickets.perform(then.by ?? creator, ticketId, then.action, then.body, { readBack: false });
    } catch (error) {
      refused = error instanceof AppError ? error : (fromDatabaseError(error) ?? null);
      if (!refused) throw error;
    }
  });
  return { ticket, refused };
}
