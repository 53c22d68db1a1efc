import type { Queryable } from '../db/db';

/**
 * A ticket's category as an operator decided it, compared with the classifier's suggestion:
 * 'confirmed' when they agree, 'corrected' when not. One label per ticket; the latest decision wins.
 */
export async function recordLabel(
  db: Queryable,
  label: { ticketId: number; text: string; categoryCode: string; suggestedCode: string | null; userId: number | null },
): Promise<void> {
  const source =
    label.suggestedCode === null || label.suggestedCode === label.categoryCode || label.categoryCode.startsWith(label.suggestedCode)
      ? 'confirmed'
      : 'corrected';
  await db.raw(
    `insert into classification_labels (ticket_id, text, category_code, source, created_by) values (?, ?, ?, ?, ?)
     on conflict (ticket_id) do update set category_code = excluded.category_code, source = excluded.source, created_by = excluded.created_by, created_at = now()`,
    [label.ticketId, label.text, label.categoryCode, source, label.userId],
  );
}

/** Labels at the level the operator decided (a level-2 category, or level-1 when that is all they knew), newest first. */
export async function listLabels(db: Queryable, limit: number): Promise<Array<{ text: string; label: string }>> {
  return db('classification_labels as l')
    .join('categories as c', 'c.code', 'l.category_code')
    .select({ text: 'l.text', label: 'c.code' })
    .orderBy('l.id', 'desc')
    .limit(limit);
}

export async function countLabelsSince(db: Queryable, since: Date): Promise<number> {
  const [row] = await db('classification_labels').where('created_at', '>', since).count({ n: '*' });
  return Number(row?.n ?? 0);
}
