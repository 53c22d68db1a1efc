import type { Queryable } from '../db/db';
import type { CandidateReason, HardCaseKind, HardCaseLevel, HardCaseSource } from '../tickets/hard-case-labels';

export interface HardCaseItem {
  ticketId: number;
  number: string;
  title: string;
  status: string;
  version: number;
  kind: HardCaseKind | null;
  source: HardCaseSource;
  level: HardCaseLevel;
  leadDepartmentName: string | null;
  leaderName: string | null;
  jointDepartmentNames: string[];
  handledAt: Date | null;
  answeredAt: Date | null;
  flaggedAt: Date;
  /** The next deadline of its ladder still running (首席代表到场, 负责人到场, 答复), and which. */
  nextStage: string | null;
  nextDueAt: Date | null;
  accountability: number;
  /** Not finished on site: its 帮代办 order, the chief representative holding it, and how far it is. */
  followUp: { orderId: number; representativeName: string; orderStatus: string } | null;
}

/** The hard cases, open ones oldest first (then the answered, newest first); a county leader's only theirs. */
export async function listHardCases(
  db: Queryable,
  filter: { state: 'open' | 'answered' | 'all'; leaderUserId?: number; limit: number },
): Promise<HardCaseItem[]> {
  const query = db('hard_cases as h')
    .join('tickets as t', 't.id', 'h.ticket_id')
    .leftJoin('departments as d', 'd.id', 't.lead_department_id')
    .leftJoin('users as l', 'l.id', 'h.leader_user_id')
    .leftJoin('proxy_orders as o', (j) => j.on('o.ticket_id', '=', 'h.ticket_id').andOnVal('o.origin', '=', 'hard_case'))
    .leftJoin('users as rep', 'rep.id', 'o.runner_user_id')
    .leftJoin(
      db.raw(
        `lateral (select c.stage, c.due_at from sla_clocks c
                   where c.ticket_id = h.ticket_id and c.stage like 'hard\\_%' and c.state = 'running' order by c.due_at limit 1) as n on true`,
      ),
    )
    .select({
      ticketId: 'h.ticket_id',
      number: 't.number',
      title: 't.title',
      status: 't.status',
      version: 't.version',
      kind: 'h.kind',
      source: 'h.source',
      level: 'h.level',
      leadDepartmentName: 'd.name',
      leaderName: 'l.display_name',
      jointDepartmentNames: db.raw('array(select name from departments where id = any(h.joint_department_ids) order by name)'),
      handledAt: 'h.handled_at',
      answeredAt: 'h.answered_at',
      flaggedAt: 'h.created_at',
      nextStage: 'n.stage',
      nextDueAt: 'n.due_at',
      accountability: db.raw('(select count(*)::int from accountability_records a where a.ticket_id = h.ticket_id)'),
      followUpOrderId: 'o.id',
      representativeName: 'rep.display_name',
      orderStatus: 'o.status',
    })
    .limit(filter.limit);
  if (filter.state === 'open') query.whereNull('h.answered_at').orderBy('h.created_at');
  else if (filter.state === 'answered') query.whereNotNull('h.answered_at').orderBy('h.answered_at', 'desc');
  else query.orderBy('h.created_at', 'desc');
  if (filter.leaderUserId !== undefined) query.where('h.leader_user_id', filter.leaderUserId);
  const rows: Array<
    Omit<HardCaseItem, 'followUp'> & { followUpOrderId: string | null; representativeName: string | null; orderStatus: string | null }
  > = await query;
  return rows.map(({ followUpOrderId, representativeName, orderStatus, ...r }) => ({
    ...r,
    ticketId: Number(r.ticketId),
    followUp:
      followUpOrderId === null
        ? null
        : { orderId: Number(followUpOrderId), representativeName: representativeName ?? '', orderStatus: orderStatus ?? '' },
  }));
}

export async function listCandidates(db: Queryable, limit: number) {
  const rows: Array<{
    id: number;
    ticketId: number;
    number: string;
    title: string;
    ticketStatus: string;
    leadDepartmentName: string | null;
    reason: CandidateReason;
    detail: string;
    createdAt: Date;
  }> = await db('hard_case_candidates as c')
    .join('tickets as t', 't.id', 'c.ticket_id')
    .leftJoin('departments as d', 'd.id', 't.lead_department_id')
    .select({
      id: 'c.id',
      ticketId: 't.id',
      number: 't.number',
      title: 't.title',
      ticketStatus: 't.status',
      leadDepartmentName: 'd.name',
      reason: 'c.reason',
      detail: 'c.detail',
      createdAt: 'c.created_at',
    })
    .where('c.status', 'open')
    .orderBy('c.id')
    .limit(limit);
  return rows.map((r) => ({ ...r, id: Number(r.id), ticketId: Number(r.ticketId) }));
}

export async function countyLeaders(db: Queryable): Promise<Array<{ id: number; displayName: string }>> {
  const rows: Array<{ id: string; displayName: string }> = await db('users')
    .select({ id: 'id', displayName: 'display_name' })
    .where({ role: 'county_leader', active: true })
    .orderBy('id');
  return rows.map((r) => ({ id: Number(r.id), displayName: r.displayName }));
}

export async function usersByIds(db: Queryable, ids: readonly number[]): Promise<Array<{ id: number; role: string; active: boolean }>> {
  const rows: Array<{ id: string; role: string; active: boolean }> = await db('users')
    .select('id', 'role', 'active')
    .whereIn('id', [...ids]);
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

export async function findCandidate(db: Queryable, id: number): Promise<{ id: number; ticketId: number; status: string } | undefined> {
  const row = await db('hard_case_candidates').select({ id: 'id', ticketId: 'ticket_id', status: 'status' }).where({ id }).first();
  return row ? { ...row, id: Number(row.id), ticketId: Number(row.ticketId) } : undefined;
}

export async function dismissCandidate(db: Queryable, id: number, userId: number, note: string): Promise<boolean> {
  const n = await db('hard_case_candidates')
    .update({ status: 'dismissed', decided_by: userId, decided_at: db.fn.now(), note })
    .where({ id, status: 'open' });
  return n === 1;
}

/** The 代办 requests and service-window matters (政务服务, category 16) the hub watches for hard cases. */
const watched = `(t.request_type = 'proxy' or exists (select 1 from categories k left join categories p on p.id = k.parent_id
                   where k.id = t.category_id and (k.code = '16' or p.code = '16')))`;

/**
 * 多途径发现, the hub's ways: 代办 orders past their deadline; 代办 and service-window tickets whose sign-for or
 * reply clock broke (not accepted, not answered in time) within the last 30 days; unsatisfied callbacks on them.
 * Each ticket and reason raises one candidate, ever. How many were raised.
 */
export async function discoverCandidates(db: Queryable, now: Date): Promise<number> {
  const since = new Date(now.getTime() - 30 * 86_400_000);
  const open = `not t.hard_case and t.status in ('dispatched', 'accepted', 'returned', 'replied')`;
  const inserts = [
    `insert into hard_case_candidates (ticket_id, reason, detail)
     select o.ticket_id, 'order_late', '代办事项超过办结期限（' || to_char(t.reply_due_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') || '）仍未办结'
       from proxy_orders o join tickets t on t.id = o.ticket_id
      where o.status not in ('done', 'cancelled') and t.reply_due_at < :now and ${open}
     on conflict (ticket_id, reason) do nothing`,
    `insert into hard_case_candidates (ticket_id, reason, detail)
     select distinct on (c.ticket_id, c.stage) c.ticket_id, case c.stage when 'sign_for' then 'not_accepted' else 'not_answered' end,
            case c.stage when 'sign_for' then '未在时限内签收受理' else '未在时限内答复办结' end
              || '（时限 ' || to_char(c.due_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') || '）'
       from sla_clocks c join tickets t on t.id = c.ticket_id
      where c.stage in ('sign_for', 'reply') and c.assignment_id is null and c.breached_at >= :since and c.breached_at < :now
        and ${open} and ${watched}
        -- A late answer of a ticket with an open 代办 order is that order's lateness (order_late).
        and not (c.stage = 'reply' and exists (select 1 from proxy_orders o where o.ticket_id = t.id and o.status not in ('done', 'cancelled')))
     on conflict (ticket_id, reason) do nothing`,
    `insert into hard_case_candidates (ticket_id, reason, detail)
     select distinct on (x.ticket_id) x.ticket_id, 'unsatisfied_callback', '回访不满意' || coalesce('：' || x.comment, '')
       from callbacks x join tickets t on t.id = x.ticket_id
      where x.status = 'completed' and x.satisfaction = 'unsatisfied' and x.completed_at >= :since and ${open} and ${watched}
     on conflict (ticket_id, reason) do nothing`,
  ];
  let raised = 0;
  for (const sql of inserts) raised += (await db.raw(sql, { now, since })).rowCount as number;
  return raised;
}

/** 通报: a Beijing month's hard cases by kind, source and level, the candidates, and the accountability records per department. */
export async function monthReport(db: Queryable, from: Date, to: Date) {
  const b = { from, to };
  const [kinds, sources, levels, candidates, accountability] = await Promise.all([
    db.raw(
      `select coalesce(h.kind, 'unclassified') as kind,
              count(*) filter (where h.created_at >= :from and h.created_at < :to)::int as opened,
              count(*) filter (where h.answered_at >= :from and h.answered_at < :to)::int as answered,
              count(*) filter (where h.answered_at >= :from and h.answered_at < :to and exists (
                select 1 from sla_clocks c where c.ticket_id = h.ticket_id and c.stage = 'hard_answer' and c.state = 'stopped'
                   and c.stopped_at <= c.due_at))::int as answered_on_time,
              count(*) filter (where h.answered_at is null and h.created_at < :to)::int as open_at_end
         from hard_cases h where h.created_at < :to group by 1 order by 1`,
      b,
    ),
    db.raw(`select source, count(*)::int as n from hard_cases where created_at >= :from and created_at < :to group by 1 order by 1`, b),
    db.raw(`select level, count(*)::int as n from hard_cases where created_at >= :from and created_at < :to group by 1 order by 1`, b),
    db.raw(
      `select reason, count(*)::int as raised, count(*) filter (where status = 'accepted')::int as accepted,
              count(*) filter (where status = 'dismissed')::int as dismissed
         from hard_case_candidates where created_at >= :from and created_at < :to group by 1 order by 1`,
      b,
    ),
    db.raw(
      `select a.department_id as "departmentId", d.name as "departmentName", count(*)::int as records,
              jsonb_object_agg(a.outcome, a.n) as outcomes
         from (select department_id, outcome, count(*)::int as n from accountability_records
                where created_at >= :from and created_at < :to group by 1, 2) a
         join departments d on d.id = a.department_id
        group by 1, 2 order by 3 desc, 2`,
      b,
    ),
  ]);
  return {
    kinds: kinds.rows as Array<{
      kind: HardCaseKind | 'unclassified';
      opened: number;
      answered: number;
      answered_on_time: number;
      open_at_end: number;
    }>,
    sources: sources.rows as Array<{ source: HardCaseSource; n: number }>,
    levels: levels.rows as Array<{ level: HardCaseLevel; n: number }>,
    candidates: candidates.rows as Array<{ reason: CandidateReason; raised: number; accepted: number; dismissed: number }>,
    accountability: (
      accountability.rows as Array<{ departmentId: string; departmentName: string; records: number; outcomes: Record<string, number> }>
    ).map((r) => ({ ...r, departmentId: Number(r.departmentId) })),
  };
}

/** 问责 records of a period, newest first. */
export async function listAccountability(db: Queryable, from: Date, to: Date, limit: number) {
  const rows = await db('accountability_records as a')
    .join('departments as d', 'd.id', 'a.department_id')
    .join('tickets as t', 't.id', 'a.ticket_id')
    .leftJoin('users as u', 'u.id', 'a.recorded_by')
    .select({
      id: 'a.id',
      ticketId: 't.id',
      number: 't.number',
      title: 't.title',
      departmentId: 'a.department_id',
      departmentName: 'd.name',
      personName: 'a.person_name',
      finding: 'a.finding',
      outcome: 'a.outcome',
      outcomeNote: 'a.outcome_note',
      recordedBy: 'u.display_name',
      at: 'a.created_at',
    })
    .where('a.created_at', '>=', from)
    .andWhere('a.created_at', '<', to)
    .orderBy('a.id', 'desc')
    .limit(limit);
  return rows.map((r: { id: string; ticketId: string; departmentId: string }) => ({
    ...r,
    id: Number(r.id),
    ticketId: Number(r.ticketId),
    departmentId: Number(r.departmentId),
  }));
}
