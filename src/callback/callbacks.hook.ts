import { job } from '../db/unit-of-work';
import type { TransitionHook } from '../tickets/ports';
import { cancelOpenCallbacks, readCallbackSettings, scheduleCallback } from './callbacks.repository';

/**
 * In the lifecycle's transaction: a reply (答复) schedules the callback (回访) of this handling
 * cycle; a reopen, close, cancel, merge or direct resolution ends any callback still open.
 */
export const callbackHook: TransitionHook = {
  async afterWrite(work, { action, after: ticket }) {
    const trx = work.trx;
    if (action === 'reply') {
      const settings = await readCallbackSettings(trx);
      const callbackId = await scheduleCallback(trx, ticket, settings.delayMinutes);
      // Without a delay the survey starts once the reply has committed, not at the next sweep.
      if (callbackId !== undefined && settings.delayMinutes === 0) work.enqueue(job('callback.step', { callbackId }));
    } else if (['reopen', 'close', 'cancel', 'merge', 'resolve_directly'].includes(action)) {
      await cancelOpenCallbacks(trx, ticket.id);
    }
  },
};
