import { citizenChannelOf } from '../outbox/message-catalogue';
import type { UserActor } from '../shared/roles';
import { findUserById } from '../auth/users.repository';
import type { Db, Queryable, Tx } from '../db/db';
import type { JobOutcome, JobQueue } from '../jobs/queue';
import type { NotifyService } from '../notify/notify.service';
import { insertOutbox, type NewOutboxMessage } from '../outbox/outbox.repository';
import { AppError, conflict, forbidden, found, invalid, notFound } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { shanghaiDay } from '../shared/time';
import type { SlaConfigService } from '../sla/sla-config.service';
import type { TicketsService } from '../tickets/tickets.service';
import { materialFormLabels, matterColumns, matterRow, type MandateScope, type Matter, type MatterInput } from './matters';
import type { PostalTracker } from './ports';

export type OrderStatus = 'unassigned' | 'offered' | 'accepted' | 'submitted' | 'delivering' | 'done' | 'cancelled';
export type ProxyStep = 'consult' | 'mandate' | 'collect' | 'coordinate' | 'feedback' | 'archive';
export const proxyStepLabels: Record<ProxyStep, string> = {
  consult: '咨询告知',
  mandate: '授权委托',
  collect: '帮办代办',
  coordinate: '协调办理',
  feedback: '跟踪反馈',
  archive: '评价归档',
};

export interface OrderRecord {
  id: number;
  ticketId: number;
  matterId: number | null;
  serviceMode: 'remote_guidance' | 'home_assistance' | 'full_proxy';
  applicantAddress: string | null;
  regionId: number | null;
  teamId: number | null;
  runnerUserId: number | null;
  status: OrderStatus;
  offeredAt: Date | null;
  offerExpiresAt: Date | null;
  declinedUserIds: number[];
  acceptedAt: Date | null;
  acceptanceNumber: string | null;
  submittedAt: Date | null;
  doneAt: Date | null;
  dueAt: Date | null;
  createdAt: Date;
}

const orderColumns = {
  id: 'o.id',
  ticketId: 'o.ticket_id',
  matterId: 'o.matter_id',
  serviceMode: 'o.service_mode',
  applicantAddress: 'o.applicant_address',
  regionId: 'o.region_id',
  teamId: 'o.team_id',
  runnerUserId: 'o.runner_user_id',
  status: 'o.status',
  offeredAt: 'o.offered_at',
  offerExpiresAt: 'o.offer_expires_at',
  declinedUserIds: 'o.declined_user_ids',
  acceptedAt: 'o.accepted_at',
  acceptanceNumber: 'o.acceptance_number',
  submittedAt: 'o.submitted_at',
  doneAt: 'o.done_at',
  dueAt: 'o.due_at',
  createdAt: 'o.created_at',
} as const satisfies Record<keyof OrderRecord, string>;

const proxyActor = { kind: 'system' as const, name: 'proxy' };

export interface ProxyReportRow {
  key: string;
  name: string;
  orders: number;
  done: number;
  onTime: number;
  onTimeRate: number | null;
  cancelled: number;
  tripsSaved: number;
  materialsOutstanding: number;
}

/**
 * 帮办代办: the matters catalog, runners and their grids, and the orders — assignment (grid
 * coverage → matter skill → least load → round robin), the runner's acceptance, and the six
 * steps (六步法) with the mandate, the materials hand-over log, 容缺, and the delivery of the result.
 */
export class ProxyService {
  constructor(
    private readonly db: Db,
    private readonly queue: JobQueue,
    private readonly notify: NotifyService,
    private readonly tickets: TicketsService,
    private readonly slaConfig: SlaConfigService,
    private readonly logger: Logger,
    private readonly options: { acceptMinutes: number; tracker?: PostalTracker },
  ) {}

  // The matters catalog

  listMatters(): Promise<Matter[]> {
    return this.db('proxy_matters').select(matterColumns).orderBy('id');
  }

  async getMatter(id: number): Promise<Matter> {
    return found(await this.db('proxy_matters').select(matterColumns).where({ id }).first<Matter | undefined>(), 'matter');
  }

  /** A matter and its legal time limit, which becomes the SLA policy of its 代办 tickets' reply. */
  async createMatter(input: MatterInput): Promise<Matter> {
    await this.checkDepartment(input.departmentId);
    const [row] = await this.db('proxy_matters').insert(matterRow(input)).returning<Array<{ id: number }>>('id');
    await this.syncPolicy(input.name, input.legalDays);
    return this.getMatter(row!.id);
  }

  async updateMatter(id: number, patch: Partial<MatterInput>): Promise<Matter> {
    const current = await this.getMatter(id);
    if (patch.departmentId !== undefined) await this.checkDepartment(patch.departmentId);
    if (patch.name !== undefined && patch.name !== current.name)
      throw invalid('a matter keeps its name (tickets and policies name it); create a new matter instead');
    await this.db('proxy_matters')
      .update({ ...matterRow(patch), updated_at: this.db.fn.now() })
      .where({ id });
    if (patch.legalDays !== undefined) await this.syncPolicy(current.name, patch.legalDays);
    return this.getMatter(id);
  }

  private async checkDepartment(departmentId: number | null): Promise<void> {
    if (departmentId !== null && !(await this.db('departments').where({ id: departmentId, active: true }).first('id')))
      throw invalid(`department ${departmentId} does not exist or is inactive`);
  }

  /** One reply policy per matter: its legal limit in working days. */
  private async syncPolicy(matter: string, legalDays: number): Promise<void> {
    const existing = (await this.slaConfig.listPolicies()).find(
      (p) => p.stage === 'reply' && p.matter === matter && p.requestType === null && p.urgency === null && p.categoryId === null,
    );
    const policy = {
      name: `代办：${matter}（法定时限）`,
      stage: 'reply' as const,
      requestType: null,
      urgency: null,
      categoryId: null,
      matter,
      amount: legalDays,
      unit: 'working_days' as const,
      priority: 40,
    };
    if (existing) await this.slaConfig.updatePolicy(existing.id, policy);
    else await this.slaConfig.createPolicy(policy);
  }

  // Runners

  async listRunners(teamId?: number) {
    const query = this.db('users as u')
      .leftJoin('runners as r', 'r.user_id', 'u.id')
      .select({
        userId: 'u.id',
        displayName: 'u.display_name',
        teamId: 'u.department_id',
        onDuty: 'u.on_duty',
        capacity: 'u.capacity',
        kind: this.db.raw("coalesce(r.kind, 'runner')"),
        gridRegionIds: this.db.raw("coalesce(r.grid_region_ids, '{}')"),
        matterIds: this.db.raw("coalesce(r.matter_ids, '{}')"),
        openOrders: this.db.raw(
          `(select count(*)::int from proxy_orders o where o.runner_user_id = u.id and o.status in ('offered', 'accepted', 'submitted', 'delivering'))`,
        ),
      })
      .where({ 'u.role': 'runner', 'u.active': true })
      .orderBy('u.id');
    if (teamId) query.where('u.department_id', teamId);
    return query;
  }

  /** A runner's grids (villages, communities, postal areas, or a whole township) and trained matters. The team's head or an admin sets them. */
  async setRunner(
    actor: UserActor,
    userId: number,
    input: { kind: 'runner' | 'agent' | 'grid_worker' | 'postal'; gridRegionIds: number[]; matterIds: number[] },
  ) {
    const user = await findUserById(this.db, userId);
    if (!user || user.role !== 'runner') throw notFound('runner');
    if (actor.role !== 'admin' && !(actor.role === 'dept_head' && actor.departmentId === user.departmentId))
      throw forbidden('only an admin or the head of the runner’s team sets a runner’s grids and matters');
    const regions = await this.db('regions').whereIn('id', input.gridRegionIds).pluck('id');
    const missingRegions = input.gridRegionIds.filter((id) => !regions.includes(id));
    if (missingRegions.length > 0) throw invalid(`region(s) ${missingRegions.join(', ')} do not exist`);
    const matters = await this.db('proxy_matters').whereIn('id', input.matterIds).pluck('id');
    const missingMatters = input.matterIds.filter((id) => !matters.includes(id));
    if (missingMatters.length > 0) throw invalid(`matter(s) ${missingMatters.join(', ')} do not exist`);
    await this.db('runners')
      .insert({ user_id: userId, kind: input.kind, grid_region_ids: input.gridRegionIds, matter_ids: input.matterIds })
      .onConflict('user_id')
      .merge({ kind: input.kind, grid_region_ids: input.gridRegionIds, matter_ids: input.matterIds, updated_at: this.db.fn.now() });
    return (await this.listRunners()).find((r: { userId: number }) => r.userId === userId);
  }

  // Orders: assignment and acceptance

  /**
   * The assignment job: the team's on-duty runners who cover the applicant's grid, trained for the
   * matter, below their capacity; the least loaded, then the one who waited longest. The order is
   * offered; unaccepted in time, it goes to the next runner.
   */
  async assign(orderId: number): Promise<JobOutcome> {
    const offered = await this.db.transaction(async (trx) => {
      const order = await lockOrder(trx, orderId);
      if (!order || order.status !== 'unassigned') return undefined;
      const runner = await this.chooseRunner(trx, order);
      if (!runner) return undefined;
      await this.offer(trx, order, runner);
      return { runner, ticketId: order.ticketId };
    });
    if (!offered) return 'skipped';
    await this.assignTicket(offered.ticketId, offered.runner);
    return 'done';
  }

  private async chooseRunner(trx: Tx, order: OrderRecord, only?: number): Promise<number | undefined> {
    if (order.regionId === null || order.teamId === null) return undefined;
    const { rows } = await trx.raw(
      `select u.id
       from users u
       join runners r on r.user_id = u.id
       join regions place on place.id = :regionId
       where u.role = 'runner' and u.active and u.on_duty and u.department_id = :teamId
         and not (u.id = any(:declined::bigint[]))
         and (:only::bigint is null or u.id = :only)
         and exists (select 1 from unnest(r.grid_region_ids) as g(id) where place.path like '%/' || g.id || '/%')
         and (:matterId::bigint is null or :matterId = any(r.matter_ids))
         and (u.capacity is null or (select count(*) from proxy_orders o where o.runner_user_id = u.id and o.status in ('offered', 'accepted', 'submitted', 'delivering')) < u.capacity)
       order by (select count(*) from proxy_orders o where o.runner_user_id = u.id and o.status in ('offered', 'accepted', 'submitted', 'delivering')),
                r.last_assigned_at nulls first, u.id
       limit 1
       for update of r`,
      { regionId: order.regionId, teamId: order.teamId, declined: order.declinedUserIds, only: only ?? null, matterId: order.matterId },
    );
    return rows[0]?.id as number | undefined;
  }

  private async offer(trx: Tx, order: OrderRecord, runnerUserId: number): Promise<void> {
    await trx.raw(
      `update proxy_orders set status = 'offered', runner_user_id = ?, offered_at = now(), offer_expires_at = now() + ? * interval '1 minute', updated_at = now() where id = ?`,
      [runnerUserId, this.options.acceptMinutes, order.id],
    );
    await trx('runners').update({ last_assigned_at: trx.fn.now() }).where({ user_id: runnerUserId });
    const { number, title } = await trx('tickets')
      .select('number', 'title')
      .where({ id: order.ticketId })
      .first<{ number: string; title: string }>();
    await trx('notifications')
      .insert({
        user_id: runnerUserId,
        kind: 'proxy.offer',
        ticket_id: order.ticketId,
        title: `新代办单 ${number}`,
        body: `「${title}」${order.applicantAddress ?? ''}。请在 ${this.options.acceptMinutes} 分钟内接单。`,
        dedupe_key: `proxy-offer:${order.id}:${runnerUserId}:${Date.now()}`,
      })
      .onConflict(['user_id', 'dedupe_key'])
      .ignore();
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
    const expired: Array<{ id: number }> = await this.db('proxy_orders')
      .select('id')
      .where('status', 'offered')
      .andWhere('offer_expires_at', '<=', this.db.raw('now()'))
      .limit(200);
    for (const { id } of expired) {
      await this.db.transaction(async (trx) => {
        const order = await lockOrder(trx, id);
        if (!order || order.status !== 'offered' || order.offerExpiresAt! > new Date()) return;
        await this.step(trx, order, 'consult', null, '接单超时，改派', { expiredRunnerUserId: order.runnerUserId });
        await trx.raw(
          `update proxy_orders set status = 'unassigned', runner_user_id = null, declined_user_ids = array_append(declined_user_ids, ?::bigint), updated_at = now() where id = ?`,
          [order.runnerUserId, id],
        );
      });
      await this.queue.enqueue('proxy.assign', { orderId: id }, { jobId: `proxy-assign-${id}-${Date.now()}` });
    }
    const unassigned: Array<{ id: number }> = await this.db('proxy_orders').select('id').where('status', 'unassigned').limit(200);
    const minute = Math.floor(Date.now() / 60_000);
    for (const { id } of unassigned)
      await this.queue.enqueue('proxy.assign', { orderId: id }, { jobId: `proxy-assign-${id}-sweep-${minute}` });
    return expired.length;
  }

  /** The runner takes the order; the ticket is signed for in their name. */
  async accept(actor: UserActor, orderId: number): Promise<unknown> {
    const order = await this.order(orderId);
    const refusal = (o: OrderRecord) =>
      o.status !== 'offered'
        ? conflict(`this order is ${o.status}, not waiting to be accepted`)
        : o.runnerUserId !== actor.userId
          ? forbidden('this order was offered to another runner')
          : undefined;
    const early = refusal(order);
    if (early) throw early;
    // The ticket is signed for first, in the runner's name: if the lifecycle refuses, the order stays offered.
    await this.tickets.perform(actor, order.ticketId, 'sign_for', { note: '跑手接单' }, { readBack: false });
    await this.db.transaction(async (trx) => {
      const locked = found(await lockOrder(trx, orderId), 'order');
      const late = refusal(locked);
      if (late) throw late;
      await trx('proxy_orders')
        .update({ status: 'accepted', accepted_at: trx.fn.now(), offer_expires_at: null, updated_at: trx.fn.now() })
        .where({ id: orderId });
    });
    return this.get(actor, orderId);
  }

  async decline(actor: UserActor, orderId: number, reason: string): Promise<{ orderId: number; declined: true }> {
    await this.db.transaction(async (trx) => {
      const order = found(await lockOrder(trx, orderId), 'order');
      if (order.status !== 'offered' || order.runnerUserId !== actor.userId) throw conflict('only an order offered to you can be declined');
      await this.step(trx, order, 'consult', actor, `跑手拒单：${reason}`, { declined: true });
      await trx.raw(
        `update proxy_orders set status = 'unassigned', runner_user_id = null, declined_user_ids = array_append(declined_user_ids, ?::bigint), updated_at = now() where id = ?`,
        [actor.userId, orderId],
      );
    });
    await this.queue.enqueue('proxy.assign', { orderId }, { jobId: `proxy-assign-${orderId}-${Date.now()}` });
    // No longer theirs to read.
    return { orderId, declined: true };
  }

  /** The seat or the team's head gives the order to a runner — one who covers the grid and knows the matter. */
  async assignTo(actor: UserActor, orderId: number, runnerUserId: number): Promise<unknown> {
    const ticketId = await this.db.transaction(async (trx) => {
      const order = found(await lockOrder(trx, orderId), 'order');
      if (actor.role === 'dept_head' && actor.departmentId !== order.teamId)
        throw forbidden('only the head of the team holding this order assigns it');
      if (!['unassigned', 'offered'].includes(order.status))
        throw conflict(`this order is ${order.status}; it can no longer be reassigned`);
      const fits = await this.chooseRunner(trx, { ...order, declinedUserIds: [] }, runnerUserId);
      if (!fits)
        throw invalid(
          `runner ${runnerUserId} is not an on-duty runner of the team who covers the applicant's grid and the matter (or is at capacity)`,
        );
      await this.offer(trx, order, runnerUserId);
      return order.ticketId;
    });
    await this.assignTicket(ticketId, runnerUserId);
    return this.get(actor, orderId);
  }

  /** A runner takes an order nobody holds — only within their grids and matters. */
  async claim(actor: UserActor, orderId: number): Promise<unknown> {
    const ticketId = await this.db.transaction(async (trx) => {
      const order = found(await lockOrder(trx, orderId), 'order');
      if (order.status !== 'unassigned') throw conflict(`this order is ${order.status}, not waiting for a runner`);
      const fits = await this.chooseRunner(trx, { ...order, declinedUserIds: [] }, actor.userId);
      if (!fits) throw forbidden('this order is outside your grids or matters (or you are off duty or at capacity)');
      await this.offer(trx, order, actor.userId);
      return order.ticketId;
    });
    await this.assignTicket(ticketId, actor.userId);
    return this.accept(actor, orderId);
  }

  // The six steps

  /** 咨询告知: what the matter needs, sent once to the applicant as a checklist (一次性告知). */
  async consult(actor: UserActor, orderId: number, note: string | null): Promise<unknown> {
    await this.withOrder(actor, orderId, { seatMay: true }, async (trx, order, matter) => {
      if (!matter) throw conflict('the order has no matter yet: the seat sets it (POST /tickets/{id}/set-matter)');
      const list = matter.materials
        .map(
          (m, i) =>
            `${i + 1}.${m.name}（${materialFormLabels[m.form]}${m.count > 1 ? `×${m.count}` : ''}${m.deferrable ? '，可容缺后补' : ''}）`,
        )
        .join('；');
      const text = `【12345】您申请代办的「${matter.name}」需准备：${list}。法定办理时限${matter.legalDays}个工作日。${matter.eligibility ? `注意：${matter.eligibility}。` : ''}`;
      await this.step(trx, order, 'consult', actor, note, { checklist: matter.materials.map((m) => m.key) });
      return this.toApplicant(trx, order, 'proxy.checklist', text);
    });
    return this.get(actor, orderId);
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
    if (input.validUntil < shanghaiDay()) throw invalid('validUntil must not be in the past');
    await this.withOrder(actor, orderId, {}, async (trx, order) => {
      await trx('proxy_mandates').insert({
        order_id: order.id,
        scope: input.scope,
        valid_until: input.validUntil,
        signed_by: input.signedBy,
        method: input.method,
        recorded_by: actor.userId,
      });
      await this.step(trx, order, 'mandate', actor, null, {
        scope: input.scope,
        validUntil: input.validUntil,
        signedBy: input.signedBy,
        method: input.method,
      });
      return [];
    });
    return this.get(actor, orderId);
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
    await this.withOrder(actor, orderId, { needs: 'collect_materials' }, async (trx, order, matter) => {
      const listed = matter?.materials.find((m) => m.key === input.itemKey);
      const name = listed?.name ?? input.name ?? input.itemKey;
      const note = listed
        ? (input.note ?? null)
        : `不在「${matter?.name ?? '该事项'}」材料清单：${name}${input.note ? `；${input.note}` : ''}`;
      await trx('proxy_materials').insert({
        order_id: order.id,
        item_key: listed ? listed.key : 'other',
        name,
        form: input.form,
        count: input.count,
        direction: input.direction,
        place: input.place ?? null,
        note,
        by_user_id: actor.userId,
      });
      await this.step(trx, order, 'collect', actor, note, {
        itemKey: listed ? listed.key : 'other',
        name,
        form: input.form,
        count: input.count,
        direction: input.direction,
        place: input.place ?? null,
      });
      return [];
    });
    return this.get(actor, orderId);
  }

  /** 容缺受理: a deferrable item may follow later, on the applicant's promise, by a date. */
  async defer(actor: UserActor, orderId: number, input: { itemKey: string; promisedBy: string; note?: string }): Promise<unknown> {
    if (input.promisedBy < shanghaiDay()) throw invalid('promisedBy must not be in the past');
    await this.withOrder(actor, orderId, { needs: 'collect_materials' }, async (trx, order, matter) => {
      const item = matter?.materials.find((m) => m.key === input.itemKey);
      if (!item) throw invalid(`"${input.itemKey}" is not a material of this matter`);
      if (!item.deferrable) throw conflict(`「${item.name}」cannot follow later (容缺 does not apply to it)`);
      await trx('proxy_materials').insert({
        order_id: order.id,
        item_key: item.key,
        name: item.name,
        form: item.form === 'copy' ? 'copy' : 'original',
        count: item.count,
        direction: 'deferred',
        promised_by: input.promisedBy,
        note: input.note ?? null,
        by_user_id: actor.userId,
      });
      await this.step(trx, order, 'collect', actor, input.note ?? null, { deferred: item.key, promisedBy: input.promisedBy });
      return [];
    });
    return this.get(actor, orderId);
  }

  /** 协调办理: submitted to the handling department with its acceptance number; every required item must be in (or deferred). */
  async submit(actor: UserActor, orderId: number, input: { acceptanceNumber: string; note?: string }): Promise<unknown> {
    await this.withOrder(actor, orderId, { needs: 'submit', statuses: ['accepted'] }, async (trx, order, matter) => {
      if (!matter) throw conflict('the order has no matter yet');
      const shortfalls = await materialShortfalls(trx, order.id, matter);
      if (shortfalls.length > 0) {
        const described = shortfalls.map((m) => `${m.name}（需${materialFormLabels[m.form]}×${m.needed}，已收${m.held}）`);
        throw conflict(`materials still missing: ${described.join('、')}`, { missing: shortfalls.map((m) => m.name), shortfalls });
      }
      await trx('proxy_orders')
        .update({ status: 'submitted', acceptance_number: input.acceptanceNumber, submitted_at: trx.fn.now(), updated_at: trx.fn.now() })
        .where({ id: order.id });
      await this.step(trx, order, 'coordinate', actor, input.note ?? null, { acceptanceNumber: input.acceptanceNumber });
      return this.toApplicant(
        trx,
        order,
        'proxy.progress',
        `【12345】您的「${matter.name}」已代为提交办理，受理号${input.acceptanceNumber}。`,
      );
    });
    return this.get(actor, orderId);
  }

  /** 跟踪反馈: progress for the applicant at a milestone. */
  async progress(actor: UserActor, orderId: number, text: string): Promise<unknown> {
    await this.withOrder(actor, orderId, { statuses: ['accepted', 'submitted', 'delivering'] }, async (trx, order) => {
      await this.step(trx, order, 'feedback', actor, text, null);
      return this.toApplicant(trx, order, 'proxy.progress', `【12345】代办进展：${text}`);
    });
    return this.get(actor, orderId);
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
    let done = false;
    await this.withOrder(
      actor,
      orderId,
      { needs: input.method === 'window' ? 'receive_result' : undefined, statuses: ['submitted'] },
      async (trx, order, matter) => {
        if (matter && !matter.deliveryOptions.includes(input.method))
          throw invalid(`「${matter.name}」is delivered by ${matter.deliveryOptions.join(' or ')}, not ${input.method}`);
        if (input.method === 'postal' && !input.trackingNumber) throw invalid('a postal delivery needs its trackingNumber');
        // A result sent again (the post returned it) replaces the earlier delivery.
        const delivery = {
          method: input.method,
          tracking_number: input.trackingNumber ?? null,
          status: input.method === 'window' ? 'delivered' : 'in_transit',
          delivered_at: input.method === 'window' ? trx.fn.now() : null,
          next_check_at: input.method === 'postal' ? trx.fn.now() : null,
          checks: 0,
          last_error: null,
          updated_at: trx.fn.now(),
        };
        await trx('proxy_deliveries')
          .insert({ order_id: order.id, ...delivery })
          .onConflict('order_id')
          .merge(delivery);
        await trx('proxy_orders').update({ status: 'delivering', updated_at: trx.fn.now() }).where({ id: order.id });
        await this.step(trx, order, 'archive', actor, input.note ?? null, {
          method: input.method,
          trackingNumber: input.trackingNumber ?? null,
        });
        done = input.method === 'window';
        return input.method === 'postal'
          ? this.toApplicant(trx, order, 'proxy.progress', `【12345】您的办理结果已免费寄出，邮件号${input.trackingNumber}。`)
          : [];
      },
    );
    if (done) await this.complete(orderId);
    else await this.queue.enqueue('proxy.track', { orderId }, { jobId: `proxy-track-${orderId}-${input.trackingNumber}-0` });
    return this.get(actor, orderId);
  }

  /** Follows a posted result; a failed lookup leaves the delivery pending and tries again later. */
  async track(orderId: number): Promise<JobOutcome> {
    const delivery = await this.db('proxy_deliveries')
      .where({ order_id: orderId })
      .first<{ id: number; tracking_number: string | null; status: string; checks: number } | undefined>();
    if (!delivery || delivery.status !== 'in_transit' || !delivery.tracking_number) return 'skipped';
    if (!this.options.tracker) return 'skipped';
    try {
      const result = await this.options.tracker.track(delivery.tracking_number);
      if (result.status === 'in_transit') {
        await this.db('proxy_deliveries')
          .update({
            checks: delivery.checks + 1,
            last_error: null,
            next_check_at: this.db.raw("now() + interval '2 hours'"),
            updated_at: this.db.fn.now(),
          })
          .where({ id: delivery.id });
        return 'done';
      }
      await this.db('proxy_deliveries')
        .update({
          status: result.status,
          delivered_at: result.status === 'delivered' ? (result.at ?? this.db.fn.now()) : null,
          checks: delivery.checks + 1,
          last_error: null,
          next_check_at: null,
          updated_at: this.db.fn.now(),
        })
        .where({ id: delivery.id });
      if (result.status === 'delivered') await this.complete(orderId);
      if (result.status === 'returned') await this.returned(orderId);
      return 'done';
    } catch (error) {
      const retryMinutes = Math.min(5 * 2 ** delivery.checks, 240);
      await this.db('proxy_deliveries')
        .update({
          last_error: (error as Error).message.slice(0, 500),
          checks: delivery.checks + 1,
          next_check_at: this.db.raw(`now() + interval '${retryMinutes} minutes'`),
          updated_at: this.db.fn.now(),
        })
        .where({ id: delivery.id });
      this.logger.warn({ err: error, orderId }, 'postal tracking failed; the delivery stays pending and is checked again');
      return 'done';
    }
  }

  /** 容缺 promises past their date with the item still not in: the runner is reminded, once per item. */
  async sweepPromises(): Promise<number> {
    const { rows } = await this.db.raw(
      `insert into notifications (user_id, kind, ticket_id, title, body, dedupe_key)
       select o.runner_user_id, 'proxy.promise_due', o.ticket_id, '容缺材料逾期未补：' || d.name,
              '申请人承诺 ' || to_char(d.promised_by, 'YYYY-MM-DD') || ' 前补交「' || d.name || '」，至今未收到，请跟进。', 'promise:' || d.id
       from proxy_materials d
       join proxy_orders o on o.id = d.order_id
       where d.direction = 'deferred' and d.promised_by < (now() at time zone 'Asia/Shanghai')::date
         and o.runner_user_id is not null and o.status not in ('done', 'cancelled')
         and not exists (select 1 from proxy_materials r where r.order_id = d.order_id and r.item_key = d.item_key and r.direction = 'received' and r.id > d.id)
       on conflict (user_id, dedupe_key) do nothing
       returning id`,
    );
    return rows.length;
  }

  /** The post brought the result back: the order waits for the runner to deliver it again, and they are told. */
  private async returned(orderId: number): Promise<void> {
    await this.db.transaction(async (trx) => {
      const order = await lockOrder(trx, orderId);
      if (!order || order.status !== 'delivering') return;
      await trx('proxy_orders').update({ status: 'submitted', updated_at: trx.fn.now() }).where({ id: orderId });
      await this.step(trx, order, 'feedback', null, '邮件被退回，需重新送达', null);
      if (order.runnerUserId !== null) {
        await trx('notifications')
          .insert({
            user_id: order.runnerUserId,
            kind: 'proxy.returned',
            ticket_id: order.ticketId,
            title: '代办结果邮件被退回',
            body: '请联系申请人核对地址后重新寄送，或改为窗口领取。',
            dedupe_key: `proxy-returned:${orderId}:${Date.now()}`,
          })
          .onConflict(['user_id', 'dedupe_key'])
          .ignore();
      }
    });
  }

  /** Deliveries due for a tracking check (their job lost, or waiting between checks). */
  async sweepDeliveries(): Promise<number> {
    const due: Array<{ order_id: number; tracking_number: string; checks: number }> = await this.db('proxy_deliveries')
      .select('order_id', 'tracking_number', 'checks')
      .where('status', 'in_transit')
      .andWhere('next_check_at', '<=', this.db.raw('now()'))
      .limit(200);
    // One job per parcel and check: a parcel sent again gets its own.
    for (const d of due)
      await this.queue.enqueue(
        'proxy.track',
        { orderId: d.order_id },
        { jobId: `proxy-track-${d.order_id}-${d.tracking_number}-${d.checks}` },
      );
    return due.length;
  }

  /** Without a tracking API, the runner or the seat confirms that the posted result arrived. */
  async confirmDelivered(actor: UserActor, orderId: number): Promise<unknown> {
    const order = await this.order(orderId);
    if (actor.role === 'runner' && order.runnerUserId !== actor.userId) throw forbidden('this order belongs to another runner');
    const updated = await this.db('proxy_deliveries')
      .update({ status: 'delivered', delivered_at: this.db.fn.now(), next_check_at: null, updated_at: this.db.fn.now() })
      .where({ order_id: orderId, status: 'in_transit' });
    if (updated === 0) throw conflict('no posted result of this order is on its way');
    await this.complete(orderId);
    return this.get(actor, orderId);
  }

  /**
   * Orders per runner, team, matter, grid (village or community) or service mode, created in the
   * period: done, on time (done by the matter's legal limit), trips saved (each full proxy saves the
   * applicant the matter's trips), and materials still outstanding on a 容缺 promise.
   */
  async report(query: { groupBy: 'runner' | 'team' | 'matter' | 'grid' | 'mode'; from: Date; to: Date }): Promise<ProxyReportRow[]> {
    const key = {
      runner: 'o.runner_user_id::text',
      team: 'o.team_id::text',
      matter: 'o.matter_id::text',
      grid: 'o.region_id::text',
      mode: 'o.service_mode',
    }[query.groupBy];
    const { rows } = await this.db.raw(
      `select ${key} as key,
              count(*)::int as orders,
              count(*) filter (where o.status = 'done')::int as done,
              count(*) filter (where o.status = 'done' and (t.reply_due_at is null or o.done_at <= t.reply_due_at))::int as on_time,
              count(*) filter (where o.status = 'cancelled')::int as cancelled,
              coalesce(sum(m.trips_saved) filter (where o.status = 'done' and o.service_mode = 'full_proxy'), 0)::int as trips_saved,
              coalesce(sum((select count(*) from proxy_materials d where d.order_id = o.id and d.direction = 'deferred'
                              and not exists (select 1 from proxy_materials r where r.order_id = o.id and r.item_key = d.item_key and r.direction = 'received' and r.id > d.id))), 0)::int as materials_outstanding
       from proxy_orders o
       join tickets t on t.id = o.ticket_id
       left join proxy_matters m on m.id = o.matter_id
       where o.created_at >= :from and o.created_at < :to
       group by 1 order by 2 desc`,
      { from: query.from, to: query.to },
    );
    const names = await this.names(query.groupBy);
    return rows.map(
      (r: {
        key: string | null;
        orders: number;
        done: number;
        on_time: number;
        cancelled: number;
        trips_saved: number;
        materials_outstanding: number;
      }) => ({
        key: r.key ?? '',
        name: r.key === null ? '（未指定）' : (names.get(r.key) ?? r.key),
        orders: r.orders,
        done: r.done,
        onTime: r.on_time,
        onTimeRate: r.done === 0 ? null : Math.round((r.on_time / r.done) * 10_000) / 10_000,
        cancelled: r.cancelled,
        tripsSaved: r.trips_saved,
        materialsOutstanding: r.materials_outstanding,
      }),
    );
  }

  private async names(groupBy: 'runner' | 'team' | 'matter' | 'grid' | 'mode'): Promise<Map<string, string>> {
    if (groupBy === 'mode')
      return new Map([
        ['remote_guidance', '远程指导'],
        ['home_assistance', '上门辅助'],
        ['full_proxy', '全程代办'],
      ]);
    const [table, column] = {
      runner: ['users', 'display_name'],
      team: ['departments', 'name'],
      matter: ['proxy_matters', 'name'],
      grid: ['regions', 'name'],
    }[groupBy] as [string, string];
    return new Map(
      (await this.db(table).select({ id: 'id', name: column })).map((r: { id: number; name: string }) => [String(r.id), r.name]),
    );
  }

  /** The order is done: the runner's answer goes on the ticket (答复), and the callback survey follows. */
  private async complete(orderId: number): Promise<void> {
    const order = await this.order(orderId);
    if (order.status === 'done') return;
    await this.db('proxy_orders')
      .update({ status: 'done', done_at: this.db.fn.now(), updated_at: this.db.fn.now() })
      .where({ id: orderId })
      .whereNot('status', 'done');
    const runner = order.runnerUserId === null ? undefined : await findUserById(this.db, order.runnerUserId);
    const matter = order.matterId === null ? undefined : await this.getMatter(order.matterId);
    if (!runner) return;
    const actor: UserActor = {
      kind: 'user',
      userId: runner.id,
      username: runner.username,
      displayName: runner.displayName,
      role: runner.role,
      departmentId: runner.departmentId,
      via: 'job',
    };
    try {
      await this.tickets.perform(
        actor,
        order.ticketId,
        'reply',
        { text: `「${matter?.name ?? '代办事项'}」已代办完成，结果已送达申请人（受理号${order.acceptanceNumber ?? '—'}）。`, solved: true },
        { readBack: false },
      );
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      this.logger.warn({ err: error, orderId }, 'the finished order could not answer its ticket');
    }
  }

  // Reading

  async get(actor: UserActor, orderId: number) {
    const order = await this.order(orderId);
    if (actor.role === 'runner' && order.runnerUserId !== actor.userId) throw notFound('order');
    const [steps, mandates, materials, delivery, matter] = await Promise.all([
      this.db('proxy_steps')
        .select({ step: 'step', actorName: 'actor_name', note: 'note', data: 'data', at: 'created_at' })
        .where({ order_id: orderId })
        .orderBy('id'),
      this.db('proxy_mandates')
        .select({
          scope: 'scope',
          validUntil: this.db.raw("to_char(valid_until, 'YYYY-MM-DD')"),
          signedBy: 'signed_by',
          method: 'method',
          revokedAt: 'revoked_at',
          at: 'created_at',
        })
        .where({ order_id: orderId })
        .orderBy('id'),
      this.db('proxy_materials')
        .select({
          itemKey: 'item_key',
          name: 'name',
          form: 'form',
          count: 'count',
          direction: 'direction',
          place: 'place',
          note: 'note',
          promisedBy: this.db.raw("to_char(promised_by, 'YYYY-MM-DD')"),
          at: 'created_at',
        })
        .where({ order_id: orderId })
        .orderBy('id'),
      this.db('proxy_deliveries')
        .select({
          method: 'method',
          trackingNumber: 'tracking_number',
          status: 'status',
          lastError: 'last_error',
          deliveredAt: 'delivered_at',
        })
        .where({ order_id: orderId })
        .first(),
      order.matterId === null ? undefined : this.getMatter(order.matterId),
    ]);
    return {
      ...order,
      matter: matter ? { id: matter.id, code: matter.code, name: matter.name, legalDays: matter.legalDays } : null,
      steps: steps.map((s: { step: ProxyStep }) => ({ ...s, label: proxyStepLabels[s.step] })),
      mandate: mandates.at(-1) ?? null,
      materials,
      missing: matter ? await missingMaterials(this.db, orderId, matter) : [],
      delivery: delivery ?? null,
    };
  }

  async list(actor: UserActor, filter: { status?: OrderStatus; mine?: boolean; limit: number }) {
    const query = this.db('proxy_orders as o')
      .join('tickets as t', 't.id', 'o.ticket_id')
      .select({ ...orderColumns, number: 't.number', title: 't.title' })
      .orderBy('o.id', 'desc')
      .limit(filter.limit);
    if (filter.status) query.where('o.status', filter.status);
    if (actor.role === 'runner' || filter.mine) query.where('o.runner_user_id', actor.userId);
    else if (actor.role === 'dept_head') query.where('o.team_id', actor.departmentId ?? -1);
    return query;
  }

  private async order(orderId: number): Promise<OrderRecord> {
    return found(await this.db('proxy_orders as o').select(orderColumns).where('o.id', orderId).first<OrderRecord | undefined>(), 'order');
  }

  /**
   * A step on an order, under its lock: only the runner it belongs to (the seat too, where
   * `seatMay`), in an allowed status, with a valid mandate of the needed scope.
   */
  private async withOrder(
    actor: UserActor,
    orderId: number,
    rule: { seatMay?: boolean; needs?: MandateScope; statuses?: OrderStatus[] },
    work: (trx: Tx, order: OrderRecord, matter: Matter | undefined) => Promise<Array<{ id: number; channel: string }>>,
  ): Promise<void> {
    const rows = await this.db.transaction(async (trx) => {
      const order = found(await lockOrder(trx, orderId), 'order');
      const seat = rule.seatMay && ['proxy_seat', 'operator', 'admin'].includes(actor.role);
      if (!seat && order.runnerUserId !== actor.userId)
        throw forbidden('this order belongs to another runner: only the runner who accepted it acts on it');
      const statuses = rule.statuses ?? ['accepted', 'submitted', 'delivering'];
      if (!seat && !statuses.includes(order.status)) throw conflict(`this order is ${order.status}; allowed in: ${statuses.join(', ')}`);
      if (rule.needs) {
        const mandate = await trx('proxy_mandates')
          .where({ order_id: order.id })
          .whereNull('revoked_at')
          .andWhere('valid_until', '>=', shanghaiDay())
          .orderBy('id', 'desc')
          .first<{ scope: string[] } | undefined>();
        if (!mandate) throw conflict('no valid mandate (授权委托) from the applicant: record one before acting on their behalf');
        if (!mandate.scope.includes(rule.needs)) throw conflict(`the applicant's mandate does not cover ${rule.needs}`);
      }
      const matter =
        order.matterId === null
          ? undefined
          : await trx('proxy_matters').select(matterColumns).where({ id: order.matterId }).first<Matter>();
      return work(trx, order, matter);
    });
    await this.notify.written(rows);
  }

  private async step(
    trx: Tx,
    order: OrderRecord,
    step: ProxyStep,
    actor: UserActor | null,
    note: string | null,
    data: Record<string, unknown> | null,
  ): Promise<void> {
    await trx('proxy_steps').insert({
      order_id: order.id,
      step,
      actor_user_id: actor?.userId ?? null,
      actor_name: actor?.displayName ?? proxyActor.name,
      note,
      data: data ? JSON.stringify(data) : null,
    });
  }

  /** An SMS (or mini-program message) to the applicant, on the ticket's contact. */
  private async toApplicant(trx: Tx, order: OrderRecord, kind: string, text: string): Promise<Array<{ id: number; channel: string }>> {
    const ticket = await trx('tickets')
      .select('contact_id', 'channel')
      .where({ id: order.ticketId })
      .first<{ contact_id: number | null; channel: string }>();
    if (!ticket?.contact_id) return [];
    const message: NewOutboxMessage = {
      kind: 'citizen.chat_reply',
      channel: citizenChannelOf(ticket.channel),
      recipient: { contactId: ticket.contact_id },
      payload: { ticketId: order.ticketId, text: text.replace(/^【12345】/, ''), proxyKind: kind },
      ticketId: order.ticketId,
      dedupeKey: `${kind}:${order.id}:${Date.now()}`,
    };
    return insertOutbox(trx, [message]);
  }
}

async function lockOrder(trx: Tx, orderId: number): Promise<OrderRecord | undefined> {
  return trx('proxy_orders as o').select(orderColumns).where('o.id', orderId).forUpdate().first<OrderRecord | undefined>();
}

/**
 * Required items not yet in hand in the form and number the matter asks for: an original
 * required is met only by originals, a copy by a copy or an original, "either" by both;
 * what was returned to the applicant is no longer in hand. A deferrable item counts once it is
 * deferred on a promise (容缺).
 */
async function missingMaterials(db: Queryable, orderId: number, matter: Matter): Promise<string[]> {
  return (await materialShortfalls(db, orderId, matter)).map((m) => m.name);
}

async function materialShortfalls(
  db: Queryable,
  orderId: number,
  matter: Matter,
): Promise<Array<{ itemKey: string; name: string; form: Matter['materials'][number]['form']; needed: number; held: number }>> {
  const rows: Array<{ item_key: string; direction: string; form: 'original' | 'copy'; count: number }> = await db('proxy_materials')
    .select('item_key', 'direction', 'form', 'count')
    .where({ order_id: orderId });
  const shortfalls = [];
  for (const item of matter.materials) {
    const mine = rows.filter((r) => r.item_key === item.key);
    if (item.deferrable && mine.some((r) => r.direction === 'deferred')) continue;
    const accepted = mine.filter((r) => item.form !== 'original' || r.form === 'original');
    const held = accepted.reduce((sum, r) => sum + (r.direction === 'received' ? r.count : r.direction === 'returned' ? -r.count : 0), 0);
    if (held < item.count)
      shortfalls.push({ itemKey: item.key, name: item.name, form: item.form, needed: item.count, held: Math.max(0, held) });
  }
  return shortfalls;
}
