import type { Queryable } from '../db/db';

/**
 * The department that most often led a category's tickets (the category and its children),
 * among its latest 2,000 of the last 180 days, with its share of them. Each category's latest
 * come from its own index range, so the cost does not grow with the history.
 */
export async function usualDepartmentOf(
  db: Queryable,
  categoryId: number,
): Promise<{ id: number; name: string; share: number } | undefined> {
  const { rows } = await db.raw<{ rows: Array<{ id: number; name: string; share: number }> }>(
    `with recent as (
       select led.lead_department_id from categories c
       cross join lateral (
         select t.id, t.lead_department_id from tickets t
         where t.category_id = c.id and t.lead_department_id is not null and t.created_at > now() - interval '180 days'
         order by t.id desc limit 2000) led
       where c.id = :categoryId or c.parent_id = :categoryId
       order by led.id desc limit 2000)
     select d.id, d.name, count(*)::float / (select count(*) from recent) as share
     from recent r join departments d on d.id = r.lead_department_id
     group by d.id, d.name order by count(*) desc, d.id limit 1`,
    { categoryId },
  );
  return rows[0];
}

/** The active categories and the regions, which the rules and the LLM prompt name. */
export async function activeReferences(db: Queryable) {
  const [categories, regions] = await Promise.all([
    db('categories as c')
      .leftJoin('categories as p', 'p.id', 'c.parent_id')
      .select('c.id', 'c.code', 'c.name', 'c.description', { parentCode: 'p.code' })
      .where('c.active', true),
    db('regions').select('id', 'name', 'level'),
  ]);
  return { categories, regions } as {
    categories: Array<{ id: number; code: string; name: string; description: string; parentCode: string | null }>;
    regions: Array<{ id: number; name: string; level: string }>;
  };
}
