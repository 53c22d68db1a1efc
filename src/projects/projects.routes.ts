import { z } from 'zod';
import { type ApiRouter, idParams } from '../http/api-router';
import { daySchema, instant } from '../http/validate';
import { approvalStatuses, projectStages } from './projects.repository';
import type { ProjectsService } from './projects.service';

/** Staff who may be a project's companion or read a ledger (its companions, the center, the department's head). */
const staff = ['supervisor', 'director', 'admin', 'agent', 'dept_head', 'runner', 'proxy_seat', 'operator'] as const;
const managers = ['supervisor', 'director', 'admin'] as const;
const at = instant.transform((value) => new Date(value));
const userId = z.number().int().positive();

const person = z.object({ userId: z.number().int(), displayName: z.string(), awayUntil: instant.nullable() });
const projectFields = {
  name: z.string().trim().min(2).max(100),
  enterpriseName: z.string().trim().min(2).max(100),
  creditCode: z
    .string()
    .trim()
    .regex(/^[0-9A-Z]{18}$/, '统一社会信用代码：18 位数字或大写字母')
    .nullable(),
  contactName: z.string().trim().min(1).max(50).nullable(),
  contactPhone: z
    .string()
    .trim()
    .regex(/^[0-9+-]{7,20}$/, '电话号码')
    .nullable(),
  regionId: z.number().int().positive().nullable(),
  investmentWan: z.number().min(0).max(1e10).nullable().describe('investment, 万元'),
  departmentId: z.number().int().positive().nullable().describe('联点部门'),
  liaisonUserId: userId.nullable().describe('招商联络员 (招商引进)'),
  agentAUserId: userId.describe('全程代办员 A岗 (项目建设)'),
  agentBUserId: userId.describe('全程代办员 B岗: takes over when A is away'),
  residentUserId: userId.nullable().describe('驻企服务员 (投产运营)'),
};
const projectSummary = z.object({
  id: z.number().int(),
  name: z.string(),
  enterpriseName: z.string(),
  creditCode: z.string().nullable(),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable().describe('masked outside the center'),
  regionId: z.number().int().nullable(),
  investmentWan: z.number().nullable(),
  stage: z.enum(projectStages),
  departmentId: z.number().int().nullable(),
  liaisonUserId: z.number().int().nullable(),
  agentAUserId: z.number().int(),
  agentBUserId: z.number().int(),
  residentUserId: z.number().int().nullable(),
  status: z.enum(['active', 'closed']),
  createdAt: instant,
  closedAt: instant.nullable(),
  onDutyAgentUserId: z.number().int().describe('A, or B while A is away'),
});
const projectAnswer = projectSummary
  .extend({
    companions: z.object({ liaison: person.nullable(), agentA: person, agentB: person, resident: person.nullable() }),
    may: z
      .object({ act: z.boolean(), manage: z.boolean() })
      .describe('act: record approvals, problems, appointments, move the stage; manage: change the ledger, close it'),
    approvals: z.array(
      z.object({
        id: z.number().int(),
        name: z.string(),
        departmentId: z.number().int().nullable(),
        departmentName: z.string().nullable(),
        status: z.enum(approvalStatuses),
        dueOn: z.string(),
        overdue: z.boolean(),
        note: z.string().nullable(),
        doneAt: instant.nullable(),
        updatedAt: instant,
      }),
    ),
    problems: z.array(
      z.object({
        id: z.number().int(),
        description: z.string(),
        departmentId: z.number().int().nullable(),
        departmentName: z.string().nullable(),
        raisedBy: z.string().nullable(),
        raisedAt: instant,
        solution: z.string().nullable(),
        solvedBy: z.string().nullable(),
        solvedAt: instant.nullable(),
      }),
    ),
    meetings: z.array(
      z.object({
        id: z.number().int(),
        startsAt: instant,
        endsAt: instant,
        place: z.string(),
        purpose: z.string(),
        outOfHours: z.boolean(),
      }),
    ),
    events: z.array(z.object({ id: z.number().int(), kind: z.string(), actorName: z.string(), text: z.string(), at: instant })),
  })
  .meta({ id: 'Project' });
const projectParams = z.strictObject({ id: z.coerce.number().int().positive() });

/** 项目帮办 under /api/v1/projects: the ledgers, their approvals, problems, appointments; staff away. */
export function registerProjectRoutes(api: ApiRouter, projects: ProjectsService): void {
  api.route({
    method: 'get',
    path: '/projects',
    tag: 'projects',
    summary: 'Project ledgers: the center sees all, a companion theirs',
    access: staff,
    query: z.strictObject({ status: z.enum(['active', 'closed']).optional() }),
    response: z.object({
      items: z.array(
        projectSummary.extend({ approvalsOpen: z.number().int(), approvalsOverdue: z.number().int(), problemsOpen: z.number().int() }),
      ),
    }),
    handler: async ({ actor, query }) => ({ items: await projects.list(actor, query.status) }),
  });
  api.route({
    method: 'post',
    path: '/projects',
    tag: 'projects',
    summary: 'Open a project ledger with its companions (三员); it starts at 招商引进',
    access: managers,
    body: z.strictObject({
      ...projectFields,
      creditCode: projectFields.creditCode.default(null),
      contactName: projectFields.contactName.default(null),
      contactPhone: projectFields.contactPhone.default(null),
      regionId: projectFields.regionId.default(null),
      investmentWan: projectFields.investmentWan.default(null),
      departmentId: projectFields.departmentId.default(null),
      liaisonUserId: projectFields.liaisonUserId.default(null),
      residentUserId: projectFields.residentUserId.default(null),
    }),
    successStatus: 201,
    response: projectAnswer,
    handler: ({ actor, body }) => projects.create(actor, body),
  });
  api.route({
    method: 'get',
    path: '/projects/:id',
    tag: 'projects',
    summary: 'A project: its companions (who is away), approvals, problems, appointments and record',
    access: staff,
    params: projectParams,
    response: projectAnswer,
    handler: ({ actor, params }) => projects.get(actor, params.id),
  });
  api.route({
    method: 'patch',
    path: '/projects/:id',
    tag: 'projects',
    summary: 'Move the stage forward (a companion or the center); change the ledger, or close it (the center)',
    access: staff,
    params: projectParams,
    body: z
      .strictObject({ ...projectFields, stage: z.enum(projectStages), status: z.enum(['active', 'closed']) })
      .partial()
      .refine((b) => Object.keys(b).length > 0, '至少修改一项'),
    response: projectAnswer,
    handler: ({ actor, params, body }) => projects.update(actor, params.id, body),
  });
  api.route({
    method: 'post',
    path: '/projects/:id/approvals',
    tag: 'projects',
    summary: 'An approval the project needs, due on a day or in working days',
    access: staff,
    params: projectParams,
    body: z.strictObject({
      name: z.string().trim().min(2).max(100),
      departmentId: z.number().int().positive().nullable().default(null),
      dueOn: daySchema.optional(),
      workingDays: z.number().int().min(1).max(365).optional(),
    }),
    successStatus: 201,
    response: projectAnswer,
    handler: ({ actor, params, body }) => projects.addApproval(actor, params.id, body),
  });
  api.route({
    method: 'patch',
    path: '/projects/:id/approvals/:approvalId',
    tag: 'projects',
    summary: 'An approval’s progress, result or new deadline',
    access: staff,
    params: z.strictObject({ id: z.coerce.number().int().positive(), approvalId: z.coerce.number().int().positive() }),
    body: z
      .strictObject({ status: z.enum(approvalStatuses), dueOn: daySchema, note: z.string().trim().min(1).max(500) })
      .partial()
      .refine((b) => Object.keys(b).length > 0, '至少修改一项'),
    response: projectAnswer,
    handler: ({ actor, params, body }) => projects.updateApproval(actor, params.id, params.approvalId, body),
  });
  api.route({
    method: 'post',
    path: '/projects/:id/problems',
    tag: 'projects',
    summary: 'A problem the enterprise raised (落地难、落地慢)',
    access: staff,
    params: projectParams,
    body: z.strictObject({
      description: z.string().trim().min(2).max(1000),
      departmentId: z.number().int().positive().nullable().default(null),
    }),
    successStatus: 201,
    response: projectAnswer,
    handler: ({ actor, params, body }) => projects.raiseProblem(actor, params.id, body),
  });
  api.route({
    method: 'post',
    path: '/projects/:id/problems/:problemId/solve',
    tag: 'projects',
    summary: 'A problem solved, with how',
    access: staff,
    params: z.strictObject({ id: z.coerce.number().int().positive(), problemId: z.coerce.number().int().positive() }),
    body: z.strictObject({ solution: z.string().trim().min(2).max(1000) }),
    response: projectAnswer,
    handler: ({ actor, params, body }) => projects.solveProblem(actor, params.id, params.problemId, body.solution),
  });
  api.route({
    method: 'post',
    path: '/projects/:id/meetings',
    tag: 'projects',
    summary: 'An appointment with the enterprise (预约服务); marked when it is outside office hours',
    access: staff,
    params: projectParams,
    body: z.strictObject({
      startsAt: at,
      endsAt: at,
      place: z.string().trim().min(2).max(200),
      purpose: z.string().trim().min(2).max(500),
    }),
    successStatus: 201,
    response: projectAnswer,
    handler: ({ actor, params, body }) => projects.addMeeting(actor, params.id, body),
  });
  api.route({
    method: 'put',
    path: '/projects/absences/:id',
    tag: 'projects',
    summary: 'A companion is away (休假, 出差) until a time: where they are A, B takes over and is told',
    access: staff,
    params: idParams,
    body: z.strictObject({ until: at, note: z.string().trim().max(200).nullable().default(null) }),
    response: z.object({ userId: z.number().int(), awayUntil: instant }),
    handler: ({ actor, params, body }) => projects.setAway(actor, params.id, body.until, body.note),
  });
  api.route({
    method: 'delete',
    path: '/projects/absences/:id',
    tag: 'projects',
    summary: 'Back at work',
    access: staff,
    params: idParams,
    successStatus: 204,
    handler: async ({ actor, params }) => {
      await projects.clearAway(actor, params.id);
      return undefined;
    },
  });
}
