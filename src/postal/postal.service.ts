import { findUserById } from '../auth/users.repository';
import type { Db } from '../db/db';
import { findRegionById } from '../org/regions.repository';
import { findOrder } from '../proxy/orders.repository';
import type { UnitOfWork } from '../db/unit-of-work';
import { notifyUsers } from '../outbox/notifications';
import { conflict, forbidden, found, invalid, notFound } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { piiLens } from '../shared/pii';
import type { SystemActor, UserActor } from '../shared/roles';
import { createThen } from '../tickets/create-then';
import type { TicketsService } from '../tickets/tickets.service';
import { shanghaiDay } from '../shared/time';
import * as repo from './postal.repository';
import type { EnterpriseRow, PieceRow } from './postal.repository';
import { piecePay, tariffOn, type Tariff, type TariffInput } from './tariff';

const postalActor: SystemActor = { kind: 'system', name: '政邮商' };
/** The center: sees every grid and statement, records pieces for a courier, computes and approves statements. */
const center = ['proxy_seat', 'supervisor', 'director', 'admin'];

export interface StatementPiece extends Omit<PieceRow, 'priceFen' | 'deductionFen' | 'settlementId'> {
  band: string;
  late: boolean;
  priceFen: number;
  deductionFen: number;
  netFen: number;
  reasons: Array<'late' | 'refused'>;
}

export interface StatementLine {
  courierUserId: number;
  courierName: string;
  pieces: number;
  bands: Record<string, number>;
  late: number;
  refused: number;
  grossFen: number;
  deductionsFen: number;
  netFen: number;
}

/**
 * 政邮商: grids that follow the postal delivery areas, each with its courier (网格员) and the archive of its
 * enterprises; the pieces couriers run, paid by the tariff (政府买单); the monthly statement of each postal company,
 * a line per courier, computed as a draft and approved by someone else at the center — then fixed.
 */
export class PostalService {
  constructor(
    private readonly db: Db,
    private readonly work: UnitOfWork,
    private readonly tickets: TicketsService,
    private readonly logger: Logger,
  ) {}

  companies() {
    return repo.listCompanies(this.db);
  }

  async addCompany(name: string) {
    try {
      const id = await repo.insertCompany(this.db, name);
      return found(
        (await repo.listCompanies(this.db)).find((c) => c.id === id),
        'postal company',
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw conflict(`「${name}」已是邮政公司`);
      throw error;
    }
  }

  /** A courier sees their grids; the center every grid. */
  grids(actor: UserActor) {
    return repo.listGrids(this.db, center.includes(actor.role) ? {} : { courierUserId: actor.userId });
  }

  async putGrid(input: {
    code: string;
    name: string;
    postalCompanyId: number;
    regionId: number | null;
    courierUserId: number | null;
    area: string | null;
    active: boolean;
  }) {
    if (!(await repo.listCompanies(this.db)).some((c) => c.id === input.postalCompanyId && c.active))
      throw invalid(`邮政公司 ${input.postalCompanyId} 不存在或已停用`);
    if (input.courierUserId !== null) await this.courier(input.courierUserId);
    if (input.regionId !== null && !(await findRegionById(this.db, input.regionId))) throw invalid(`区域 ${input.regionId} 不存在`);
    const id = await repo.upsertGrid(this.db, input);
    return (await repo.listGrids(this.db, { id }))[0]!;
  }

  /** The archive of a grid's enterprises: the enterprise's contact person through the one masking rule. */
  async enterprises(actor: UserActor, gridId: number) {
    await this.grid(actor, gridId);
    return (await repo.listEnterprises(this.db, gridId)).map((e) => this.present(actor, e));
  }

  async enterprise(actor: UserActor, id: number) {
    const enterprise = found(await repo.findEnterprise(this.db, id), '企业档案');
    await this.grid(actor, enterprise.gridId);
    return { ...this.present(actor, enterprise), visits: await repo.enterpriseVisits(this.db, id) };
  }

  async addEnterprise(actor: UserActor, gridId: number, input: Record<string, unknown>) {
    await this.grid(actor, gridId);
    const id = await this.unique(() => repo.insertEnterprise(this.db, gridId, input, actor.userId));
    return this.enterprise(actor, id);
  }

  async updateEnterprise(actor: UserActor, id: number, patch: Record<string, unknown>) {
    const enterprise = found(await repo.findEnterprise(this.db, id), '企业档案');
    await this.grid(actor, enterprise.gridId);
    await this.unique(() => repo.updateEnterprise(this.db, id, patch, actor.userId));
    return this.enterprise(actor, id);
  }

  /** A visit (上门, or 网络走访): the note, and the needs it found, which become the enterprise's current needs. */
  async visit(actor: UserActor, id: number, input: { kind: 'onsite' | 'online'; note: string; needs: string | null }) {
    const enterprise = found(await repo.findEnterprise(this.db, id), '企业档案');
    await this.grid(actor, enterprise.gridId);
    await this.db.transaction((trx) => repo.insertVisit(trx, { enterpriseId: id, byUserId: actor.userId, ...input }));
    return this.enterprise(actor, id);
  }

  /**
   * A need the courier found becomes a 代办 request (群众点单、邮政跑单): a ticket in the courier's name for the
   * enterprise, dispatched as the catalog says for the grid's place (else it waits in 待分拨), and noted on the
   * enterprise's record.
   */
  async request(
    actor: UserActor,
    id: number,
    input: { matter: string; serviceMode: 'remote_guidance' | 'home_assistance' | 'full_proxy'; note: string },
  ) {
    const enterprise = found(await repo.findEnterprise(this.db, id), '企业档案');
    const grid = await this.grid(actor, enterprise.gridId);
    const { ticket, refused } = await createThen(
      this.tickets,
      actor,
      {
        channel: 'api',
        requestType: 'proxy',
        urgency: 'normal',
        description: `政邮商网格员走访「${enterprise.name}」：${input.note}`,
        regionId: grid.regionId ?? undefined,
        caller: {
          phone: enterprise.contactPhone ?? undefined,
          name: enterprise.contactName ?? enterprise.name,
          anonymous: false,
          confidential: false,
        },
        proxy: { matter: input.matter, serviceMode: input.serviceMode, applicantAddress: enterprise.address ?? grid.area ?? grid.name },
      },
      { action: 'dispatch', body: {}, by: postalActor },
    );
    if (refused)
      this.logger.warn({ err: refused, ticketId: ticket.id }, 'a courier’s 代办 request could not be dispatched: it waits in 待分拨');
    await this.db.transaction((trx) =>
      repo.insertVisit(trx, {
        enterpriseId: id,
        byUserId: actor.userId,
        kind: 'onsite',
        note: `转代办：${input.matter}（工单 ${ticket.number}）`,
        needs: null,
      }),
    );
    return { ticketId: ticket.id, number: ticket.number };
  }

  tariffs() {
    return repo.listTariffs(this.db);
  }

  async addTariff(actor: UserActor, input: TariffInput): Promise<Tariff> {
    const id = await this.unique(
      () => repo.insertTariff(this.db, input, actor.userId),
      `a tariff already takes effect on ${input.effectiveFrom}`,
    );
    return (await repo.listTariffs(this.db)).find((t) => t.id === id)!;
  }

  /** A piece a courier ran, in their grid (the center may record it for them); not in a month already approved. */
  async recordPiece(
    actor: UserActor,
    input: Omit<Parameters<typeof repo.insertPiece>[1], 'courierUserId' | 'recordedBy'> & { courierUserId?: number },
  ) {
    if (!center.includes(actor.role) && input.courierUserId !== undefined && input.courierUserId !== actor.userId)
      throw forbidden('网格员只记录本人的投递件');
    const courierUserId = center.includes(actor.role) ? input.courierUserId : actor.userId;
    if (courierUserId === undefined) throw invalid('请指定网格员（courierUserId）');
    const [grid] = await repo.listGrids(this.db, { id: input.gridId });
    if (!grid) throw invalid(`网格 ${input.gridId} 不存在`);
    if (grid.courierUserId !== courierUserId) throw invalid(`网格 ${grid.name} 不属于网格员 ${courierUserId}`);
    if (input.doneAt.getTime() > Date.now() + 60_000) throw invalid('完成时间（doneAt）不能晚于现在');
    if (input.orderId !== null && !(await findOrder(this.db, input.orderId))) throw invalid(`代办订单 ${input.orderId} 不存在`);
    if (await repo.monthApproved(this.db, grid.postalCompanyId, input.doneAt)) throw conflict('该月结算单已审核，不能再补录投递件');
    const { courierUserId: _, ...piece } = input;
    const id = await repo.insertPiece(this.db, { ...piece, courierUserId, recordedBy: actor.userId });
    return { id };
  }

  /** A postal company's month as its statement: each piece priced (fixed once approved), a line per courier. */
  async statement(postalCompanyId: number, month: string, approved: boolean, courierUserId?: number) {
    const [pieces, tariffs] = await Promise.all([
      repo.monthPieces(this.db, { postalCompanyId, month, courierUserId }),
      repo.listTariffs(this.db),
    ]);
    const priced: StatementPiece[] = pieces.map(({ settlementId: _, ...piece }) => {
      const tariff = tariffOn(tariffs, piece.doneDay);
      if (!tariff) throw conflict(`${piece.doneDay} 没有生效的计费标准，请先添加（POST /postal/tariffs）`);
      const late = piece.dueAt !== null && piece.doneAt > piece.dueAt;
      const pay = piecePay({ distanceKm: piece.distanceKm, late, refused: piece.outcome === 'refused' }, tariff);
      // Once approved, the amounts are those fixed then, whatever the tariff says now.
      const priceFen = approved && piece.priceFen !== null ? piece.priceFen : pay.priceFen;
      const deductionFen = approved && piece.deductionFen !== null ? piece.deductionFen : pay.deductionFen;
      return { ...piece, band: pay.band, late, priceFen, deductionFen, netFen: priceFen - deductionFen, reasons: pay.reasons };
    });
    const lines = new Map<number, StatementLine>();
    for (const p of priced) {
      const line = lines.get(p.courierUserId) ?? {
        courierUserId: p.courierUserId,
        courierName: p.courierName,
        pieces: 0,
        bands: {},
        late: 0,
        refused: 0,
        grossFen: 0,
        deductionsFen: 0,
        netFen: 0,
      };
      line.pieces += 1;
      line.bands[p.band] = (line.bands[p.band] ?? 0) + 1;
      line.late += p.late ? 1 : 0;
      line.refused += p.outcome === 'refused' ? 1 : 0;
      line.grossFen += p.priceFen;
      line.deductionsFen += p.deductionFen;
      line.netFen += p.netFen;
      lines.set(p.courierUserId, line);
    }
    return { pieces: priced, lines: [...lines.values()] };
  }

  /** The month's draft statement, computed afresh (an approved one stays as approved). */
  async compute(actor: UserActor, postalCompanyId: number, month: string) {
    if (month > shanghaiDay().slice(0, 7)) throw invalid('该月尚未开始');
    if (!(await repo.listCompanies(this.db)).some((c) => c.id === postalCompanyId)) throw invalid(`邮政公司 ${postalCompanyId} 不存在`);
    const existing = await repo.findSettlement(this.db, { postalCompanyId, month });
    if (existing?.status === 'approved') throw conflict(`${month} 的结算单已审核`);
    const { lines } = await this.statement(postalCompanyId, month, false);
    const sum = (key: 'pieces' | 'grossFen' | 'deductionsFen' | 'netFen') => lines.reduce((total, line) => total + line[key], 0);
    const id = await repo.saveDraft(this.db, {
      postalCompanyId,
      month,
      pieceCount: sum('pieces'),
      grossFen: sum('grossFen'),
      deductionsFen: sum('deductionsFen'),
      netFen: sum('netFen'),
      byUserId: actor.userId,
    });
    return this.settlement(actor, id);
  }

  /**
   * The center approves a finished month's statement — someone other than who computed it (四眼): the pieces are priced
   * afresh, must match the draft, and are fixed; each courier is told their amount.
   */
  async approve(actor: UserActor, id: number) {
    await this.work.run(async (work) => {
      const settlement = found(await repo.findSettlement(work.trx, { id }, true), '结算单');
      if (settlement.status === 'approved') throw conflict('该结算单已审核');
      if (settlement.computedBy === actor.userId) throw conflict('结算单须由生成人以外的人审核');
      if (settlement.month >= shanghaiDay().slice(0, 7)) throw conflict(`${settlement.month} 尚未结束`);
      const { pieces, lines } = await this.statement(settlement.postalCompanyId, settlement.month, false);
      const net = lines.reduce((total, line) => total + line.netFen, 0);
      if (pieces.length !== settlement.pieceCount || net !== settlement.netFen)
        throw conflict('结算单生成后投递件有变动，请重新生成并核对');
      await repo.approveSettlement(work.trx, id, actor.userId, pieces);
      await notifyUsers(
        work,
        lines.map((line) => ({
          userId: line.courierUserId,
          kind: 'postal.settlement',
          path: `/postal/settlements/${id}`,
          title: `${settlement.month} 政邮商结算已审核`,
          body: `${settlement.postalCompany}：您本月${line.pieces}件，应付${(line.grossFen / 100).toFixed(2)}元，扣减${(line.deductionsFen / 100).toFixed(2)}元，实付${(line.netFen / 100).toFixed(2)}元。`,
          dedupeKey: `postal-settlement:${id}`,
        })),
      );
    });
    return this.settlement(actor, id);
  }

  settlements(month?: string) {
    return repo.listSettlements(this.db, month);
  }

  /** A statement with its lines and pieces; a courier sees only theirs. */
  async settlement(actor: UserActor, id: number) {
    const settlement = found(await repo.findSettlement(this.db, { id }), '结算单');
    const mine = center.includes(actor.role) ? undefined : actor.userId;
    const { pieces, lines } = await this.statement(settlement.postalCompanyId, settlement.month, settlement.status === 'approved', mine);
    if (mine !== undefined && lines.length === 0) throw notFound('结算单');
    return { ...settlement, lines, pieces };
  }

  private async courier(userId: number) {
    const user = await findUserById(this.db, userId);
    if (!user?.active || user.role !== 'runner') throw invalid(`用户 ${userId} 不是在职跑手（网格员须为跑手）`);
    return user;
  }

  /** A grid the actor may keep: the center any, a courier theirs. */
  private async grid(actor: UserActor, gridId: number) {
    const [grid] = await repo.listGrids(this.db, { id: gridId });
    if (!grid || (!center.includes(actor.role) && grid.courierUserId !== actor.userId)) throw notFound('网格');
    return grid;
  }

  private present(actor: UserActor, e: EnterpriseRow) {
    const contact = piiLens(actor).contact({
      name: e.contactName,
      phone: e.contactPhone,
      idNumber: null,
      anonymous: false,
      confidential: false,
    });
    return { ...e, contactName: contact.name, contactPhone: contact.phone };
  }

  private async unique<T>(
    write: () => Promise<T>,
    message = 'an enterprise of that name (or credit code) is in the archive already',
  ): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw conflict(message);
      throw error;
    }
  }
}
