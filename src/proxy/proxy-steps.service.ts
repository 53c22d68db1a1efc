import { bundleMatterStatusLabels, deliveryOptionLabels, orderStatusLabels } from './proxy-labels';
import { findUserById } from '../auth/users.repository';
import type { Db, Tx } from '../db/db';
import { job, type UnitOfWork, type Work } from '../db/unit-of-work';
import type { JobOutcome } from '../jobs/queue';
import { citizenChannelOf } from '../outbox/message-catalogue';
import { notifyUsers } from '../outbox/notifications';
import type { Outbox } from '../outbox/outbox';
import { AppError, conflict, forbidden, found, invalid } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { UserActor } from '../shared/roles';
import { shanghaiDay } from '../shared/time';
import type { TicketsService } from '../tickets/tickets.service';
import { materialFormLabels, type MandateScope, type Matter } from './matters';
import { materialShortfalls, orderMatter, reaches, recordStep } from './order-steps';
import * as repo from './orders.repository';
import type { OrderRecord, OrderStatus } from './orders.repository';
import type { PostalTracker } from './ports';
import { orderMatters, setOrderMatter, type ServedScenario } from './bundles';

type Read = (actor: UserActor, orderId: number) => Promise<unknown>;

/**
 * The six steps (六步法) of an accepted order: the checklist told once, the mandate, the materials
 * hand-over log and 容缺, the submission, progress for the applicant, and the delivery of the
 * result (tracked by post, or confirmed) — which answers the ticket and starts the callback survey.
 */
export class ProxySteps {
  constructor(
    private readonly db: Db,
    private readonly work: UnitOfWork,
    private readonly outbox: Outbox,
    private readonly tickets: TicketsService,
    private readonly read: Read,
    private readonly logger: Logger,
    private readonly tracker?: PostalTracker,
  ) {}

  /** 咨询告知: what the matter needs, sent once to the applicant as a checklist (一次性告知). */
  async consult(actor: UserActor, orderId: number, note: string | null): Promise<unknown> {
    await this.withOrder(actor, orderId, { seatMay: true }, async (work, order, matter) => {
      if (!matter) throw conflict('该订单还没有代办事项，请由坐席确认（POST /tickets/{id}/set-matter）');
      const list = matter.materials
        .map(
          (m, i) =>
            `${i + 1}.${m.name}（${materialFormLabels[m.form]}${m.count > 1 ? `×${m.count}` : ''}${m.deferrable ? '，可容缺后补' : ''}）`,
        )
        .join('；');
      // 一件事一次办: the situation's matters, and one set of materials for all of them.
      const parts = 'parts' in matter ? (matter as ServedScenario).parts.map((m) => m.name) : [];
      const bundled = parts.length > 0 ? `共${parts.length}个事项（${parts.join('、')}），一套材料一次提交，` : '';
      const text = `【12345】您申请代办的「${matter.name}」${bundled}需准备：${list}。法定办理时限${matter.legalDays}个工作日。${matter.eligibility ? `注意：${matter.eligibility}。` : ''}`;
      await recordStep(work.trx, order, 'consult', actor, note, { checklist: matter.materials.map((m) => m.key) });
      await this.toApplicant(work, order, 'proxy.checklist', text);
    });
    return this.read(actor, orderId);
  }

  /** 授权委托: the applicant's mandate — consent, scope, validity; required before any 代办 action. */
  async mandate(
    actor: UserActor,
    orderId: number,
    input: {
      consent: true;
      scope: MandateScope[];
      validUntil: string;
      signedBy: string;
      method: 'paper' | 'sms' | 'miniprogram' | 'phone_recording';
    },
  ): Promise<unknown> {
    if (input.validUntil < shanghaiDay()) throw invalid('授权有效期（validUntil）不能早于今天');
    await this.withOrder(actor, orderId, {}, async ({ trx }, order) => {
      const { scope, validUntil, signedBy, method } = input;
      await repo.insertMandate(trx, { orderId: order.id, scope, validUntil, signedBy, method, recordedBy: actor.userId });
      await recordStep(trx, order, 'mandate', actor, null, { scope, validUntil, signedBy, method });
    });
    return this.read(actor, orderId);
  }

  /** 帮办代办: one hand-over of one item. An item not on the matter's list is kept as "other" with a note. */
  async handOver(
    actor: UserActor,
    orderId: number,
    input: {
      itemKey: string;
      name?: string;
      form: 'original' | 'copy';
      count: number;
      direction: 'received' | 'submitted' | 'returned';
      place?: string;
      note?: string;
    },
  ): Promise<unknown> {
    await this.withOrder(actor, orderId, { needs: 'collect_materials' }, async ({ trx }, order, matter) => {
      const listed = matter?.materials.find((m) => m.key === input.itemKey);
      const name = listed?.name ?? input.name ?? input.itemKey;
      const note = listed
        ? (input.note ?? null)
        : `不在「${matter?.name ?? '该事项'}」材料清单：${name}${input.note ? `；${input.note}` : ''}`;
      const item = { itemKey: listed ? listed.key : 'other', name, form: input.form, count: input.count, direction: input.direction };
      await repo.insertMaterial(trx, { orderId: order.id, ...item, place: input.place ?? null, note, byUserId: actor.userId });
      await recordStep(trx, order, 'collect', actor, note, { ...item, place: input.place ?? null });
    });
    return this.read(actor, orderId);
  }

  /** 容缺受理: a deferrable item may follow later, on the applicant's promise, by a date. */
  async defer(actor: UserActor, orderId: number, input: { itemKey: string; promisedBy: string; note?: string }): Promise<unknown> {
    if (input.promisedBy < shanghaiDay()) throw invalid('承诺补齐日期（promisedBy）不能早于今天');
    await this.withOrder(actor, orderId, { needs: 'collect_materials' }, async ({ trx }, order, matter) => {
      const item = matter?.materials.find((m) => m.key === input.itemKey);
      if (!item) throw invalid(`“${input.itemKey}”不是该事项的材料`);
      if (!item.deferrable) throw conflict(`「${item.name}」不能容缺后补`);
      await repo.insertMaterial(trx, {
        orderId: order.id,
        itemKey: item.key,
        name: item.name,
        form: item.form === 'copy' ? 'copy' : 'original',
        count: item.count,
        direction: 'deferred',
        promisedBy: input.promisedBy,
        note: input.note ?? null,
        byUserId: actor.userId,
      });
      await recordStep(trx, order, 'collect', actor, input.note ?? null, { deferred: item.key, promisedBy: input.promisedBy });
    });
    return this.read(actor, orderId);
  }

  /**
   * 协调办理: submitted to the handling department with its acceptance number; every required item must be in (or
   * deferred). A bundled order submits each matter on its own (`matterId`), from the one set of materials.
   */
  async submit(actor: UserActor, orderId: number, input: { acceptanceNumber: string; matterId?: number; note?: string }): Promise<unknown> {
    await this.withOrder(actor, orderId, { needs: 'submit', statuses: ['accepted'] }, async (work, order, matter) => {
      if (!matter) throw conflict('该订单还没有代办事项');
      if (order.scenarioId !== null) return this.submitPart(work, actor, order, matter as ServedScenario, input);
      await this.checkMaterials(work.trx, order, matter);
      await repo.setOrder(work.trx, order.id, { status: 'submitted', acceptanceNumber: input.acceptanceNumber });
      await recordStep(work.trx, order, 'coordinate', actor, input.note ?? null, { acceptanceNumber: input.acceptanceNumber });
      await this.toApplicant(
        work,
        order,
        'proxy.progress',
        `【12345】您的「${matter.name}」已代为提交办理，受理号${input.acceptanceNumber}。`,
      );
    });
    return this.read(actor, orderId);
  }

  private async checkMaterials(trx: Tx, order: OrderRecord, matter: Matter): Promise<void> {
    const shortfalls = await materialShortfalls(trx, order.id, matter);
    if (shortfalls.length > 0) {
      const described = shortfalls.map((m) => `${m.name}（需${materialFormLabels[m.form]}×${m.needed}，已收${m.held}）`);
      throw conflict(`材料尚未收齐：${described.join('、')}`, { missing: shortfalls.map((m) => m.name), shortfalls });
    }
  }

  /** One matter of a bundled order goes in; the order is submitted once every matter is. */
  private async submitPart(
    work: Work,
    actor: UserActor,
    order: OrderRecord,
    served: ServedScenario,
    input: { acceptanceNumber: string; matterId?: number; note?: string },
  ): Promise<void> {
    const part = served.parts.find((m) => m.id === input.matterId);
    if (!part) throw invalid(`请指明递交的事项（matterId），可选：${served.parts.map((m) => `${m.id}「${m.name}」`).join('、')}`);
    const state = (await orderMatters(work.trx, order.id)).find((m) => m.matterId === part.id);
    if (state?.status !== 'pending')
      throw conflict(`「${part.name}」${state ? `已是${bundleMatterStatusLabels[state.status]}` : '不在该订单中'}`);
    await this.checkMaterials(work.trx, order, part);
    await setOrderMatter(work.trx, order.id, part.id, {
      status: 'submitted',
      acceptanceNumber: input.acceptanceNumber,
      byUserId: actor.userId,
    });
    await recordStep(work.trx, order, 'coordinate', actor, input.note ?? null, {
      matterId: part.id,
      matter: part.name,
      acceptanceNumber: input.acceptanceNumber,
    });
    if ((await orderMatters(work.trx, order.id)).every((m) => m.status !== 'pending'))
      await repo.setOrder(work.trx, order.id, { status: 'submitted', acceptanceNumber: input.acceptanceNumber });
    await this.toApplicant(
      work,
      order,
      'proxy.progress',
      `【12345】您的「${served.name}」中「${part.name}」已代为提交，受理号${input.acceptanceNumber}。`,
    );
  }

  /** A bundled order's matter has its result (办结 or 不予办理); the order may be delivered once every matter has. */
  async result(actor: UserActor, orderId: number, input: { matterId: number; outcome: 'approved' | 'refused'; note?: string }) {
    await this.withOrder(actor, orderId, { statuses: ['accepted', 'submitted'] }, async (work, order, matter) => {
      if (order.scenarioId === null) throw conflict('只有“一件事一次办”订单按事项登记结果，请直接送达结果');
      const part = (matter as ServedScenario).parts.find((m) => m.id === input.matterId);
      const state = (await orderMatters(work.trx, order.id)).find((m) => m.matterId === input.matterId);
      if (!part || !state) throw invalid(`事项 ${input.matterId} 不属于「${matter!.name}」`);
      if (state.status !== 'submitted')
        throw conflict(`「${part.name}」为${bundleMatterStatusLabels[state.status]}：递交后才能登记结果，且只登记一次`);
      await setOrderMatter(work.trx, order.id, part.id, { status: input.outcome, note: input.note ?? null, byUserId: actor.userId });
      const said = input.outcome === 'approved' ? '已办结' : `不予办理${input.note ? `（${input.note}）` : ''}`;
      await recordStep(work.trx, order, 'feedback', actor, input.note ?? null, {
        matterId: part.id,
        matter: part.name,
        outcome: input.outcome,
      });
      await this.toApplicant(work, order, 'proxy.progress', `【12345】您的「${matter!.name}」中「${part.name}」${said}。`);
    });
    return this.read(actor, orderId);
  }

  /** 跟踪反馈: progress for the applicant at a milestone. */
  async progress(actor: UserActor, orderId: number, text: string): Promise<unknown> {
    await this.withOrder(actor, orderId, { statuses: ['accepted', 'submitted', 'delivering'] }, async (work, order) => {
      await recordStep(work.trx, order, 'feedback', actor, text, null);
      await this.toApplicant(work, order, 'proxy.progress', `【12345】代办进展：${text}`);
    });
    return this.read(actor, orderId);
  }

  /**
   * 评价归档: the result goes to the applicant — handed over from the window, or posted free with a
   * tracking number (followed through the postal adapter). Delivered: the order is done and the
   * ticket answered, which starts the usual callback survey.
   */
  async deliver(
    actor: UserActor,
    orderId: number,
    input: { method: 'window' | 'postal'; trackingNumber?: string; note?: string },
  ): Promise<unknown> {
    const rule = { needs: input.method === 'window' ? ('receive_result' as const) : undefined, statuses: ['submitted' as const] };
    await this.withOrder(actor, orderId, rule, async (work, order, matter) => {
      if (order.scenarioId !== null) {
        const waiting = (await orderMatters(work.trx, order.id)).filter((m) => m.status === 'pending' || m.status === 'submitted');
        if (waiting.length > 0) throw conflict(`以下事项尚无办理结果：${waiting.map((m) => `「${m.name}」`).join('、')}`);
      }
      if (matter && !matter.deliveryOptions.includes(input.method))
        throw invalid(
          `「${matter.name}」的送达方式为${matter.deliveryOptions.map((o) => deliveryOptionLabels[o]).join('或')}，不能${deliveryOptionLabels[input.method]}`,
        );
      if (input.method === 'postal' && !input.trackingNumber) throw invalid('邮寄送达需要填写邮件单号（trackingNumber）');
      await repo.upsertDelivery(work.trx, order.id, input.method, input.trackingNumber ?? null);
      await repo.setOrder(work.trx, order.id, { status: 'delivering' });
      await recordStep(work.trx, order, 'archive', actor, input.note ?? null, {
        method: input.method,
        trackingNumber: input.trackingNumber ?? null,
      });
      if (input.method === 'postal') {
        await this.toApplicant(work, order, 'proxy.progress', `【12345】您的办理结果已免费寄出，邮件号${input.trackingNumber}。`);
        work.enqueue(job('proxy.track', { orderId }, { jobId: `proxy-track-${orderId}-${input.trackingNumber}-0` }));
      }
    });
    if (input.method === 'window') await this.complete(orderId);
    return this.read(actor, orderId);
  }

  /** Follows a posted result; a failed lookup leaves the delivery pending and tries again later. */
  async track(orderId: number): Promise<JobOutcome> {
    const delivery = await repo.findDelivery(this.db, orderId);
    if (!delivery || delivery.status !== 'in_transit' || !delivery.tracking_number || !this.tracker) return 'skipped';
    try {
      const result = await this.tracker.track(delivery.tracking_number);
      if (result.status === 'in_transit') {
        await repo.recordTracking(this.db, delivery, { status: 'in_transit', recheckMinutes: 120 });
        return 'done';
      }
      await repo.recordTracking(this.db, delivery, { status: result.status, deliveredAt: result.at ?? null });
      if (result.status === 'delivered') await this.complete(orderId);
      if (result.status === 'returned') await this.returned(orderId);
      return 'done';
    } catch (error) {
      const recheckMinutes = Math.min(5 * 2 ** delivery.checks, 240);
      await repo.recordTracking(this.db, delivery, { status: delivery.status, error: (error as Error).message, recheckMinutes });
      this.logger.warn({ err: error, orderId }, 'postal tracking failed; the delivery stays pending and is checked again');
      return 'done';
    }
  }

  /** 容缺 promises past their date with the item still not in: the runner is reminded, once per item. */
  sweepPromises(): Promise<number> {
    return repo.remindLapsedPromises(this.db);
  }

  /** The post brought the result back: the order waits for the runner to deliver it again, and they are told. */
  private async returned(orderId: number): Promise<void> {
    await this.work.run(async (work) => {
      const trx = work.trx;
      const order = await repo.lockOrder(trx, orderId);
      if (!order || order.status !== 'delivering') return;
      await repo.setOrder(trx, orderId, { status: 'submitted' });
      await recordStep(trx, order, 'feedback', null, '邮件被退回，需重新送达', null);
      if (order.runnerUserId !== null) {
        await notifyUsers(work, [
          {
            userId: order.runnerUserId,
            kind: 'proxy.returned',
            ticketId: order.ticketId,
            title: '代办结果邮件被退回',
            body: '请联系申请人核对地址后重新寄送，或改为窗口领取。',
            dedupeKey: `proxy-returned:${orderId}:${Date.now()}`,
          },
        ]);
      }
    });
  }

  /** Deliveries due for a tracking check (their job lost, or waiting between checks): one job per parcel and check. */
  async sweepDeliveries(): Promise<number> {
    const due = await repo.dueDeliveries(this.db, 200);
    await this.work.run(async (work) =>
      work.enqueue(
        ...due.map((d) =>
          job('proxy.track', { orderId: d.order_id }, { jobId: `proxy-track-${d.order_id}-${d.tracking_number}-${d.checks}` }),
        ),
      ),
    );
    return due.length;
  }

  /** Without a tracking API, the runner or the seat confirms that the posted result arrived. */
  async confirmDelivered(actor: UserActor, orderId: number): Promise<unknown> {
    const order = found(await repo.findOrder(this.db, orderId), '代办订单');
    if (!reaches(actor, order)) throw forbidden('该订单属于其他跑手');
    if ((await repo.confirmDelivery(this.db, orderId)) === 0) throw conflict('该订单没有在途的邮寄结果');
    await this.complete(orderId);
    return this.read(actor, orderId);
  }

  /** The order is done: the runner's answer goes on the ticket (答复), and the callback survey follows. */
  private async complete(orderId: number): Promise<void> {
    const order = found(await repo.findOrder(this.db, orderId), '代办订单');
    if (order.status === 'done') return;
    await repo.setOrder(this.db, orderId, { status: 'done' }, { notStatus: 'done' });
    const runner = order.runnerUserId === null ? undefined : await findUserById(this.db, order.runnerUserId);
    const matter = await orderMatter(this.db, order);
    if (!runner) return;
    const { id: userId, username, displayName, role, departmentId } = runner;
    const actor: UserActor = { kind: 'user', userId, username, displayName, role, departmentId, via: 'job' };
    const parts = order.scenarioId === null ? [] : await orderMatters(this.db, order.id);
    const numbers =
      parts.length > 0 ? parts.map((m) => `${m.name}${m.status === 'refused' ? '不予办理' : m.acceptanceNumber}`).join('、') : null;
    const text = `「${matter?.name ?? '代办事项'}」已代办完成，结果已送达申请人（受理号${numbers ?? order.acceptanceNumber ?? '—'}）。`;
    try {
      await this.tickets.perform(actor, order.ticketId, 'reply', { text, result: 'solved', photoIds: [] }, { readBack: false });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      this.logger.warn({ err: error, orderId }, 'the finished order could not answer its ticket');
    }
  }

  /**
   * A step on an order, under its lock: only the runner it belongs to (the seat too, where
   * `seatMay`), in an allowed status, with a valid mandate of the needed scope.
   */
  private async withOrder(
    actor: UserActor,
    orderId: number,
    rule: { seatMay?: boolean; needs?: MandateScope; statuses?: OrderStatus[] },
    step: (work: Work, order: OrderRecord, matter: Matter | undefined) => Promise<void>,
  ): Promise<void> {
    await this.work.run(async (work) => {
      const order = found(await repo.lockOrder(work.trx, orderId), '代办订单');
      const seat = rule.seatMay && ['proxy_seat', 'operator', 'admin'].includes(actor.role);
      if (!seat && order.runnerUserId !== actor.userId) throw forbidden('该订单属于其他跑手：只有接单的跑手可以办理');
      const statuses = rule.statuses ?? ['accepted', 'submitted', 'delivering'];
      if (!seat && !statuses.includes(order.status))
        throw conflict(
          `该订单为${orderStatusLabels[order.status] ?? order.status}；此操作只适用于：${statuses.map((s) => orderStatusLabels[s] ?? s).join('、')}`,
        );
      if (rule.needs) await this.checkMandate(work.trx, order, rule.needs);
      await step(work, order, await orderMatter(work.trx, order));
    });
  }

  private async checkMandate(trx: Tx, order: OrderRecord, needs: MandateScope): Promise<void> {
    const mandate = await repo.validMandate(trx, order.id, shanghaiDay());
    if (!mandate) throw conflict('申请人没有有效的授权委托，请先登记授权再代为办理');
    if (!mandate.scope.includes(needs)) throw conflict(`申请人的授权委托不包括：${needs}`);
  }

  /** An SMS (or mini-program message) to the applicant, on the ticket's contact. */
  private async toApplicant(work: Work, order: OrderRecord, kind: string, text: string): Promise<void> {
    const ticket = await repo.orderTicket(work.trx, order.ticketId);
    if (!ticket?.contactId) return;
    await this.outbox.write(work, [
      {
        kind: 'citizen.chat_reply',
        channel: citizenChannelOf(ticket.channel),
        recipient: { contactId: ticket.contactId },
        payload: { ticketId: order.ticketId, text: text.replace(/^【12345】/, ''), proxyKind: kind },
        ticketId: order.ticketId,
        dedupeKey: `${kind}:${order.id}:${Date.now()}`,
      },
    ]);
  }
}
