import type { TransitionHook } from '../tickets/ports';
import { cancelOpenCallbacks, readCallbackSettings, scheduleCallback } from './callbacks.repository';

/**
 * In the lifecycle's transaction: a reply (答复) schedules the callback (回访) of this handling
 * cycle; a reopen, close, cancel, merge or direct resolution ends any callback still open.
 */
export const callbackHook: TransitionHook = {
  async afterWrite({ trx }, { action, after: ticket }) {
    if (action === 'reply') {
      const settings = await readCallbackSettings(trx);
      await scheduleCallback(trx, ticket, settings.delayMinutes);
    } else if (['reopen', 'close', 'cancel', 'merge', 'resolve_directly'].includes(action)) {
      await cancelOpenCallbacks(trx, ticket.id);
    }
  },
};
