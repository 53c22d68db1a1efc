import { z } from 'zod';
import { type ApiRouter, idParams } from '../http/api-router';
import { daySchema, instant } from '../http/validate';
import { readFileBody } from '../http/file-body';
import { AppError } from '../shared/errors';
import { centerRoles } from '../shared/roles';
import { importColumns } from './article-import';
import { articleStatuses } from './articles.repository';
import type { ArticleNotice } from './article-notice.service';
import type { KnowledgeService } from './knowledge.service';

const staffWriters = ['supervisor', 'director', 'admin', 'dept_head', 'agent'] as const;
const reviewers = ['supervisor', 'director', 'admin'] as const;

const fields = {
  title: z.string().trim().min(2).max(200),
  body: z.string().trim().min(1).max(20_000),
  categoryId: z.number().int().positive().nullable(),
  regionIds: z.array(z.number().int().positive()).max(200).describe('where the article holds; empty: the whole city'),
  departmentId: z.number().int().positive().nullable().describe('the department that owns it'),
  effectiveFrom: daySchema.nullable(),
  expiresOn: daySchema.nullable().describe('the day after which it leaves search'),
  source: z.string().trim().max(500).nullable().describe('the document it comes from (文件名、文号或链接)'),
};
const articleAnswer = z
  .object({
    id: z.number().int(),
    title: z.string(),
    body: z.string(),
    categoryId: z.number().int().nullable(),
    regionIds: z.array(z.number().int()),
    departmentId: z.number().int().nullable(),
    effectiveFrom: z.string().nullable(),
    expiresOn: z.string().nullable(),
    source: z.string().nullable(),
    status: z.enum(articleStatuses),
    version: z.number().int(),
    publishedAt: instant.nullable(),
    createdAt: instant,
    updatedAt: instant,
    proposal: z
      .object({
        version: z.number().int(),
        title: z.string(),
        body: z.string(),
        fields: z.unknown(),
        note: z.string().nullable(),
        at: instant,
      })
      .nullable()
      .optional()
      .describe('an owner’s change to a published article, waiting for review'),
    allowedActions: z.array(z.enum(['edit', 'submit', 'publish', 'send-back', 'archive'])).describe('what the viewer may do now'),
  })
  .meta({ id: 'KnowledgeArticle' });
const expiryCheck = (a: { effectiveFrom?: string | null; expiresOn?: string | null }) =>
  !a.effectiveFrom || !a.expiresOn || a.effectiveFrom <= a.expiresOn;

/** 知识库 under /api/v1/knowledge: articles and their review, the search the seats use, synonyms, what is used and what is missing. */
export function registerKnowledgeRoutes(api: ApiRouter, knowledge: KnowledgeService, notice: ArticleNotice): void {
  api.route({
    method: 'post',
    path: '/knowledge/articles/:id/send',
    tag: 'knowledge',
    summary: '一次性告知: send a published article (an answer, a checklist) to a ticket’s citizen',
    description:
      'By SMS, or in the mini-program when the citizen wrote there; a long article is cut near 300 characters with where to read the rest. Goes on the ticket’s timeline as the seat’s message. 409 when the article is not in force or the citizen cannot be reached.',
    access: centerRoles,
    params: idParams,
    body: z.strictObject({ ticketId: z.number().int().positive() }),
    response: z.object({ outboxId: z.number().int(), text: z.string() }),
    handler: ({ actor, params, body }) => notice.send(actor, params.id, body.ticketId),
  });
  api.route({
    method: 'get',
    path: '/knowledge/search',
    tag: 'knowledge',
    summary: 'Published articles in force for a question in the citizen’s words, best first',
    description:
      'The words are cut as Chinese (jieba) and each may match one of its synonyms; articles with every word come first, then those with some; a query of no words matches titles by likeness. A place (regionId) leaves out articles for other places; a category ranks its own first.',
    access: 'staff',
    query: z.strictObject({
      q: z.string().trim().min(1).max(200),
      regionId: z.coerce.number().int().positive().optional(),
      categoryId: z.coerce.number().int().positive().optional(),
      limit: z.coerce.number().int().min(1).max(20).default(5),
    }),
    response: z.object({
      items: z.array(
        z.object({
          id: z.number().int(),
          title: z.string(),
          snippet: z.string(),
          categoryId: z.number().int().nullable(),
          departmentId: z.number().int().nullable(),
          version: z.number().int(),
          score: z.number(),
        }),
      ),
    }),
    handler: async ({ actor, query }) => ({ items: await knowledge.search({ ...query, userId: actor.userId }) }),
  });
  api.route({
    method: 'get',
    path: '/knowledge/articles',
    tag: 'knowledge',
    summary: 'Articles for the knowledge team: by status, category, owner, words of the title',
    access: 'staff',
    query: z.strictObject({
      status: z.enum(articleStatuses).optional(),
      categoryId: z.coerce.number().int().positive().optional(),
      departmentId: z.coerce.number().int().positive().optional(),
      q: z.string().trim().min(1).max(100).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      offset: z.coerce.number().int().min(0).max(100_000).default(0),
    }),
    response: z.object({ items: z.array(articleAnswer), total: z.number().int() }),
    handler: ({ actor, query }) => knowledge.list(actor, query),
  });
  api.route({
    method: 'get',
    path: '/knowledge/articles/:id',
    tag: 'knowledge',
    summary: 'An article, with an owner’s proposed change if one waits',
    access: 'staff',
    params: idParams,
    response: articleAnswer,
    handler: ({ actor, params }) => knowledge.get(actor, params.id),
  });
  api.route({
    method: 'get',
    path: '/knowledge/articles/:id/versions',
    tag: 'knowledge',
    summary: 'Every version of an article, newest first: written, submitted, published, proposed, sent back',
    access: 'staff',
    params: idParams,
    response: z.object({
      items: z.array(
        z.object({
          version: z.number().int(),
          status: z.string(),
          title: z.string(),
          body: z.string(),
          fields: z.unknown(),
          note: z.string().nullable(),
          changedBy: z.string().nullable(),
          at: instant,
        }),
      ),
    }),
    handler: async ({ params }) => ({ items: await knowledge.versions(params.id) }),
  });
  api.route({
    method: 'post',
    path: '/knowledge/articles',
    tag: 'knowledge',
    summary: 'Write an article (a draft, or submitted for review at once)',
    description: 'A department’s staff write for their own department (departmentId is theirs); the center writes for any.',
    access: staffWriters,
    body: z
      .strictObject({
        ...fields,
        categoryId: fields.categoryId.default(null),
        regionIds: fields.regionIds.default([]),
        departmentId: fields.departmentId.default(null),
        effectiveFrom: fields.effectiveFrom.default(null),
        expiresOn: fields.expiresOn.default(null),
        source: fields.source.default(null),
        submit: z.boolean().default(false),
      })
      .refine(expiryCheck, { message: '失效日期不能早于生效日期', path: ['expiresOn'] }),
    successStatus: 201,
    response: articleAnswer,
    handler: ({ actor, body: { submit, ...article } }) => knowledge.create(actor, article, submit),
  });
  api.route({
    method: 'patch',
    path: '/knowledge/articles/:id',
    tag: 'knowledge',
    summary: 'Change an article: in place, or — an owner changing a published one — as a proposal for review',
    access: staffWriters,
    params: idParams,
    body: z
      .strictObject({
        title: fields.title.optional(),
        body: fields.body.optional(),
        categoryId: fields.categoryId.optional(),
        regionIds: fields.regionIds.optional(),
        departmentId: fields.departmentId.optional(),
        effectiveFrom: fields.effectiveFrom.optional(),
        expiresOn: fields.expiresOn.optional(),
        source: fields.source.optional(),
        expectedVersion: z.number().int().positive(),
        note: z.string().trim().min(1).max(500).optional(),
      })
      .refine(expiryCheck, { message: '失效日期不能早于生效日期', path: ['expiresOn'] }),
    response: articleAnswer,
    handler: ({ actor, params, body }) => knowledge.update(actor, params.id, body),
  });
  const transitions = [
    ['submit', 'review', staffWriters, 'Submit a draft for review'],
    ['publish', 'published', reviewers, 'Publish an article in review, or apply an owner’s proposed change'],
    ['send-back', 'draft', reviewers, 'Send an article in review (or a proposed change) back to its author, with a note'],
    ['archive', 'archived', staffWriters, 'Archive an article: it leaves search'],
  ] as const;
  for (const [path, to, access, summary] of transitions)
    api.route({
      method: 'post',
      path: `/knowledge/articles/:id/${path}`,
      tag: 'knowledge',
      summary,
      access,
      params: idParams,
      body: z.strictObject({ note: z.string().trim().min(1).max(500).optional() }),
      response: articleAnswer,
      handler: ({ actor, params, body }) => knowledge.transition(actor, params.id, to, body.note),
    });

  api.route({
    method: 'post',
    path: '/knowledge/import',
    tag: 'knowledge',
    summary: 'Import articles from a table: CSV (UTF-8) or an Excel workbook, the file itself as the body',
    description:
      `One article a row; the first row names the columns: ${importColumns.join(', ')} (标题 and 内容 required; 分类, 地区 and 负责单位 by name or code; ` +
      'several places separated by 、). Every valid row is written (published when a reviewer asks with publish=true, else a draft); ' +
      'each refused row comes back with its number and why. At most 5,000 rows and 10 MB.',
    access: staffWriters,
    query: z.strictObject({
      publish: z
        .enum(['true', 'false'])
        .transform((v) => v === 'true')
        .default(false),
    }),
    fileBody: true,
    response: z.object({ created: z.number().int(), refused: z.array(z.object({ row: z.number().int(), reason: z.string() })) }),
    handler: async ({ actor, query, req }) => {
      const bytes = await readFileBody(req, 10 * 1024 * 1024, () => new AppError('PAYLOAD_TOO_LARGE', '不超过 10 MB'));
      return knowledge.importArticles(actor, bytes, query.publish);
    },
  });
  api.route({
    method: 'get',
    path: '/knowledge/usage',
    tag: 'knowledge',
    summary:
      'Which articles answered most tickets (直接办结 citing them; of those, how many the system answered by itself, and how many of ' +
      'its answers the citizen handed back with 人工), and which searches found nothing',
    access: ['supervisor', 'director', 'admin'],
    query: z.strictObject({
      days: z.coerce.number().int().min(1).max(366).default(30),
      limit: z.coerce.number().int().min(1).max(100).default(20),
    }),
    response: z.object({
      cited: z.array(
        z.object({
          articleId: z.number().int(),
          title: z.string(),
          tickets: z.number().int().describe('tickets closed 直接办结 citing the article, and not handed back'),
          automatic: z.number().int().describe('automatic answers (智能答复) sent from it, handed back or not'),
          handedBack: z.number().int().describe('automatic answers the citizen answered with 人工 or 没有解决'),
        }),
      ),
      unanswered: z.array(z.object({ query: z.string(), searches: z.number().int() })),
    }),
    handler: ({ query }) => knowledge.usage(query.days, query.limit),
  });

  const synonymGroup = z.object({ id: z.number().int(), terms: z.array(z.string()), updatedAt: instant }).meta({ id: 'SynonymGroup' });
  const synonymTerms = z.strictObject({ terms: z.array(z.string().trim().min(1).max(30)).min(2).max(20) });
  api.route({
    method: 'get',
    path: '/knowledge/synonyms',
    tag: 'knowledge',
    summary: 'Synonym groups the search expands a word with (公积金 / 住房公积金)',
    access: 'staff',
    response: z.object({ items: z.array(synonymGroup) }),
    handler: async () => ({ items: await knowledge.listSynonyms() }),
  });
  api.route({
    method: 'post',
    path: '/knowledge/synonyms',
    tag: 'knowledge',
    summary: 'Add a synonym group',
    access: ['admin'],
    body: synonymTerms,
    successStatus: 201,
    response: synonymGroup,
    audit: { what: 'kb_synonyms' },
    handler: ({ body }) => knowledge.saveSynonyms(undefined, body.terms),
  });
  api.route({
    method: 'put',
    path: '/knowledge/synonyms/:id',
    tag: 'knowledge',
    summary: 'Change a synonym group',
    access: ['admin'],
    params: idParams,
    body: synonymTerms,
    response: synonymGroup,
    audit: {
      what: 'kb_synonyms',
      before: async ({ params }) => (await knowledge.listSynonyms()).find((s) => s.id === params.id) ?? null,
    },
    handler: ({ params, body }) => knowledge.saveSynonyms(params.id, body.terms),
  });
  api.route({
    method: 'delete',
    path: '/knowledge/synonyms/:id',
    tag: 'knowledge',
    summary: 'Delete a synonym group',
    access: ['admin'],
    params: idParams,
    audit: {
      what: 'kb_synonyms',
      before: async ({ params }) => (await knowledge.listSynonyms()).find((s) => s.id === params.id) ?? null,
    },
    handler: async ({ params }) => {
      await knowledge.deleteSynonyms(params.id);
      return undefined;
    },
  });
}
