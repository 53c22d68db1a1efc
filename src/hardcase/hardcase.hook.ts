import { notifyUsers } from '../outbox/notifications';
import { dutyOn } from '../org/duty-roster.repository';
import { shanghaiDay } from '../shared/time';
import { hardCaseKindLabels, type HardCaseKind } from '../tickets/hard-case-labels';
import type { TransitionHook } from '../tickets/ports';

/**
 * In the lifecycle's transaction: a new hard case reaches the day's duty leader and staff (值班领导, 值班人员),
 * who dispatch it; a case reported to the county leader in charge reaches them.
 */
export const hardCaseHook: TransitionHook = {
  async afterWrite(work, { action, after: ticket, data, reason }) {
    if (action === 'flag_hard_case') {
      const duty = await dutyOn(work.trx, shanghaiDay(new Date()));
      const people = [...(duty.leader ? [duty.leader] : []), ...duty.staff];
      const kind = hardCaseKindLabels[data?.kind as HardCaseKind] ?? '';
      await notifyUsers(
        work,
        people.map((p) => ({
          userId: p.userId,
          kind: 'hardcase.new',
          ticketId: ticket.id,
          title: `办不成事（${kind}）｜工单 ${ticket.number}`,
          body: `「${ticket.title}」${reason ? `：${reason}` : ''}`,
          path: `/hard-cases`,
          dedupeKey: `hardcase:${ticket.id}`,
        })),
      );
    }
    if (action === 'escalate_hard_case' && typeof data?.leaderUserId === 'number')
      await notifyUsers(work, [
        {
          userId: data.leaderUserId,
          kind: 'hardcase.reported',
          ticketId: ticket.id,
          title: `办不成事报请联办｜工单 ${ticket.number}`,
          body: `「${ticket.title}」${reason ? `：${reason}` : ''}`,
          path: `/tickets/${ticket.id}`,
          dedupeKey: `hardcase-reported:${ticket.id}`,
        },
      ]);
  },
};
