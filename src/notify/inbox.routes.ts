import { piiLens } from '../shared/pii';
import { z } from 'zod';
import type { Db } from '../db/db';
import { type ApiRouter, idParams } from '../http/api-router';
import { notFound } from '../shared/errors';

/** The staff's in-app notifications (SLA alerts, the daily digest): each person sees and marks their own. */
export function registerInboxRoutes(api: ApiRouter, db: Db): void {
  const notification = z
    .object({
      id: z.number().int(),
      kind: z.string(),
      ticketId: z.number().int().nullable(),
      path: z.string().nullable().describe('where in the console it leads when it is not a ticket (a hot spot: /hotspots/12)'),
      title: z.string(),
      body: z.string().nullable(),
      readAt: z.iso.datetime({ offset: true }).nullable(),
      createdAt: z.iso.datetime({ offset: true }),
    })
    .meta({ id: 'Notification' });
  const columns = {
    id: 'id',
    kind: 'kind',
    ticketId: 'ticket_id',
    path: 'path',
    title: 'title',
    body: 'body',
    readAt: 'read_at',
    createdAt: 'created_at',
  };

  api.route({
    method: 'get',
    path: '/notifications',
    tag: 'notifications',
    summary: 'My notifications, newest first, with the unread count',
    access: 'staff',
    query: z.strictObject({
      unread: z
        .enum(['true', 'false'])
        .transform((v) => v === 'true')
        .optional(),
      beforeId: z.coerce.number().int().positive().optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
    response: z.object({ items: z.array(notification), unread: z.number().int() }),
    handler: async ({ actor, query }) => {
      const list = db('notifications').select(columns).where({ user_id: actor.userId }).orderBy('id', 'desc').limit(query.limit);
      if (query.unread !== undefined) list.where((q) => (query.unread ? q.whereNull('read_at') : q.whereNotNull('read_at')));
      if (query.beforeId) list.where('id', '<', query.beforeId);
      const [items, counted] = await Promise.all([
        list,
        db('notifications').count<Array<{ unread: string }>>({ unread: '*' }).where({ user_id: actor.userId }).whereNull('read_at'),
      ]);
      const pii = piiLens(actor);
      return {
        items: items.map((n: { title: string; body: string | null }) => ({ ...n, title: pii.text(n.title), body: pii.text(n.body) })),
        unread: Number(counted[0]?.unread ?? 0),
      };
    },
  });

  api.route({
    method: 'post',
    path: '/notifications/:id/read',
    tag: 'notifications',
    summary: 'Mark one of my notifications read',
    access: 'staff',
    params: idParams,
    body: z.strictObject({}),
    response: notification,
    handler: async ({ actor, params }) => {
      const [row] = await db('notifications')
        .update({ read_at: db.raw('coalesce(read_at, now())') })
        .where({ id: params.id, user_id: actor.userId })
        .returning(Object.entries(columns).map(([field, column]) => `${column} as ${field}`));
      if (!row) throw notFound('通知');
      const pii = piiLens(actor);
      return { ...row, title: pii.text(row.title), body: pii.text(row.body) };
    },
  });

  api.route({
    method: 'post',
    path: '/notifications/read-all',
    tag: 'notifications',
    summary: 'Mark all my notifications read',
    access: 'staff',
    body: z.strictObject({}),
    response: z.object({ marked: z.number().int() }),
    handler: async ({ actor }) => ({
      marked: await db('notifications')
        .update({ read_at: db.raw('now()') })
        .where({ user_id: actor.userId })
        .whereNull('read_at'),
    }),
  });
}
