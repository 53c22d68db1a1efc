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
