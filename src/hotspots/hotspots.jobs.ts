import type { PeriodicTask } from '../jobs/periodic';
import type { HotspotsService } from './hotspots.service';

/** Every minute each worker asks which windows are due; one claims each (hotspot_rules.every_minutes sets the pace). */
export function hotspotDetection(hotspots: HotspotsService): PeriodicTask {
  return { name: 'hotspot-detection', everyMs: 60_000, run: async () => void (await hotspots.detectDue()) };
}
