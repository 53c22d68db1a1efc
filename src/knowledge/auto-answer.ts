import type { Db, Queryable } from '../db/db';
import type { UnitOfWork } from '../db/unit-of-work';
import type { Logger } from '../shared/logger';
import { systemActor } from '../shared/roles';
import { AppError } from '../shared/errors';
import type { TicketsService } from '../tickets/tickets.service';
import type { TicketRecord } from '../tickets/ticket.types';
import * as repo from './articles.repository';
import { articleText } from './article-notice.service';
import { expand, type KnowledgeService } from './knowledge.service';
import { indexTerms } from '../shared/chinese-words';

/**
 * How sure the rule must be that one article answers the question, and by how much it must beat the
 * next article. Measured on a labeled set of citizens' questions (test/support/auto-answer-set.ts, in
 * test/api/auto-answer.test.ts): docs/knowledge.md has the figures.
 */
export const autoAnswerRule = { minConfidence: 0.7, minLead: 0.2 } as const;

/** A plain question is short; a longer message tells a situation a person should read. */
const maxQuestionChars = 60;

/** As the timeline shows it to staff. */
export const autoAnswerActor = systemActor('智能答复');

/**
 * How well an article answers a question, from the words they share (synonyms counted as one):
 * `coverage`, the share of the question's words the article has (a word the article lacks is what the
 * citizen asks beyond it: 利率, not 额度); `titleCoverage`, the share of the article's title words the
 * question has (a title is the question it answers). The confidence asks both.
 */
export function answerFit(
  question: { forms: string[][][] },
  article: { title: string; body: string },
  groups: readonly string[][],
): { coverage: number; titleCoverage: number; confidence: number } {
  const articleTerms = new Set([...indexTerms(article.title), ...indexTerms(article.body)]);
  const has = (terms: Set<string>) => (forms: string[][]) => forms.some((form) => form.every((w) => terms.has(w)));
  const covered = question.forms.filter(has(articleTerms)).length;
  const coverage = question.forms.length === 0 ? 0 : covered / question.forms.length;
  const questionTerms = new Set(
    question.forms
      .flat(2)
      .flatMap((w) => indexTerms(w))
      .concat(question.forms.flat(2)),
  );
  const title = expand(article.title, groups).forms;
  const titleCoverage = title.length === 0 ? 0 : title.filter(has(questionTerms)).length / title.length;
  return { coverage, titleCoverage, confidence: Math.sqrt(coverage * titleCoverage) };
}

export interface AnswerChoice {
  article: { id: number; title: string; body: string; version: number };
  confidence: number;
  lead: number;
}

/**
 * 智能答复: a citizen's plain question on SMS or the mini-program answered at once from a published
 * article, when one article clearly answers it (autoAnswerRule). The ticket is closed 直接办结 citing the
 * article, by the system; the citizen reads the answer with how to ask for a person (转人工, intake).
 */
export class AutoAnswer {
  constructor(
    private readonly db: Db,
    private readonly work: UnitOfWork,
    private readonly knowledge: KnowledgeService,
    private readonly tickets: Pick<TicketsService, 'performIn'>,
    private readonly logger: Logger,
    private readonly rule: { minConfidence: number; minLead: number } = autoAnswerRule,
  ) {}

  /** The article that answers the question, if the rule is sure of one; with how sure, and by how much it beats the next. */
  async choose(question: string, place: { regionId: number | null; categoryId: number | null }): Promise<AnswerChoice | undefined> {
    const ranked = await this.rank(question, place);
    const [best, next] = ranked;
    if (!best) return undefined;
    const lead = best.confidence - (next?.confidence ?? 0);
    return best.confidence >= this.rule.minConfidence && lead >= this.rule.minLead ? { ...best, lead } : undefined;
  }

  /** The search's first articles, ordered by how well each answers the question (for the rule, and its measurement). */
  async rank(
    question: string,
    place: { regionId: number | null; categoryId: number | null },
  ): Promise<Array<{ article: AnswerChoice['article']; confidence: number; coverage: number; titleCoverage: number }>> {
    const hits = await this.knowledge.search({
      q: question,
      regionId: place.regionId ?? undefined,
      categoryId: place.categoryId ?? undefined,
      limit: 3,
      userId: null,
    });
    if (hits.length === 0) return [];
    const groups = await this.knowledge.synonymGroups();
    const parsed = expand(question, groups);
    const articles = await repo.findArticles(
      this.db,
      hits.map((h) => h.id),
    );
    return articles
      .map((article) => ({
        article: { id: article.id, title: article.title, body: article.body, version: article.version },
        ...answerFit(parsed, article, groups),
      }))
      .sort((a, b) => b.confidence - a.confidence || a.article.id - b.article.id);
  }

  /**
   * Answers a ticket a citizen opened by SMS or in the mini-program, if it is a plain question (咨询, not
   * urgent, short) and an article answers it; true when it did. Called by triage once the ticket is classified.
   */
  async tryAnswer(ticket: TicketRecord): Promise<boolean> {
    const eligible =
      (ticket.channel === 'sms' || ticket.channel === 'miniprogram') &&
      ticket.createdBy === null &&
      ticket.status === 'triage' &&
      ticket.requestType === 'consult' &&
      ticket.urgency === 'normal' &&
      ticket.contactId !== null &&
      [...ticket.description.trim()].length <= maxQuestionChars;
    if (!eligible) return false;
    const choice = await this.choose(ticket.description, { regionId: ticket.regionId, categoryId: ticket.categoryId });
    if (!choice) return false;
    try {
      await this.work.run(async (work) => {
        await this.tickets.performIn(work, autoAnswerActor, ticket.id, 'resolve_directly', {
          answer: articleText(choice.article.title, choice.article.body),
          articleId: choice.article.id,
          expectedVersion: ticket.version,
        });
        await insertAutoAnswer(work.trx, {
          ticketId: ticket.id,
          articleId: choice.article.id,
          articleVersion: choice.article.version,
          confidence: choice.confidence,
        });
      });
    } catch (error) {
      // An operator took the ticket meanwhile: theirs stands.
      if (error instanceof AppError && ['INVALID_TRANSITION', 'NOT_FOUND', 'CONFLICT'].includes(error.code)) return false;
      throw error;
    }
    this.logger.info(
      { ticketId: ticket.id, articleId: choice.article.id, confidence: choice.confidence },
      'ticket answered from an article',
    );
    return true;
  }
}

/** A citizen may ask for a person within this long of an automatic answer (the KPI rollup redoes the last 7 days). */
export const handBackWindowHours = 72;

export async function insertAutoAnswer(
  db: Queryable,
  row: { ticketId: number; articleId: number; articleVersion: number; confidence: number },
): Promise<void> {
  await db('kb_auto_answers').insert({
    ticket_id: row.ticketId,
    article_id: row.articleId,
    article_version: row.articleVersion,
    confidence: row.confidence,
  });
}

/** The ticket's automatic answer, if it was answered so within the window and not handed back yet. */
export async function findAnswerToHandBack(db: Queryable, ticketId: number): Promise<{ articleId: number } | undefined> {
  const row = await db('kb_auto_answers')
    .select<{ articleId: string } | undefined>('article_id as articleId')
    .where({ ticket_id: ticketId })
    .whereNull('handed_back_at')
    .where('answered_at', '>', db.raw(`now() - make_interval(hours => ?)`, [handBackWindowHours]))
    .first();
  return row && { articleId: Number(row.articleId) };
}

export async function markHandedBack(db: Queryable, ticketId: number): Promise<void> {
  await db('kb_auto_answers').update({ handed_back_at: db.fn.now() }).where({ ticket_id: ticketId });
}
