import type { Queryable } from '../db/db';
import type { Request } from './duplicate-score';

export interface CandidateRow extends Request {
  id: number;
  number: string;
  title: string;
  status: string;
}

const select = `t.id, t.number, t.title, t.status, t.description, t.address, t.region_id as "regionId", t.category_id as "categoryId",
  t.contact_id as "contactId", t.location, t.created_at as "createdAt"`;

export async function requestOf(db: Queryable, ticketId: number): Promise<CandidateRow | undefined> {
  const { rows } = await db.raw<{ rows: CandidateRow[] }>(`select ${select} from tickets t where t.id = ?`, [ticketId]);
  return rows[0];
}

/**
 * The open tickets created within a week either side of the ticket that share its caller, its place
 * (the same region) or its category: the only ones the score could rank high, newest first, at most 300.
 */
export async function openCandidates(db: Queryable, ticket: Request & { id: number }): Promise<CandidateRow[]> {
  const { rows } = await db.raw<{ rows: CandidateRow[] }>(
    `select ${select} from tickets t
      where t.created_at between :at::timestamptz - interval '7 days' and :at::timestamptz + interval '7 days'
        and t.id <> :id and t.merged_into_id is null
        and t.status in ('new', 'triage', 'dispatched', 'accepted', 'returned')
        and (t.contact_id = :contactId or t.region_id = :regionId or t.category_id = :categoryId)
      order by t.created_at desc
      limit 300`,
    { at: ticket.createdAt, id: ticket.id, contactId: ticket.contactId, regionId: ticket.regionId, categoryId: ticket.categoryId },
  );
  return rows;
}
