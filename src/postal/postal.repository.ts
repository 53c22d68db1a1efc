import type { Queryable } from '../db/db';
import type { Tariff, TariffInput } from './tariff';

/** 政邮商: postal companies, grids and their courier, the enterprises archive, the tariff, pieces and statements. */

export const enterpriseStatuses = ['operating', 'suspended', 'closed'] as const;

export function listCompanies(db: Queryable) {
  return db('postal_companies').select({ id: 'id', name: 'name', active: 'active' }).orderBy('id') as Promise<
    Array<{ id: number; name: string; active: boolean }>
  >;
}

export async function insertCompany(db: Queryable, name: string): Promise<number> {
  const [row] = await db('postal_companies').insert({ name }).returning<Array<{ id: number }>>('id');
  return row!.id;
}

export interface GridRow {
  id: number;
  code: string;
  name: string;
  postalCompanyId: number;
  postalCompany: string;
  regionId: number | null;
  regionName: string | null;
  courierUserId: number | null;
  courierName: string | null;
  area: string | null;
  active: boolean;
  enterprises: number;
}

export function listGrids(db: Queryable, filter: { courierUserId?: number; id?: number } = {}): Promise<GridRow[]> {
  const query = db('postal_grids as g')
    .join('postal_companies as c', 'c.id', 'g.postal_company_id')
    .leftJoin('regions as r', 'r.id', 'g.region_id')
    .leftJoin('users as u', 'u.id', 'g.courier_user_id')
    .select({
      id: 'g.id',
      code: 'g.code',
      name: 'g.name',
      postalCompanyId: 'g.postal_company_id',
      postalCompany: 'c.name',
      regionId: 'g.region_id',
      regionName: 'r.name',
      courierUserId: 'g.courier_user_id',
      courierName: 'u.display_name',
      area: 'g.area',
      active: 'g.active',
      enterprises: db.raw('(select count(*)::int from grid_enterprises e where e.grid_id = g.id)'),
    })
    .orderBy('g.code');
  if (filter.courierUserId !== undefined) query.where('g.courier_user_id', filter.courierUserId);
  if (filter.id !== undefined) query.where('g.id', filter.id);
  return query;
}

export async function upsertGrid(
  db: Queryable,
  grid: {
    code: string;
    name: string;
    postalCompanyId: number;
    regionId: number | null;
    courierUserId: number | null;
    area: string | null;
    active: boolean;
  },
): Promise<number> {
  const row = {
    code: grid.code,
    name: grid.name,
    postal_company_id: grid.postalCompanyId,
    region_id: grid.regionId,
    courier_user_id: grid.courierUserId,
    area: grid.area,
    active: grid.active,
  };
  const [saved] = await db('postal_grids')
    .insert(row)
    .onConflict('code')
    .merge({ ...row, updated_at: db.fn.now() })
    .returning<Array<{ id: number }>>('id');
  return saved!.id;
}

const enterpriseColumns = {
  id: 'e.id',
  gridId: 'e.grid_id',
  name: 'e.name',
  creditCode: 'e.credit_code',
  address: 'e.address',
  contactName: 'e.contact_name',
  contactPhone: 'e.contact_phone',
  status: 'e.status',
  needs: 'e.needs',
  lastVisitAt: 'e.last_visit_at',
  updatedAt: 'e.updated_at',
};
export interface EnterpriseRow {
  id: number;
  gridId: number;
  name: string;
  creditCode: string | null;
  address: string | null;
  contactName: string | null;
  contactPhone: string | null;
  status: (typeof enterpriseStatuses)[number];
  needs: string | null;
  lastVisitAt: Date | null;
  updatedAt: Date;
}

export function listEnterprises(db: Queryable, gridId: number): Promise<EnterpriseRow[]> {
  return db('grid_enterprises as e').select(enterpriseColumns).where('e.grid_id', gridId).orderBy('e.name');
}

export function findEnterprise(db: Queryable, id: number): Promise<EnterpriseRow | undefined> {
  return db('grid_enterprises as e').select(enterpriseColumns).where('e.id', id).first();
}

const enterpriseFields: Record<string, string> = {
  name: 'name',
  creditCode: 'credit_code',
  address: 'address',
  contactName: 'contact_name',
  contactPhone: 'contact_phone',
  status: 'status',
  needs: 'needs',
};
const enterpriseRow = (input: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(input).flatMap(([k, v]) => (enterpriseFields[k] && v !== undefined ? [[enterpriseFields[k], v]] : [])));

export async function insertEnterprise(db: Queryable, gridId: number, input: Record<string, unknown>, byUserId: number): Promise<number> {
  const [row] = await db('grid_enterprises')
    .insert({ ...enterpriseRow(input), grid_id: gridId, updated_by: byUserId })
    .returning<Array<{ id: number }>>('id');
  return row!.id;
}

export async function updateEnterprise(db: Queryable, id: number, input: Record<string, unknown>, byUserId: number): Promise<void> {
  await db('grid_enterprises')
    .update({ ...enterpriseRow(input), updated_by: byUserId, updated_at: db.fn.now() })
    .where({ id });
}

export async function insertVisit(
  db: Queryable,
  visit: { enterpriseId: number; byUserId: number; kind: string; note: string; needs: string | null },
) {
  await db('grid_enterprise_visits').insert({
    enterprise_id: visit.enterpriseId,
    by_user_id: visit.byUserId,
    kind: visit.kind,
    note: visit.note,
    needs: visit.needs,
  });
  await db('grid_enterprises')
    .update({ last_visit_at: db.fn.now(), updated_at: db.fn.now(), ...(visit.needs !== null ? { needs: visit.needs } : {}) })
    .where({ id: visit.enterpriseId });
}

export function enterpriseVisits(db: Queryable, enterpriseId: number) {
  return db('grid_enterprise_visits as v')
    .join('users as u', 'u.id', 'v.by_user_id')
    .select({ id: 'v.id', kind: 'v.kind', note: 'v.note', needs: 'v.needs', by: 'u.display_name', at: 'v.at' })
    .where('v.enterprise_id', enterpriseId)
    .orderBy('v.at', 'desc')
    .limit(100);
}

export async function listTariffs(db: Queryable): Promise<Tariff[]> {
  const rows = await db('postal_tariffs')
    .select({
      id: 'id',
      effectiveFrom: db.raw("to_char(effective_from, 'YYYY-MM-DD')"),
      bands: 'bands',
      lateDeductionFen: 'late_deduction_fen',
      refusedDeductionFen: 'refused_deduction_fen',
    })
    .orderBy('effective_from');
  return rows as Tariff[];
}

export async function insertTariff(db: Queryable, tariff: TariffInput, byUserId: number): Promise<number> {
  const [row] = await db('postal_tariffs')
    .insert({
      effective_from: tariff.effectiveFrom,
      bands: JSON.stringify(tariff.bands),
      late_deduction_fen: tariff.lateDeductionFen,
      refused_deduction_fen: tariff.refusedDeductionFen,
      created_by: byUserId,
    })
    .returning<Array<{ id: number }>>('id');
  return row!.id;
}

export async function insertPiece(
  db: Queryable,
  piece: {
    gridId: number;
    courierUserId: number;
    orderId: number | null;
    kind: 'collect' | 'deliver';
    distanceKm: number;
    dueAt: Date | null;
    doneAt: Date;
    outcome: 'delivered' | 'refused';
    trackingNumber: string | null;
    note: string | null;
    recordedBy: number;
  },
): Promise<number> {
  const [row] = await db('postal_pieces')
    .insert({
      grid_id: piece.gridId,
      courier_user_id: piece.courierUserId,
      order_id: piece.orderId,
      kind: piece.kind,
      distance_km: piece.distanceKm,
      due_at: piece.dueAt,
      done_at: piece.doneAt,
      outcome: piece.outcome,
      tracking_number: piece.trackingNumber,
      note: piece.note,
      recorded_by: piece.recordedBy,
    })
    .returning<Array<{ id: number }>>('id');
  return row!.id;
}

export interface PieceRow {
  id: number;
  gridId: number;
  gridName: string;
  courierUserId: number;
  courierName: string;
  orderId: number | null;
  kind: 'collect' | 'deliver';
  distanceKm: number;
  dueAt: Date | null;
  doneAt: Date;
  doneDay: string;
  outcome: 'delivered' | 'refused';
  trackingNumber: string | null;
  note: string | null;
  settlementId: number | null;
  priceFen: number | null;
  deductionFen: number | null;
}

/** A postal company's pieces done in a Beijing month (YYYY-MM), by courier and time. */
export async function monthPieces(
  db: Queryable,
  filter: { postalCompanyId: number; month: string; courierUserId?: number },
): Promise<PieceRow[]> {
  const query = db('postal_pieces as p')
    .join('postal_grids as g', 'g.id', 'p.grid_id')
    .join('users as u', 'u.id', 'p.courier_user_id')
    .select({
      id: 'p.id',
      gridId: 'p.grid_id',
      gridName: 'g.name',
      courierUserId: 'p.courier_user_id',
      courierName: 'u.display_name',
      orderId: 'p.order_id',
      kind: 'p.kind',
      distanceKm: 'p.distance_km',
      dueAt: 'p.due_at',
      doneAt: 'p.done_at',
      doneDay: db.raw(`to_char(p.done_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD')`),
      outcome: 'p.outcome',
      trackingNumber: 'p.tracking_number',
      note: 'p.note',
      settlementId: 'p.settlement_id',
      priceFen: 'p.price_fen',
      deductionFen: 'p.deduction_fen',
    })
    .where('g.postal_company_id', filter.postalCompanyId)
    .whereRaw(`p.done_at >= (?::date)::timestamp at time zone 'Asia/Shanghai'`, [`${filter.month}-01`])
    .whereRaw(`p.done_at < ((?::date) + interval '1 month')::timestamp at time zone 'Asia/Shanghai'`, [`${filter.month}-01`])
    .orderBy('u.display_name')
    .orderBy('p.done_at')
    .orderBy('p.id');
  if (filter.courierUserId !== undefined) query.where('p.courier_user_id', filter.courierUserId);
  const rows: PieceRow[] = await query;
  return rows.map((r) => ({ ...r, id: Number(r.id), courierUserId: Number(r.courierUserId), distanceKm: Number(r.distanceKm) }));
}

export interface SettlementRow {
  id: number;
  postalCompanyId: number;
  postalCompany: string;
  month: string;
  status: 'draft' | 'approved';
  pieceCount: number;
  grossFen: number;
  deductionsFen: number;
  netFen: number;
  computedBy: number | null;
  computedByName: string | null;
  computedAt: Date;
  approvedBy: number | null;
  approvedByName: string | null;
  approvedAt: Date | null;
}

function settlements(db: Queryable) {
  return db('postal_settlements as s')
    .join('postal_companies as c', 'c.id', 's.postal_company_id')
    .leftJoin('users as cu', 'cu.id', 's.computed_by')
    .leftJoin('users as au', 'au.id', 's.approved_by')
    .select({
      id: 's.id',
      postalCompanyId: 's.postal_company_id',
      postalCompany: 'c.name',
      month: db.raw(`to_char(s.month, 'YYYY-MM')`),
      status: 's.status',
      pieceCount: 's.pieces',
      grossFen: 's.gross_fen',
      deductionsFen: 's.deductions_fen',
      netFen: 's.net_fen',
      computedBy: 's.computed_by',
      computedByName: 'cu.display_name',
      computedAt: 's.computed_at',
      approvedBy: 's.approved_by',
      approvedByName: 'au.display_name',
      approvedAt: 's.approved_at',
    });
}

const money = (r: SettlementRow): SettlementRow => ({
  ...r,
  id: Number(r.id),
  postalCompanyId: Number(r.postalCompanyId),
  grossFen: Number(r.grossFen),
  deductionsFen: Number(r.deductionsFen),
  netFen: Number(r.netFen),
  computedBy: r.computedBy === null ? null : Number(r.computedBy),
});

export async function listSettlements(db: Queryable, month?: string): Promise<SettlementRow[]> {
  const query = settlements(db).orderBy('s.month', 'desc').orderBy('c.name').limit(200);
  if (month) query.where('s.month', `${month}-01`);
  return (await query).map(money);
}

export async function findSettlement(db: Queryable, by: { id: number } | { postalCompanyId: number; month: string }, lock = false) {
  const query = settlements(db);
  if ('id' in by) query.where('s.id', by.id);
  else query.where({ 's.postal_company_id': by.postalCompanyId, 's.month': `${by.month}-01` });
  if (lock) query.forUpdate('s');
  const row = await query.first<SettlementRow | undefined>();
  return row && money(row);
}

export async function saveDraft(
  db: Queryable,
  draft: {
    postalCompanyId: number;
    month: string;
    pieceCount: number;
    grossFen: number;
    deductionsFen: number;
    netFen: number;
    byUserId: number;
  },
): Promise<number> {
  const totals = { pieces: draft.pieceCount, gross_fen: draft.grossFen, deductions_fen: draft.deductionsFen, net_fen: draft.netFen };
  const [row] = await db('postal_settlements')
    .insert({ postal_company_id: draft.postalCompanyId, month: `${draft.month}-01`, ...totals, computed_by: draft.byUserId })
    .onConflict(['postal_company_id', 'month'])
    .merge({ ...totals, computed_by: draft.byUserId, computed_at: db.fn.now() })
    .returning<Array<{ id: number }>>('id');
  return row!.id;
}

/** Approved: the statement and each piece's amounts are fixed. */
export async function approveSettlement(
  db: Queryable,
  id: number,
  byUserId: number,
  pieces: ReadonlyArray<{ id: number; priceFen: number; deductionFen: number }>,
): Promise<void> {
  await db('postal_settlements').update({ status: 'approved', approved_by: byUserId, approved_at: db.fn.now() }).where({ id });
  if (pieces.length === 0) return;
  await db.raw(
    `update postal_pieces p set settlement_id = ?, price_fen = v.price, deduction_fen = v.deduction
     from unnest(?::bigint[], ?::int[], ?::int[]) as v(id, price, deduction) where p.id = v.id`,
    [id, pieces.map((p) => p.id), pieces.map((p) => p.priceFen), pieces.map((p) => p.deductionFen)],
  );
}

/** Whether the postal company's month is approved already (its pieces fixed). */
export async function monthApproved(db: Queryable, postalCompanyId: number, doneAt: Date): Promise<boolean> {
  const row = await db('postal_settlements')
    .where({ postal_company_id: postalCompanyId, status: 'approved' })
    .whereRaw(`month = date_trunc('month', ?::timestamptz at time zone 'Asia/Shanghai')::date`, [doneAt])
    .first('id');
  return row !== undefined;
}
