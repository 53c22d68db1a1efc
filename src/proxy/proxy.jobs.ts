import type { JobHandlers } from '../jobs/queue';
import type { PeriodicTask } from '../jobs/periodic';
import type { ProxyService } from './proxy.service';

export function proxyHandlers(proxy: ProxyService): Pick<JobHandlers, 'proxy.assign' | 'proxy.track'> {
  return {
    'proxy.assign': ({ orderId }) => proxy.assign(orderId),
    'proxy.track': ({ orderId }) => proxy.track(orderId),
  };
}

/** Offers not accepted in time go to the next runner; unassigned orders are tried again; posted results are followed; lapsed 容缺 promises are flagged. */
export function proxySweep(proxy: ProxyService, everyMs: number): PeriodicTask {
  return {
    name: 'proxy-sweep',
    everyMs,
    run: async () => {
      await proxy.sweepOffers();
      await proxy.sweepDeliveries();
      await proxy.sweepPromises();
    },
  };
}
