import { workChats } from '../outbox/message-catalogue';
import { z } from 'zod';
import { type ApiRouter, idParams } from '../http/api-router';
import { assignmentStrategies } from './org.types';
import { departmentKinds, regionLevels, stepTemplates } from './org.types';
import type { OrgService } from './org.service';
import { instant } from '../http/validate';

const code = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z_-]{2,24}$/, '2–24 letters, digits, _ or -');
const name = z.string().trim().min(1).max(100);
const slackChannelId = z.string().regex(/^[CG][A-Z0-9]{6,20}$/, 'Slack 频道 ID，如 C0123ABCD');
const optionalId = z.number().int().positive().nullable().optional();

const regionQuery = z.strictObject({
  parentId: z.coerce.number().int().positive().optional(),
  level: z.enum(regionLevels).optional(),
  underId: z.coerce.number().int().positive().optional(),
});

const departmentQuery = z.strictObject({
  kind: z.enum(departmentKinds).optional(),
  regionId: z.coerce.number().int().positive().optional(),
  active: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});

const position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const ring = z
  .array(position)
  .min(4, '边界至少需要 4 个点')
  .max(20_000)
  .refine((r) => r[0]![0] === r.at(-1)![0] && r[0]![1] === r.at(-1)![1], '边界须首尾闭合');
/** GeoJSON (RFC 7946): a Polygon or MultiPolygon, [longitude, latitude]. */
const outlineSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1).max(100) }),
    z.strictObject({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring).min(1).max(100)).min(1).max(500) }),
  ])
  .meta({ id: 'RegionOutline' });

const regionSchema = z
  .object({
    id: z.number().int(),
    code: z.string(),
    name: z.string(),
    level: z.enum(regionLevels),
    parentId: z.number().int().nullable(),
    path: z.string(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Region' });
const departmentSchema = z
  .object({
    id: z.number().int(),
    code: z.string(),
    name: z.string(),
    kind: z.enum(departmentKinds),
    parentId: z.number().int().nullable(),
    regionId: z.number().int().nullable(),
    active: z.boolean(),
    assignmentStrategy: z.enum(assignmentStrategies),
    slackChannelId: z.string().nullable(),
    dutyPhone: z.string().nullable().describe('值班电话 (E.164): urgent tickets and red or escalated alerts reach it by SMS'),
    workChat: z.enum(workChats).nullable().describe('where its notices also go: WeCom or DingTalk, to each member with an account there'),
    stepTemplate: z.enum(stepTemplates).describe('a runner team’s: its 代办 orders’ steps, 六步法 (six_steps) or 五步走 (five_steps)'),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Department' });

export function registerOrgRoutes(api: ApiRouter, org: OrgService): void {
  api.route({
    method: 'get',
    path: '/regions',
    tag: 'regions',
    summary: 'List regions',
    description: 'Filter by parent, level, or everything under a region (underId).',
    access: 'staff',
    query: regionQuery,
    response: z.object({ items: z.array(regionSchema) }),
    handler: async ({ query }) => ({ items: await org.listRegions(query) }),
  });
  api.route({
    method: 'get',
    path: '/regions/outlines',
    tag: 'regions',
    summary: 'The outlines of one level’s regions, for the board’s map',
    access: 'staff',
    query: z.strictObject({ level: z.enum(['district', 'township', 'village', 'grid']).default('district') }),
    response: z.object({ items: z.array(z.object({ id: z.number().int(), name: z.string(), path: z.string(), outline: outlineSchema })) }),
    handler: async ({ query }) => ({ items: await org.listOutlines(query.level) }),
  });
  api.route({
    method: 'get',
    path: '/regions/:id',
    tag: 'regions',
    summary: 'Get a region',
    access: 'staff',
    params: idParams,
    response: regionSchema,
    handler: ({ params }) => org.getRegion(params.id),
  });
  api.route({
    method: 'post',
    path: '/regions',
    tag: 'regions',
    summary: 'Create a region',
    access: ['admin'],
    body: z.strictObject({ code, name, level: z.enum(regionLevels), parentId: optionalId }),
    successStatus: 201,
    response: regionSchema,
    audit: { what: 'region' },
    handler: ({ body }) => org.createRegion(body),
  });
  api.route({
    method: 'patch',
    path: '/regions/:id',
    tag: 'regions',
    summary: 'Rename or recode a region',
    access: ['admin'],
    params: idParams,
    body: z.strictObject({ code: code.optional(), name: name.optional() }),
    response: regionSchema,
    audit: { what: 'region', before: ({ params }) => org.getRegion(params.id) },
    handler: ({ params, body }) => org.updateRegion(params.id, body),
  });
  api.route({
    method: 'delete',
    path: '/regions/:id',
    tag: 'regions',
    summary: 'Delete an unused region',
    access: ['admin'],
    params: idParams,
    audit: { what: 'region', before: ({ params }) => org.getRegion(params.id) },
    handler: async ({ params }) => {
      await org.deleteRegion(params.id);
      return undefined;
    },
  });

  api.route({
    method: 'put',
    path: '/regions/:id/outline',
    tag: 'regions',
    summary: 'Set or clear a region’s outline (GeoJSON Polygon or MultiPolygon, longitude then latitude)',
    access: ['admin'],
    params: idParams,
    // A union, not .nullable(): zod-to-openapi drops the null of a nullable schema that has an id.
    body: z.strictObject({ outline: z.union([outlineSchema, z.null()]) }),
    response: z.object({ outline: z.union([outlineSchema, z.null()]) }),
    audit: { what: 'region_outline', before: ({ params }) => org.getOutline(params.id) },
    handler: ({ params, body }) => org.setOutline(params.id, body.outline),
  });

  api.route({
    method: 'get',
    path: '/departments',
    tag: 'departments',
    summary: 'List departments',
    access: 'staff',
    query: departmentQuery,
    response: z.object({ items: z.array(departmentSchema) }),
    handler: async ({ query }) => ({ items: await org.listDepartments(query) }),
  });
  api.route({
    method: 'get',
    path: '/departments/:id',
    tag: 'departments',
    summary: 'Get a department',
    access: 'staff',
    params: idParams,
    response: departmentSchema,
    handler: ({ params }) => org.getDepartment(params.id),
  });
  api.route({
    method: 'post',
    path: '/departments',
    tag: 'departments',
    summary: 'Create a department',
    access: ['admin'],
    body: z.strictObject({ code, name, kind: z.enum(departmentKinds), parentId: optionalId, regionId: optionalId }),
    successStatus: 201,
    response: departmentSchema,
    audit: { what: 'department' },
    handler: ({ body }) => org.createDepartment(body),
  });
  api.route({
    method: 'patch',
    path: '/departments/:id',
    tag: 'departments',
    summary: 'Update or deactivate a department, set its assignment strategy, Slack channel or duty phone',
    description:
      'assignmentStrategy: queue (anyone in the department signs for), round_robin, least_open, skills (users whose skills name the category or its parent). slackChannelId: where its ticket cards are posted (null: none).',
    access: ['admin'],
    params: idParams,
    body: z.strictObject({
      code: code.optional(),
      name: name.optional(),
      kind: z.enum(departmentKinds).optional(),
      parentId: optionalId,
      regionId: optionalId,
      active: z.boolean().optional(),
      assignmentStrategy: z.enum(assignmentStrategies).optional(),
      slackChannelId: slackChannelId.nullable().optional(),
      dutyPhone: z.string().trim().min(3).max(32).nullable().optional(),
      workChat: z.enum(workChats).nullable().optional(),
      stepTemplate: z.enum(stepTemplates).optional(),
    }),
    response: departmentSchema,
    audit: { what: 'department', before: ({ params }) => org.getDepartment(params.id) },
    handler: ({ params, body }) => org.updateDepartment(params.id, body),
  });
}
