import type { JobHandlers } from '../jobs/queue';
import type { PeriodicTask } from '../jobs/periodic';
import type { ClockService } from './clocks.service';
import type { SlaAlerts } from './sla-alerts';

export function slaHandlers(clocks: ClockService): Pick<JobHandlers, 'sla.alert'> {
  return { 'sla.alert': (payload) => clocks.alertJob(payload) };
}

/** Alerts whose job was lost (Redis flush, a worker killed) are found from Postgres and fired once. */
export function slaSweep(clocks: ClockService, everyMs: number): PeriodicTask {
  return { name: 'sla-sweep', everyMs, run: async () => void (await clocks.sweep()) };
}

/** The supervisors' daily overdue digest, once a day per person. */
export function slaDigest(alerts: SlaAlerts): PeriodicTask {
  return { name: 'sla-digest', everyMs: 5 * 60_000, run: async () => void (await alerts.digest()) };
}
