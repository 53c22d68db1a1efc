import type { Queryable } from '../db/db';

/** The project ledgers (项目台账): projects, their approvals, problems, meetings, record; staff away. */

export const projectStages = ['attraction', 'construction', 'operation'] as const;
export type ProjectStage = (typeof projectStages)[number];
export const approvalStatuses = ['pending', 'in_progress', 'approved', 'refused'] as const;
export type ApprovalStatus = (typeof approvalStatuses)[number];

export interface ProjectRecord {
  id: number;
  name: string;
  enterpriseName: string;
  creditCode: string | null;
  contactName: string | null;
  contactPhone: string | null;
  regionId: number | null;
  investmentWan: number | null;
  stage: ProjectStage;
  departmentId: number | null;
  liaisonUserId: number | null;
  agentAUserId: number;
  agentBUserId: number;
  residentUserId: number | null;
  status: 'active' | 'closed';
  createdAt: Date;
  closedAt: Date | null;
}

const columns = {
  id: 'p.id',
  name: 'p.name',
  enterpriseName: 'p.enterprise_name',
  creditCode: 'p.credit_code',
  contactName: 'p.contact_name',
  contactPhone: 'p.contact_phone',
  regionId: 'p.region_id',
  investmentWan: 'p.investment_wan',
  stage: 'p.stage',
  departmentId: 'p.department_id',
  liaisonUserId: 'p.liaison_user_id',
  agentAUserId: 'p.agent_a_user_id',
  agentBUserId: 'p.agent_b_user_id',
  residentUserId: 'p.resident_user_id',
  status: 'p.status',
  createdAt: 'p.created_at',
  closedAt: 'p.closed_at',
} as const satisfies Record<keyof ProjectRecord, string>;

const fieldColumns: Record<string, string> = Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, v.slice(2)]));

function normalise(row: ProjectRecord): ProjectRecord {
  return { ...row, investmentWan: row.investmentWan === null ? null : Number(row.investmentWan) };
}

export async function findProject(db: Queryable, id: number, lock = false): Promise<ProjectRecord | undefined> {
  const query = db('projects as p').select(columns).where('p.id', id);
  if (lock) query.forUpdate();
  const row = await query.first<ProjectRecord | undefined>();
  return row && normalise(row);
}

/**
 * Active and closed projects, newest first; `userId`: only those the person is a companion of (or, with
 * `departmentId`, whose 联点部门 it is).
 */
export async function listProjects(db: Queryable, filter: { userId?: number; departmentId?: number; status?: 'active' | 'closed' }) {
  const query = db('projects as p')
    .select({
      ...columns,
      approvalsOpen: db.raw(
        `(select count(*)::int from project_approvals a where a.project_id = p.id and a.status in ('pending', 'in_progress'))`,
      ),
      approvalsOverdue: db.raw(
        `(select count(*)::int from project_approvals a where a.project_id = p.id and a.status in ('pending', 'in_progress') and a.due_on < (now() at time zone 'Asia/Shanghai')::date)`,
      ),
      problemsOpen: db.raw(`(select count(*)::int from project_problems q where q.project_id = p.id and q.solved_at is null)`),
    })
    .orderBy('p.id', 'desc')
    .limit(500);
  if (filter.status) query.where('p.status', filter.status);
  if (filter.userId !== undefined) {
    const u = filter.userId;
    query.where((w) => {
      w.where('p.liaison_user_id', u).orWhere('p.agent_a_user_id', u).orWhere('p.agent_b_user_id', u).orWhere('p.resident_user_id', u);
      if (filter.departmentId !== undefined) w.orWhere('p.department_id', filter.departmentId);
    });
  }
  const rows = await query;
  return rows.map((r: ProjectRecord) => normalise(r)) as Array<
    ProjectRecord & { approvalsOpen: number; approvalsOverdue: number; problemsOpen: number }
  >;
}

export async function insertProject(
  db: Queryable,
  input: Omit<ProjectRecord, 'id' | 'stage' | 'status' | 'createdAt' | 'closedAt'> & { stage: ProjectStage; createdBy: number },
) {
  const { createdBy, ...fields } = input;
  const row: Record<string, unknown> = { created_by: createdBy };
  for (const [field, value] of Object.entries(fields)) row[fieldColumns[field]!] = value;
  const [inserted] = await db('projects').insert(row).returning<Array<{ id: number }>>('id');
  return inserted!.id;
}

export async function updateProject(db: Queryable, id: number, patch: Partial<ProjectRecord>): Promise<void> {
  const row: Record<string, unknown> = { updated_at: db.fn.now() };
  for (const [field, value] of Object.entries(patch)) if (value !== undefined) row[fieldColumns[field]!] = value;
  await db('projects').update(row).where({ id });
}

export async function insertEvent(
  db: Queryable,
  event: { projectId: number; kind: string; actorUserId: number | null; actorName: string; text: string },
) {
  await db('project_events').insert({
    project_id: event.projectId,
    kind: event.kind,
    actor_user_id: event.actorUserId,
    actor_name: event.actorName,
    text: event.text,
  });
}

export function projectParts(db: Queryable, projectId: number) {
  return Promise.all([
    db('project_approvals as a')
      .leftJoin('departments as d', 'd.id', 'a.department_id')
      .select({
        id: 'a.id',
        name: 'a.name',
        departmentId: 'a.department_id',
        departmentName: 'd.name',
        status: 'a.status',
        dueOn: db.raw("to_char(a.due_on, 'YYYY-MM-DD')"),
        overdue: db.raw(`a.status in ('pending', 'in_progress') and a.due_on < (now() at time zone 'Asia/Shanghai')::date`),
        note: 'a.note',
        doneAt: 'a.done_at',
        updatedAt: 'a.updated_at',
      })
      .where('a.project_id', projectId)
      .orderBy('a.due_on')
      .orderBy('a.id'),
    db('project_problems as q')
      .leftJoin('departments as d', 'd.id', 'q.department_id')
      .leftJoin('users as r', 'r.id', 'q.raised_by')
      .leftJoin('users as s', 's.id', 'q.solved_by')
      .select({
        id: 'q.id',
        description: 'q.description',
        departmentId: 'q.department_id',
        departmentName: 'd.name',
        raisedBy: 'r.display_name',
        raisedAt: 'q.raised_at',
        solution: 'q.solution',
        solvedBy: 's.display_name',
        solvedAt: 'q.solved_at',
      })
      .where('q.project_id', projectId)
      .orderBy('q.id'),
    db('project_meetings')
      .select({ id: 'id', startsAt: 'starts_at', endsAt: 'ends_at', place: 'place', purpose: 'purpose', outOfHours: 'out_of_hours' })
      .where({ project_id: projectId })
      .orderBy('starts_at'),
    db('project_events')
      .select({ id: 'id', kind: 'kind', actorName: 'actor_name', text: 'text', at: 'at' })
      .where({ project_id: projectId })
      .orderBy('id', 'desc')
      .limit(200),
  ]);
}

export async function insertApproval(
  db: Queryable,
  input: { projectId: number; name: string; departmentId: number | null; dueOn: string; byUserId: number },
) {
  const [row] = await db('project_approvals')
    .insert({
      project_id: input.projectId,
      name: input.name,
      department_id: input.departmentId,
      due_on: input.dueOn,
      updated_by: input.byUserId,
    })
    .returning<Array<{ id: number }>>('id');
  return row!.id;
}

export function findApproval(db: Queryable, projectId: number, id: number) {
  return db('project_approvals')
    .select({ id: 'id', name: 'name', status: 'status', dueOn: db.raw("to_char(due_on, 'YYYY-MM-DD')") })
    .where({ project_id: projectId, id })
    .forUpdate()
    .first<{ id: number; name: string; status: ApprovalStatus; dueOn: string } | undefined>();
}

export async function updateApproval(
  db: Queryable,
  id: number,
  patch: { status?: ApprovalStatus; dueOn?: string; note?: string | null; byUserId: number },
): Promise<void> {
  await db('project_approvals')
    .update({
      ...(patch.status ? { status: patch.status, done_at: ['approved', 'refused'].includes(patch.status) ? db.fn.now() : null } : {}),
      // A new deadline may be missed again: alerted afresh.
      ...(patch.dueOn ? { due_on: patch.dueOn, overdue_alerted_at: null } : {}),
      ...(patch.note !== undefined ? { note: patch.note } : {}),
      updated_by: patch.byUserId,
      updated_at: db.fn.now(),
    })
    .where({ id });
}

export async function insertProblem(
  db: Queryable,
  input: { projectId: number; description: string; departmentId: number | null; byUserId: number },
) {
  const [row] = await db('project_problems')
    .insert({ project_id: input.projectId, description: input.description, department_id: input.departmentId, raised_by: input.byUserId })
    .returning<Array<{ id: number }>>('id');
  return row!.id;
}

/** Solved once: how many rows changed. */
export function solveProblem(db: Queryable, projectId: number, id: number, solution: string, byUserId: number): Promise<number> {
  return db('project_problems')
    .update({ solution, solved_by: byUserId, solved_at: db.fn.now() })
    .where({ project_id: projectId, id })
    .whereNull('solved_at');
}

export async function insertMeeting(
  db: Queryable,
  input: { projectId: number; startsAt: Date; endsAt: Date; place: string; purpose: string; outOfHours: boolean; byUserId: number },
) {
  const [row] = await db('project_meetings')
    .insert({
      project_id: input.projectId,
      starts_at: input.startsAt,
      ends_at: input.endsAt,
      place: input.place,
      purpose: input.purpose,
      out_of_hours: input.outOfHours,
      created_by: input.byUserId,
    })
    .returning<Array<{ id: number }>>('id');
  return row!.id;
}

/** Of these people, who is away now, until when. */
export async function awayNow(db: Queryable, userIds: readonly number[]): Promise<Map<number, Date>> {
  const rows: Array<{ user_id: string; until: Date }> = await db('staff_absences')
    .select('user_id', 'until')
    .whereIn('user_id', userIds)
    .where('until', '>', db.fn.now());
  return new Map(rows.map((r) => [Number(r.user_id), r.until]));
}

export async function setAbsence(db: Queryable, userId: number, until: Date, note: string | null, byUserId: number): Promise<void> {
  await db('staff_absences')
    .insert({ user_id: userId, until, note, set_by: byUserId })
    .onConflict('user_id')
    .merge({ until, note, set_by: byUserId, set_at: db.fn.now() });
}

export function clearAbsence(db: Queryable, userId: number): Promise<number> {
  return db('staff_absences').where({ user_id: userId }).delete();
}

/** Active projects where the person is the pair's A (whom their B now stands in for). */
export function projectsWithA(db: Queryable, userId: number): Promise<Array<{ id: number; name: string; agentBUserId: number }>> {
  return db('projects')
    .select({ id: 'id', name: 'name', agentBUserId: 'agent_b_user_id' })
    .where({ agent_a_user_id: userId, status: 'active' });
}

/** Approvals of active projects past their day not yet alerted, locked for this sweep (other workers skip them). */
export function overdueApprovals(db: Queryable, limit: number) {
  return db('project_approvals as a')
    .join('projects as p', 'p.id', 'a.project_id')
    .select({ id: 'a.id', name: 'a.name', dueOn: db.raw("to_char(a.due_on, 'YYYY-MM-DD')"), projectId: 'p.id' })
    .whereIn('a.status', ['pending', 'in_progress'])
    .whereNull('a.overdue_alerted_at')
    .where('p.status', 'active')
    .whereRaw(`a.due_on < (now() at time zone 'Asia/Shanghai')::date`)
    .orderBy('a.id')
    .limit(limit)
    .forUpdate('a')
    .skipLocked() as Promise<Array<{ id: number; name: string; dueOn: string; projectId: number }>>;
}

export async function markAlerted(db: Queryable, ids: readonly number[]): Promise<void> {
  await db('project_approvals').update({ overdue_alerted_at: db.fn.now() }).whereIn('id', ids);
}

export function supervisors(db: Queryable): Promise<number[]> {
  return db('users')
    .where({ role: 'supervisor', active: true })
    .pluck('id')
    .then((ids: string[]) => ids.map(Number));
}

export async function displayNames(db: Queryable, userIds: readonly number[]): Promise<Map<number, string>> {
  const rows: Array<{ id: string; display_name: string }> = await db('users').select('id', 'display_name').whereIn('id', userIds);
  return new Map(rows.map((u) => [Number(u.id), u.display_name]));
}
