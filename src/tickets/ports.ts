import type { Queryable, Tx } from '../db/db';
import type { Work } from '../db/unit-of-work';
import type { Actor } from '../shared/roles';
import type { TicketAction } from './ticket-lifecycle';
import type { TicketPatch, TicketRecord } from './ticket.types';

/**
 * The ticket core names none of the modules that follow its changes (SLA clocks, callbacks, 代办
 * orders, triage, notices): each registers a hook in src/app.ts. Hooks run inside the action's
 * transaction, so a change and everything that follows from it commit together or not at all;
 * what they enqueue and the outbox rows they write go out after commit (src/db/unit-of-work.ts).
 */
export interface TicketTransition {
  action: TicketAction;
  actor: Actor;
  before: TicketRecord;
  /** The ticket as the action leaves it (after the write: with the deadlines the hooks cached). */
  after: TicketRecord;
  /** The action's own change, before the hooks add to it. */
  patch: TicketPatch;
  reason: string | null;
  data: Record<string, unknown> | undefined;
  /** The departments the lifecycle rule notifies, when it notifies departments. */
  notifyDepartmentIds: readonly number[];
}

export interface TransitionHook {
  /** Before the ticket row is written; what it returns is written with the action's change (the SLA clocks cache their deadlines). */
  beforeWrite?(work: Work, transition: TicketTransition): Promise<TicketPatch | void>;
  /** After the ticket row and its event are written, in the same transaction. */
  afterWrite?(work: Work, transition: TicketTransition): Promise<void>;
  /** New tickets (by id): what follows them is enqueued once they are written (a batch of creations is one statement; this writes nothing). */
  created?(work: Omit<Work, 'trx'>, ticketIds: readonly number[]): Promise<void>;
}

/** Where the dispatch catalog sends a ticket (src/routing). */
export interface DispatchAdvice {
  outcome: string;
  department: { id: number } | null;
  assistDepartments: ReadonlyArray<{ id: number }>;
  entry: { id: number } | null;
  catalogVersion: number;
  explanation: string[];
}

/** Who in a department takes a ticket, and why (for the timeline). */
export interface AssigneeChoice {
  userId: number | null;
  strategy: string;
  why: string;
}

/** Routing, as the ticket core asks it (src/routing answers). */
export interface Dispatcher {
  advise(ticket: TicketRecord): Promise<DispatchAdvice>;
  /** Who in the department gets the ticket, by the department's strategy (skills match the category or its parent). */
  assignee(trx: Tx, departmentId: number, categoryId: number | null): Promise<AssigneeChoice>;
  /** The catalog sent a ticket to the wrong place (a return upheld): its entry is flagged for correction. */
  flagEntry(trx: Tx, entryId: number, note: string): Promise<void>;
}

/** The 代办 matters a request may name (src/proxy answers). */
export interface MatterCatalog {
  /**
   * The matter, when it exists and may be served that way; otherwise a 400. With `bundles`, a bundle's situation
   * (一件事一次办) may be named too: then `scenarioId` is set and `matterId` is null.
   */
  servable(
    db: Queryable,
    codeOrName: string,
    serviceMode?: string,
    options?: { bundles?: boolean },
  ): Promise<{ matterId: number | null; scenarioId: number | null; name: string }>;
}
