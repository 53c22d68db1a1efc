import { returningAs, type Queryable } from '../db/db';
import type { CatalogEntry } from './dispatch-catalog';

export interface CatalogEntryRecord extends CatalogEntry {
  flaggedAt: Date | null;
  flagNote: string | null;
  deletedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const columns = {
  id: 'id',
  name: 'name',
  categoryId: 'category_id',
  requestType: 'request_type',
  regionId: 'region_id',
  matter: 'matter',
  keywords: 'keywords',
  leadDepartmentId: 'lead_department_id',
  assistDepartmentIds: 'assist_department_ids',
  priority: 'priority',
  effectiveFrom: 'effective_from',
  effectiveTo: 'effective_to',
  flaggedAt: 'flagged_at',
  flagNote: 'flag_note',
  deletedAt: 'deleted_at',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
} as const satisfies Record<keyof CatalogEntryRecord, string>;

// Effective dates are calendar days: read as 'YYYY-MM-DD' text, never as a time zone–shifted Date.
const entries = (db: Queryable) =>
  db('dispatch_catalog_entries').select({
    ...Object.fromEntries(Object.entries(columns).filter(([field]) => field !== 'effectiveFrom' && field !== 'effectiveTo')),
    effectiveFrom: db.raw("to_char(effective_from, 'YYYY-MM-DD')"),
    effectiveTo: db.raw("to_char(effective_to, 'YYYY-MM-DD')"),
  });

export type CatalogEntryFields = Omit<CatalogEntry, 'id'>;

function toRow(fields: Partial<CatalogEntryFields>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    row[columns[field as keyof CatalogEntryFields]] = value;
  }
  return row;
}

export async function listEntries(
  db: Queryable,
  filter: { includeDeleted?: boolean; flagged?: boolean } = {},
): Promise<CatalogEntryRecord[]> {
  const query = entries(db).orderBy('id');
  if (!filter.includeDeleted) query.whereNull('deleted_at');
  if (filter.flagged) query.whereNotNull('flagged_at');
  return query;
}

export async function findEntry(db: Queryable, id: number): Promise<CatalogEntryRecord | undefined> {
  return entries(db).where({ id }).first();
}

export async function insertEntry(db: Queryable, fields: CatalogEntryFields): Promise<number> {
  const [row] = await db('dispatch_catalog_entries').insert(toRow(fields)).returning<Array<{ id: number }>>('id');
  return row!.id;
}

export async function updateEntry(db: Queryable, id: number, fields: Partial<CatalogEntryFields> & { clearFlag?: boolean }): Promise<void> {
  const { clearFlag, ...rest } = fields;
  await db('dispatch_catalog_entries')
    .update({ ...toRow(rest), ...(clearFlag ? { flagged_at: null, flag_note: null } : {}), updated_at: db.fn.now() })
    .where({ id });
}

export async function deleteEntry(db: Queryable, id: number): Promise<void> {
  await db('dispatch_catalog_entries').update({ deleted_at: db.fn.now(), updated_at: db.fn.now() }).where({ id });
}

export async function flagEntry(db: Queryable, id: number, note: string): Promise<void> {
  await db('dispatch_catalog_entries').update({ flagged_at: db.fn.now(), flag_note: note }).where({ id });
}

/** The catalog's version: the number of changes ever made to it (0 for an empty catalog). */
export async function currentVersion(db: Queryable): Promise<number> {
  const row = await db('dispatch_catalog_revisions').max({ version: 'version' }).first();
  return Number(row?.version ?? 0);
}

/** Records a change as the next catalog version. Callers hold the catalog lock. */
export async function insertRevision(
  db: Queryable,
  revision: {
    entryId: number;
    change: 'create' | 'update' | 'delete';
    before: CatalogEntryRecord | null;
    after: CatalogEntryRecord | null;
    actorUserId: number | null;
  },
): Promise<number> {
  const version = (await currentVersion(db)) + 1;
  await db('dispatch_catalog_revisions').insert({
    version,
    entry_id: revision.entryId,
    change: revision.change,
    before: revision.before ? JSON.stringify(revision.before) : null,
    after: revision.after ? JSON.stringify(revision.after) : null,
    actor_user_id: revision.actorUserId,
  });
  return version;
}

export interface CatalogRevisionRecord {
  version: number;
  entryId: number;
  change: string;
  before: unknown;
  after: unknown;
  actorUserId: number | null;
  createdAt: Date;
}

export async function listRevisions(db: Queryable, filter: { entryId?: number; limit: number }): Promise<CatalogRevisionRecord[]> {
  const query = db('dispatch_catalog_revisions')
    .select(
      returningAs({
        version: 'version',
        entryId: 'entry_id',
        change: 'change',
        before: 'before',
        after: 'after',
        actorUserId: 'actor_user_id',
        createdAt: 'created_at',
      }),
    )
    .orderBy('version', 'desc')
    .limit(filter.limit);
  if (filter.entryId) query.where({ entry_id: filter.entryId });
  return query;
}

/** Serializes catalog writes: versions stay gapless and conflict checks see every committed entry. */
export async function lockCatalog(db: Queryable): Promise<void> {
  await db.raw('select pg_advisory_xact_lock(hashtext(?))', ['dispatch-catalog']);
}

/**
 * What the routing decision depends on, in one cheap query: when it changes, the in-memory
 * catalog is compiled again.
 */
export async function routingFingerprint(db: Queryable): Promise<string> {
  const { rows } = await db.raw<{ rows: Array<{ fingerprint: string }> }>(
    `select concat_ws('|',
       (select max(version) from dispatch_catalog_revisions),
       (select max(updated_at) from dispatch_catalog_entries),
       (select max(updated_at) from departments), (select count(*) from departments),
       (select max(updated_at) from regions), (select count(*) from regions),
       (select max(updated_at) from categories), (select count(*) from categories)) as fingerprint`,
  );
  return rows[0]!.fingerprint;
}

/** What the dispatch catalog compiles against: categories, regions and departments. */
export async function referenceData(db: Queryable) {
  const categories = await db('categories').select({ id: 'id', parentId: 'parent_id', level: 'level', name: 'name' });
  const regions = await db('regions').select({ id: 'id', parentId: 'parent_id', level: 'level', name: 'name' });
  const departments = await db('departments').select({ id: 'id', name: 'name', kind: 'kind', regionId: 'region_id', active: 'active' });
  return { categories, regions, departments };
}

/** A category's dispatch mode and its parent's. */
export function dispatchModes(
  db: Queryable,
  categoryId: number,
): Promise<{ own: 'auto' | 'suggest'; parent: 'auto' | 'suggest' | null } | undefined> {
  return db('categories as c')
    .leftJoin('categories as p', 'p.id', 'c.parent_id')
    .select({ own: 'c.dispatch_mode', parent: 'p.dispatch_mode' })
    .where('c.id', categoryId)
    .first();
}

/**
 * Tickets routed to, returned by, and returns reviewed for each department or catalog entry
 * over a period, from the tickets' timelines (key and reviewKey name the event data's field).
 */
export async function returnCounts(
  db: Queryable,
  query: { key: 'departmentId' | 'catalogEntryId'; reviewKey: string; from: Date; to: Date },
): Promise<Array<{ key: number; routed: number; returned: number; upheld: number; rejected: number }>> {
  const { rows } = await db.raw<{
    rows: Array<{ key: number; routed: number; returned: number; upheld: number; rejected: number }>;
  }>(
    `with routed as (
       select (e.data->>:key)::bigint as key, count(*)::int as n from ticket_events e
       where (e.type in ('dispatch', 'transfer') or (e.type = 'review_return' and e.data->>'decision' = 'uphold')) and e.created_at >= :from and e.created_at < :to and e.data->>:key is not null
       group by 1),
     returned as (
       select (e.data->>:key)::bigint as key, count(*)::int as n from ticket_events e
       where e.type = 'return' and e.created_at >= :from and e.created_at < :to and e.data->>:key is not null
       group by 1),
     reviewed as (
       select (e.data->>:reviewKey)::bigint as key,
              count(*) filter (where e.data->>'decision' = 'uphold')::int as upheld,
              count(*) filter (where e.data->>'decision' = 'reject')::int as rejected
       from ticket_events e
       where e.type = 'review_return' and e.created_at >= :from and e.created_at < :to and e.data->>:reviewKey is not null
       group by 1)
     select k.key, coalesce(r.n, 0) as routed, coalesce(t.n, 0) as returned, coalesce(v.upheld, 0) as upheld, coalesce(v.rejected, 0) as rejected
     from (select key from routed union select key from returned union select key from reviewed) k
     left join routed r on r.key = k.key left join returned t on t.key = k.key left join reviewed v on v.key = k.key
     where k.key is not null
     order by returned desc, k.key`,
    query,
  );
  return rows;
}

/**
 * The tickets behind a figure of the returns report: one department's or entry's returns in the period,
 * or its returns reviewed (upheld or rejected) in the period, as returnCounts counts them.
 */
export async function returnTickets(
  db: Queryable,
  query: {
    key: 'departmentId' | 'catalogEntryId';
    reviewKey: string;
    id: number;
    figure: 'returned' | 'upheld' | 'rejected';
    from: Date;
    to: Date;
    limit: number;
  },
): Promise<Array<{ ticketId: number; number: string; title: string; reason: string | null }>> {
  const returned = query.figure === 'returned';
  const { rows } = await db.raw<{ rows: Array<{ ticketId: number; number: string; title: string; reason: string | null }> }>(
    `select t.id::int as "ticketId", t.number, t.title, e.reason
     from ticket_events e join tickets t on t.id = e.ticket_id
     where e.type = :type and e.created_at >= :from and e.created_at < :to
       and (e.data->>:field)::bigint = :id
       ${returned ? '' : "and e.data->>'decision' = :decision"}
     order by e.created_at desc, e.id desc
     limit :limit`,
    {
      type: returned ? 'return' : 'review_return',
      field: returned ? query.key : query.reviewKey,
      decision: query.figure === 'upheld' ? 'uphold' : 'reject',
      id: query.id,
      from: query.from,
      to: query.to,
      limit: query.limit,
    },
  );
  return rows;
}
