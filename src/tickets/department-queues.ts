import type { Queryable } from '../db/db';

/** The department workbench's queues: what waits for a department, each defined once (the list's filter and the counts). */
export const departmentQueues = ['sign_for', 'handling', 'assist', 'supervision', 'redo', 'replied'] as const;
export type DepartmentQueue = (typeof departmentQueues)[number];

const handling = "t.status in ('dispatched', 'accepted')";
/** Each queue as a condition on `tickets t`, for the department bound as :dept. */
const conditions: Record<DepartmentQueue, string> = {
  sign_for: "t.status = 'dispatched' and t.lead_department_id = :dept",
  handling: "t.status = 'accepted' and t.lead_department_id = :dept",
  assist: `${handling} and exists (select 1 from ticket_assignments a where a.ticket_id = t.id and a.department_id = :dept and a.role = 'assist' and a.active)`,
  supervision: `${handling} and t.supervision_pending and t.lead_department_id = :dept`,
  redo: `${handling} and t.reopen_count > 0 and t.lead_department_id = :dept`,
  replied: "t.status = 'replied' and t.lead_department_id = :dept",
};

/** The condition of one queue, for the ticket list (`GET /tickets?queue=`). */
export function queueCondition(queue: DepartmentQueue, departmentId: number): { sql: string; bindings: { dept: number } } {
  return { sql: conditions[queue], bindings: { dept: departmentId } };
}

/** How many tickets wait in each queue: the department's, and those assigned to this user. One scan of the department's tickets. */
export async function departmentQueueCounts(
  db: Queryable,
  departmentId: number,
  userId: number,
): Promise<Array<{ queue: DepartmentQueue; all: number; mine: number }>> {
  const columns = departmentQueues
    .map(
      (queue) =>
        `count(*) filter (where ${conditions[queue]}) as "${queue}", count(*) filter (where ${conditions[queue]} and t.assignee_user_id = :user) as "${queue}_mine"`,
    )
    .join(', ');
  const { rows } = await db.raw<{ rows: Array<Record<string, string>> }>(
    `select ${columns} from tickets t
     where t.status in ('dispatched', 'accepted', 'replied')
       and exists (select 1 from ticket_assignments a where a.ticket_id = t.id and a.department_id = :dept and a.active)`,
    { dept: departmentId, user: userId },
  );
  const row = rows[0] ?? {};
  return departmentQueues.map((queue) => ({ queue, all: Number(row[queue] ?? 0), mine: Number(row[`${queue}_mine`] ?? 0) }));
}

export interface PersonLoad {
  userId: number;
  displayName: string;
  role: string;
  onDuty: boolean;
  /** Tickets of the department assigned to them and not yet answered (待签收 and 办理中). */
  open: number;
  /** Of those, past their next deadline now. */
  overdue: number;
}

/** The department's load per person, for the head who assigns: every active member, the busiest first. */
export async function departmentLoad(db: Queryable, departmentId: number): Promise<PersonLoad[]> {
  const { rows } = await db.raw<{ rows: PersonLoad[] }>(
    `select u.id as "userId", u.display_name as "displayName", u.role, u.on_duty as "onDuty",
            count(t.id)::int as open, count(t.id) filter (where t.next_due_at < now())::int as overdue
       from users u
       left join tickets t on t.assignee_user_id = u.id and t.lead_department_id = :dept and t.status in ('dispatched', 'accepted')
      where u.department_id = :dept and u.active and u.role in ('agent', 'dept_head')
      group by u.id
      order by open desc, u.display_name`,
    { dept: departmentId },
  );
  return rows;
}
