import { returningAs, type Queryable } from '../db/db';

export const articleStatuses = ['draft', 'review', 'published', 'archived'] as const;
export type ArticleStatus = (typeof articleStatuses)[number];

export interface ArticleFields {
  title: string;
  body: string;
  categoryId: number | null;
  regionIds: number[];
  departmentId: number | null;
  effectiveFrom: string | null;
  expiresOn: string | null;
  source: string | null;
}

export interface ArticleRecord extends ArticleFields {
  id: number;
  status: ArticleStatus;
  version: number;
  createdBy: number | null;
  updatedBy: number | null;
  publishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const columns = {
  id: 'id',
  title: 'title',
  body: 'body',
  categoryId: 'category_id',
  regionIds: 'region_ids',
  departmentId: 'department_id',
  effectiveFrom: 'effective_from',
  expiresOn: 'expires_on',
  source: 'source',
  status: 'status',
  version: 'version',
  createdBy: 'created_by',
  updatedBy: 'updated_by',
  publishedAt: 'published_at',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
} as const;

/** Dates as the API speaks them (YYYY-MM-DD), whatever the driver made of a `date`. */
const day = (value: unknown): string | null =>
  value === null || value === undefined
    ? null
    : value instanceof Date
      ? `${value.getFullYear()}-${String(value.getMonth() + 1).padStart(2, '0')}-${String(value.getDate()).padStart(2, '0')}`
      : String(value).slice(0, 10);
const record = (row: Record<string, unknown>): ArticleRecord =>
  ({ ...row, effectiveFrom: day(row.effectiveFrom), expiresOn: day(row.expiresOn) }) as unknown as ArticleRecord;

/** The search vector from the segmenter's words: the title's weigh more than the body's. */
export const searchVector = (db: Queryable, titleTerms: string[], bodyTerms: string[]) =>
  db.raw(`setweight(to_tsvector('simple', ?), 'A') || setweight(to_tsvector('simple', ?), 'B')`, [
    titleTerms.join(' '),
    bodyTerms.join(' '),
  ]);

function row(fields: Partial<ArticleFields>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fields)) if (value !== undefined) out[columns[field as keyof ArticleFields]] = value;
  return out;
}

export async function insertArticle(
  db: Queryable,
  article: ArticleFields & { status: ArticleStatus; createdBy: number | null },
  terms: { title: string[]; body: string[] },
): Promise<ArticleRecord> {
  const { status, createdBy, ...fields } = article;
  const [created] = await db('kb_articles')
    .insert({
      ...row(fields),
      status,
      created_by: createdBy,
      updated_by: createdBy,
      ...(status === 'published' ? { published_at: db.fn.now() } : {}),
      search: searchVector(db, terms.title, terms.body),
    })
    .returning(returningAs(columns));
  return record(created);
}

export async function findArticle(db: Queryable, id: number, forUpdate = false): Promise<ArticleRecord | undefined> {
  const query = db('kb_articles').select(columns).where({ id });
  if (forUpdate) query.forUpdate();
  const found = await query.first();
  return found && record(found);
}

export async function findArticles(db: Queryable, ids: readonly number[]): Promise<ArticleRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db('kb_articles').select(columns).whereIn('id', ids);
  return rows.map(record);
}

export async function updateArticle(
  db: Queryable,
  id: number,
  patch: Partial<ArticleFields> & { status?: ArticleStatus; version?: number; updatedBy: number | null; publishedBy?: number | null },
  terms?: { title: string[]; body: string[] },
): Promise<ArticleRecord> {
  const { status, version, updatedBy, publishedBy, ...fields } = patch;
  const changes: Record<string, unknown> = { ...row(fields), updated_by: updatedBy, updated_at: db.fn.now() };
  if (status !== undefined) changes.status = status;
  if (version !== undefined) changes.version = version;
  if (publishedBy !== undefined) Object.assign(changes, { published_by: publishedBy, published_at: db.fn.now() });
  if (terms) changes.search = searchVector(db, terms.title, terms.body);
  const [updated] = await db('kb_articles').update(changes).where({ id }).returning(returningAs(columns));
  return record(updated);
}

export async function insertVersion(db: Queryable, article: ArticleRecord, changedBy: number | null, note: string | null): Promise<void> {
  const {
    id,
    status,
    version,
    title,
    body,
    createdBy: _c,
    updatedBy: _u,
    publishedAt: _p,
    createdAt: _ca,
    updatedAt: _ua,
    ...fields
  } = article;
  await db('kb_article_versions').insert({
    article_id: id,
    version,
    status,
    title,
    body,
    fields: JSON.stringify(fields),
    note,
    changed_by: changedBy,
  });
}

export function listVersions(db: Queryable, articleId: number) {
  return db('kb_article_versions as v')
    .leftJoin('users as u', 'u.id', 'v.changed_by')
    .select({
      version: 'v.version',
      status: 'v.status',
      title: 'v.title',
      body: 'v.body',
      fields: 'v.fields',
      note: 'v.note',
      changedBy: 'u.display_name',
      at: 'v.created_at',
    })
    .where('v.article_id', articleId)
    .orderBy([{ column: 'v.id', order: 'desc' }]) as Promise<
    Array<{
      version: number;
      status: string;
      title: string;
      body: string;
      fields: unknown;
      note: string | null;
      changedBy: string | null;
      at: Date;
    }>
  >;
}

export interface ArticleFilter {
  status?: ArticleStatus;
  categoryId?: number;
  departmentId?: number;
  q?: string;
  limit: number;
  offset: number;
}

/** The knowledge team's list: newest change first, by status, category, owner, or words of the title. */
export async function listArticles(db: Queryable, filter: ArticleFilter): Promise<{ items: ArticleRecord[]; total: number }> {
  const query = db('kb_articles');
  if (filter.status) query.where({ status: filter.status });
  if (filter.categoryId) query.where({ category_id: filter.categoryId });
  if (filter.departmentId) query.where({ department_id: filter.departmentId });
  if (filter.q) query.whereILike('title', `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const [counted] = (await query.clone().count({ total: '*' })) as Array<{ total: string | number }>;
  const items = await query
    .select(columns)
    .orderBy([
      { column: 'updated_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(filter.limit)
    .offset(filter.offset);
  return { items: items.map(record), total: Number(counted?.total ?? 0) };
}

export interface SearchHit {
  id: number;
  title: string;
  body: string;
  categoryId: number | null;
  departmentId: number | null;
  expiresOn: string | null;
  version: number;
  score: number;
}

/**
 * Published articles in force today (Beijing) for the place (an article for no region is for the whole
 * city; one for a district covers the places under it) that match the tsquery, best first; or, for a
 * short query, whose title is like it (trigram similarity).
 */
export async function searchArticles(
  db: Queryable,
  query: { tsquery: string | null; text: string; regionId: number | null; categoryId: number | null; limit: number; rankedAtMost?: number },
): Promise<SearchHit[]> {
  const inForce = `a.status = 'published'
      and (a.effective_from is null or a.effective_from <= (now() at time zone 'Asia/Shanghai')::date)
      and (a.expires_on is null or a.expires_on >= (now() at time zone 'Asia/Shanghai')::date)
      and (cardinality(a.region_ids) = 0 or :regionId::bigint is null
           or exists (select 1 from regions place where place.id = :regionId and exists
                        (select 1 from unnest(a.region_ids) r(id) where place.path like '%/' || r.id || '/%')))`;
  // The ticket's category, when known, ranks its articles first (it does not hide the others).
  const categoryBoost = `case when :categoryId::bigint is not null and a.category_id = :categoryId then 1.2 else 1 end`;
  const bindings = {
    tsquery: query.tsquery,
    text: query.text,
    regionId: query.regionId,
    categoryId: query.categoryId,
    limit: query.limit,
    rankedAtMost: query.rankedAtMost ?? 2_000,
  };
  const select = `a.id, a.title, a.body, a.category_id as "categoryId", a.department_id as "departmentId", a.expires_on as "expiresOn", a.version`;
  const { rows } = query.tsquery
    ? await db.raw<{ rows: SearchHit[] }>(
        `select ${select}, (ts_rank_cd(a.search, q, 1) * ${categoryBoost})::float8 as score
           from (select a.* from kb_articles a where a.search @@ to_tsquery('simple', :tsquery) and ${inForce} limit :rankedAtMost) a,
                to_tsquery('simple', :tsquery) q
          order by score desc, a.id desc
          limit :limit`,
        bindings,
      )
    : await db.raw<{ rows: SearchHit[] }>(
        `select ${select}, (similarity(a.title, :text) * ${categoryBoost})::float8 as score
           from kb_articles a
          where (a.title % :text or a.title ilike '%' || :text || '%') and ${inForce}
          order by score desc, a.id desc
          limit :limit`,
        bindings,
      );
  return rows.map((hit) => ({ ...hit, expiresOn: day(hit.expiresOn) }));
}

/** How many published articles each tsquery matches, counting no further than `atMost` (a cheap look at the index). */
export async function countMatches(db: Queryable, tsqueries: readonly string[], atMost: number): Promise<number[]> {
  if (tsqueries.length === 0) return [];
  const { rows } = await db.raw<{ rows: Array<{ n: number }> }>(
    `select (select count(*) from (select 1 from kb_articles a
                                    where a.status = 'published' and a.search @@ to_tsquery('simple', q) limit ?) m)::int as n
       from unnest(?::text[]) with ordinality as t(q, i) order by i`,
    [atMost, tsqueries as string[]],
  );
  return rows.map((r) => r.n);
}

export function listSynonyms(db: Queryable): Promise<Array<{ id: number; terms: string[]; updatedAt: Date }>> {
  return db('kb_synonyms').select({ id: 'id', terms: 'terms', updatedAt: 'updated_at' }).orderBy('id');
}

export async function insertSynonyms(db: Queryable, terms: string[]) {
  const [created] = await db('kb_synonyms').insert({ terms }).returning(['id', 'terms', 'updated_at as updatedAt']);
  return created as { id: number; terms: string[]; updatedAt: Date };
}

export async function updateSynonyms(db: Queryable, id: number, terms: string[]) {
  const [updated] = await db('kb_synonyms')
    .update({ terms, updated_at: db.fn.now() })
    .where({ id })
    .returning(['id', 'terms', 'updated_at as updatedAt']);
  return updated as { id: number; terms: string[]; updatedAt: Date } | undefined;
}

export async function deleteSynonyms(db: Queryable, id: number): Promise<boolean> {
  return (await db('kb_synonyms').where({ id }).delete()) > 0;
}

export async function recordSearch(db: Queryable, search: { query: string; results: number; userId: number | null }): Promise<void> {
  await db('kb_searches').insert({ query: search.query, results: search.results, user_id: search.userId });
}

/** Which articles answered most tickets (直接办结 citing them), and which searches found nothing, over a period. */
export async function usage(db: Queryable, since: Date, limit: number) {
  const [cited, unanswered] = await Promise.all([
    db.raw<{ rows: Array<{ articleId: number; title: string; tickets: number; automatic: number; handedBack: number }> }>(
      `select a.id::int as "articleId", a.title, coalesce(c.tickets, 0)::int as tickets,
              coalesce(x.automatic, 0)::int as automatic, coalesce(x.handed_back, 0)::int as "handedBack"
         from kb_articles a
         left join (select answer_article_id as id, count(*) as tickets from tickets
                     where answer_article_id is not null and created_at >= :since group by 1) c on c.id = a.id
         left join (select article_id as id, count(*) as automatic, count(handed_back_at) as handed_back from kb_auto_answers
                     where answered_at >= :since group by 1) x on x.id = a.id
        where c.id is not null or x.id is not null
        order by tickets desc, automatic desc, a.id limit :limit`,
      { since, limit },
    ),
    db.raw<{ rows: Array<{ query: string; searches: number }> }>(
      `select lower(query) as query, count(*)::int as searches from kb_searches
        where created_at >= ? and results = 0 group by 1 order by searches desc, 1 limit ?`,
      [since, limit],
    ),
  ]);
  return { cited: cited.rows, unanswered: unanswered.rows };
}
