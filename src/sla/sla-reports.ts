import type { Db } from '../db/db';
import type { ReadSource } from '../db/read-replica';
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

/**
 * What supervisors are judged on, per department or category and period: on-time rate of
 * each stage (clocks stopped in the period), breaches, what is overdue now, approved
 * extensions, and the average handling time of tickets closed in the period.
 */
export class SlaReports {
  /** Reports read a replica when one is configured and healthy (src/db/read-replica.ts). */
  constructor(private readonly reads: ReadSource) {}

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
    // The department a clock's time is charged to (the center for 派单 and 回访), or the ticket's category.
    const clockKey = byDepartment ? 'c.department_id' : 't.category_id';
    const departmentFilter =
      query.departmentId === undefined
        ? ''
        : byDepartment
          ? 'and c.department_id = :departmentId'
          : 'and t.lead_department_id = :departmentId';
    const bindings = { from: query.from, to: query.to, departmentId: query.departmentId ?? null };
    // By department the clocks say it all (index-only scans of the covering indexes); by category each clock's ticket is read too.
    const clocks = byDepartment ? 'sla_clocks c' : 'sla_clocks c join tickets t on t.id = c.ticket_id';
    const [stageRows, breachRows, overdueRows, extensionRows, closedRows] = await Promise.all([
      this.rows(
        `select ${clockKey} as key, c.stage, count(*)::int as total, count(*) filter (where c.due_at is null or c.stopped_at <= c.due_at)::int as on_time
         from ${clocks}
         where c.state = 'stopped' and c.stopped_at >= :from and c.stopped_at < :to ${departmentFilter}
         group by 1, 2`,
        bindings,
      ),
      this.rows(
        `select ${clockKey} as key, count(*)::int as n from ${clocks}
         where c.breached_at >= :from and c.breached_at < :to ${departmentFilter} group by 1`,
        bindings,
      ),
      this.rows(
        `select ${clockKey} as key, count(*)::int as n from ${clocks}
         where c.state = 'running' and c.due_at < now() ${departmentFilter} group by 1`,
        bindings,
      ),
      this.rows(
        `select ${byDepartment ? 'e.department_id' : 't.category_id'} as key, count(*)::int as n
         from extension_requests e join tickets t on t.id = e.ticket_id
         where e.status = 'approved' and e.decided_at >= :from and e.decided_at < :to
           ${query.departmentId === undefined ? '' : 'and e.department_id = :departmentId'}
         group by 1`,
        bindings,
      ),
      this.rows(
        `select ${byDepartment ? 't.lead_department_id' : 't.category_id'} as key, count(*)::int as n,
                avg(extract(epoch from (t.closed_at - t.created_at)) / 3600)::float8 as avg_hours
         from tickets t
         where t.status = 'closed' and t.closed_at >= :from and t.closed_at < :to
           ${query.departmentId === undefined ? '' : 'and t.lead_department_id = :departmentId'}
         group by 1`,
        bindings,
      ),
    ]);

    const names = new Map<number, string>(
      (byDepartment
        ? await this.db('departments').select('id', 'name')
        : await this.db('categories').select('id', this.db.raw("code || ' ' || name as name"))
      ).map((r: { id: number; name: string }) => [r.id, r.name]),
    );
    const rows = new Map<string, ReportRow>();
    const row = (key: number | null): ReportRow => {
      const id = key === null ? null : Number(key);
      const existing = rows.get(String(id));
      if (existing) return existing;
      const created: ReportRow = {
        id,
        name: id === null ? (byDepartment ? '热线中心' : '未分类') : (names.get(id) ?? `#${id}`),
        stages: Object.fromEntries(stages.map((s) => [s, { total: 0, onTime: 0, onTimeRate: null }])) as Record<Stage, StageFigures>,
        breaches: 0,
        overdueNow: 0,
        extensions: 0,
        closed: 0,
        avgHandlingHours: null,
      };
      rows.set(String(id), created);
      return created;
    };
    for (const r of stageRows) {
      const figures = row(r.key).stages[r.stage as Stage];
      figures.total = r.total;
      figures.onTime = r.on_time;
      figures.onTimeRate = r.total === 0 ? null : Math.round((r.on_time / r.total) * 10_000) / 10_000;
    }
    for (const r of breachRows) row(r.key).breaches = r.n;
    for (const r of overdueRows) row(r.key).overdueNow = r.n;
    for (const r of extensionRows) row(r.key).extensions = r.n;
    for (const r of closedRows) {
      row(r.key).closed = r.n;
      row(r.key).avgHandlingHours = r.avg_hours === null ? null : Math.round(r.avg_hours * 10) / 10;
    }
    return [...rows.values()].sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
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

  /** One group's figures from one of the report's queries (each fills its own columns). */
  private async rows(
    sql: string,
    bindings: Record<string, unknown>,
  ): Promise<Array<{ key: number | null; stage: string; total: number; on_time: number; n: number; avg_hours: number | null }>> {
    const { rows } = await this.db.raw(sql, bindings as never);
    return rows;
  }
}
