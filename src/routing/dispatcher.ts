import type { Dispatcher } from '../tickets/ports';
import { assigneeFor } from './assignment';
import { flagEntry } from './catalog.repository';
import { RoutingService } from './routing.service';

/** Routing as the ticket core asks it when it dispatches, reviews a return or transfers. */
export function dispatcher(routing: RoutingService): Dispatcher {
  return {
    advise: (ticket) => routing.decide(RoutingService.inputOf(ticket)),
    assignee: assigneeFor,
    flagEntry,
  };
}
