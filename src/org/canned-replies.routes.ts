import { z } from 'zod';
import type { Db } from '../db/db';
import { type ApiRouter, idParams } from '../http/api-router';
import { instant } from '../http/validate';
import { conflict, forbidden, invalid, notFound } from '../shared/errors';
import { isCenterRole, type UserActor } from '../shared/roles';
import * as replies from './canned-replies.repository';

/** The placeholders a canned reply may use; the console fills them from the ticket it answers. */
export const cannedReplyPlaceholders = ['{工单号}', '{承办单位}', '{今天}'] as const;

const body = z
  .string()
  .trim()
  .min(1)
  .max(2_000)
  .refine(
    (text) => (text.match(/\{[^{}]*\}/g) ?? []).every((p) => (cannedReplyPlaceholders as readonly string[]).includes(p)),
    `placeholders are ${cannedReplyPlaceholders.join(' ')}`,
  );
const title = z.string().trim().min(1).max(40);
const cannedReply = z
  .object({ id: z.number().int(), departmentId: z.number().int(), title: z.string(), body: z.string(), updatedAt: instant })
  .meta({ id: 'CannedReply' });

/** Who edits a department's canned replies: its head, or an admin. */
function mayEdit(actor: UserActor, departmentId: number): void {
  if (actor.role === 'admin' || (actor.role === 'dept_head' && actor.departmentId === departmentId)) return;
  throw forbidden('只有部门负责人（或管理员）可以编辑本部门常用语');
}

/** 常用语: each department's canned replies, which its staff pick in their answers; the head keeps them. */
export function registerCannedReplyRoutes(api: ApiRouter, db: Db): void {
  api.route({
    method: 'get',
    path: '/canned-replies',
    tag: 'departments',
    summary: 'My department’s canned replies (常用语); center roles name the department',
    description: `Placeholders, filled by the console from the ticket: ${cannedReplyPlaceholders.join(' ')}.`,
    access: 'staff',
    query: z.strictObject({ departmentId: z.coerce.number().int().positive().optional() }),
    response: z.object({ items: z.array(cannedReply) }),
    handler: async ({ actor, query }) => ({
      items: await replies.listCannedReplies(db, isCenterRole(actor.role) ? query.departmentId : (actor.departmentId ?? -1)),
    }),
  });
  api.route({
    method: 'post',
    path: '/canned-replies',
    tag: 'departments',
    summary: 'Add a canned reply (the department’s head, or an admin)',
    access: ['dept_head', 'admin'],
    body: z.strictObject({ departmentId: z.number().int().positive().optional(), title, body }),
    successStatus: 201,
    response: cannedReply,
    audit: { what: 'canned_reply' },
    handler: async ({ actor, body: input }) => {
      const departmentId = input.departmentId ?? actor.departmentId;
      if (departmentId === null) throw invalid('请指定部门');
      mayEdit(actor, departmentId);
      const made = await replies
        .insertCannedReply(db, { departmentId, title: input.title, body: input.body })
        .catch((err: { code?: string }) => {
          if (err.code === '23503') throw invalid(`部门 ${departmentId} 不存在`);
          throw err;
        });
      if (!made) throw conflict(`本部门已有标题为“${input.title}”的常用语`);
      return made;
    },
  });
  api.route({
    method: 'patch',
    path: '/canned-replies/:id',
    tag: 'departments',
    summary: 'Change a canned reply',
    access: ['dept_head', 'admin'],
    params: idParams,
    body: z.strictObject({ title: title.optional(), body: body.optional() }).refine((b) => Object.keys(b).length > 0, '至少修改一项'),
    response: cannedReply,
    audit: { what: 'canned_reply', before: ({ params }) => replies.findCannedReply(db, params.id) },
    handler: async ({ actor, params, body: patch }) => {
      const existing = await replies.findCannedReply(db, params.id);
      if (!existing) throw notFound('常用语');
      mayEdit(actor, existing.departmentId);
      return (await replies.updateCannedReply(db, params.id, patch).catch((err: { code?: string }) => {
        if (err.code === '23505') throw conflict(`本部门已有标题为“${patch.title}”的常用语`);
        throw err;
      }))!;
    },
  });
  api.route({
    method: 'delete',
    path: '/canned-replies/:id',
    tag: 'departments',
    summary: 'Delete a canned reply',
    access: ['dept_head', 'admin'],
    params: idParams,
    successStatus: 204,
    audit: { what: 'canned_reply', before: ({ params }) => replies.findCannedReply(db, params.id) },
    handler: async ({ actor, params }) => {
      const existing = await replies.findCannedReply(db, params.id);
      if (!existing) throw notFound('常用语');
      mayEdit(actor, existing.departmentId);
      await replies.deleteCannedReply(db, params.id);
      return undefined;
    },
  });
}
