import { z } from 'zod';
import { type ApiRouter, idParams } from '../http/api-router';
import { centerRoles } from '../shared/roles';
import type { DuplicatesService } from './duplicates.service';

const candidates = z
  .object({
    items: z.array(
      z.object({
        ticketId: z.number().int(),
        number: z.string(),
        title: z.string(),
        status: z.string(),
        score: z.number(),
        reasons: z.array(z.string()),
      }),
    ),
  })
  .meta({ id: 'DuplicateCandidates' });

export function registerDuplicateRoutes(api: ApiRouter, duplicates: DuplicatesService): void {
  api.route({
    method: 'post',
    path: '/duplicates/search',
    tag: 'tickets',
    summary: 'Likely duplicates of a call still being logged (the seat, as the operator types), scored and explained',
    description:
      'The same rule as a ticket’s duplicates, for what the seat has so far: the citizen’s words, and the address, place, category and caller when known. POST, so that the words and the number stay out of URLs and logs.',
    access: centerRoles,
    body: z.strictObject({
      description: z.string().trim().min(4).max(4_000),
      address: z.string().trim().max(200).optional(),
      regionId: z.number().int().positive().optional(),
      categoryId: z.number().int().positive().optional(),
      phone: z.string().trim().max(32).optional(),
      limit: z.number().int().min(1).max(20).default(5),
    }),
    response: candidates,
    handler: async ({ actor, body }) => ({ items: await duplicates.forDraft(actor, body, body.limit) }),
  });
  api.route({
    method: 'get',
    path: '/tickets/:id/duplicates',
    tag: 'tickets',
    summary: 'Likely duplicates among the open tickets (并单 suggestions), scored and explained',
    description:
      'Open tickets of the week either side sharing the caller, the place or the category, scored by what they share (同一来电人, 同一地址, 相距 80 米, 同一分类, 内容相似 0.82, 相隔 2 小时) and offered from the threshold up, best first.',
    access: centerRoles,
    params: idParams,
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(20).default(5) }),
    response: candidates,
    handler: async ({ actor, params, query }) => ({ items: await duplicates.forTicket(actor, params.id, query.limit) }),
  });
}
