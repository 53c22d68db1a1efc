import type { TicketAction } from '../tickets/ticket-lifecycle';
import type { Stage } from './sla-rules';

/**
 * What each lifecycle action does to the stage clocks, in one table. "lead" clocks are the
 * ticket's own (the lead department's, or the center's before dispatch and after the reply);
 * "assist" clocks belong to one co-handling (协办) department's assignment.
 */
export type ClockOp =
  | { op: 'start'; stage: Stage; of: 'lead' | 'new_assists' }
  | { op: 'stop'; stages: readonly Stage[]; of: 'lead' | 'acting_assist' }
  | { op: 'cancel'; stages: readonly Stage[] | 'all'; of: 'lead' | 'released_assist' | 'all' }
  | { op: 'pause' }
  | { op: 'resume' }
  /** An approved extension (延期) or a supervisor's deadline (督办) moves the reply deadline. */
  | { op: 'move_reply'; kind: 'extend' | 'retarget' }
  /** Urgency, category or request type changed: limits not set by hand follow the new policy. */
  | { op: 'replan' }
  /**
   * The dispatch clock (受理→派单), started from the ticket's creation time by the first action on it
   * (the classifier's, usually within milliseconds): creation itself stays one fast statement.
   */
  | { op: 'start_dispatch' };

const handlingStages = ['sign_for', 'first_contact'] as const;

export const clockTransitions: Partial<Record<TicketAction, readonly ClockOp[]>> = {
  classify: [{ op: 'start_dispatch' }, { op: 'replan' }],
  triage: [{ op: 'start_dispatch' }],
  categorize: [{ op: 'start_dispatch' }, { op: 'replan' }],
  dispatch: [
    { op: 'start_dispatch' },
    { op: 'stop', stages: ['dispatch'], of: 'lead' },
    { op: 'start', stage: 'sign_for', of: 'lead' },
    { op: 'start', stage: 'reply', of: 'lead' },
    { op: 'start', stage: 'sign_for', of: 'new_assists' },
    { op: 'start', stage: 'reply', of: 'new_assists' },
  ],
  sign_for: [
    { op: 'stop', stages: ['sign_for'], of: 'lead' },
    { op: 'start', stage: 'first_contact', of: 'lead' },
  ],
  // The citizen keeps waiting through a return: the reply clock runs on; the department's own clocks end.
  return: [{ op: 'cancel', stages: handlingStages, of: 'lead' }],
  review_return: [{ op: 'start', stage: 'sign_for', of: 'lead' }],
  transfer: [
    { op: 'cancel', stages: handlingStages, of: 'lead' },
    { op: 'start', stage: 'sign_for', of: 'lead' },
  ],
  add_assist: [
    { op: 'start', stage: 'sign_for', of: 'new_assists' },
    { op: 'start', stage: 'reply', of: 'new_assists' },
  ],
  assist_sign_for: [{ op: 'stop', stages: ['sign_for'], of: 'acting_assist' }],
  assist_report: [{ op: 'stop', stages: ['sign_for', 'reply'], of: 'acting_assist' }],
  release_assist: [{ op: 'cancel', stages: 'all', of: 'released_assist' }],
  contact_citizen: [{ op: 'stop', stages: ['first_contact'], of: 'lead' }],
  // The answer reaches the citizen: contact made, reply given; the center's callback (回访) clock starts.
  reply: [
    { op: 'stop', stages: ['sign_for', 'first_contact', 'reply'], of: 'lead' },
    { op: 'start', stage: 'callback', of: 'lead' },
  ],
  decide_extension: [{ op: 'move_reply', kind: 'extend' }],
  supervise: [{ op: 'move_reply', kind: 'retarget' }],
  pause_clocks: [{ op: 'pause' }],
  resume_clocks: [{ op: 'resume' }],
  resolve_directly: [{ op: 'start_dispatch' }, { op: 'stop', stages: ['dispatch'], of: 'lead' }],
  close: [{ op: 'stop', stages: ['callback'], of: 'lead' }],
  cancel: [{ op: 'cancel', stages: 'all', of: 'all' }],
  merge: [{ op: 'cancel', stages: 'all', of: 'all' }],
  set_matter: [{ op: 'replan' }],
  // 办不成事: the window's chief representative on site, the department head on site, an answer — each a clock.
  flag_hard_case: [
    { op: 'start', stage: 'hard_onsite_rep', of: 'lead' },
    { op: 'start', stage: 'hard_onsite_head', of: 'lead' },
    { op: 'start', stage: 'hard_answer', of: 'lead' },
  ],
  hard_case_rep_onsite: [{ op: 'stop', stages: ['hard_onsite_rep'], of: 'lead' }],
  hard_case_head_onsite: [{ op: 'stop', stages: ['hard_onsite_head'], of: 'lead' }],
  hard_case_answer: [{ op: 'stop', stages: ['hard_onsite_rep', 'hard_onsite_head', 'hard_answer'], of: 'lead' }],
  // The departments the county leader dispatches work on it as assisting departments, on their own clocks.
  joint_dispatch: [
    { op: 'start', stage: 'sign_for', of: 'new_assists' },
    { op: 'start', stage: 'reply', of: 'new_assists' },
  ],
  // Back from an automatic answer: the center dispatches it now, on a new clock from the citizen's request for a person.
  hand_to_person: [{ op: 'start', stage: 'dispatch', of: 'lead' }],
  // A reopened ticket (重办) is handled again on new clocks.
  reopen: [
    { op: 'cancel', stages: 'all', of: 'all' },
    { op: 'start', stage: 'sign_for', of: 'lead' },
    { op: 'start', stage: 'reply', of: 'lead' },
  ],
};
