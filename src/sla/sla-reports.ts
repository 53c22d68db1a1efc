import type { Db } from '../db/db';
import type { ReadSource } from '../db/read-replica';
import { DailyRollups } from '../db/daily-rollups';
import { humanDuration, stageLabels, stages, type Stage } from './sla-rules';

export interface ReportQuery {
  groupBy: 'department' | 'category';
  from: Date;
  to: Date;
  departmentId?: number;
}

interface StageFigures {
  total: number;
  onTime: number;
  onTimeRate: number | null;
}

export interface ReportRow {
  id: number | null;
  name: string;
  stages: Record<Stage, StageFigures>;
  breaches: number;
  overdueNow: number;
  extensions: number;
  closed: number;
  avgHandlingHours: number | null;
}

export interface AlertItem {
  alertId: number;
  at: Date;
  level: number;
  levelName: string;
  audience: string;
  ticketId: number;
  number: string;
  title: string;
  status: string;
  version: number;
  stage: Stage;
  stageLabel: string;
  departmentName: string | null;
  dueAt: Date;
  /** Its clock still runs past its deadline now. */
  overdueNow: boolean;
  supervised: boolean;
  urgeCount: number;
  /** A pending extension request's date, for 批准延期 in one click. */
  extensionDueAt: Date | null;
}

export interface OverdueItem {
  ticketId: number;
  number: string;
  title: string;
  stage: Stage;
  stageLabel: string;
  departmentId: number | null;
  departmentName: string | null;
  assignment: 'lead' | 'assist';
  dueAt: Date;
  lateMs: number;
  late: string;
  supervised: boolean;
  urgeCount: number;
}

/** One group's count from one of the report's sources (rolled days, live edges, overdue now), summed into its row. */
interface Figure {
  source: 'clocks' | 'breaches' | 'overdue' | 'extensions' | 'closed';
  key: string | number | null;
  stage?: string;
  total: number;
  on_time: number;
  hours: number;
}

/**
 * What supervisors are judged on, per department or category and period: on-time rate of
 * each stage (clocks stopped in the period), breaches, what is overdue now, approved
 * extensions, and the average handling time of tickets closed in the period.
 */
export class SlaReports {
  private readonly rollups: DailyRollups;

  constructor(
    /** The rollup is written on the primary. */
    private readonly primary: Db,
    /** Reports read a replica when one is configured and healthy (src/db/read-replica.ts). */
    private readonly reads: ReadSource,
  ) {
    this.rollups = new DailyRollups('sla_rollups', primary);
  }

  private get db(): Db {
    return this.reads.db();
  }

  /** Extension requests awaiting a supervisor's decision, oldest first, with the deadline they would move. */
  async pendingExtensions(limit: number): Promise<
    Array<{
      requestId: number;
      ticketId: number;
      number: string;
      title: string;
      departmentName: string | null;
      requestedBy: string | null;
      reason: string;
      currentDueAt: Date | null;
      requestedDueAt: Date;
      requestedAt: Date;
    }>
  > {
    const { rows } = await this.db.raw(
      `select e.id as "requestId", t.id as "ticketId", t.number, t.title, d.name as "departmentName", u.display_name as "requestedBy",
              e.reason, c.due_at as "currentDueAt", e.requested_due_at as "requestedDueAt", e.created_at as "requestedAt"
         from extension_requests e
         join tickets t on t.id = e.ticket_id
         left join departments d on d.id = e.department_id
         left join users u on u.id = e.requested_by
         left join lateral (
           select due_at from sla_clocks
            where ticket_id = t.id and stage = 'reply' and assignment_id is null and state in ('running', 'paused')
            order by id desc limit 1) c on true
        where e.status = 'pending'
        order by e.created_at
        limit ?`,
      [limit],
    );
    return rows;
  }

  async report(query: ReportQuery): Promise<ReportRow[]> {
    const byDepartment = query.groupBy === 'department';
    // Whole Beijing days already rolled up are read from sla_days; the rest (today, a partial day) from the sources.
    const plan = await this.rollups.plan(this.db, query.from, query.to);
    const parts = await Promise.all([
      ...(plan.rolled ? [this.rolledFigures(query, plan.rolled)] : []),
      ...plan.live.map(([from, to]) => this.liveFigures({ ...query, from, to })),
      this.overdueNow(query),
    ]);

    const names = new Map<number, string>(
      (byDepartment
        ? await this.db('departments').select('id', 'name')
        : await this.db('categories').select('id', this.db.raw("code || ' ' || name as name"))
      ).map((r: { id: number; name: string }) => [r.id, r.name]),
    );
    const rows = new Map<string, ReportRow & { hours: number }>();
    const row = (key: number | string | null) => {
      const id = key === null ? null : Number(key);
      const existing = rows.get(String(id));
      if (existing) return existing;
      const created = {
        id,
        name: id === null ? (byDepartment ? '热线中心' : '未分类') : (names.get(id) ?? `#${id}`),
        stages: Object.fromEntries(stages.map((s) => [s, { total: 0, onTime: 0, onTimeRate: null }])) as Record<Stage, StageFigures>,
        breaches: 0,
        overdueNow: 0,
        extensions: 0,
        closed: 0,
        avgHandlingHours: null,
        hours: 0,
      };
      rows.set(String(id), created);
      return created;
    };
    // Each part's counts add up (rolled days, live edges, what is overdue now).
    for (const figure of parts.flat()) {
      const r = row(figure.key);
      if (figure.source === 'clocks') {
        const s = r.stages[figure.stage as Stage];
        s.total += figure.total;
        s.onTime += figure.on_time;
      } else if (figure.source === 'breaches') r.breaches += figure.total;
      else if (figure.source === 'overdue') r.overdueNow += figure.total;
      else if (figure.source === 'extensions') r.extensions += figure.total;
      else {
        r.closed += figure.total;
        r.hours += figure.hours;
      }
    }
    return [...rows.values()]
      .map(({ hours, ...r }) => {
        for (const s of Object.values(r.stages)) s.onTimeRate = s.total === 0 ? null : Math.round((s.onTime / s.total) * 10_000) / 10_000;
        return { ...r, avgHandlingHours: r.closed === 0 ? null : Math.round((hours / r.closed) * 10) / 10 };
      })
      .sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
  }

  /** The report's figures for [from, to) from the source tables. */
  private async liveFigures(query: ReportQuery): Promise<Figure[]> {
    const byDepartment = query.groupBy === 'department';
    // The department a clock's time is charged to (the center for 派单 and 回访), or the ticket's category.
    const clockKey = byDepartment ? 'c.department_id' : 't.category_id';
    const departmentFilter = this.clockDepartmentFilter(query);
    const bindings = { from: query.from, to: query.to, departmentId: query.departmentId ?? null };
    // By department the clocks say it all (index-only scans of the covering indexes); by category each clock's ticket is read too.
    const clocks = byDepartment ? 'sla_clocks c' : 'sla_clocks c join tickets t on t.id = c.ticket_id';
    const parts = await Promise.all([
      this.figures(
        `select 'clocks' as source, ${clockKey} as key, c.stage, count(*)::int as total,
                count(*) filter (where c.due_at is null or c.stopped_at <= c.due_at)::int as on_time
         from ${clocks}
         where c.state = 'stopped' and c.stopped_at >= :from and c.stopped_at < :to ${departmentFilter}
         group by 2, 3`,
        bindings,
      ),
      this.figures(
        `select 'breaches' as source, ${clockKey} as key, count(*)::int as total from ${clocks}
         where c.breached_at >= :from and c.breached_at < :to ${departmentFilter} group by 2`,
        bindings,
      ),
      this.figures(
        `select 'extensions' as source, ${byDepartment ? 'e.department_id' : 't.category_id'} as key, count(*)::int as total
         from extension_requests e join tickets t on t.id = e.ticket_id
         where e.status = 'approved' and e.decided_at >= :from and e.decided_at < :to
           ${query.departmentId === undefined ? '' : 'and e.department_id = :departmentId'}
         group by 2`,
        bindings,
      ),
      this.figures(
        `select 'closed' as source, ${byDepartment ? 't.lead_department_id' : 't.category_id'} as key, count(*)::int as total,
                coalesce(sum(extract(epoch from (t.closed_at - t.created_at)) / 3600), 0)::float8 as hours
         from tickets t
         where t.status = 'closed' and t.closed_at >= :from and t.closed_at < :to
           ${query.departmentId === undefined ? '' : 'and t.lead_department_id = :departmentId'}
         group by 2`,
        bindings,
      ),
    ]);
    return parts.flat();
  }

  /** The clocks running past their deadline now (whatever the period). */
  private overdueNow(query: ReportQuery): Promise<Figure[]> {
    const byDepartment = query.groupBy === 'department';
    return this.figures(
      `select 'overdue' as source, ${byDepartment ? 'c.department_id' : 't.category_id'} as key, count(*)::int as total
       from ${byDepartment ? 'sla_clocks c' : 'sla_clocks c join tickets t on t.id = c.ticket_id'}
       where c.state = 'running' and c.due_at < now() ${this.clockDepartmentFilter(query)} group by 2`,
      { departmentId: query.departmentId ?? null },
    );
  }

  /** A department's report: the clocks charged to it, or (by category) the clocks of the tickets it leads. */
  private clockDepartmentFilter(query: ReportQuery): string {
    if (query.departmentId === undefined) return '';
    return query.groupBy === 'department' ? 'and c.department_id = :departmentId' : 'and t.lead_department_id = :departmentId';
  }

  /** The report's figures over whole days [fromDay, toDay), from the daily rollup. */
  private rolledFigures(query: ReportQuery, [fromDay, toDay]: [string, string]): Promise<Figure[]> {
    const byDepartment = query.groupBy === 'department';
    const dim = byDepartment ? 'department' : query.departmentId === undefined ? 'category' : 'lead_category';
    return this.figures(
      `select source, ${byDepartment ? 'department_id' : 'category_id'} as key, stage, sum(total)::int as total,
              sum(on_time)::int as on_time, sum(hours)::float8 as hours
         from sla_days
        where dim = :dim and day >= :fromDay and day < :toDay ${query.departmentId === undefined ? '' : 'and department_id = :departmentId'}
        group by 1, 2, 3`,
      { dim, fromDay, toDay, departmentId: query.departmentId ?? null },
    );
  }

  /**
   * Rolls a Beijing day up into sla_days, as the live report counts it: each source once per grouping (the
   * department charged; the category; the category within the lead department). Redone whole.
   */
  async rollUp(day: string): Promise<void> {
    const start = new Date(`${day}T00:00:00+08:00`);
    const b = { day, start, end: new Date(start.getTime() + 86_400_000) };
    // A source's rows as (charged, lead, category, stage, on_time, hours), grouped the three ways at once. Materialized,
    // so that charged and lead stay two columns where they are one expression (grouping() would not tell them apart).
    const insert = (source: string, rows: string) =>
      `with s as materialized (${rows})
       insert into sla_days (day, source, dim, department_id, category_id, stage, total, on_time, hours)
       select :day::date, '${source}',
              case when grouping(charged) = 0 then 'department' when grouping(lead) = 0 then 'lead_category' else 'category' end,
              case when grouping(charged) = 0 then charged when grouping(lead) = 0 then lead end,
              category, stage, count(*), count(*) filter (where on_time), coalesce(sum(hours), 0)
         from s
        group by grouping sets ((charged, stage), (category, stage), (lead, category, stage))`;
    await this.primary.transaction(async (trx) => {
      await this.rollups.lock(trx, day);
      await trx('sla_days').where({ day }).delete();
      await trx.raw(
        insert(
          'clocks',
          `select c.department_id as charged, t.lead_department_id as lead, t.category_id as category, c.stage,
                  c.due_at is null or c.stopped_at <= c.due_at as on_time, null::float8 as hours
             from sla_clocks c join tickets t on t.id = c.ticket_id
            where c.state = 'stopped' and c.stopped_at >= :start and c.stopped_at < :end`,
        ),
        b,
      );
      await trx.raw(
        insert(
          'breaches',
          `select c.department_id as charged, t.lead_department_id as lead, t.category_id as category, null::text as stage,
                  false as on_time, null::float8 as hours
             from sla_clocks c join tickets t on t.id = c.ticket_id
            where c.breached_at >= :start and c.breached_at < :end`,
        ),
        b,
      );
      // A department's extensions, in both groupings, are those it asked for.
      await trx.raw(
        insert(
          'extensions',
          `select e.department_id as charged, e.department_id as lead, t.category_id as category, null::text as stage,
                  false as on_time, null::float8 as hours
             from extension_requests e join tickets t on t.id = e.ticket_id
            where e.status = 'approved' and e.decided_at >= :start and e.decided_at < :end`,
        ),
        b,
      );
      await trx.raw(
        insert(
          'closed',
          `select t.lead_department_id as charged, t.lead_department_id as lead, t.category_id as category, null::text as stage,
                  false as on_time, extract(epoch from (t.closed_at - t.created_at)) / 3600 as hours
             from tickets t
            where t.status = 'closed' and t.closed_at >= :start and t.closed_at < :end`,
        ),
        b,
      );
      await this.rollups.markRolled(trx, day);
    });
  }

  /** The periodic rollup: the last week again once an hour, then older days never rolled up, a month per run. */
  async rollUpDue(now = new Date(), backlogPerRun = 31): Promise<number> {
    // The partial index of stopped clocks answers this without a scan.
    const oldest = await this.primary('sla_clocks').where({ state: 'stopped' }).min<{ min: Date | null }>('stopped_at as min').first();
    const days = await this.rollups.due(now, oldest?.min ?? null, backlogPerRun);
    for (const day of days) await this.rollUp(day);
    return days.length;
  }

  /**
   * The tickets behind a figure of the report: one row's (key null: the center's clocks, or no category)
   * clocks stopped late at a stage, breached in the period, or overdue now — counted as the report counts them.
   */
  async behind(
    query: ReportQuery & { key: number | null; figure: 'late' | 'breached' | 'overdue'; stage?: Stage; limit: number },
  ): Promise<Array<{ ticketId: number; number: string; title: string; status: string }>> {
    const clockKey = query.groupBy === 'department' ? 'c.department_id' : 't.category_id';
    const figure = {
      late: "c.state = 'stopped' and c.stopped_at >= :from and c.stopped_at < :to and c.due_at is not null and c.stopped_at > c.due_at and c.stage = :stage",
      breached: 'c.breached_at >= :from and c.breached_at < :to',
      overdue: "c.state = 'running' and c.due_at < now()",
    }[query.figure];
    const departmentFilter =
      query.departmentId === undefined
        ? ''
        : query.groupBy === 'department'
          ? 'and c.department_id = :departmentId'
          : 'and t.lead_department_id = :departmentId';
    const { rows } = await this.db.raw(
      `select distinct on (t.id) t.id::int as "ticketId", t.number, t.title, t.status
       from sla_clocks c join tickets t on t.id = c.ticket_id
       where ${clockKey} is not distinct from :key::bigint and ${figure} ${departmentFilter}
       order by t.id desc
       limit :limit`,
      {
        from: query.from,
        to: query.to,
        key: query.key,
        stage: query.stage ?? null,
        departmentId: query.departmentId ?? null,
        limit: query.limit,
      },
    );
    return rows;
  }

  /** The report as a table (header first): the CSV and Excel downloads. */
  table(rows: readonly ReportRow[], groupBy: ReportQuery['groupBy']): Array<Array<string | number | null>> {
    const header = [
      groupBy === 'department' ? '部门ID' : '分类ID',
      groupBy === 'department' ? '部门' : '分类',
      ...stages.flatMap((s) => [`${stageLabels[s]}-办结数`, `${stageLabels[s]}-按时数`, `${stageLabels[s]}-按时率`]),
      '超期次数',
      '当前超期',
      '延期次数',
      '办结工单',
      '平均办理时长(小时)',
    ];
    const lines = rows.map((r) => [
      r.id ?? '',
      r.name,
      ...stages.flatMap((s) => [r.stages[s].total, r.stages[s].onTime, r.stages[s].onTimeRate ?? '']),
      r.breaches,
      r.overdueNow,
      r.extensions,
      r.closed,
      r.avgHandlingHours ?? '',
    ]);
    return [header, ...lines];
  }

  /** What is overdue now, the longest overdue first (optionally one department's, one stage's). */
  /**
   * The alert center: the latest alerts of the levels that reach supervisors or the director, or text
   * people (red and escalated), newest first, each with where its ticket stands now.
   */
  async alerts(filter: { sinceHours: number; limit: number }): Promise<AlertItem[]> {
    const rows: Array<Omit<AlertItem, 'stageLabel'>> = await this.db('sla_alerts as a')
      .join('sla_alert_levels as l', 'l.level', 'a.level')
      .join('sla_clocks as c', 'c.id', 'a.clock_id')
      .join('tickets as t', 't.id', 'a.ticket_id')
      .leftJoin('departments as d', 'd.id', 'c.department_id')
      .select({
        alertId: 'a.id',
        at: 'a.created_at',
        level: 'a.level',
        levelName: 'l.name',
        audience: 'a.audience',
        ticketId: 't.id',
        number: 't.number',
        title: 't.title',
        status: 't.status',
        version: 't.version',
        stage: 'c.stage',
        departmentName: 'd.name',
        dueAt: 'c.due_at',
        overdueNow: this.db.raw(`c.state = 'running' and c.due_at < now()`),
        supervised: 't.supervised',
        urgeCount: 't.urge_count',
        extensionDueAt: this.db.raw(
          `(select e.requested_due_at from extension_requests e where e.ticket_id = t.id and e.status = 'pending' order by e.id desc limit 1)`,
        ),
      })
      .where('a.created_at', '>', this.db.raw('now() - make_interval(hours => ?)', [filter.sinceHours]))
      .andWhere((q) => q.whereIn('l.audience', ['supervisor', 'director']).orWhere('l.sms', true))
      .orderBy('a.id', 'desc')
      .limit(filter.limit);
    return rows.map((r) => ({ ...r, stageLabel: stageLabels[r.stage] }));
  }

  async overdue(filter: { departmentId?: number; stage?: Stage; limit: number }): Promise<OverdueItem[]> {
    const departmentId = filter.departmentId;
    const query = this.db('sla_clocks as c')
      .join('tickets as t', 't.id', 'c.ticket_id')
      .leftJoin('departments as d', 'd.id', 'c.department_id')
      .select({
        ticketId: 't.id',
        number: 't.number',
        title: 't.title',
        stage: 'c.stage',
        departmentId: 'c.department_id',
        departmentName: 'd.name',
        assignmentId: 'c.assignment_id',
        dueAt: 'c.due_at',
        now: this.db.raw('now()'),
        supervised: 't.supervised',
        urgeCount: 't.urge_count',
      })
      .where('c.state', 'running')
      .andWhere('c.due_at', '<', this.db.raw('now()'))
      .orderBy('c.due_at')
      .limit(filter.limit);
    if (departmentId !== undefined) query.where('c.department_id', departmentId);
    if (filter.stage) query.where('c.stage', filter.stage);
    const rows: Array<Omit<OverdueItem, 'stageLabel' | 'lateMs' | 'late' | 'assignment'> & { assignmentId: number | null; now: Date }> =
      await query;
    return rows.map(({ assignmentId, now, ...r }) => {
      const lateMs = now.getTime() - r.dueAt.getTime();
      return {
        ...r,
        stageLabel: stageLabels[r.stage],
        assignment: assignmentId === null ? 'lead' : 'assist',
        lateMs,
        late: humanDuration(lateMs),
      };
    });
  }

  private async figures(sql: string, bindings: Record<string, unknown>): Promise<Figure[]> {
    const { rows } = await this.db.raw(sql, bindings as never);
    return rows;
  }
}
