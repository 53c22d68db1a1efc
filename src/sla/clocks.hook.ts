import type { TransitionHook } from '../tickets/ports';
import type { ClockService } from './clocks.service';

/**
 * The stage clocks follow every action (src/sla/clock-transitions.ts), in its transaction; the
 * deadlines they leave are cached on the ticket in the same write as the action's change, and
 * their alerts are scheduled once it has committed.
 */
export function clockHook(clocks: ClockService): TransitionHook {
  return {
    async beforeWrite(work, t) {
      const planned = await clocks.onTransition(work.trx, {
        action: t.action,
        ticket: t.after,
        actor: t.actor,
        reason: t.reason,
        data: t.data,
        replyDueAt: t.patch.replyDueAt,
      });
      if (planned.now) clocks.schedule(work, planned.alerts, planned.now);
      return planned.deadlines;
    },
  };
}
