import type { JobHandlers } from '../jobs/queue';
import type { PeriodicTask } from '../jobs/periodic';
import type { NotifyService } from './notify.service';

export function notifyHandlers(notify: NotifyService): Pick<JobHandlers, 'notify.deliver'> {
  return { 'notify.deliver': ({ outboxIds }) => notify.deliver(outboxIds) };
}

export function outboxRelay(notify: NotifyService, everyMs: number): PeriodicTask {
  return { name: 'outbox-relay', everyMs, run: async () => void (await notify.sweep()) };
}
