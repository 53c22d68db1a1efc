import type { JobHandlers } from '../jobs/queue';
import type { PeriodicTask } from '../jobs/periodic';
import type { CallbacksService } from './callbacks.service';
import type { KpiService } from './kpis';

export function callbackHandlers(callbacks: CallbacksService): Pick<JobHandlers, 'callback.step' | 'callback.apply'> {
  return {
    'callback.step': ({ callbackId }) => callbacks.step(callbackId),
    'callback.apply': ({ callbackId }) => callbacks.apply(callbackId),
  };
}

/** Callbacks whose next step is due (first question, reminder, next channel) and outcomes not yet carried out. */
export function callbackSweep(callbacks: CallbacksService, everyMs: number): PeriodicTask {
  return { name: 'callback-sweep', everyMs, run: async () => void (await callbacks.sweep()) };
}

/** Rolls finished Beijing days up for the KPI report (kpi_days), and keeps the last week up to date. */
export function kpiRollup(kpis: KpiService): PeriodicTask {
  return { name: 'kpi-rollup', everyMs: 10 * 60_000, run: async () => void (await kpis.rollUpDue()) };
}
