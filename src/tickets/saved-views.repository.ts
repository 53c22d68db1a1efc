import type { Queryable } from '../db/db';

export interface SavedView {
  id: number;
  name: string;
  query: string;
  createdAt: Date;
}

const columns = { id: 'id', name: 'name', query: 'query', createdAt: 'created_at' };

export function listViews(db: Queryable, userId: number): Promise<SavedView[]> {
  return db('saved_views').select(columns).where({ user_id: userId }).orderBy('name');
}

/** Saved under its name: a view saved again with the same name takes the new filters. */
export async function saveView(db: Queryable, userId: number, view: { name: string; query: string }): Promise<SavedView> {
  const [row] = await db('saved_views')
    .insert({ user_id: userId, name: view.name, query: view.query })
    .onConflict(['user_id', 'name'])
    .merge({ query: view.query })
    .returning(Object.entries(columns).map(([field, column]) => `${column} as ${field}`));
  return row;
}

export async function deleteView(db: Queryable, userId: number, id: number): Promise<boolean> {
  return (await db('saved_views').where({ id, user_id: userId }).delete()) > 0;
}
