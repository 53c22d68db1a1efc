import type { Queryable } from '../db/db';
import type { AccountabilityOutcome, CandidateReason, HardCaseKind, HardCaseLevel, HardCaseSource } from './hard-case-labels';

/** A ticket's 办不成事 record (hard_cases), beside its hard_case flag. */
export interface HardCaseRecord {
  ticketId: number;
  kind: HardCaseKind | null;
  source: HardCaseSource;
  level: HardCaseLevel;
  handledAt: Date | null;
  handling: Record<string, unknown> | null;
  leaderUserId: number | null;
  reportedAt: Date | null;
  jointDepartmentIds: number[];
  jointDispatchedAt: Date | null;
  meeting: { meeting: string; heldOn: string; decision: string } | null;
  answeredAt: Date | null;
  createdAt: Date;
}

const columns = {
  ticketId: 'ticket_id',
  kind: 'kind',
  source: 'source',
  level: 'level',
  handledAt: 'handled_at',
  handling: 'handling',
  leaderUserId: 'leader_user_id',
  reportedAt: 'reported_at',
  jointDepartmentIds: 'joint_department_ids',
  jointDispatchedAt: 'joint_dispatched_at',
  meeting: 'meeting',
  answeredAt: 'answered_at',
  createdAt: 'created_at',
} as const;

export async function findHardCase(db: Queryable, ticketId: number): Promise<HardCaseRecord | undefined> {
  const row = await db('hard_cases').select(columns).where({ ticket_id: ticketId }).first();
  return row
    ? {
        ...row,
        ticketId: Number(row.ticketId),
        leaderUserId: row.leaderUserId === null ? null : Number(row.leaderUserId),
        jointDepartmentIds: row.jointDepartmentIds.map(Number),
      }
    : undefined;
}

export async function insertHardCase(
  db: Queryable,
  record: { ticketId: number; kind: HardCaseKind; source: HardCaseSource },
): Promise<void> {
  await db('hard_cases').insert({ ticket_id: record.ticketId, kind: record.kind, source: record.source });
}

export async function updateHardCase(
  db: Queryable,
  ticketId: number,
  patch: Partial<
    Pick<
      HardCaseRecord,
      | 'level'
      | 'handledAt'
      | 'handling'
      | 'leaderUserId'
      | 'reportedAt'
      | 'jointDepartmentIds'
      | 'jointDispatchedAt'
      | 'meeting'
      | 'answeredAt'
    >
  >,
): Promise<void> {
  const row: Record<string, unknown> = { updated_at: db.fn.now() };
  for (const [key, value] of Object.entries(patch))
    row[columns[key as keyof typeof columns]] = key === 'handling' || key === 'meeting' ? JSON.stringify(value) : value;
  await db('hard_cases').update(row).where({ ticket_id: ticketId });
}

/** Whether a ticket is a hard case reported to this county leader (what they may see and act on). */
export async function reportedTo(db: Queryable, ticketId: number, userId: number): Promise<boolean> {
  return (await db('hard_cases').where({ ticket_id: ticketId, leader_user_id: userId }).first('ticket_id')) !== undefined;
}

export interface AccountabilityInput {
  ticketId: number;
  departmentId: number;
  personName: string;
  personUserId: number | null;
  finding: string;
  outcome: AccountabilityOutcome;
  outcomeNote: string | null;
  recordedBy: number;
}

export async function insertAccountability(db: Queryable, record: AccountabilityInput): Promise<number> {
  const [row] = await db('accountability_records')
    .insert({
      ticket_id: record.ticketId,
      department_id: record.departmentId,
      person_name: record.personName,
      person_user_id: record.personUserId,
      finding: record.finding,
      outcome: record.outcome,
      outcome_note: record.outcomeNote,
      recorded_by: record.recordedBy,
    })
    .returning('id');
  return Number(row.id);
}

export async function countAccountability(db: Queryable, ticketId: number): Promise<number> {
  const row = await db('accountability_records').where({ ticket_id: ticketId }).count<{ n: string }>({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/** An open candidate of this ticket, taken by the flag that accepts it. */
export async function takeCandidate(
  db: Queryable,
  candidateId: number,
  ticketId: number,
  userId: number | null,
): Promise<{ reason: CandidateReason } | undefined> {
  const [row] = await db('hard_case_candidates')
    .update({ status: 'accepted', decided_by: userId, decided_at: db.fn.now() })
    .where({ id: candidateId, ticket_id: ticketId, status: 'open' })
    .returning('reason');
  return row;
}

/** The 帮代办 order a hard case not finished on site became: held by the window's chief representative since it was accepted. */
export async function followUpOrder(
  db: Queryable,
  ticketId: number,
): Promise<{ id: number; status: string; representativeName: string; acceptedAt: Date } | undefined> {
  const row = await db('proxy_orders as o')
    .join('users as u', 'u.id', 'o.runner_user_id')
    .select({ id: 'o.id', status: 'o.status', representativeName: 'u.display_name', acceptedAt: 'o.accepted_at' })
    .where({ 'o.ticket_id': ticketId, 'o.origin': 'hard_case' })
    .first();
  return row ? { ...row, id: Number(row.id) } : undefined;
}

/**
 * A hard case as its ticket's page shows it: kind, source, level, its handling, the county leader, 联办, the meeting,
 * and the 帮代办 order it became when not finished on site.
 */
export async function hardCaseView(db: Queryable, ticketId: number) {
  const hardCase = await findHardCase(db, ticketId);
  if (!hardCase) return undefined;
  const displayName = (id: number | null) => (id === null ? undefined : db('users').select('display_name').where({ id }).first());
  const [leader, joint, order] = await Promise.all([
    displayName(hardCase.leaderUserId),
    hardCase.jointDepartmentIds.length === 0
      ? []
      : db('departments').select('name').whereIn('id', hardCase.jointDepartmentIds).orderBy('name'),
    followUpOrder(db, ticketId),
  ]);
  return {
    kind: hardCase.kind,
    source: hardCase.source,
    level: hardCase.level,
    handledAt: hardCase.handledAt,
    handling: hardCase.handling,
    leaderName: (leader?.display_name as string | undefined) ?? null,
    jointDepartmentNames: (joint as Array<{ name: string }>).map((d) => d.name),
    meeting: hardCase.meeting,
    answeredAt: hardCase.answeredAt,
    followUp: order
      ? { representativeName: order.representativeName, orderId: order.id, orderStatus: order.status, at: order.acceptedAt }
      : null,
  };
}
