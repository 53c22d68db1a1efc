import type { TransitionHook } from '../tickets/ports';
import { callbackTransition } from './callbacks.service';

/** A reply schedules the callback (回访); reopening, closing, cancelling or merging ends one still open. */
export const callbackHook: TransitionHook = {
  afterWrite: (work, t) => callbackTransition(work.trx, t.action, t.after),
};
