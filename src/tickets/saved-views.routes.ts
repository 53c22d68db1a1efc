import { z } from 'zod';
import type { Db } from '../db/db';
import { type ApiRouter, idParams } from '../http/api-router';
import { instant } from '../http/validate';
import { invalid, notFound } from '../shared/errors';
import * as views from './saved-views.repository';
import { listTicketsQuery } from './ticket.schemas';

/** How many views one person keeps. */
const maxViews = 50;

const savedView = z.object({ id: z.number().int(), name: z.string(), query: z.string(), createdAt: instant }).meta({ id: 'SavedView' });

/** A user's saved views of the ticket list: each is a name and the list's filters, as its query string. */
export function registerSavedViewRoutes(api: ApiRouter, db: Db): void {
  api.route({
    method: 'get',
    path: '/ticket-views',
    tag: 'tickets',
    summary: 'My saved views of the ticket list',
    access: 'staff',
    response: z.object({ items: z.array(savedView) }),
    handler: async ({ actor }) => ({ items: await views.listViews(db, actor.userId) }),
  });
  api.route({
    method: 'post',
    path: '/ticket-views',
    tag: 'tickets',
    summary: 'Save the ticket list’s filters under a name (saving a name again replaces its filters)',
    description:
      '`query` is the list’s query string (e.g. `status=dispatched,accepted&overdue=true`); it must be filters GET /tickets accepts.',
    access: 'staff',
    body: z.strictObject({
      name: z.string().trim().min(1).max(40),
      query: z
        .string()
        .trim()
        .max(1_000)
        .refine((query) => {
          const params = Object.fromEntries(new URLSearchParams(query));
          return !('cursor' in params) && !('format' in params) && listTicketsQuery.safeParse(params).success;
        }, 'filters GET /tickets accepts (no cursor, no format)'),
    }),
    successStatus: 201,
    response: savedView,
    handler: async ({ actor, body }) => {
      const mine = await views.listViews(db, actor.userId);
      if (mine.length >= maxViews && !mine.some((v) => v.name === body.name)) throw invalid(`最多保存 ${maxViews} 个视图`);
      return views.saveView(db, actor.userId, body);
    },
  });
  api.route({
    method: 'delete',
    path: '/ticket-views/:id',
    tag: 'tickets',
    summary: 'Delete one of my saved views',
    access: 'staff',
    params: idParams,
    successStatus: 204,
    handler: async ({ actor, params }) => {
      if (!(await views.deleteView(db, actor.userId, params.id))) throw notFound('已保存的视图');
      return undefined;
    },
  });
}
