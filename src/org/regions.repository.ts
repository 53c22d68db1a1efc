import { returningAs, type Queryable } from '../db/db';
import type { Outline, RegionLevel, RegionRecord } from './org.types';

const columns = {
  id: 'id',
  code: 'code',
  name: 'name',
  level: 'level',
  parentId: 'parent_id',
  path: 'path',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

export async function findRegionById(db: Queryable, id: number): Promise<RegionRecord | undefined> {
  return db('regions').select(columns).where({ id }).first();
}

export async function listRegions(
  db: Queryable,
  filter: { parentId?: number; level?: RegionLevel; under?: string },
): Promise<RegionRecord[]> {
  const query = db('regions').select(columns).orderBy('path');
  if (filter.parentId) query.where({ parent_id: filter.parentId });
  if (filter.level) query.where({ level: filter.level });
  if (filter.under) query.where('path', 'like', `${filter.under}%`);
  return query;
}

export async function insertRegion(
  db: Queryable,
  region: { code: string; name: string; level: RegionLevel; parentId: number | null },
): Promise<RegionRecord> {
  const [row] = await db('regions')
    .insert({ code: region.code, name: region.name, level: region.level, parent_id: region.parentId })
    .returning(returningAs(columns));
  return row as RegionRecord;
}

export async function updateRegion(db: Queryable, id: number, patch: { code?: string; name?: string }): Promise<RegionRecord | undefined> {
  const [row] = await db('regions')
    .update({ ...(patch.code ? { code: patch.code } : {}), ...(patch.name ? { name: patch.name } : {}), updated_at: db.fn.now() })
    .where({ id })
    .returning(returningAs(columns));
  return row as RegionRecord | undefined;
}

/** True when anything refers to the region (children, departments, tickets). */
export async function regionInUse(db: Queryable, id: number): Promise<boolean> {
  const { rows } = await db.raw<{ rows: Array<{ used: boolean }> }>(
    `select exists (select 1 from regions where parent_id = :id)
         or exists (select 1 from departments where region_id = :id)
         or exists (select 1 from tickets where region_id = :id) as used`,
    { id },
  );
  return rows[0]?.used ?? false;
}

export async function deleteRegion(db: Queryable, id: number): Promise<boolean> {
  return (await db('regions').delete().where({ id })) > 0;
}

/** The outlines of the regions of one level (those that have one), for the board's map. */
export async function listOutlines(
  db: Queryable,
  level: RegionLevel,
): Promise<Array<{ id: number; name: string; path: string; outline: Outline }>> {
  return db('regions').select('id', 'name', 'path', 'outline').where({ level }).whereNotNull('outline').orderBy('path');
}

export async function findOutline(db: Queryable, id: number): Promise<{ outline: Outline | null } | undefined> {
  return db('regions').select('outline').where({ id }).first();
}

export async function setOutline(db: Queryable, id: number, outline: Outline | null): Promise<boolean> {
  return (
    (await db('regions')
      .update({ outline: outline === null ? null : JSON.stringify(outline), updated_at: db.fn.now() })
      .where({ id })) > 0
  );
}
