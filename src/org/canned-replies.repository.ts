import { returningAs, type Queryable } from '../db/db';

export interface CannedReply {
  id: number;
  departmentId: number;
  title: string;
  body: string;
  updatedAt: Date;
}

const columns = { id: 'id', departmentId: 'department_id', title: 'title', body: 'body', updatedAt: 'updated_at' };

export function listCannedReplies(db: Queryable, departmentId?: number): Promise<CannedReply[]> {
  const query = db('canned_replies')
    .select(columns)
    .orderBy([{ column: 'department_id' }, { column: 'title' }]);
  if (departmentId !== undefined) query.where({ department_id: departmentId });
  return query;
}

export function findCannedReply(db: Queryable, id: number): Promise<CannedReply | undefined> {
  return db('canned_replies').select(columns).where({ id }).first();
}

export async function insertCannedReply(db: Queryable, reply: Omit<CannedReply, 'id' | 'updatedAt'>): Promise<CannedReply | undefined> {
  const [row] = await db('canned_replies')
    .insert({ department_id: reply.departmentId, title: reply.title, body: reply.body })
    .onConflict(['department_id', 'title'])
    .ignore()
    .returning(returningAs(columns));
  return row as CannedReply | undefined;
}

export async function updateCannedReply(
  db: Queryable,
  id: number,
  patch: { title?: string; body?: string },
): Promise<CannedReply | undefined> {
  const [row] = await db('canned_replies')
    .update({ ...patch, updated_at: db.fn.now() })
    .where({ id })
    .returning(returningAs(columns));
  return row as CannedReply | undefined;
}

export async function deleteCannedReply(db: Queryable, id: number): Promise<boolean> {
  return (await db('canned_replies').where({ id }).delete()) > 0;
}
