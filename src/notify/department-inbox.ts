import { pgArray, type Db } from '../db/db';
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
 * (GET /notifications). Live push, an SMS to a duty phone and work chat come with the
 * department workbench.
 */
export class DepartmentInbox {
  constructor(private readonly db: Db) {}

  /** How many of the department's staff got it (0 when it has none: nobody to tell, and nothing to retry). */
  async deliver(departmentId: number, notice: DepartmentNotice): Promise<number> {
    const { rowCount } = await this.db.raw(
      `insert into notifications (user_id, kind, ticket_id, title, body, dedupe_key)
       select u.id, ?, ?, ?, ?, ? from users u
       where u.department_id = ? and u.active and u.role = any(?::text[])
       on conflict (user_id, dedupe_key) do nothing`,
      [notice.kind, notice.ticketId, notice.title, notice.body, notice.dedupeKey, departmentId, pgArray(departmentRoles)],
    );
    return rowCount ?? 0;
  }
}
