// The events of the realtime bus (src/jobs/realtime.ts), as the mini-program and the staff console receive them.

/** What a citizen's open mini-program session is told at once: a new message for them, or a ticket's new status. */
export interface CitizenEvent {
  /** survey: a callback question, shown as a card the citizen answers in the chat. */
  type: 'message' | 'ticket' | 'survey';
  callbackId?: number;
  step?: string;
  ticketId?: number;
  number?: string;
  status?: string;
  text?: string;
  at: string;
}

/**
 * What the staff console is told at once. Hints to reload, never the record itself: a console
 * refetches through the API, which applies the user's scope and the masking rule. The one
 * exception is a call offered to a seat, which carries the caller's number (seats are center roles).
 */
export type StaffEvent =
  /** A ticket changed: its departments (lead before and after, those notified) let a socket keep to its user's scope. */
  | { type: 'ticket'; ticketId: number; number: string; status: string; action: string; departmentIds: number[]; at: string }
  /** New tickets (operators', citizens'): the center's lists and 待分拨. */
  | { type: 'tickets_created'; count: number; at: string }
  /** A queue of the center changed: a conversation waits for a person, a missed call to return. */
  | { type: 'queue'; queue: 'conversations' | 'callback_tasks'; at: string }
  /** One person has a new in-app notification (SLA alert, a 代办 offer). */
  | { type: 'notification'; at: string }
  /** A caller waits for a person (IVR "0 人工", or the call-center switch): offered to the on-duty seats. */
  | { type: 'call'; callId: string; phone: string | null; menu: string | null; source: 'ivr' | 'switch'; at: string };

export type RealtimeEvent = CitizenEvent | StaffEvent;
