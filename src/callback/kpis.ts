import type { Db } from '../db/db';
import { primaryOnly, type ReadSource } from '../db/read-replica';
import { readCallbackSettings } from './callbacks.repository';
import type { CallbackSettings } from './survey';
import { beijingDayStart, DailyRollups } from '../db/daily-rollups';

export const kpiGroupings = ['department', 'region', 'category', 'channel', 'day'] as const;
export type KpiGrouping = (typeof kpiGroupings)[number];

export const drillMetrics = [
  'response',
  'resolution',
  'satisfaction',
  'unreachable',
  'late_sign_for',
  'late_reply',
  'returned',
  'reopened',
  'direct_resolution',
] as const;
export type DrillMetric = (typeof drillMetrics)[number];

export interface KpiQuery {
  groupBy: KpiGrouping;
  from: Date;
  to: Date;
  departmentId?: number;
}

export interface KpiRow {
  key: string;
  name: string;
  /** Tickets this group handled in the period (dispatched to the department, or created in the place, category, channel). */
  volume: number;
  surveys: { answered: number; unreachable: number; skipped: number; unreasonable: number };
  /** 响应率, 解决率, 满意率 (see the formulas in README), and the others; null when there is nothing to divide by. */
  responseRate: number | null;
  resolutionRate: number | null;
  satisfactionRate: number | null;
  onTimeSignForRate: number | null;
  onTimeReplyRate: number | null;
  returnRate: number | null;
  reopenRate: number | null;
  directResolutionRate: number | null;
}

/**
 * Where a group's key comes from, per source. Places roll up to their district (the second
 * level of the region tree), categories to their level-1 category; a department is the one that
 * did the work (the callback's or the clock's department, the department of a return).
 */
function keyOf(groupBy: KpiGrouping, department: string, at: string): string {
  switch (groupBy) {
    case 'day':
      // The Beijing day of the moment each figure counts at (a survey's completion, a clock's stop, an event).
      return `to_char(${at} at time zone 'Asia/Shanghai', 'YYYY-MM-DD')`;
    case 'department':
      return department;
    case 'region':
      return "nullif(split_part(r.path, '/', 3), '')";
    case 'category':
      return 'coalesce(c.parent_id, c.id)::text';
    case 'channel':
      return 't.channel';
  }
}

/** One group's counts from one of the queries (each query fills its own columns). */
type CountRow = { key: string | null } & Record<
  | 'answered'
  | 'unreachable'
  | 'skipped'
  | 'unreasonable'
  | 'contacted'
  | 'resolved'
  | 'satisfaction'
  | 'sign_for'
  | 'sign_for_on_time'
  | 'reply'
  | 'reply_on_time'
  | 'dispatched'
  | 'returned'
  | 'replied'
  | 'reopened'
  | 'created'
  | 'direct'
  | 'volume',
  number
>;

const joins =
  'join tickets t on t.id = x.ticket_id left join regions r on r.id = t.region_id left join categories c on c.id = t.category_id';
const rate = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);

type Source = 'surveys' | 'clocks' | 'events' | 'created' | 'volume';
type SourceCounts = Record<Source, CountRow[]>;

/** Which of kpi_days' dimensions a grouping reads (a day's totals: the channel rows, which every source but volume has). */
const rolledDim: Record<KpiGrouping, 'department' | 'district' | 'category' | 'channel'> = {
  day: 'channel',
  department: 'department',
  region: 'district',
  category: 'category',
  channel: 'channel',
};

/** Counts of the same source and key summed across the parts of a period (rolled days, live edges). */
function mergeCounts(parts: readonly SourceCounts[]): SourceCounts {
  if (parts.length === 1) return parts[0]!;
  const merged = {} as SourceCounts;
  for (const source of ['surveys', 'clocks', 'events', 'created', 'volume'] as const) {
    const byKey = new Map<string | null, CountRow>();
    for (const row of parts.flatMap((p) => p[source])) {
      const sum = byKey.get(row.key);
      if (!sum) byKey.set(row.key, { ...row });
      else
        for (const [field, value] of Object.entries(row))
          if (field !== 'key' && field !== 'source')
            (sum as Record<string, unknown>)[field] = ((sum as Record<string, number>)[field] ?? 0) + (value as number);
    }
    merged[source] = [...byKey.values()];
  }
  return merged;
}

const dayMs = 86_400_000;

/**
 * The 三率 and the other hotline KPIs per department, region, category or channel and period.
 * Response rate = contacted / answered surveys; resolution rate = resolved / answered;
 * satisfaction rate = Σ weight(answer) / answered surveys not marked unreasonable (weights in the
 * callback settings: 满意 1, 基本满意 1, 不满意 0 by default). Unreached surveys are counted apart.
 */
export class KpiService {
  constructor(
    private readonly db: Db,
    /** The reports read here (a replica when configured); the rollup writes on the primary. */
    private readonly reads: ReadSource = primaryOnly(db),
  ) {
    this.rollups = new DailyRollups('kpi_rollups', db);
  }

  private readonly rollups: DailyRollups;

  private get reader(): Db {
    return this.reads.db();
  }

  async report(query: KpiQuery): Promise<KpiRow[]> {
    const settings = await readCallbackSettings(this.reader);
    const w = settings.satisfactionWeights;
    // Whole Beijing days already rolled up are read from kpi_days; the rest (today, a partial day) from the sources.
    // The rollup keeps a department's own counts only per department (a head's report, the ranking).
    const rollable = query.departmentId === undefined || query.groupBy === 'department';
    const plan = rollable
      ? await this.rollups.plan(this.reader, query.from, query.to)
      : { live: [[query.from, query.to]] as Array<[Date, Date]> };
    const parts = await Promise.all([
      ...(plan.rolled ? [this.rolledCounts(query, plan.rolled, w)] : []),
      ...plan.live.map(([from, to]) => this.liveCounts({ ...query, from, to }, w)),
    ]);
    const { surveys, clocks, events, created, volume } = mergeCounts(parts);
    const names = await this.names(query.groupBy);
    const rows = new Map<string, KpiRow>();
    const row = (key: string | null) => {
      const k = key ?? '';
      let r = rows.get(k);
      if (!r) {
        r = {
          key: k,
          name: k === '' ? '（未指定）' : (names.get(k) ?? k),
          volume: 0,
          surveys: { answered: 0, unreachable: 0, skipped: 0, unreasonable: 0 },
          responseRate: null,
          resolutionRate: null,
          satisfactionRate: null,
          onTimeSignForRate: null,
          onTimeReplyRate: null,
          returnRate: null,
          reopenRate: null,
          directResolutionRate: null,
        };
        rows.set(k, r);
      }
      return r;
    };
    for (const s of surveys) {
      const r = row(s.key);
      r.surveys = { answered: s.answered, unreachable: s.unreachable, skipped: s.skipped, unreasonable: s.unreasonable };
      r.responseRate = rate(s.contacted, s.answered);
      r.resolutionRate = rate(s.resolved, s.answered);
      r.satisfactionRate = rate(s.satisfaction, s.answered - s.unreasonable);
    }
    for (const c of clocks) {
      const r = row(c.key);
      r.onTimeSignForRate = rate(c.sign_for_on_time, c.sign_for);
      r.onTimeReplyRate = rate(c.reply_on_time, c.reply);
    }
    for (const e of events) {
      const r = row(e.key);
      r.returnRate = rate(e.returned, e.dispatched);
      r.reopenRate = rate(e.reopened, e.replied);
    }
    for (const t of created) {
      const r = row(t.key);
      r.volume = t.created;
      r.directResolutionRate = rate(t.direct, t.created);
    }
    for (const v of volume) row(v.key).volume = v.volume;
    const all = [...rows.values()];
    return query.groupBy === 'day'
      ? all.sort((a, b) => a.key.localeCompare(b.key))
      : all.sort((a, b) => b.volume - a.volume || a.key.localeCompare(b.key));
  }

  /** The five sources' counts per group, read from the source tables for [from, to). */
  private async liveCounts(query: KpiQuery, w: CallbackSettings['satisfactionWeights']): Promise<SourceCounts> {
    const b = { from: query.from, to: query.to, departmentId: query.departmentId ?? null, ws: w.satisfied, wb: w.basic, wu: w.unsatisfied };
    const only = (column: string) => (query.departmentId === undefined ? '' : `and ${column} = :departmentId`);
    const key = (department: string, at: string) => keyOf(query.groupBy, department, at);
    const [surveys, clocks, events, created, volume] = await Promise.all([
      this.rows(
        `select ${key('x.department_id::text', 'x.completed_at')} as key,
                count(*) filter (where x.status = 'completed')::int as answered,
                count(*) filter (where x.status = 'unreachable')::int as unreachable,
                count(*) filter (where x.status = 'skipped')::int as skipped,
                count(*) filter (where x.status = 'completed' and x.unreasonable)::int as unreasonable,
                count(*) filter (where x.status = 'completed' and x.contacted)::int as contacted,
                count(*) filter (where x.status = 'completed' and x.resolved)::int as resolved,
                coalesce(sum(case x.satisfaction when 'satisfied' then :ws::float8 when 'basic' then :wb::float8 when 'unsatisfied' then :wu::float8 end)
                         filter (where x.status = 'completed' and not x.unreasonable), 0)::float8 as satisfaction
         from callbacks x ${joins}
         where x.completed_at >= :from and x.completed_at < :to ${only('x.department_id')}
         group by 1`,
        b,
      ),
      this.rows(
        `select ${key('x.department_id::text', 'x.stopped_at')} as key,
                count(*) filter (where x.stage = 'sign_for')::int as sign_for,
                count(*) filter (where x.stage = 'sign_for' and x.stopped_at <= x.due_at)::int as sign_for_on_time,
                count(*) filter (where x.stage = 'reply')::int as reply,
                count(*) filter (where x.stage = 'reply' and x.stopped_at <= x.due_at)::int as reply_on_time
         from sla_clocks x ${joins}
         where x.state = 'stopped' and x.assignment_id is null and x.stage in ('sign_for', 'reply') and x.stopped_at >= :from and x.stopped_at < :to ${only('x.department_id')}
         group by 1`,
        b,
      ),
      this.rows(
        `select ${key("coalesce(x.data->>'departmentId', t.lead_department_id::text)", 'x.created_at')} as key,
                count(*) filter (where x.type in ('dispatch', 'transfer') or (x.type = 'review_return' and x.data->>'decision' = 'uphold'))::int as dispatched,
                count(*) filter (where x.type = 'return')::int as returned,
                count(*) filter (where x.type = 'reply')::int as replied,
                count(*) filter (where x.type = 'reopen')::int as reopened
         from ticket_events x ${joins}
         where x.type in ('dispatch', 'transfer', 'review_return', 'return', 'reply', 'reopen') and x.created_at >= :from and x.created_at < :to
           ${only("coalesce((x.data->>'departmentId')::bigint, t.lead_department_id)")}
         group by 1`,
        b,
      ),
      query.groupBy === 'department'
        ? Promise.resolve([])
        : this.rows(
            `select ${key('null', 't.created_at')} as key, count(*)::int as created, count(*) filter (where t.directly_resolved)::int as direct
             from tickets t left join regions r on r.id = t.region_id left join categories c on c.id = t.category_id
             where t.created_at >= :from and t.created_at < :to group by 1`,
            b,
          ),
      query.groupBy === 'department'
        ? this.rows(
            `select x.department_id::text as key, count(distinct x.ticket_id)::int as volume from ticket_assignments x
             where x.role = 'lead' and x.created_at >= :from and x.created_at < :to ${only('x.department_id')} group by 1`,
            b,
          )
        : Promise.resolve([]),
    ]);
    return { surveys, clocks, events, created, volume };
  }

  /** The five sources' counts per group over whole days [fromDay, toDay), from the daily rollup. */
  private async rolledCounts(
    query: KpiQuery,
    [fromDay, toDay]: [string, string],
    w: CallbackSettings['satisfactionWeights'],
  ): Promise<SourceCounts> {
    const key = query.groupBy === 'day' ? "to_char(day, 'YYYY-MM-DD')" : 'key';
    const { rows } = await this.reader.raw<{ rows: Array<CountRow & { source: Source }> }>(
      `select source, ${key} as key,
              sum(answered)::int as answered, sum(unreachable)::int as unreachable, sum(skipped)::int as skipped,
              sum(unreasonable)::int as unreasonable, sum(contacted)::int as contacted, sum(resolved)::int as resolved,
              coalesce(sum(satisfied * :ws::float8 + basic * :wb::float8 + unsatisfied * :wu::float8), 0)::float8 as satisfaction,
              sum(sign_for)::int as sign_for, sum(sign_for_on_time)::int as sign_for_on_time, sum(reply)::int as reply,
              sum(reply_on_time)::int as reply_on_time, sum(dispatched)::int as dispatched, sum(returned)::int as returned,
              sum(replied)::int as replied, sum(reopened)::int as reopened, sum(created)::int as created, sum(direct)::int as direct,
              sum(volume)::int as volume
         from kpi_days
        where dim = :dim and day >= :fromDay and day < :toDay
          and (:departmentId::text is null or key = :departmentId::text)
          and source = any(:sources)
        group by 1, 2`,
      {
        dim: rolledDim[query.groupBy],
        fromDay,
        toDay,
        ws: w.satisfied,
        wb: w.basic,
        wu: w.unsatisfied,
        departmentId: query.departmentId === undefined ? null : String(query.departmentId),
        sources: ['surveys', 'clocks', 'events', query.groupBy === 'department' ? 'volume' : 'created'],
      } as never,
    );
    const counts: SourceCounts = { surveys: [], clocks: [], events: [], created: [], volume: [] };
    for (const row of rows) counts[row.source].push(row);
    return counts;
  }

  /**
   * Rolls a Beijing day up into kpi_days: each source's counts per department, per district, per level-1
   * category and per channel, as the live queries count them. Redone whole (a ticket re-categorized later
   * moves with it).
   */
  async rollUp(day: string): Promise<void> {
    const start = new Date(`${day}T00:00:00+08:00`);
    const b = { day, start, end: new Date(start.getTime() + dayMs) };
    // One row per dimension and key (grouping sets), from a source's rows with their dimensions beside them.
    const dims = "nullif(split_part(r.path, '/', 3), '') as district, coalesce(c.parent_id, c.id)::text as category, t.channel";
    const byDim = (sets: ReadonlyArray<'department' | 'district' | 'category' | 'channel'>) => ({
      dim: `case ${sets.map((d) => `when grouping(${d}) = 0 then '${d}'`).join(' ')} end`,
      key: `case ${sets.map((d) => `when grouping(${d}) = 0 then ${d}`).join(' ')} end`,
      groupBy: `grouping sets (${sets.map((d) => `(${d})`).join(', ')})`,
    });
    const all = byDim(['department', 'district', 'category', 'channel']);
    await this.db.transaction(async (trx) => {
      await this.rollups.lock(trx, day);
      await trx('kpi_days').where({ day }).delete();
      await trx.raw(
        `insert into kpi_days (day, source, dim, key, answered, unreachable, skipped, unreasonable, contacted, resolved, satisfied, basic, unsatisfied)
         select :day::date, 'surveys', ${all.dim}, ${all.key},
                count(*) filter (where status = 'completed'), count(*) filter (where status = 'unreachable'),
                count(*) filter (where status = 'skipped'), count(*) filter (where status = 'completed' and unreasonable),
                count(*) filter (where status = 'completed' and contacted), count(*) filter (where status = 'completed' and resolved),
                count(*) filter (where status = 'completed' and not unreasonable and satisfaction = 'satisfied'),
                count(*) filter (where status = 'completed' and not unreasonable and satisfaction = 'basic'),
                count(*) filter (where status = 'completed' and not unreasonable and satisfaction = 'unsatisfied')
           from (select x.status, x.unreasonable, x.contacted, x.resolved, x.satisfaction, x.department_id::text as department, ${dims}
                   from callbacks x ${joins}
                  where x.completed_at >= :start and x.completed_at < :end) s
          group by ${all.groupBy}`,
        b,
      );
      await trx.raw(
        `insert into kpi_days (day, source, dim, key, sign_for, sign_for_on_time, reply, reply_on_time)
         select :day::date, 'clocks', ${all.dim}, ${all.key},
                count(*) filter (where stage = 'sign_for'), count(*) filter (where stage = 'sign_for' and on_time),
                count(*) filter (where stage = 'reply'), count(*) filter (where stage = 'reply' and on_time)
           from (select x.stage, x.stopped_at <= x.due_at as on_time, x.department_id::text as department, ${dims}
                   from sla_clocks x ${joins}
                  where x.state = 'stopped' and x.assignment_id is null and x.stage in ('sign_for', 'reply')
                    and x.stopped_at >= :start and x.stopped_at < :end) s
          group by ${all.groupBy}`,
        b,
      );
      await trx.raw(
        `insert into kpi_days (day, source, dim, key, dispatched, returned, replied, reopened)
         select :day::date, 'events', ${all.dim}, ${all.key},
                count(*) filter (where type in ('dispatch', 'transfer') or (type = 'review_return' and decision = 'uphold')),
                count(*) filter (where type = 'return'), count(*) filter (where type = 'reply'), count(*) filter (where type = 'reopen')
           from (select x.type, x.data->>'decision' as decision, coalesce(x.data->>'departmentId', t.lead_department_id::text) as department, ${dims}
                   from ticket_events x ${joins}
                  where x.type in ('dispatch', 'transfer', 'review_return', 'return', 'reply', 'reopen')
                    and x.created_at >= :start and x.created_at < :end) s
          group by ${all.groupBy}`,
        b,
      );
      const places = byDim(['district', 'category', 'channel']);
      await trx.raw(
        `insert into kpi_days (day, source, dim, key, created, direct)
         select :day::date, 'created', ${places.dim}, ${places.key}, count(*), count(*) filter (where directly_resolved)
           from (select t.directly_resolved, ${dims}
                   from tickets t left join regions r on r.id = t.region_id left join categories c on c.id = t.category_id
                  where t.created_at >= :start and t.created_at < :end) s
          group by ${places.groupBy}`,
        b,
      );
      await trx.raw(
        `insert into kpi_days (day, source, dim, key, volume)
         select :day::date, 'volume', 'department', x.department_id::text, count(distinct x.ticket_id)
           from ticket_assignments x
          where x.role = 'lead' and x.created_at >= :start and x.created_at < :end
          group by x.department_id`,
        b,
      );
      await this.rollups.markRolled(trx, day);
    });
  }

  /**
   * The periodic rollup: the last week again (a ticket re-categorized or moved later), then older days not
   * rolled up yet, newest first, a month per run (a year's backlog in a few runs). Returns the days rolled up.
   */
  async rollUpDue(now = new Date(), backlogPerRun = 31): Promise<number> {
    const oldest = await this.db('tickets').min<{ min: Date | null }>('created_at as min').first();
    const days = await this.rollups.due(now, oldest?.min ?? null, backlogPerRun);
    for (const day of days) await this.rollUp(day);
    return days.length;
  }

  /**
   * The tickets behind a number, for one group in the period: the surveys that count against the
   * three rates (not contacted, not resolved, unsatisfied) or reached nobody; the clocks stopped
   * late (sign-for, reply); the returns and reopens; the tickets resolved directly.
   */
  async drillDown(query: KpiQuery & { key: string; metric: DrillMetric; limit: number }) {
    const bindings = { from: query.from, to: query.to, key: query.key === '' ? null : query.key, limit: query.limit };
    const surveyFilter: Partial<Record<DrillMetric, string>> = {
      response: "x.status = 'completed' and x.contacted is not true",
      resolution: "x.status = 'completed' and x.resolved is not true",
      satisfaction: "x.status = 'completed' and x.satisfaction = 'unsatisfied'",
      unreachable: "x.status = 'unreachable'",
    };
    let sql: string;
    if (surveyFilter[query.metric]) {
      sql = `select t.id as "ticketId", t.number, t.title, x.id as "callbackId", x.channel, x.contacted, x.resolved, x.satisfaction, x.comment,
                    x.outcome, x.unreasonable, x.unreasonable_reason as "unreasonableReason", x.completed_at as "at"
             from callbacks x ${joins}
             where x.completed_at >= :from and x.completed_at < :to and ${surveyFilter[query.metric]} and (${keyOf(query.groupBy, 'x.department_id::text', 'x.completed_at')}) is not distinct from :key
             order by x.completed_at desc limit :limit`;
    } else if (query.metric === 'late_sign_for' || query.metric === 'late_reply') {
      sql = `select t.id as "ticketId", t.number, t.title, x.stage, x.due_at as "dueAt", x.stopped_at as "at",
                    round(extract(epoch from (x.stopped_at - x.due_at)) / 3600, 1)::float8 as "lateHours"
             from sla_clocks x ${joins}
             where x.state = 'stopped' and x.assignment_id is null and x.stage = '${query.metric === 'late_reply' ? 'reply' : 'sign_for'}'
               and x.stopped_at > x.due_at and x.stopped_at >= :from and x.stopped_at < :to
               and (${keyOf(query.groupBy, 'x.department_id::text', 'x.stopped_at')}) is not distinct from :key
             order by x.stopped_at desc limit :limit`;
    } else if (query.metric === 'returned' || query.metric === 'reopened') {
      sql = `select t.id as "ticketId", t.number, t.title, x.type, x.reason, x.created_at as "at"
             from ticket_events x ${joins}
             where x.type = '${query.metric === 'returned' ? 'return' : 'reopen'}' and x.created_at >= :from and x.created_at < :to
               and (${keyOf(query.groupBy, "coalesce(x.data->>'departmentId', t.lead_department_id::text)", 'x.created_at')}) is not distinct from :key
             order by x.created_at desc limit :limit`;
    } else {
      sql = `select t.id as "ticketId", t.number, t.title, t.closed_at as "at"
             from tickets t left join regions r on r.id = t.region_id left join categories c on c.id = t.category_id
             where t.directly_resolved and t.created_at >= :from and t.created_at < :to and (${keyOf(query.groupBy, 't.lead_department_id::text', 't.created_at')}) is not distinct from :key
             order by t.created_at desc limit :limit`;
    }
    const { rows } = await this.reader.raw(sql, bindings);
    return { metric: query.metric, items: rows };
  }

  /**
   * Departments ranked by satisfaction, then resolution and response, within bands of similar
   * volume (分档分类), so a small office is not compared with a district government.
   */
  async ranking(query: Omit<KpiQuery, 'groupBy'>): Promise<Array<{ band: string; departments: Array<KpiRow & { rank: number }> }>> {
    const settings: CallbackSettings = await readCallbackSettings(this.reader);
    const rows = await this.report({ ...query, groupBy: 'department' });
    const bounds = [...settings.rankingBands].sort((a, b) => a - b);
    const bandOf = (volume: number) => {
      const index = bounds.findIndex((bound) => volume <= bound);
      return index === -1 ? `> ${bounds.at(-1) ?? 0}` : `${index === 0 ? 1 : bounds[index - 1]! + 1}–${bounds[index]}`;
    };
    const bands = new Map<string, KpiRow[]>();
    for (const row of rows.filter((r) => r.key !== '' && r.volume > 0)) {
      const band = bandOf(row.volume);
      bands.set(band, [...(bands.get(band) ?? []), row]);
    }
    const score = (r: KpiRow) => [r.satisfactionRate ?? -1, r.resolutionRate ?? -1, r.responseRate ?? -1];
    return [...bands.entries()]
      .map(([band, departments]) => ({
        band,
        departments: departments
          .sort((a, b) => {
            const [x, y] = [score(a), score(b)];
            return y[0]! - x[0]! || y[1]! - x[1]! || y[2]! - x[2]! || b.volume - a.volume;
          })
          .map((d, i) => ({ ...d, rank: i + 1 })),
      }))
      .sort((a, b) => (a.departments[0]?.volume ?? 0) - (b.departments[0]?.volume ?? 0));
  }

  /** The live 三率 over the last 30 Beijing days (today the 30th), for the board and Prometheus. */
  async live(): Promise<{ response: number | null; resolution: number | null; satisfaction: number | null; unreachable: number }> {
    const to = new Date();
    const rows = await this.report({ groupBy: 'channel', from: new Date(beijingDayStart(to).getTime() - 29 * dayMs), to });
    const sum = (f: (r: KpiRow) => number) => rows.reduce((acc, r) => acc + f(r), 0);
    const answered = sum((r) => r.surveys.answered);
    return {
      response: rate(
        sum((r) => (r.responseRate ?? 0) * r.surveys.answered),
        answered,
      ),
      resolution: rate(
        sum((r) => (r.resolutionRate ?? 0) * r.surveys.answered),
        answered,
      ),
      satisfaction: rate(
        sum((r) => (r.satisfactionRate ?? 0) * (r.surveys.answered - r.surveys.unreasonable)),
        sum((r) => r.surveys.answered - r.surveys.unreasonable),
      ),
      unreachable: sum((r) => r.surveys.unreachable),
    };
  }

  /** The report as a table (header first): the CSV and Excel downloads. */
  table(rows: readonly KpiRow[]): Array<Array<string | number>> {
    const header = [
      '分组',
      '名称',
      '工单量',
      '已回访',
      '未联系上',
      '免回访',
      '不合理诉求',
      '响应率',
      '解决率',
      '满意率',
      '按时签收率',
      '按时答复率',
      '退单率',
      '重办率',
      '直接办结率',
    ];
    const lines = rows.map((r) => [
      r.key,
      r.name,
      r.volume,
      r.surveys.answered,
      r.surveys.unreachable,
      r.surveys.skipped,
      r.surveys.unreasonable,
      r.responseRate ?? '',
      r.resolutionRate ?? '',
      r.satisfactionRate ?? '',
      r.onTimeSignForRate ?? '',
      r.onTimeReplyRate ?? '',
      r.returnRate ?? '',
      r.reopenRate ?? '',
      r.directResolutionRate ?? '',
    ]);
    return [header, ...lines];
  }

  private async names(groupBy: KpiGrouping): Promise<Map<string, string>> {
    if (groupBy === 'day') return new Map();
    if (groupBy === 'channel')
      return new Map([
        ['phone', '电话'],
        ['sms', '短信'],
        ['miniprogram', '小程序'],
        ['seat', '坐席'],
        ['api', '接口'],
      ]);
    const table = groupBy === 'department' ? 'departments' : groupBy === 'region' ? 'regions' : 'categories';
    return new Map((await this.reader(table).select('id', 'name')).map((r: { id: number; name: string }) => [String(r.id), r.name]));
  }

  private async rows(sql: string, bindings: Record<string, unknown>): Promise<CountRow[]> {
    const { rows } = await this.reader.raw(sql, bindings as never);
    return rows;
  }
}
