import { returningAs, type Queryable } from '../db/db';

export interface CategoryRecord {
  id: number;
  code: string;
  name: string;
  parentId: number | null;
  level: 1 | 2;
  description: string;
  active: boolean;
  sortOrder: number;
  /** auto: the system may dispatch tickets of this category on its own; suggest: an operator always confirms. */
  dispatchMode: 'auto' | 'suggest';
  /** The department answers in person: the citizen is told their ticket was answered, not the answer's text. */
  answerInPerson: boolean;
}

const columns = {
  id: 'id',
  code: 'code',
  name: 'name',
  parentId: 'parent_id',
  level: 'level',
  description: 'description',
  active: 'active',
  sortOrder: 'sort_order',
  dispatchMode: 'dispatch_mode',
  answerInPerson: 'answer_in_person',
};

export async function findCategoryById(db: Queryable, id: number): Promise<CategoryRecord | undefined> {
  return db('categories').select(columns).where({ id }).first();
}

export async function listCategories(db: Queryable, filter: { active?: boolean }): Promise<CategoryRecord[]> {
  const query = db('categories')
    .select(columns)
    .orderBy([{ column: 'level' }, { column: 'sort_order' }, { column: 'code' }]);
  if (filter.active !== undefined) query.where({ active: filter.active });
  return query;
}

export async function insertCategory(
  db: Queryable,
  category: Omit<CategoryRecord, 'id' | 'active' | 'dispatchMode' | 'answerInPerson'> &
    Partial<Pick<CategoryRecord, 'dispatchMode' | 'answerInPerson'>>,
): Promise<CategoryRecord> {
  const [row] = await db('categories')
    .insert({
      code: category.code,
      name: category.name,
      parent_id: category.parentId,
      level: category.level,
      description: category.description,
      sort_order: category.sortOrder,
      dispatch_mode: category.dispatchMode,
      answer_in_person: category.answerInPerson,
    })
    .returning(returningAs(columns));
  return row as CategoryRecord;
}

export async function updateCategory(
  db: Queryable,
  id: number,
  patch: Partial<Pick<CategoryRecord, 'name' | 'description' | 'active' | 'sortOrder' | 'dispatchMode' | 'answerInPerson'>>,
): Promise<CategoryRecord | undefined> {
  const row: Record<string, unknown> = { updated_at: db.fn.now() };
  if (patch.name !== undefined) row.name = patch.name;
  if (patch.description !== undefined) row.description = patch.description;
  if (patch.dispatchMode !== undefined) row.dispatch_mode = patch.dispatchMode;
  if (patch.answerInPerson !== undefined) row.answer_in_person = patch.answerInPerson;
  if (patch.active !== undefined) row.active = patch.active;
  if (patch.sortOrder !== undefined) row.sort_order = patch.sortOrder;
  const [updated] = await db('categories').update(row).where({ id }).returning(returningAs(columns));
  return updated as CategoryRecord | undefined;
}

export async function deactivateChildren(db: Queryable, parentId: number): Promise<void> {
  await db('categories').update({ active: false, updated_at: db.fn.now() }).where({ parent_id: parentId });
}
