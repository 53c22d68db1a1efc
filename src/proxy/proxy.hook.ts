import { job, type Work } from '../db/unit-of-work';
import { findDepartmentById } from '../org/departments.repository';
import { notifyUsers } from '../outbox/notifications';
import { conflict } from '../shared/errors';
import type { MatterCatalog, TransitionHook } from '../tickets/ports';
import type { TicketRecord } from '../tickets/ticket.types';
import { findScenario, servableScenario, syncOrderMatters } from './bundles';
import { servableMatter, type Matter } from './matters';
import { cancelOpenOrder, orderSourceOf, setOrderServiceMode, upsertFollowUpOrder, upsertOrderForTeam } from './orders.repository';

/**
 * In the lifecycle's transaction: a 代办 ticket in the hands of a runner team (跑团) gets its
 * order, to be offered to a runner after commit; a move to another team re-assigns it; a
 * cancelled or merged ticket cancels it. A hard case not finished on site (any ticket) becomes an order
 * under the window's chief representative.
 */
export const proxyHook: TransitionHook = {
  async afterWrite(work, { action, after: ticket, data }) {
    if (action === 'hard_case_to_proxy') return followUp(work, ticket, data as unknown as FollowUp);
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
      scenarioId: source.scenarioId,
      serviceMode: source.detail?.serviceMode ?? 'full_proxy',
      address: source.detail?.applicantAddress ?? ticket.address,
      regionId: ticket.regionId,
      teamId: ticket.leadDepartmentId,
    });
    // A bundle's situation: one submission and one result for each of its matters.
    const scenario = source.scenarioId === null ? undefined : await findScenario(trx, { id: source.scenarioId });
    if (order && (source.scenarioId !== null || source.matterId !== null)) await syncOrderMatters(trx, order.id, scenario?.matterIds ?? []);
    if (order?.status === 'unassigned')
      work.enqueue(job('proxy.assign', { orderId: order.id }, { jobId: `proxy-assign-${order.id}-${Date.now()}` }));
  },
};

interface FollowUp {
  representativeUserId: number;
  matterId: number;
  matter: string;
  serviceMode: string;
}

/** The hard case's 帮代办 order, accepted in the chief representative's name; they are told. */
async function followUp(work: Work, ticket: TicketRecord, data: FollowUp) {
  const order = await upsertFollowUpOrder(work.trx, {
    ticketId: ticket.id,
    matterId: data.matterId,
    serviceMode: data.serviceMode,
    address: ticket.address,
    regionId: ticket.regionId,
    teamId: ticket.leadDepartmentId!,
    representativeUserId: data.representativeUserId,
  });
  if (!order) throw conflict('该工单的代办订单已办结或已取消');
  await notifyUsers(work, [
    {
      userId: data.representativeUserId,
      kind: 'proxy.follow_up',
      ticketId: ticket.id,
      title: `办不成事转帮代办 ${ticket.number}`,
      body: `现场未办结的「${data.matter}」由您作为首席代表帮代办，办不成事窗口全程跟踪至办结。`,
      dedupeKey: `proxy-follow-up:${order.id}`,
    },
  ]);
}

/** The 代办 matters, as the ticket core checks a request's. */
export const matterCatalog: MatterCatalog = {
  async servable(db, codeOrName, serviceMode, options) {
    const mode = serviceMode as Matter['serviceModes'][number] | undefined;
    const scenario = options?.bundles ? await servableScenario(db, codeOrName, mode) : undefined;
    if (scenario) return { matterId: null, scenarioId: scenario.id, name: scenario.name };
    const matter = await servableMatter(db, codeOrName, mode);
    return { matterId: matter.id, scenarioId: null, name: matter.name };
  },
};
