import { pgArray } from '../db/db';
import type { UnitOfWork } from '../db/unit-of-work';
import { notifyUsers } from '../outbox/notifications';
import { departmentRoles } from '../shared/roles';

export interface DepartmentNotice {
  kind: string;
  ticketId: number | null;
  title: string;
  body: string;
  /** One notification per user and key, whatever the retries. */
  dedupeKey: string;
}

/**
 * A department's notices, delivered in-app: a notification for each of its active staff
 * (GET /notifications), and their bells told at once over the staff socket. An SMS to a duty
 * phone and work chat beyond Slack come with the rest of the department workbench.
 */
export class DepartmentInbox {
  constructor(private readonly work: UnitOfWork) {}

  /** How many of the department's staff got it (0 when it has none, or all had it: nobody to tell, and nothing to retry). */
  deliver(departmentId: number, notice: DepartmentNotice): Promise<number> {
    return this.work.run(async (work) => {
      const staff: Array<{ id: number }> = await work
        .trx('users')
        .select('id')
        .where({ department_id: departmentId, active: true })
        .andWhereRaw('role = any(?::text[])', [pgArray(departmentRoles)]);
      return notifyUsers(
        work,
        staff.map((user) => ({ userId: user.id, ...notice })),
      );
    });
  }
}
