import type { JobHandlers } from '../jobs/queue';
import type { PeriodicTask } from '../jobs/periodic';
import type { ProxyOrders } from './proxy-orders.service';
import type { ProxySteps } from './proxy-steps.service';

export function proxyHandlers(proxy: { orders: ProxyOrders; steps: ProxySteps }): Pick<JobHandlers, 'proxy.assign' | 'proxy.track'> {
  return {
    'proxy.assign': ({ orderId }) => proxy.orders.assign(orderId),
    'proxy.track': ({ orderId }) => proxy.steps.track(orderId),
  };
}

/** Offers not accepted in time go to the next runner; unassigned orders are tried again; posted results are followed; lapsed 容缺 promises are flagged. */
export function proxySweep(proxy: { orders: ProxyOrders; steps: ProxySteps }, everyMs: number): PeriodicTask {
  return {
    name: 'proxy-sweep',
    everyMs,
    run: async () => {
      await proxy.orders.sweepOffers();
      await proxy.steps.sweepDeliveries();
      await proxy.steps.sweepPromises();
    },
  };
}
