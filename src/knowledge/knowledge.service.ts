import type { Db, Queryable } from '../db/db';
import { conflict, forbidden, found, invalid } from '../shared/errors';
import { sharedPlaceLens } from '../shared/pii';
import { isCenterRole, type UserActor, type UserRole } from '../shared/roles';
import * as repo from './articles.repository';
import type { ArticleFields, ArticleRecord } from './articles.repository';
import { readTable } from '../http/table-file';
import { type ImportRefusal, readArticles, referenceNames } from './article-import';
import { indexTerms, queryWords } from '../shared/chinese-words';

/** A search ranks at most this many matches (the first the index gives): a common word alone stays fast. */
const rankedAtMost = 2_000;

/** Who publishes: the hotline center's reviewers. Who writes: they, and a department's staff for their own department. */
const reviewers: readonly UserRole[] = ['supervisor', 'director', 'admin'];
const departmentAuthors: readonly UserRole[] = ['dept_head', 'agent'];

export type ArticleAction = 'edit' | 'submit' | 'publish' | 'send-back' | 'archive';

export interface ArticleView extends ArticleRecord {
  /** An owner's change to a published article, waiting for review (the article reads as published meanwhile). */
  proposal: { version: number; title: string; body: string; fields: unknown; note: string | null; at: Date } | null;
  /** What the viewer may do with it now: a console shows these buttons and no others. */
  allowedActions: ArticleAction[];
}

export interface SearchResult {
  id: number;
  title: string;
  snippet: string;
  categoryId: number | null;
  departmentId: number | null;
  version: number;
  score: number;
}

/** An article's index words: its title's and its body's, kept apart (the title weighs more). */
export const articleTerms = (fields: Pick<ArticleFields, 'title' | 'body'>) => ({
  title: indexTerms(fields.title),
  body: indexTerms(fields.body),
});

/**
 * The knowledge base (知识库): articles written by the center or by a department for its own matters,
 * reviewed and published by the center, every change a version; searched in Chinese (segmented words
 * and the admins' synonyms); the searches that found nothing kept, to show what the knowledge lacks.
 */
export class KnowledgeService {
  private synonyms: { at: number; groups: string[][] } | undefined;

  constructor(private readonly db: Db) {}

  private static canWrite(actor: UserActor, departmentId: number | null): boolean {
    return (
      reviewers.includes(actor.role) ||
      (departmentAuthors.includes(actor.role) && departmentId !== null && departmentId === actor.departmentId)
    );
  }

  private mayWrite(actor: UserActor, departmentId: number | null): void {
    if (!KnowledgeService.canWrite(actor, departmentId)) throw forbidden('知识由热线中心编写，或由部门人员为本部门编写');
  }

  /** The actions the rules below allow this viewer on this article as it stands. */
  private static allowed(actor: UserActor, article: ArticleRecord, proposal: ArticleView['proposal']): ArticleAction[] {
    const writes = KnowledgeService.canWrite(actor, article.departmentId);
    const reviews = reviewers.includes(actor.role);
    const actions: ArticleAction[] = [];
    if (writes && article.status !== 'archived') actions.push('edit');
    if (writes && article.status === 'draft') actions.push('submit');
    if (reviews && (article.status === 'review' || (article.status === 'published' && proposal))) actions.push('publish', 'send-back');
    if (writes && article.status !== 'archived') actions.push('archive');
    return actions;
  }

  private view(actor: UserActor, article: ArticleRecord, proposal: ArticleView['proposal']): ArticleView {
    return { ...article, proposal, allowedActions: KnowledgeService.allowed(actor, article, proposal) };
  }

  private static mayReview(actor: UserActor): void {
    if (!reviewers.includes(actor.role)) throw forbidden('知识由热线中心的值班长和管理员审核发布');
  }

  async create(actor: UserActor, fields: ArticleFields, submit: boolean): Promise<ArticleView> {
    // A department's author writes for their own department.
    const owned = { ...fields, departmentId: isCenterRole(actor.role) ? fields.departmentId : actor.departmentId };
    this.mayWrite(actor, owned.departmentId);
    return this.db.transaction(async (trx) => {
      const article = await repo.insertArticle(
        trx,
        { ...owned, status: submit ? 'review' : 'draft', createdBy: actor.userId },
        articleTerms(owned),
      );
      await repo.insertVersion(trx, article, actor.userId, null);
      return this.view(actor, article, null);
    });
  }

  async get(actor: UserActor, id: number): Promise<ArticleView> {
    const article = found(await repo.findArticle(this.db, id), '知识');
    return this.view(actor, article, await this.proposalOf(this.db, article));
  }

  private async proposalOf(db: Queryable, article: ArticleRecord): Promise<ArticleView['proposal']> {
    const [latest] = await repo.listVersions(db, article.id);
    if (!latest || latest.status !== 'proposed' || latest.version <= article.version) return null;
    return { version: latest.version, title: latest.title, body: latest.body, fields: latest.fields, note: latest.note, at: latest.at };
  }

  /**
   * A change: a draft or an article in review changes in place; a published one changes in place when
   * a reviewer changes it (a new version, still published), and is proposed when its owner does.
   */
  async update(
    actor: UserActor,
    id: number,
    patch: Partial<ArticleFields> & { expectedVersion: number; note?: string },
  ): Promise<ArticleView> {
    const { expectedVersion, note, ...fields } = patch;
    return this.db.transaction(async (trx) => {
      const article = found(await repo.findArticle(trx, id, true), '知识');
      this.mayWrite(actor, article.departmentId);
      if (!isCenterRole(actor.role) && fields.departmentId !== undefined && fields.departmentId !== article.departmentId)
        throw forbidden('部门的知识只能由本部门维护');
      if (article.version !== expectedVersion) throw conflict(`该知识已被他人修改（当前版本 ${article.version}），请刷新`);
      if (article.status === 'archived') throw conflict('已归档的知识不能修改，请新建一条');
      const next = { ...article, ...fields };
      if (article.status === 'published' && !reviewers.includes(actor.role)) {
        const proposal = { ...next, version: article.version + 1, status: 'proposed' as never };
        await repo.insertVersion(trx, proposal, actor.userId, note ?? null);
        return this.view(actor, article, await this.proposalOf(trx, article));
      }
      const changed = await repo.updateArticle(
        trx,
        id,
        { ...fields, version: article.version + 1, updatedBy: actor.userId },
        articleTerms(next),
      );
      await repo.insertVersion(trx, changed, actor.userId, note ?? null);
      return this.view(actor, changed, null);
    });
  }

  /** draft → review (its author), review → published (a reviewer; or an owner's proposal applied), back to draft with a note, archived. */
  async transition(actor: UserActor, id: number, to: 'review' | 'published' | 'draft' | 'archived', note?: string): Promise<ArticleView> {
    return this.db.transaction(async (trx) => {
      const article = found(await repo.findArticle(trx, id, true), '知识');
      const proposal = await this.proposalOf(trx, article);
      if (to === 'review') {
        this.mayWrite(actor, article.departmentId);
        if (article.status !== 'draft') throw conflict(`只有草稿才能提交审核（当前为 ${article.status}）`);
      } else if (to === 'published') {
        KnowledgeService.mayReview(actor);
        if (article.status === 'published' && proposal) {
          const fields = proposal.fields as Partial<ArticleFields>;
          const applied = { ...fields, title: proposal.title, body: proposal.body };
          const changed = await repo.updateArticle(
            trx,
            id,
            { ...applied, version: proposal.version, updatedBy: actor.userId, publishedBy: actor.userId },
            articleTerms(applied),
          );
          await repo.insertVersion(trx, changed, actor.userId, note ?? null);
          return this.view(actor, changed, null);
        }
        if (article.status !== 'review') throw conflict(`只有待审核的知识（或修订稿）才能发布（当前为 ${article.status}）`);
      } else if (to === 'draft') {
        KnowledgeService.mayReview(actor);
        if (!note) throw invalid('请说明退回理由（note）');
        if (article.status === 'published' && proposal) {
          await repo.insertVersion(trx, { ...article, version: proposal.version, status: 'rejected' as never }, actor.userId, note);
          return this.view(actor, article, null);
        }
        if (article.status !== 'review') throw conflict(`只有待审核的知识才能退回作者（当前为 ${article.status}）`);
      } else {
        this.mayWrite(actor, article.departmentId);
        if (article.status === 'archived') throw conflict('该知识已归档');
      }
      const changed = await repo.updateArticle(trx, id, {
        status: to,
        updatedBy: actor.userId,
        ...(to === 'published' ? { publishedBy: actor.userId } : {}),
      });
      await repo.insertVersion(trx, changed, actor.userId, note ?? null);
      return this.view(actor, changed, null);
    });
  }

  /** The list's rows say what the viewer may do too (a pending proposal shows on the article's own page). */
  async list(actor: UserActor, filter: repo.ArticleFilter): Promise<{ items: ArticleView[]; total: number }> {
    const { items, total } = await repo.listArticles(this.db, filter);
    return { items: items.map((article) => this.view(actor, article, null)), total };
  }

  versions(id: number) {
    return repo.listVersions(this.db, id);
  }

  /** The synonym groups, read at most once a minute (admins edit them rarely; a search runs every keystroke). */
  async synonymGroups(): Promise<string[][]> {
    if (!this.synonyms || Date.now() - this.synonyms.at > 60_000)
      this.synonyms = { at: Date.now(), groups: (await repo.listSynonyms(this.db)).map((s) => s.terms.map((t) => t.toLowerCase())) };
    return this.synonyms.groups;
  }

  forgetSynonyms(): void {
    this.synonyms = undefined;
  }

  /**
   * The best published articles in force for a question in the citizen's words: every word (or one of
   * its synonyms) first; if that finds fewer than asked, any of them, ranked; a query of no words (a
   * short code, a name) by the title's likeness. Each search is kept with how many it found.
   */
  async search(query: {
    q: string;
    regionId?: number;
    categoryId?: number;
    limit: number;
    userId: number | null;
  }): Promise<SearchResult[]> {
    const { words, alternatives } = expand(query.q, await this.synonymGroups());
    const base = { text: query.q.trim(), regionId: query.regionId ?? null, categoryId: query.categoryId ?? null, limit: query.limit };
    // Words no article has (孩子, 带) cannot help; of the rest, the rarest say most. Every word first; while
    // that finds too few, the commonest is let go, down to the rarest alone: each step a selective query.
    const counts = await repo.countMatches(this.db, alternatives, rankedAtMost);
    const useful = alternatives
      .map((tsquery, i) => ({ tsquery, matches: counts[i]! }))
      .filter((word) => word.matches > 0)
      .sort((a, b) => a.matches - b.matches)
      .map((word) => word.tsquery);
    // Then each other word on its own, rarest first.
    const steps = [...useful.map((_, i) => useful.slice(0, useful.length - i)), ...useful.slice(1).map((word) => [word])];
    let hits: repo.SearchHit[] = [];
    for (const step of steps) {
      if (hits.length >= query.limit) break;
      const found = await repo.searchArticles(this.db, { ...base, tsquery: step.join(' & '), rankedAtMost });
      const seen = new Set(hits.map((h) => h.id));
      hits = [...hits, ...found.filter((h) => !seen.has(h.id))].slice(0, query.limit);
    }
    if (hits.length === 0 && base.text.length > 0 && base.text.length <= 12)
      hits = await repo.searchArticles(this.db, { ...base, tsquery: null });
    // Kept to show what the knowledge lacks, not who asked: a phone number or ID typed into the question is masked.
    await repo.recordSearch(this.db, { query: sharedPlaceLens.text(base.text.slice(0, 200)), results: hits.length, userId: query.userId });
    return hits.map(({ body, expiresOn: _e, ...hit }) => ({ ...hit, snippet: snippet(body, words) }));
  }

  /**
   * Articles from a table (CSV or xlsx): each valid row written — published at once when a reviewer asks,
   * otherwise a draft (a department's for itself) — and each refused row reported with why.
   */
  async importArticles(actor: UserActor, bytes: Buffer, publish: boolean): Promise<{ created: number; refused: ImportRefusal[] }> {
    if (publish) KnowledgeService.mayReview(actor);
    this.mayWrite(actor, actor.departmentId);
    const { articles, refused } = readArticles(await readTable(bytes, 5_000), await referenceNames(this.db));
    await this.db.transaction(async (trx) => {
      for (const { fields } of articles) {
        const owned = { ...fields, departmentId: isCenterRole(actor.role) ? fields.departmentId : actor.departmentId };
        const article = await repo.insertArticle(
          trx,
          { ...owned, status: publish ? 'published' : 'draft', createdBy: actor.userId },
          articleTerms(owned),
        );
        await repo.insertVersion(trx, article, actor.userId, 'imported');
      }
    });
    return { created: articles.length, refused };
  }

  usage(days: number, limit: number) {
    return repo.usage(this.db, new Date(Date.now() - days * 86_400_000), limit);
  }

  listSynonyms() {
    return repo.listSynonyms(this.db);
  }

  async saveSynonyms(id: number | undefined, terms: string[]) {
    const clean = [...new Set(terms.map((t) => t.trim()).filter(Boolean))];
    if (clean.length < 2) throw invalid('同义词组至少要有两个不同的词');
    const saved =
      id === undefined ? await repo.insertSynonyms(this.db, clean) : found(await repo.updateSynonyms(this.db, id, clean), '同义词组');
    this.forgetSynonyms();
    return saved;
  }

  async deleteSynonyms(id: number): Promise<void> {
    if (!(await repo.deleteSynonyms(this.db, id))) found(undefined, '同义词组');
    this.forgetSynonyms();
  }
}

/** About 120 characters of the body around the first word of the query it contains. */
function snippet(body: string, words: readonly string[]): string {
  const plain = body.replace(/\s+/g, ' ').trim();
  const lower = plain.toLowerCase();
  const at = words.map((w) => lower.indexOf(w)).filter((i) => i >= 0);
  const start = at.length > 0 ? Math.max(0, Math.min(...at) - 30) : 0;
  const piece = plain.slice(start, start + 120);
  return `${start > 0 ? '…' : ''}${piece}${start + 120 < plain.length ? '…' : ''}`;
}

/**
 * A query's words, each as the tsquery of its forms: the word, or any of its synonym group's terms
 * (a term of several words must have them all). A group's term in the query counts as one word,
 * however the segmenter would cut it (外地看病 → 外地看病 | 异地就医). `forms` are the same, as word lists.
 */
export function expand(q: string, groups: readonly string[][]): { words: string[]; alternatives: string[]; forms: string[][][] } {
  const formsOf = (terms: readonly string[]) => terms.map(queryWords).filter((f) => f.length > 0);
  const tsquery = (forms: string[][]) => `(${forms.map((f) => (f.length === 1 ? f[0] : `(${f.join(' & ')})`)).join(' | ')})`;
  let rest = q.normalize('NFKC').toLowerCase();
  const words: string[] = [];
  const forms: string[][][] = [];
  const longestFirst = groups.flatMap((group) => group.map((term) => ({ term, group }))).sort((a, b) => b.term.length - a.term.length);
  for (const { term, group } of longestFirst) {
    if (term.length < 2 || !rest.includes(term)) continue;
    rest = rest.split(term).join(' ');
    words.push(...queryWords(term));
    forms.push(formsOf(group));
  }
  for (const word of queryWords(rest)) {
    const group = groups.find((g) => g.includes(word));
    words.push(word);
    forms.push(group ? formsOf(group) : [[word]]);
  }
  return { words, alternatives: forms.map((f) => (f.length === 1 && f[0]!.length === 1 ? f[0]![0]! : tsquery(f))), forms };
}
