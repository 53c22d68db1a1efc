import { job } from '../db/unit-of-work';
import { findDepartmentById } from '../org/departments.repository';
import type { MatterCatalog, TransitionHook } from '../tickets/ports';
import { servableMatter, type Matter } from './matters';
import { cancelOpenOrder, orderSourceOf, setOrderServiceMode, upsertOrderForTeam } from './orders.repository';

/**
 * In the lifecycle's transaction: a 代办 ticket in the hands of a runner team (跑团) gets its
 * order, to be offered to a runner after commit; a move to another team re-assigns it; a
 * cancelled or merged ticket cancels it.
 */
export const proxyHook: TransitionHook = {
  async afterWrite(work, { action, after: ticket, data }) {
    if (ticket.requestType !== 'proxy') return;
    const trx = work.trx;
    if (action === 'cancel' || action === 'merge') return cancelOpenOrder(trx, ticket.id);
    if (action === 'set_matter' && typeof data?.serviceMode === 'string') await setOrderServiceMode(trx, ticket.id, data.serviceMode);
    if (!['dispatch', 'transfer', 'review_return', 'set_matter'].includes(action) || ticket.leadDepartmentId === null) return;
    const team = await findDepartmentById(trx, ticket.leadDepartmentId);
    if (team?.kind !== 'runner_team') return;
    const source = await orderSourceOf(trx, ticket.id);
    const order = await upsertOrderForTeam(trx, {
      ticketId: ticket.id,
      matterId: source.matterId,
      serviceMode: source.detail?.serviceMode ?? 'full_proxy',
      address: source.detail?.applicantAddress ?? ticket.address,
      regionId: ticket.regionId,
      teamId: ticket.leadDepartmentId,
    });
    if (order?.status === 'unassigned')
      work.enqueue(job('proxy.assign', { orderId: order.id }, { jobId: `proxy-assign-${order.id}-${Date.now()}` }));
  },
};

/** The 代办 matters, as the ticket core checks a request's. */
export const matterCatalog: MatterCatalog = {
  servable: (db, codeOrName, serviceMode) => servableMatter(db, codeOrName, serviceMode as Matter['serviceModes'][number] | undefined),
};
