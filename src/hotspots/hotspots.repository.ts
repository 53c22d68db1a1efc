import type { Queryable, Tx } from '../db/db';
import type { SurgeRule, WindowName } from './surge-detector';

export interface HotspotRuleRow extends SurgeRule {
  everyMinutes: number;
  active: boolean;
  lastCheckedAt: Date | null;
  updatedAt: Date;
}

const ruleColumns = {
  window: 'window_name',
  minCount: 'min_count',
  minRatio: 'min_ratio',
  minScore: 'min_score',
  severeScore: 'severe_score',
  historyWeeks: 'history_weeks',
  everyMinutes: 'every_minutes',
  active: 'active',
  lastCheckedAt: 'last_checked_at',
  updatedAt: 'updated_at',
};

/** The columns as their names here (select and returning take "column as alias"). */
const ruleAliases = Object.entries(ruleColumns).map(([alias, column]) => `${column} as ${alias}`);

const numeric = (row: HotspotRuleRow): HotspotRuleRow => ({
  ...row,
  minRatio: Number(row.minRatio),
  minScore: Number(row.minScore),
  severeScore: Number(row.severeScore),
});

export async function listRules(db: Queryable): Promise<HotspotRuleRow[]> {
  const rows: HotspotRuleRow[] = await db('hotspot_rules')
    .select(ruleAliases)
    .orderByRaw("array_position(array['1h','24h','7d'], window_name)");
  return rows.map(numeric);
}

export async function updateRule(
  db: Queryable,
  window: WindowName,
  patch: Partial<Omit<SurgeRule, 'window'>> & { everyMinutes?: number; active?: boolean },
) {
  const columns: Record<string, unknown> = { updated_at: db.fn.now() };
  for (const [key, value] of Object.entries(patch)) if (value !== undefined) columns[ruleColumns[key as keyof typeof ruleColumns]] = value;
  const [row] = await db('hotspot_rules').update(columns).where({ window_name: window }).returning(ruleAliases);
  return row ? numeric(row as HotspotRuleRow) : undefined;
}

/**
 * The windows due now, claimed: each is checked by one process at its own pace, whichever worker gets
 * there first (the others find it claimed).
 */
export async function claimDueRules(db: Queryable, now: Date): Promise<HotspotRuleRow[]> {
  const rows: HotspotRuleRow[] = await db('hotspot_rules')
    .update({ last_checked_at: now })
    .where({ active: true })
    .andWhere((q) =>
      q
        .whereNull('last_checked_at')
        .orWhereRaw("last_checked_at <= ?::timestamptz - every_minutes * interval '1 minute' + interval '5 seconds'", [now]),
    )
    .returning(ruleAliases);
  return rows.map(numeric);
}

/** Tickets created in [from, to) by stored category and region (both set): the cells before they are rolled up. */
export async function countCells(
  db: Queryable,
  from: Date,
  to: Date,
): Promise<Array<{ categoryId: number; regionId: number; count: number }>> {
  const rows: Array<{ categoryId: string; regionId: string; count: string }> = await db('tickets')
    .select({ categoryId: 'category_id', regionId: 'region_id' })
    .count({ count: '*' })
    .where('created_at', '>=', from)
    .andWhere('created_at', '<', to)
    .whereNotNull('category_id')
    .whereNotNull('region_id')
    .groupBy('category_id', 'region_id');
  return rows.map((r) => ({ categoryId: Number(r.categoryId), regionId: Number(r.regionId), count: Number(r.count) }));
}

/** Each category's line up (itself, its parent) and each region's (itself up to the city, from its path). */
export async function treeLines(db: Queryable): Promise<{ categories: Map<number, number[]>; regions: Map<number, number[]> }> {
  const [categories, regions] = await Promise.all([
    db('categories').select('id', 'parent_id') as Promise<Array<{ id: number; parent_id: number | null }>>,
    db('regions').select('id', 'path') as Promise<Array<{ id: number; path: string }>>,
  ]);
  return {
    categories: new Map(categories.map((c) => [Number(c.id), c.parent_id === null ? [Number(c.id)] : [Number(c.id), Number(c.parent_id)]])),
    regions: new Map(regions.map((r) => [Number(r.id), r.path.split('/').filter(Boolean).map(Number).reverse()])),
  };
}

/** Serialises the writers of hot spots (two workers checking two windows at once). */
export async function lockHotspots(trx: Tx): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', ['hotspots']);
}

/** Open hot spots not found since `before` have ended by themselves. */
export async function closeQuiet(trx: Tx, before: Date, now: Date): Promise<void> {
  await trx('hotspots').update({ status: 'closed', closed_at: now }).where({ status: 'open' }).andWhere('last_detected_at', '<', before);
}

export interface OpenHotspot {
  id: number;
  severity: 'notice' | 'severe';
  ticketCount: number;
}

export async function findOpen(trx: Tx, categoryId: number, regionId: number): Promise<OpenHotspot | undefined> {
  const row = await trx('hotspots')
    .select({ id: 'id', severity: 'severity', ticketCount: 'ticket_count' })
    .where({ category_id: categoryId, region_id: regionId, status: 'open' })
    .first();
  return row ? { ...row, id: Number(row.id) } : undefined;
}

export interface Finding {
  window: WindowName;
  severity: 'notice' | 'severe';
  count: number;
  expected: number;
  score: number;
}

/** Found again: seen now, severe once severe, and the biggest count it reached kept. */
export async function foundAgain(trx: Tx, open: OpenHotspot, finding: Finding, now: Date): Promise<void> {
  const grew = finding.count >= open.ticketCount;
  await trx('hotspots')
    .update({
      last_detected_at: now,
      window_end: now,
      severity: open.severity === 'severe' ? 'severe' : finding.severity,
      ...(grew ? { window_name: finding.window, ticket_count: finding.count, expected: finding.expected, score: finding.score } : {}),
    })
    .where({ id: open.id });
}

export async function insertHotspot(
  trx: Tx,
  cell: { categoryId: number; regionId: number },
  finding: Finding,
  windowStart: Date,
  now: Date,
): Promise<number> {
  const [row] = await trx('hotspots')
    .insert({
      category_id: cell.categoryId,
      region_id: cell.regionId,
      window_name: finding.window,
      severity: finding.severity,
      window_start: windowStart,
      window_end: now,
      ticket_count: finding.count,
      expected: finding.expected,
      score: finding.score,
      first_detected_at: now,
      last_detected_at: now,
    })
    .returning('id');
  return Number(row.id);
}

/** Who hears of hot spots: the duty chiefs (值班长) and the directors. */
export async function dutyChiefs(trx: Tx): Promise<Array<{ id: number; phone: string | null }>> {
  return trx('users').select('id', 'phone').whereIn('role', ['supervisor', 'director']).andWhere({ active: true });
}

export async function listIds(
  db: Queryable,
  filter: { status?: 'open' | 'closed'; from?: Date; to?: Date; limit: number },
): Promise<number[]> {
  const rows: Array<{ id: string }> = await db('hotspots as h')
    .select('h.id')
    .modify((q) => {
      if (filter.status) q.where('h.status', filter.status);
      if (filter.from) q.where('h.first_detected_at', '>=', filter.from);
      if (filter.to) q.where('h.first_detected_at', '<', filter.to);
    })
    .orderByRaw("h.status = 'open' desc, h.severity = 'severe' desc, h.first_detected_at desc")
    .limit(filter.limit);
  return rows.map((r) => Number(r.id));
}

export async function closeHotspot(db: Queryable, id: number, by: number, note: string): Promise<void> {
  await db('hotspots').update({ status: 'closed', closed_at: db.fn.now(), closed_by: by, note }).where({ id, status: 'open' });
}

/** The tickets behind a hot spot: its category or its children, its region or below, its time. */
export async function ticketsBehind(
  db: Queryable,
  spot: { categoryId: number; regionId: number; from: Date; to: Date },
): Promise<
  Array<{ id: number; number: string; title: string; description: string; status: string; createdAt: Date; regionName: string | null }>
> {
  return db('tickets as t')
    .join('categories as c', 'c.id', 't.category_id')
    .join('regions as r', 'r.id', 't.region_id')
    .select({
      id: 't.id',
      number: 't.number',
      title: 't.title',
      description: 't.description',
      status: 't.status',
      createdAt: 't.created_at',
      regionName: 'r.name',
    })
    .where((q) => q.where('t.category_id', spot.categoryId).orWhere('c.parent_id', spot.categoryId))
    .andWhere('r.path', 'like', db('regions').select(db.raw("path || '%'")).where({ id: spot.regionId }))
    .andWhere('t.created_at', '>=', spot.from)
    .andWhere('t.created_at', '<=', spot.to)
    .orderBy('t.created_at', 'desc')
    .limit(500);
}

/** Tickets of [from, to) by level-1 category and district (null: not placed). */
export async function countByDistrict(
  db: Queryable,
  from: Date,
  to: Date,
): Promise<Array<{ categoryId: number; regionId: number | null; n: number }>> {
  const rows: Array<{ categoryId: string; regionId: string | null; n: string }> = await db('tickets as t')
    .join('categories as c', 'c.id', 't.category_id')
    .leftJoin('regions as r', 'r.id', 't.region_id')
    .select({ categoryId: db.raw('coalesce(c.parent_id, c.id)'), regionId: db.raw("nullif(split_part(r.path, '/', 3), '')::bigint") })
    .count({ n: '*' })
    .where('t.created_at', '>=', from)
    .andWhere('t.created_at', '<', to)
    .groupByRaw('1, 2');
  return rows.map((r) => ({ categoryId: Number(r.categoryId), regionId: r.regionId === null ? null : Number(r.regionId), n: Number(r.n) }));
}

export async function hotspotIdsFound(db: Queryable, from: Date, to: Date): Promise<number[]> {
  const rows: Array<{ id: string }> = await db('hotspots')
    .select('id')
    .where('first_detected_at', '>=', from)
    .andWhere('first_detected_at', '<', to)
    .orderBy('score', 'desc')
    .limit(50);
  return rows.map((r) => Number(r.id));
}

export async function names(db: Queryable): Promise<{ categories: Map<number, string>; regions: Map<number, string> }> {
  const [categories, regions] = await Promise.all([db('categories').select('id', 'name'), db('regions').select('id', 'name')]);
  return {
    categories: new Map(categories.map((c: { id: number; name: string }) => [Number(c.id), c.name])),
    regions: new Map(regions.map((r: { id: number; name: string }) => [Number(r.id), r.name])),
  };
}

export interface HotspotRow {
  id: string;
  status: 'open' | 'closed';
  severity: 'notice' | 'severe';
  window: WindowName;
  categoryId: string;
  categoryName: string;
  parentName: string | null;
  regionId: string;
  regionName: string;
  regionLevel: string;
  ticketCount: number;
  expected: string;
  score: string;
  windowStart: Date;
  windowEnd: Date;
  firstDetectedAt: Date;
  lastDetectedAt: Date;
  closedAt: Date | null;
  note: string | null;
}

export async function hotspotRows(db: Queryable, ids: number[]): Promise<HotspotRow[]> {
  return db('hotspots as h')
    .join('categories as c', 'c.id', 'h.category_id')
    .leftJoin('categories as p', 'p.id', 'c.parent_id')
    .join('regions as r', 'r.id', 'h.region_id')
    .select({
      id: 'h.id',
      status: 'h.status',
      severity: 'h.severity',
      window: 'h.window_name',
      categoryId: 'c.id',
      categoryName: 'c.name',
      parentName: 'p.name',
      regionId: 'r.id',
      regionName: 'r.name',
      regionLevel: 'r.level',
      ticketCount: 'h.ticket_count',
      expected: 'h.expected',
      score: 'h.score',
      windowStart: 'h.window_start',
      windowEnd: 'h.window_end',
      firstDetectedAt: 'h.first_detected_at',
      lastDetectedAt: 'h.last_detected_at',
      closedAt: 'h.closed_at',
      note: 'h.note',
    })
    .whereIn('h.id', ids);
}
