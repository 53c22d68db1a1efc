import type { Queryable } from '../db/db';
import { matterColumns, matterRow, type Matter, type MatterInput } from './matters';

/** The 代办 catalog's matters, its runners and their grids, and the orders' report. */

export function listMatters(db: Queryable): Promise<Matter[]> {
  return db('proxy_matters').select(matterColumns).orderBy('id');
}

export function findMatterById(db: Queryable, id: number): Promise<Matter | undefined> {
  return db('proxy_matters').select(matterColumns).where({ id }).first<Matter | undefined>();
}

export async function insertMatter(db: Queryable, input: MatterInput): Promise<number> {
  const [row] = await db('proxy_matters').insert(matterRow(input)).returning<Array<{ id: number }>>('id');
  return row!.id;
}

export async function updateMatter(db: Queryable, id: number, patch: Partial<MatterInput>): Promise<void> {
  await db('proxy_matters')
    .update({ ...matterRow(patch), updated_at: db.fn.now() })
    .where({ id });
}

/** Of these ids, those that exist in the table. */
export async function existingIds(db: Queryable, table: 'regions' | 'proxy_matters', ids: readonly number[]): Promise<number[]> {
  return db(table).whereIn('id', ids).pluck('id');
}

/** Active runners with their grids, trained matters and open orders. */
export function listRunners(db: Queryable, teamId?: number) {
  const query = db('users as u')
    .leftJoin('runners as r', 'r.user_id', 'u.id')
    .select({
      userId: 'u.id',
      displayName: 'u.display_name',
      teamId: 'u.department_id',
      onDuty: 'u.on_duty',
      capacity: 'u.capacity',
      kind: db.raw("coalesce(r.kind, 'runner')"),
      gridRegionIds: db.raw("coalesce(r.grid_region_ids, '{}')"),
      matterIds: db.raw("coalesce(r.matter_ids, '{}')"),
      openOrders: db.raw(
        `(select count(*)::int from proxy_orders o where o.runner_user_id = u.id and o.status in ('offered', 'accepted', 'submitted', 'delivering'))`,
      ),
    })
    .where({ 'u.role': 'runner', 'u.active': true })
    .orderBy('u.id');
  if (teamId) query.where('u.department_id', teamId);
  return query;
}

export async function upsertRunner(
  db: Queryable,
  userId: number,
  runner: { kind: string; gridRegionIds: number[]; matterIds: number[] },
): Promise<void> {
  const row = { kind: runner.kind, grid_region_ids: runner.gridRegionIds, matter_ids: runner.matterIds };
  await db('runners')
    .insert({ user_id: userId, ...row })
    .onConflict('user_id')
    .merge({ ...row, updated_at: db.fn.now() });
}

export type ReportGrouping = 'runner' | 'team' | 'matter' | 'grid' | 'mode';

export interface ReportCounts {
  key: string | null;
  orders: number;
  done: number;
  on_time: number;
  cancelled: number;
  trips_saved: number;
  materials_outstanding: number;
}

/** The report's groupings and figures as SQL over proxy_orders o joined with its ticket t: one place for both the counts and the orders behind them. */
const reportKeys: Record<ReportGrouping, string> = {
  runner: 'o.runner_user_id::text',
  team: 'o.team_id::text',
  matter: 'o.matter_id::text',
  grid: 'o.region_id::text',
  mode: 'o.service_mode',
};
const outstandingMaterials = `(select count(*) from proxy_materials d where d.order_id = o.id and d.direction = 'deferred'
  and not exists (select 1 from proxy_materials r where r.order_id = o.id and r.item_key = d.item_key and r.direction = 'received' and r.id > d.id))`;
export const reportFigures = ['orders', 'done', 'late', 'cancelled', 'outstanding'] as const;
export type ReportFigure = (typeof reportFigures)[number];
const figureFilters: Record<ReportFigure, string> = {
  orders: 'true',
  done: "o.status = 'done'",
  late: "o.status = 'done' and t.reply_due_at is not null and o.done_at > t.reply_due_at",
  cancelled: "o.status = 'cancelled'",
  outstanding: `${outstandingMaterials} > 0`,
};

/** Orders created in the period, counted by the grouping. */
export async function countOrders(db: Queryable, groupBy: ReportGrouping, from: Date, to: Date): Promise<ReportCounts[]> {
  const { rows } = await db.raw<{ rows: ReportCounts[] }>(
    `select ${reportKeys[groupBy]} as key,
            count(*)::int as orders,
            count(*) filter (where ${figureFilters.done})::int as done,
            count(*) filter (where ${figureFilters.done} and not (${figureFilters.late}))::int as on_time,
            count(*) filter (where ${figureFilters.cancelled})::int as cancelled,
            coalesce(sum(m.trips_saved) filter (where o.status = 'done' and o.service_mode = 'full_proxy'), 0)::int as trips_saved,
            coalesce(sum(${outstandingMaterials}), 0)::int as materials_outstanding
     from proxy_orders o
     join tickets t on t.id = o.ticket_id
     left join proxy_matters m on m.id = o.matter_id
     where o.created_at >= :from and o.created_at < :to
     group by 1 order by 2 desc`,
    { from, to },
  );
  return rows;
}

/** The orders behind one of the report's figures: one group's (key null: the unassigned), created in the period. */
export async function reportOrders(
  db: Queryable,
  query: { groupBy: ReportGrouping; key: string | null; figure: ReportFigure; from: Date; to: Date; limit: number },
): Promise<Array<{ orderId: number; ticketId: number; number: string; title: string; status: string }>> {
  const { rows } = await db.raw<{ rows: Array<{ orderId: number; ticketId: number; number: string; title: string; status: string }> }>(
    `select o.id::int as "orderId", t.id::int as "ticketId", t.number, t.title, o.status
     from proxy_orders o
     join tickets t on t.id = o.ticket_id
     where o.created_at >= :from and o.created_at < :to
       and ${reportKeys[query.groupBy]} is not distinct from :key::text
       and ${figureFilters[query.figure]}
     order by o.created_at desc, o.id desc
     limit :limit`,
    query,
  );
  return rows;
}

/** The names the report's keys stand for. */
export async function namesOf(db: Queryable, groupBy: Exclude<ReportGrouping, 'mode'>): Promise<Map<string, string>> {
  const [table, column] = {
    runner: ['users', 'display_name'],
    team: ['departments', 'name'],
    matter: ['proxy_matters', 'name'],
    grid: ['regions', 'name'],
  }[groupBy] as [string, string];
  return new Map((await db(table).select({ id: 'id', name: column })).map((r: { id: number; name: string }) => [String(r.id), r.name]));
}
