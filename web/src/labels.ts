/**
 * The console's words for the API's codes: the hub's own tables (src/tickets), bundled with the
 * console, so that a label is written once for the API, the citizens' texts and the screens.
 */
import { lifecycle } from '../../src/tickets/ticket-lifecycle';

export { requestTypeLabels, ticketStatusLabels as statusLabels, urgencyLabels } from '../../src/tickets/ticket.types';

/** A timeline entry's words: the lifecycle action's label, or one of the entries that are not actions. */
export const eventLabels: Record<string, string> = {
  ...Object.fromEntries(Object.entries(lifecycle).map(([action, rule]) => [action, rule.label])),
  created: '受理',
  citizen_message: '市民补充',
  seat_reply: '坐席回复',
  merge_received: '并入工单',
};
