import type { Queryable } from '../db/db';

/**
 * What 一件事一次办, 项目帮办 and 政邮商 achieved in a period, per team, grid, matter or month — the figures the source
 * reports publish. Read straight from their tables (a read model: no rule of theirs is decided here).
 */

export const outcomeGroupings = ['team', 'grid', 'matter', 'month'] as const;
export type OutcomeGrouping = (typeof outcomeGroupings)[number];

const month = (at: string) => `to_char(${at} at time zone 'Asia/Shanghai', 'YYYY-MM')`;

/** Bundled orders by team (runner team), grid (the applicant's village or community), matter (the situation), month created. */
const bundleKeys: Record<OutcomeGrouping, string> = {
  team: '(select name from departments where id = o.team_id)',
  grid: '(select name from regions where id = o.region_id)',
  matter: 's.name',
  month: month('o.created_at'),
};

export interface BundleCounts {
  name: string | null;
  scenarioId: number;
  orders: number;
  done: number;
  doneFullProxy: number;
  /** Seconds the done orders finished before their deadline (negative: after), and their deadlines' spans. */
  secondsBeforeDue: number;
  secondsAllowed: number;
}

export async function bundleCounts(db: Queryable, groupBy: OutcomeGrouping, from: Date, to: Date): Promise<BundleCounts[]> {
  const { rows } = await db.raw<{ rows: BundleCounts[] }>(
    `select ${bundleKeys[groupBy]} as name, o.scenario_id::int as "scenarioId",
            count(*)::int as orders,
            count(*) filter (where o.status = 'done')::int as done,
            count(*) filter (where o.status = 'done' and o.service_mode = 'full_proxy')::int as "doneFullProxy",
            coalesce(sum(extract(epoch from t.reply_due_at - o.done_at)) filter (where o.status = 'done' and t.reply_due_at is not null), 0)::float8 as "secondsBeforeDue",
            coalesce(sum(extract(epoch from t.reply_due_at - o.created_at)) filter (where o.status = 'done' and t.reply_due_at is not null), 0)::float8 as "secondsAllowed"
     from proxy_orders o
     join tickets t on t.id = o.ticket_id
     join proxy_bundle_scenarios s on s.id = o.scenario_id
     where o.created_at >= :from and o.created_at < :to
     group by 1, 2`,
    { from, to },
  );
  return rows;
}

/** Project facts by team (联点部门), grid (the project's place), matter (the approval), month of the fact. */
const projectKeys: Record<OutcomeGrouping, string> = {
  team: '(select name from departments where id = f.department_id)',
  grid: '(select name from regions where id = f.region_id)',
  matter: 'f.approval',
  month: month('f.at'),
};

export interface ProjectCounts {
  name: string | null;
  projects: number;
  approvalsDue: number;
  approvalsApproved: number;
  approvalsOnTime: number;
  approvalsOverdue: number;
  problemsRaised: number;
  problemsSolved: number;
  meetingsOutOfHours: number;
}

export async function projectCounts(db: Queryable, groupBy: OutcomeGrouping, from: Date, to: Date): Promise<ProjectCounts[]> {
  const { rows } = await db.raw<{ rows: ProjectCounts[] }>(
    `with facts as (
       select p.id as project_id, p.department_id, p.region_id, null::text as approval, e.at, 'served' as kind
         from project_events e join projects p on p.id = e.project_id
       union all
       select p.id, p.department_id, p.region_id, a.name, (a.due_on::timestamp at time zone 'Asia/Shanghai') + interval '1 day' - interval '1 second',
              case when a.status in ('pending', 'in_progress') and a.due_on < (now() at time zone 'Asia/Shanghai')::date then 'overdue'
                   when a.done_at is not null and (a.done_at at time zone 'Asia/Shanghai')::date > a.due_on then 'overdue' else 'due' end
         from project_approvals a join projects p on p.id = a.project_id
       union all
       select p.id, p.department_id, p.region_id, a.name, a.done_at,
              case when (a.done_at at time zone 'Asia/Shanghai')::date <= a.due_on then 'approved_on_time' else 'approved_late' end
         from project_approvals a join projects p on p.id = a.project_id where a.status = 'approved'
       union all
       select p.id, p.department_id, p.region_id, null, q.raised_at, 'problem_raised' from project_problems q join projects p on p.id = q.project_id
       union all
       select p.id, p.department_id, p.region_id, null, q.solved_at, 'problem_solved' from project_problems q join projects p on p.id = q.project_id where q.solved_at is not null
       union all
       select p.id, p.department_id, p.region_id, null, m.starts_at, 'meeting' from project_meetings m join projects p on p.id = m.project_id where m.out_of_hours
     )
     select ${projectKeys[groupBy]} as name,
            count(distinct f.project_id) filter (where kind = 'served')::int as projects,
            count(*) filter (where kind in ('due', 'overdue'))::int as "approvalsDue",
            count(*) filter (where kind in ('approved_on_time', 'approved_late'))::int as "approvalsApproved",
            count(*) filter (where kind = 'approved_on_time')::int as "approvalsOnTime",
            count(*) filter (where kind = 'overdue')::int as "approvalsOverdue",
            count(*) filter (where kind = 'problem_raised')::int as "problemsRaised",
            count(*) filter (where kind = 'problem_solved')::int as "problemsSolved",
            count(*) filter (where kind = 'meeting')::int as "meetingsOutOfHours"
     from facts f
     where f.at >= :from and f.at < :to
     group by 1 order by 2 desc, 1`,
    { from, to },
  );
  return rows;
}

/** Pieces by team (the postal company), grid (the postal grid), matter (the order's), month done. */
const pieceKeys: Record<OutcomeGrouping, string> = {
  team: 'c.name',
  grid: 'g.name',
  matter: `(select coalesce(m.name, s.name) from proxy_orders o left join proxy_matters m on m.id = o.matter_id
             left join proxy_bundle_scenarios s on s.id = o.scenario_id where o.id = p.order_id)`,
  month: month('p.done_at'),
};

export interface PieceCounts {
  name: string | null;
  pieces: number;
  late: number;
  refused: number;
  settled: number;
  paidFen: number;
}

export async function pieceCounts(db: Queryable, groupBy: OutcomeGrouping, from: Date, to: Date): Promise<PieceCounts[]> {
  const { rows } = await db.raw<{ rows: PieceCounts[] }>(
    `select ${pieceKeys[groupBy]} as name,
            count(*)::int as pieces,
            count(*) filter (where p.due_at is not null and p.done_at > p.due_at)::int as late,
            count(*) filter (where p.outcome = 'refused')::int as refused,
            count(*) filter (where p.settlement_id is not null)::int as settled,
            coalesce(sum(p.price_fen - p.deduction_fen) filter (where p.settlement_id is not null), 0)::int as "paidFen"
     from postal_pieces p
     join postal_grids g on g.id = p.grid_id
     join postal_companies c on c.id = g.postal_company_id
     where p.done_at >= :from and p.done_at < :to
     group by 1 order by 2 desc, 1`,
    { from, to },
  );
  return rows;
}
