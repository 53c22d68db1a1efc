import type { Tx } from '../db/db';
import type { AssignmentStrategy } from '../org/org.types';

export interface AssignmentChoice {
  userId: number | null;
  strategy: AssignmentStrategy;
  /** zh-CN, for the timeline. */
  why: string;
}

/** Roles that take tickets inside a department (heads assign, they are not assigned). */
const workerRoles = ['agent', 'runner'];

/**
 * Picks who in the department handles a ticket, by the department's strategy: only active,
 * on-duty agents below their capacity (open = dispatched or accepted tickets assigned to them).
 * Nobody available → the department queue, where anyone may sign for it. The department row
 * is locked, so concurrent dispatches to one department never overfill an agent.
 */
export async function chooseAssignee(trx: Tx, departmentId: number, categoryCodes: readonly string[]): Promise<AssignmentChoice> {
  const department = await trx('departments')
    .select({ strategy: 'assignment_strategy', lastAssignedUserId: 'last_assigned_user_id' })
    .where({ id: departmentId })
    .forUpdate()
    .first<{ strategy: AssignmentStrategy; lastAssignedUserId: number | null } | undefined>();
  const strategy = department?.strategy ?? 'queue';
  if (strategy === 'queue') return { userId: null, strategy, why: '部门队列：待本部门人员签收' };

  const { rows: candidates } = await trx.raw<{ rows: Array<{ id: number; displayName: string; open: number; skills: string[] }> }>(
    `select * from (
       select u.id, u.display_name as "displayName", u.skills, u.capacity,
              (select count(*) from tickets t where t.assignee_user_id = u.id and t.status in ('dispatched', 'accepted'))::int as open
       from users u
       where u.department_id = ? and u.active and u.on_duty and u.role = any(?)) c
     where c.capacity is null or c.capacity > c.open
     order by c.id`,
    [departmentId, workerRoles],
  );
  const fewestOpen = (pool: typeof candidates) => [...pool].sort((a, b) => a.open - b.open || a.id - b.id)[0];
  let chosen: (typeof candidates)[number] | undefined;
  let why: string;
  if (strategy === 'round_robin') {
    const last = department?.lastAssignedUserId ?? 0;
    chosen = candidates.find((c) => c.id > last) ?? candidates[0];
    why = '轮流分配';
  } else if (strategy === 'least_open') {
    chosen = fewestOpen(candidates);
    why = '在办最少优先';
  } else {
    const skilled = candidates.filter((c) => c.skills.some((skill) => categoryCodes.includes(skill)));
    chosen = fewestOpen(skilled);
    why = categoryCodes.length === 0 ? '按技能分配（工单无分类）' : `按技能分配（分类 ${categoryCodes.join('/')}）`;
  }
  if (!chosen) return { userId: null, strategy, why: `${why}：暂无在岗且未满额的人员，进入部门队列` };
  await trx('departments').update({ last_assigned_user_id: chosen.id }).where({ id: departmentId });
  return { userId: chosen.id, strategy, why: `${why}：分配给 ${chosen.displayName}（在办 ${chosen.open} 件）` };
}

/** Who in the department gets the ticket, by its strategy; skills match the ticket's category or its parent. */
export async function assigneeFor(trx: Tx, departmentId: number, categoryId: number | null): Promise<AssignmentChoice> {
  const category =
    categoryId === null
      ? undefined
      : await trx('categories as c')
          .leftJoin('categories as p', 'p.id', 'c.parent_id')
          .select({ code: 'c.code', parentCode: 'p.code' })
          .where('c.id', categoryId)
          .first<{ code: string; parentCode: string | null } | undefined>();
  const codes = category ? [category.code, ...(category.parentCode ? [category.parentCode] : [])] : [];
  return chooseAssignee(trx, departmentId, codes);
}
