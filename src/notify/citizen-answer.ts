import type { Queryable } from '../db/db';
import { findCategoryById } from '../org/categories.repository';
import type { TicketRecord } from '../tickets/ticket.types';

/**
 * The department's answer as the citizen may read it (the 答复 notice, 查询): none before there is one,
 * for a caller who asked for confidentiality (保密), or when the ticket's category (or its parent) is
 * answered in person.
 */
export async function answerForCitizen(db: Queryable, ticket: TicketRecord): Promise<string | undefined> {
  if (!ticket.replyText || ticket.caller?.confidential) return undefined;
  if (ticket.categoryId === null) return ticket.replyText;
  const category = await findCategoryById(db, ticket.categoryId);
  const parent = category?.parentId ? await findCategoryById(db, category.parentId) : undefined;
  return category?.answerInPerson || parent?.answerInPerson ? undefined : ticket.replyText;
}
