import { z } from 'zod';
import { type ApiRouter, idParams } from '../http/api-router';
import type { TaxonomyService } from './taxonomy.service';

const name = z.string().trim().min(1).max(60);
const description = z.string().trim().max(500);
const dispatchMode = z.enum(['auto', 'suggest']);

const categorySchema = z
  .object({
    id: z.number().int(),
    code: z.string(),
    name: z.string(),
    parentId: z.number().int().nullable(),
    level: z.union([z.literal(1), z.literal(2)]),
    description: z.string(),
    active: z.boolean(),
    sortOrder: z.number().int(),
    dispatchMode,
    answerInPerson: z.boolean().describe('the department answers in person: the citizen is told the ticket was answered, not the text'),
  })
  .meta({ id: 'Category' });

export function registerTaxonomyRoutes(api: ApiRouter, taxonomy: TaxonomyService): void {
  api.route({
    method: 'get',
    path: '/categories',
    tag: 'categories',
    summary: 'The category tree',
    access: 'staff',
    query: z.strictObject({
      includeInactive: z
        .enum(['true', 'false'])
        .transform((v) => v === 'true')
        .optional(),
    }),
    response: z.object({ items: z.array(categorySchema.extend({ children: z.array(categorySchema) })) }),
    handler: async ({ query }) => ({ items: await taxonomy.tree(query.includeInactive ?? false) }),
  });
  api.route({
    method: 'get',
    path: '/categories/:id',
    tag: 'categories',
    summary: 'Get a category',
    access: 'staff',
    params: idParams,
    response: categorySchema,
    handler: ({ params }) => taxonomy.get(params.id),
  });
  api.route({
    method: 'post',
    path: '/categories',
    tag: 'categories',
    summary: 'Create a category',
    access: ['admin'],
    body: z.strictObject({
      code: z
        .string()
        .trim()
        .regex(/^[0-9A-Z]{2,8}$/, '2–8 digits or capital letters'),
      name,
      parentId: z.number().int().positive().nullable().optional(),
      description: description.optional(),
      sortOrder: z.number().int().min(0).max(10_000).optional(),
      dispatchMode: dispatchMode.optional(),
      answerInPerson: z.boolean().optional(),
    }),
    successStatus: 201,
    response: categorySchema,
    audit: { what: 'category' },
    handler: ({ body }) => taxonomy.create(body),
  });
  api.route({
    method: 'patch',
    path: '/categories/:id',
    tag: 'categories',
    summary: 'Rename, describe, deactivate a category, or set its dispatch mode and answer policy',
    description:
      'dispatchMode auto: a confident ticket of this category that the dispatch catalog matches is dispatched without an operator; suggest: an operator always confirms (a level-1 category set to suggest covers its children).',
    access: ['admin'],
    params: idParams,
    body: z.strictObject({
      name: name.optional(),
      description: description.optional(),
      active: z.boolean().optional(),
      sortOrder: z.number().int().min(0).max(10_000).optional(),
      dispatchMode: dispatchMode.optional(),
      answerInPerson: z.boolean().optional(),
    }),
    response: categorySchema,
    audit: { what: 'category', before: ({ params }) => taxonomy.get(params.id) },
    handler: ({ params, body }) => taxonomy.update(params.id, body),
  });
}
