import { z } from 'zod';
import { type ApiRouter, idParams } from '../http/api-router';
import { centerRoles } from '../shared/roles';
import type { DuplicatesService } from './duplicates.service';

export function registerDuplicateRoutes(api: ApiRouter, duplicates: DuplicatesService): void {
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
    response: z.object({
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
    }),
    handler: async ({ actor, params, query }) => ({ items: await duplicates.forTicket(actor, params.id, query.limit) }),
  });
}
