import type { PeriodicTask } from '../jobs/periodic';
import type { HardCaseService } from './hardcase.service';

/** 多途径发现: every 10 minutes the hub looks for late 代办 orders and tickets and unsatisfied callbacks (once each). */
export function hardCaseDiscovery(hardCases: HardCaseService): PeriodicTask {
  return { name: 'hard-case-discovery', everyMs: 10 * 60_000, run: async () => void (await hardCases.discover()) };
}
