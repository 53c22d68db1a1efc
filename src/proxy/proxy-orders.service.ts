import type { Db } from '../db/db';
import { job, type UnitOfWork, type Work } from '../db/unit-of-work';
import type { JobOutcome } from '../jobs/queue';
import { findUserById } from '../auth/users.repository';
import { findContacts } from '../contacts/contacts.repository';
import { piiLens } from '../shared/pii';
import type { OutboxMessage } from '../outbox/message-catalogue';
import { notifyUsers } from '../outbox/notifications';
import type { Outbox } from '../outbox/outbox';
import { AppError, conflict, forbidden, found, invalid, notFound } from '../shared/errors';
import type { UserActor } from '../shared/roles';
import type { TicketsService } from '../tickets/tickets.service';
import { bundleOf, type ServedScenario } from './bundles';
import { materialShortfalls, orderMatter, proxyActor, proxyStepLabels, reaches, recordStep, type ProxyStep } from './order-steps';
import { stepTemplateDefinitions, orderStatusLabels } from './proxy-labels';
import { findDepartmentById } from '../org/departments.repository';
import * as repo from './orders.repository';
import type { OrderRecord, OrderStatus } from './orders.repository';

const assignJob = (orderId: number, suffix: string | number = Date.now()) =>
  job('proxy.assign', { orderId }, { jobId: `proxy-assign-${orderId}-${suffix}` });

/**
 * 代办 orders: assignment (grid coverage → matter skill → least load → round robin), the offer and
 * the runner's acceptance, the seat's or the team head's hand, and the order as its readers see it.
 */
export class ProxyOrders {
  constructor(
    private readonly db: Db,
    private readonly work: UnitOfWork,
    private readonly tickets: TicketsService,
    private readonly outbox: Outbox,
    /** publicUrl: the console's address, for the link in the offer's SMS and work-chat notice. */
    private readonly options: { acceptMinutes: number; publicUrl: string },
  ) {}

  /** The assignment job: the best runner is offered the order; unaccepted in time, it goes to the next. */
  async assign(orderId: number): Promise<JobOutcome> {
    const offered = await this.work.run(async (work) => {
      const order = await repo.lockOrder(work.trx, orderId);
      if (!order || order.status !== 'unassigned') return undefined;
      const runner = await repo.chooseRunner(work.trx, order);
      if (!runner) return undefined;
      await this.offer(work, order, runner);
      return { runner, ticketId: order.ticketId };
    });
    if (!offered) return 'skipped';
    await this.assignTicket(offered.ticketId, offered.runner);
    return 'done';
  }

  private async offer(work: Work, order: OrderRecord, runnerUserId: number): Promise<void> {
    await repo.offerOrder(work.trx, order.id, runnerUserId, this.options.acceptMinutes);
    const { number, title } = await repo.orderTicket(work.trx, order.ticketId);
    await notifyUsers(work, [
      {
        userId: runnerUserId,
        kind: 'proxy.offer',
        ticketId: order.ticketId,
        title: `新代办单 ${number}`,
        body: `「${title}」${order.applicantAddress ?? ''}。请在 ${this.options.acceptMinutes} 分钟内接单。`,
        dedupeKey: `proxy-offer:${order.id}:${runnerUserId}:${Date.now()}`,
      },
    ]);
    // Away from the console too: by SMS to the runner's phone, and in their work chat, with the link into the phone view.
    const runner = await findUserById(work.trx, runnerUserId);
    const link = `${this.options.publicUrl}/runner/orders/${order.id}`;
    const text = `新代办单${number}「${title}」${order.applicantAddress ? `，${order.applicantAddress}` : ''}，请在${this.options.acceptMinutes}分钟内接单`;
    const once = `${order.id}:${runnerUserId}:${Date.now()}`;
    const messages: OutboxMessage[] = [];
    if (runner?.phone)
      messages.push({
        kind: 'staff.alert',
        channel: 'sms',
        recipient: { phone: runner.phone, userId: runnerUserId },
        payload: { ticketId: order.ticketId, text: `【12345】${text}：${link}` },
        ticketId: order.ticketId,
        dedupeKey: `offer-sms:${once}`,
      });
    if (runner?.workChat)
      messages.push({
        kind: 'chat.notice',
        channel: runner.workChat.platform,
        recipient: { userId: runnerUserId },
        payload: { ticketId: order.ticketId, title: `新代办单 ${number}`, text, path: `/runner/orders/${order.id}` },
        ticketId: order.ticketId,
        dedupeKey: `offer-chat:${once}`,
      });
    await this.outbox.write(work, messages);
  }

  /** The ticket goes to the runner offered the order (分配承办人, on its timeline), to sign for when they accept. */
  private async assignTicket(ticketId: number, runnerUserId: number): Promise<void> {
    try {
      await this.tickets.perform(proxyActor, ticketId, 'assign', { userId: runnerUserId, note: '代办单派给跑手' }, { readBack: false });
    } catch (error) {
      // Already theirs, or the ticket moved on: the order itself is what the runner sees.
      if (!(error instanceof AppError)) throw error;
    }
  }

  /** Offers nobody accepted in time go to the next runner (the one who let it lapse is passed over this time). */
  async sweepOffers(): Promise<number> {
    const expired = await repo.expiredOffers(this.db, 200);
    for (const { id } of expired) {
      await this.work.run(async (work) => {
        const order = await repo.lockOrder(work.trx, id);
        if (!order || order.status !== 'offered' || order.offerExpiresAt! > new Date()) return;
        await recordStep(work.trx, order, 'consult', null, '接单超时，改派', { expiredRunnerUserId: order.runnerUserId });
        await repo.unassignOrder(work.trx, id, order.runnerUserId);
        work.enqueue(assignJob(id));
      });
    }
    const unassigned = await repo.unassignedOrders(this.db, 200);
    const minute = Math.floor(Date.now() / 60_000);
    await this.work.run(async (work) => work.enqueue(...unassigned.map(({ id }) => assignJob(id, `sweep-${minute}`))));
    return expired.length;
  }

  /** The runner takes the order; the ticket is signed for in their name. */
  async accept(actor: UserActor, orderId: number): Promise<unknown> {
    const order = await this.order(orderId);
    const refusal = (o: OrderRecord) =>
      o.status !== 'offered'
        ? conflict(`该订单为${orderStatusLabels[o.status] ?? o.status}，不在待接单状态`)
        : o.runnerUserId !== actor.userId
          ? forbidden('该订单已派给其他跑手')
          : undefined;
    const early = refusal(order);
    if (early) throw early;
    // The ticket is signed for first, in the runner's name: if the lifecycle refuses, the order stays offered.
    await this.tickets.perform(actor, order.ticketId, 'sign_for', { note: '跑手接单' }, { readBack: false });
    await this.work.run(async ({ trx }) => {
      const late = refusal(found(await repo.lockOrder(trx, orderId), '代办订单'));
      if (late) throw late;
      await repo.setOrder(trx, orderId, { status: 'accepted' });
    });
    return this.get(actor, orderId);
  }

  async decline(actor: UserActor, orderId: number, reason: string): Promise<{ orderId: number; declined: true }> {
    await this.work.run(async (work) => {
      const order = found(await repo.lockOrder(work.trx, orderId), '代办订单');
      if (order.status !== 'offered' || order.runnerUserId !== actor.userId) throw conflict('只能拒绝派给你的订单');
      await recordStep(work.trx, order, 'consult', actor, `跑手拒单：${reason}`, { declined: true });
      await repo.unassignOrder(work.trx, orderId, actor.userId);
      work.enqueue(assignJob(orderId));
    });
    // No longer theirs to read.
    return { orderId, declined: true };
  }

  /** The seat or the team's head gives the order to a runner — one who covers the grid and knows the matter. */
  async assignTo(actor: UserActor, orderId: number, runnerUserId: number): Promise<unknown> {
    const ticketId = await this.work.run(async (work) => {
      const order = found(await repo.lockOrder(work.trx, orderId), '代办订单');
      if (actor.role === 'dept_head' && actor.departmentId !== order.teamId) throw forbidden('只有承接该订单的跑团负责人可以分配');
      if (!['unassigned', 'offered'].includes(order.status))
        throw conflict(`该订单为${orderStatusLabels[order.status] ?? order.status}，不能再改派`);
      const fits = await repo.chooseRunner(work.trx, { ...order, declinedUserIds: [] }, runnerUserId);
      if (!fits) throw invalid(`跑手 ${runnerUserId} 不是负责申请人所在网格和该事项的在岗跑手（或已满负荷）`);
      await this.offer(work, order, runnerUserId);
      return order.ticketId;
    });
    await this.assignTicket(ticketId, runnerUserId);
    return this.get(actor, orderId);
  }

  /** A runner takes an order nobody holds — only within their grids and matters. */
  async claim(actor: UserActor, orderId: number): Promise<unknown> {
    const ticketId = await this.work.run(async (work) => {
      const order = found(await repo.lockOrder(work.trx, orderId), '代办订单');
      if (order.status !== 'unassigned') throw conflict(`该订单为${orderStatusLabels[order.status] ?? order.status}，不在待派跑手状态`);
      const fits = await repo.chooseRunner(work.trx, { ...order, declinedUserIds: [] }, actor.userId);
      if (!fits) throw forbidden('该订单不在你的网格或事项范围内（或你不在岗、已满负荷）');
      await this.offer(work, order, actor.userId);
      return order.ticketId;
    });
    await this.assignTicket(ticketId, actor.userId);
    return this.accept(actor, orderId);
  }

  async get(actor: UserActor, orderId: number) {
    const order = await this.order(orderId);
    if (!reaches(actor, order)) throw notFound('代办订单');
    const [record, matter, visits, team, contact] = await Promise.all([
      repo.orderRecord(this.db, orderId),
      orderMatter(this.db, order),
      repo.orderVisits(this.db, orderId),
      order.teamId === null ? undefined : findDepartmentById(this.db, order.teamId),
      repo
        .orderTicket(this.db, order.ticketId)
        .then(async ({ contactId }) => (contactId === null ? undefined : (await findContacts(this.db, [contactId]))[0])),
    ]);
    // Whether the applicant is vulnerable (特殊群体): the runner serving them sees it, through the one masking rule.
    const vulnerability = contact ? (piiLens(actor).contact(contact).vulnerability ?? []) : [];
    const template = stepTemplateDefinitions[team?.stepTemplate ?? 'six_steps'];
    const recorded = record.steps as Array<{ step: ProxyStep; actorName: string | null; at: Date }>;
    return {
      ...order,
      matter:
        matter && order.scenarioId === null ? { id: matter.id, code: matter.code, name: matter.name, legalDays: matter.legalDays } : null,
      bundle: matter && 'parts' in matter ? await bundleOf(this.db, order.id, matter as ServedScenario) : null,
      steps: recorded.map((s) => ({ ...s, label: proxyStepLabels[s.step] })),
      // The team's template: each of its steps done (with who and when it was finished) once all it covers are.
      template: {
        code: team?.stepTemplate ?? 'six_steps',
        name: template.name,
        steps: template.steps.map((step) => {
          const last = step.covers.map((c) => recorded.findLast((s) => s.step === c));
          const done = last.every((s) => s !== undefined);
          const finished = done ? last.reduce((a, b) => (a!.at >= b!.at ? a : b)) : undefined;
          return {
            key: step.key,
            label: step.label,
            covers: [...step.covers],
            done,
            at: finished?.at ?? null,
            actorName: finished?.actorName ?? null,
          };
        }),
      },
      applicant: { vulnerability },
      visits,
      mandate: record.mandates.at(-1) ?? null,
      materials: record.materials,
      missing: matter ? (await materialShortfalls(this.db, orderId, matter)).map((m) => m.name) : [],
      delivery: record.delivery ?? null,
    };
  }

  list(actor: UserActor, filter: { status?: OrderStatus; mine?: boolean; limit: number }) {
    const mine = actor.role === 'runner' || actor.role === 'agent' || filter.mine;
    return repo.listOrders(this.db, {
      status: filter.status,
      limit: filter.limit,
      ...(mine ? { runnerUserId: actor.userId } : actor.role === 'dept_head' ? { teamId: actor.departmentId ?? -1 } : {}),
    });
  }

  async order(orderId: number): Promise<OrderRecord> {
    return found(await repo.findOrder(this.db, orderId), '代办订单');
  }
}
