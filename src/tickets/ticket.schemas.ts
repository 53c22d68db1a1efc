import { z } from 'zod';
import { ticketActions, type TicketAction } from './ticket-lifecycle';
import { channels, replyResults, requestTypes, returnReasons, ticketStatuses, urgencies } from './ticket.types';
import { instant } from '../http/validate';
import { vulnerabilities } from '../shared/pii';
import { departmentQueues } from './department-queues';
import { accountabilityOutcomes, hardCaseKinds, hardCaseLevels, hardCaseSources, meetingKinds, specialModes } from './hard-case-labels';

/** Text limits: long enough for a real call transcript, short enough to refuse junk. */
export const limits = { title: 100, description: 5_000, note: 2_000, reason: 500, reply: 5_000, address: 200 } as const;

const text = (max: number) => z.string().trim().min(1, '不能为空').max(max, `不超过 ${max} 个字符`);
const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** The knowledge article a 直接办结 answers from (知识库): kept on the ticket, counted as the article's use. */
const answerArticleId = id.optional();
const futureDate = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
/** Optimistic concurrency: when given, the action fails with 409 if the ticket changed since. */
const expectedVersion = z.number().int().positive().optional();

export const proxyServiceModes = ['remote_guidance', 'home_assistance', 'full_proxy'] as const;

export const createTicketBody = z
  .strictObject({
    channel: z.enum(channels).default('seat'),
    requestType: z.enum(requestTypes),
    urgency: z.enum(urgencies).default('normal'),
    categoryId: id.optional(),
    title: text(limits.title).optional(),
    description: text(limits.description),
    address: text(limits.address).optional(),
    regionId: id.optional(),
    caller: z
      .strictObject({
        phone: z.string().trim().min(3).max(32).optional(),
        name: text(50).optional(),
        idNumber: z
          .string()
          .trim()
          .regex(/^\d{17}[\dXx]$/, '18 位居民身份证号码')
          .transform((v) => v.toUpperCase())
          .optional(),
        anonymous: z.boolean().default(false),
        confidential: z.boolean().default(false),
      })
      .optional(),
    /** A 帮办代办 request from the proxy-application seat: the matter, how it is to be served, where the applicant is. */
    proxy: z
      .strictObject({
        matter: text(100),
        serviceMode: z.enum(proxyServiceModes),
        applicantAddress: text(limits.address),
      })
      .optional(),
    /**
     * What the seat does with the call at once, in the same request (so the classifier's automatic
     * dispatch does not overtake it): 派单 (without departmentId: as the catalog says), 直接办结 (answered
     * on the phone), or 并单 into an open ticket. Without it the ticket waits in 待分拨.
     */
    then: z
      .discriminatedUnion('action', [
        z.strictObject({ action: z.literal('dispatch'), departmentId: id.optional(), assistDepartmentIds: z.array(id).max(10).optional() }),
        z.strictObject({ action: z.literal('resolve_directly'), answer: text(limits.reply), articleId: answerArticleId }),
        z.strictObject({ action: z.literal('merge'), intoTicketId: id, reason: text(limits.reason).optional() }),
      ])
      .optional(),
  })
  .refine((t) => (t.requestType === 'proxy') === (t.proxy !== undefined), {
    message: '代办申请（requestType proxy）须填写代办信息（事项、服务方式、申请人地址），其他诉求类型不填',
    path: ['proxy'],
  });
export type CreateTicketInput = z.infer<typeof createTicketBody>;

const csv = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)).max(values.length));

export const listTicketsQuery = z.strictObject({
  status: csv(ticketStatuses).optional(),
  departmentId: z.coerce.number().int().positive().optional(),
  categoryId: z.coerce.number().int().positive().optional(),
  requestType: z.enum(requestTypes).optional(),
  urgency: z.enum(urgencies).optional(),
  channel: z.enum(channels).optional(),
  regionId: z.coerce.number().int().positive().optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  /** me: my queue; none: the department queue (nobody assigned yet); a user id. */
  assignee: z
    .string()
    .regex(/^(me|none|[1-9]\d{0,14})$/, 'me, none or a user id')
    .optional(),
  /** A department workbench queue: the viewer's department's (center roles name it with departmentId). */
  queue: z.enum(departmentQueues).optional(),
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe(
      'a ticket number, a citizen’s phone number (of the caller or of one merged in), or words: every word among the ticket’s title and description (segmented Chinese), or the text within its address',
    ),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  /** csv: the whole filtered list (up to 10,000 rows) as a CSV file, not a page. */
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
});
export type ListTicketsQuery = z.infer<typeof listTicketsQuery>;

/** The request body of every action, keyed like the lifecycle table. */
const scored = <T extends z.ZodType>(value: T) => z.strictObject({ value, confidence: z.number().min(0).max(1) });

/** What the classifier decided, as stored on the ticket and its timeline. */
export const classificationSchema = z.strictObject({
  by: z.enum(['local']),
  modelVersion: z.number().int().positive(),
  category: z
    .strictObject({ id: z.number().int().positive(), code: z.string(), name: z.string(), confidence: z.number().min(0).max(1) })
    .nullable(),
  alternatives: z.array(z.strictObject({ code: z.string(), confidence: z.number().min(0).max(1) })).max(5),
  requestType: scored(z.enum(requestTypes)),
  urgency: scored(z.enum(urgencies)),
  region: z.strictObject({ id: z.number().int().positive(), name: z.string() }).nullable(),
  /** The department that most often led tickets of this category lately, with its share (learned from history). */
  department: z.strictObject({ id: z.number().int().positive(), name: z.string(), confidence: z.number().min(0).max(1) }).nullable(),
  /** Address text found in the request (e.g. 东城区东华街道滨河社区2号门). */
  address: z.string().max(limits.address).nullable(),
  title: z.string().max(limits.title),
  summary: z.string().max(60),
  /** Which path decided: the local model, the LLM, or nobody (an operator must). */
  decidedBy: z.enum(['local', 'llm', 'none']),
  /** The LLM's suggestion when it was asked, or why it was not usable. */
  llm: z
    .union([
      z.strictObject({
        category: z.strictObject({ code: z.string(), name: z.string(), confidence: z.number().min(0).max(1) }),
        requestType: z.enum(requestTypes),
        urgency: z.enum(urgencies),
        title: z.string(),
        summary: z.string(),
        model: z.string(),
        mode: z.enum(['json_schema', 'json_object']),
        tokens: z.number().int().min(0),
      }),
      z.strictObject({ error: z.string() }),
    ])
    .nullable(),
});
export type TicketClassification = z.infer<typeof classificationSchema>;

export const actionBodies = {
  classify: z.strictObject({
    classification: classificationSchema,
    /** What the classifier fills in itself (the triage policy decides; see src/triage/triage.service.ts). */
    apply: z.strictObject({
      categoryId: z.number().int().positive().optional(),
      requestType: z.enum(requestTypes).optional(),
      urgency: z.enum(urgencies).optional(),
      regionId: z.number().int().positive().optional(),
      address: z.string().max(limits.address).optional(),
    }),
    expectedVersion,
  }),
  triage: z.strictObject({ note: text(limits.note).optional(), expectedVersion }),
  categorize: z.strictObject({
    categoryId: id,
    requestType: z.enum(requestTypes).optional(),
    urgency: z.enum(urgencies).optional(),
    note: text(limits.note).optional(),
    expectedVersion,
  }),
  /** Without departmentId the dispatch follows the dispatch catalog (GET /tickets/:id/routing shows where that leads). */
  dispatch: z.strictObject({
    departmentId: id.optional(),
    assistDepartmentIds: z.array(id).max(10).optional(),
    replyDueAt: futureDate.optional(),
    note: text(limits.note).optional(),
    expectedVersion,
  }),
  sign_for: z.strictObject({ note: text(limits.note).optional(), expectedVersion }),
  assign: z.strictObject({ userId: id, note: text(limits.note).optional(), expectedVersion }),
  return: z.strictObject({ reasonCode: z.enum(returnReasons), reason: text(limits.reason), expectedVersion }),
  // Uphold re-dispatches to another department (departmentId required); reject keeps it where it was.
  review_return: z.discriminatedUnion('decision', [
    z.strictObject({ decision: z.literal('uphold'), departmentId: id, note: text(limits.note), expectedVersion }),
    z.strictObject({ decision: z.literal('reject'), note: text(limits.note), expectedVersion }),
  ]),
  transfer: z.strictObject({ departmentId: id, note: text(limits.note), expectedVersion }),
  add_assist: z.strictObject({ departmentIds: z.array(id).min(1).max(10), note: text(limits.note).optional(), expectedVersion }),
  assist_sign_for: z.strictObject({ note: text(limits.note).optional(), expectedVersion }),
  assist_report: z.strictObject({ text: text(limits.reply), expectedVersion }),
  release_assist: z.strictObject({ departmentId: id, note: text(limits.note), expectedVersion }),
  reply: z
    .strictObject({
      text: text(limits.reply),
      result: z.enum(replyResults).optional(),
      /** The older yes/no: true is solved, false not solvable. The Slack form still sends it. */
      solved: z.boolean().optional(),
      /** Photos of what was done, uploaded to the ticket first (POST /tickets/{id}/media). */
      photoIds: z.array(id).max(9).default([]),
      expectedVersion,
    })
    .refine((b) => b.result !== undefined || b.solved !== undefined, {
      message: '请说明办理结果（已解决、已解释或无法解决）',
      path: ['result'],
    }),
  contact_citizen: z.strictObject({
    method: z.enum(['phone', 'sms', 'visit', 'wechat']),
    note: text(limits.note).optional(),
    expectedVersion,
  }),
  pause_clocks: z.strictObject({ reason: text(limits.reason), expectedVersion }),
  resume_clocks: z.strictObject({ note: text(limits.note).optional(), expectedVersion }),
  request_extension: z.strictObject({ reason: text(limits.reason), requestedDueAt: futureDate, expectedVersion }),
  decide_extension: z.strictObject({
    decision: z.enum(['approve', 'reject']),
    approvedDueAt: futureDate.optional(),
    note: text(limits.note).optional(),
    expectedVersion,
  }),
  urge: z.strictObject({ note: text(limits.note), expectedVersion }),
  supervise: z.strictObject({ note: text(limits.note), replyDueAt: futureDate.optional(), expectedVersion }),
  answer_supervision: z.strictObject({ text: text(limits.reply), expectedVersion }),
  resolve_directly: z.strictObject({ answer: text(limits.reply), articleId: answerArticleId, expectedVersion }),
  close: z.strictObject({ note: text(limits.note).optional(), expectedVersion }),
  cancel: z.strictObject({ reason: text(limits.reason), expectedVersion }),
  reopen: z.strictObject({ reason: text(limits.reason), expectedVersion }),
  /** The citizen's words that asked for a person. */
  hand_to_person: z.strictObject({ text: text(limits.reason), expectedVersion }),
  merge: z.strictObject({ intoTicketId: id, reason: text(limits.reason).optional(), expectedVersion }),
  note: z.strictObject({ text: text(limits.note), expectedVersion }),
  reveal_contact: z.strictObject({ purpose: text(limits.reason), expectedVersion }),
  set_matter: z.strictObject({
    matter: text(100),
    serviceMode: z.enum(proxyServiceModes).optional(),
    regionId: id.optional(),
    expectedVersion,
  }),
  // 办不成事: classified when taken; from the window or a hotline complaint (the hub's own candidates say theirs).
  flag_hard_case: z.strictObject({
    kind: z.enum(hardCaseKinds),
    reason: text(limits.reason),
    source: z.enum(['window', 'hotline']).optional(),
    candidateId: id.optional(),
    expectedVersion,
  }),
  // The kind's own handling: 不能办 explains on its legal basis; 很难办 accepts with the missing items deferred (容缺);
  // 不给办/拖着办 orders it done at once; 特殊办 arranges the early, late, home or holiday service.
  hard_case_handle: z.strictObject({
    text: text(limits.note),
    policyBasis: text(limits.reason).optional(),
    deferredItems: text(limits.reason).optional(),
    promisedBy: z.iso.date().optional(),
    specialMode: z.enum(specialModes).optional(),
    appointmentAt: futureDate.optional(),
    expectedVersion,
  }),
  record_accountability: z.strictObject({
    departmentId: id,
    personName: text(50),
    personUserId: id.optional(),
    finding: text(limits.reason),
    outcome: z.enum(accountabilityOutcomes),
    outcomeNote: text(limits.reason).optional(),
    expectedVersion,
  }),
  escalate_hard_case: z.strictObject({ leaderUserId: id, reason: text(limits.reason), expectedVersion }),
  joint_dispatch: z.strictObject({ departmentIds: z.array(id).min(1).max(10), instruction: text(limits.note), expectedVersion }),
  record_meeting_decision: z.strictObject({
    meeting: z.enum(meetingKinds),
    heldOn: z.iso.date(),
    decision: text(limits.note),
    expectedVersion,
  }),
  hard_case_rep_onsite: z.strictObject({ note: text(limits.note), expectedVersion }),
  hard_case_head_onsite: z.strictObject({ note: text(limits.note), expectedVersion }),
  hard_case_to_proxy: z.strictObject({
    representativeUserId: id.describe('the window’s chief representative (首席代表): staff of the lead department'),
    matter: text(100).describe('the catalog’s matter (code or name) to be done for the applicant'),
    serviceMode: z.enum(proxyServiceModes).optional(),
    note: text(limits.note),
    expectedVersion,
  }),
  hard_case_answer: z.strictObject({ text: text(limits.reply), expectedVersion }),
} satisfies Record<TicketAction, z.ZodType>;

export type ActionBody<A extends TicketAction> = z.infer<(typeof actionBodies)[A]>;

// Answers, as the API sends them (JSON: instants are ISO strings). They document the API and,
// in tests (API_VALIDATE_RESPONSES), every answer is checked against them.

export const contactView = z.object({
  id: z.number().int(),
  name: z.string().nullable(),
  phone: z.string().nullable().describe('masked (+86138****5678) for department staff'),
  idNumber: z.string().nullable(),
  anonymous: z.boolean(),
  confidential: z.boolean(),
  masked: z.boolean(),
  vulnerability: z
    .array(z.enum(vulnerabilities))
    .describe('特殊群体 (elderly, disabled, seriously ill), flagged with consent: shown to the center and runners, empty for others'),
});

export const ticketSummarySchema = z
  .object({
    id: z.number().int(),
    number: z.string().describe('date and daily sequence, e.g. 20261122-00042'),
    status: z.enum(ticketStatuses),
    statusLabel: z.string(),
    channel: z.enum(channels),
    requestType: z.enum(requestTypes),
    requestTypeLabel: z.string(),
    urgency: z.enum(urgencies),
    title: z.string(),
    category: z.object({ id: z.number().int(), code: z.string().nullable(), name: z.string().nullable() }).nullable(),
    region: z.object({ id: z.number().int(), name: z.string().nullable() }).nullable(),
    address: z.string().nullable(),
    location: z.object({ latitude: z.number(), longitude: z.number() }).nullable(),
    leadDepartment: z.object({ id: z.number().int(), name: z.string().nullable() }).nullable(),
    assigneeUserId: z.number().int().nullable(),
    contact: contactView.nullable(),
    supervised: z.boolean(),
    urgeCount: z.number().int(),
    returnCount: z.number().int(),
    reopenCount: z.number().int(),
    replyDueAt: instant.nullable(),
    nextDue: z.object({ at: instant, stage: z.string().nullable(), provisional: z.boolean() }).nullable(),
    deadlinesProvisional: z.boolean().describe('a deadline falls in a year whose holiday notice is not imported yet: it may move'),
    clocksPaused: z.boolean(),
    firstContactAt: instant.nullable(),
    supervisionPending: z.boolean(),
    overdue: z.boolean(),
    mergedIntoId: z.number().int().nullable(),
    classification: z.record(z.string(), z.unknown()).nullable(),
    version: z.number().int(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'TicketSummary' });

export const ticketListSchema = z.object({
  items: z.array(ticketSummarySchema),
  nextCursor: z.string().nullable().describe('pass as cursor for the next page; null on the last'),
});

export const ticketDetailSchema = ticketSummarySchema
  .extend({
    /** What the caller may do on the ticket now (the lifecycle table: role, department, status); a console renders its buttons from this. */
    allowedActions: z.array(z.object({ action: z.enum(ticketActions), label: z.string(), path: z.string() })),
    description: z.string(),
    matter: z.string().nullable(),
    routedBy: z.object({ catalogEntryId: z.number().int(), catalogVersion: z.number().int().nullable() }).nullable(),
    directlyResolved: z.boolean(),
    answerArticleId: z.number().int().nullable().describe('the knowledge article a 直接办结 answered from'),
    reply: z
      .object({ text: z.string().nullable(), solved: z.boolean().nullable(), result: z.enum(replyResults).nullable(), at: instant })
      .nullable(),
    closedAt: instant.nullable(),
    mergedInto: z.object({ id: z.number().int(), number: z.string().nullable() }).nullable(),
    hardCase: z
      .object({
        kind: z.enum(hardCaseKinds).nullable(),
        source: z.enum(hardCaseSources),
        level: z.enum(hardCaseLevels),
        handledAt: instant.nullable(),
        handling: z.record(z.string(), z.unknown()).nullable().describe('the kind’s own step: its text and what the kind asks for'),
        leaderName: z.string().nullable(),
        jointDepartmentNames: z.array(z.string()),
        meeting: z.object({ meeting: z.enum(meetingKinds), heldOn: z.string(), decision: z.string() }).nullable(),
        answeredAt: instant.nullable(),
        followUp: z
          .object({ representativeName: z.string(), orderId: z.number().int(), orderStatus: z.string(), at: instant })
          .nullable()
          .describe('not finished on site: the 帮代办 order under the window’s chief representative'),
      })
      .nullable()
      .describe('办不成事: the case when flagged (docs/proxy.md)'),
    requesters: z.array(z.object({ contact: contactView.nullable(), sourceTicketId: z.number().int().nullable() })),
    assignments: z.array(
      z.object({
        id: z.number().int(),
        departmentId: z.number().int(),
        departmentName: z.string(),
        role: z.enum(['lead', 'assist']),
        status: z.string(),
        active: z.boolean(),
        reportText: z.string().nullable(),
        returnableUntil: instant.nullable().describe('the lead department may return (退单) the ticket until then'),
        acceptedAt: instant.nullable(),
        reportedAt: instant.nullable(),
        endedAt: instant.nullable(),
      }),
    ),
    extensionRequests: z.array(z.record(z.string(), z.unknown())),
    timeline: z.array(
      z.object({
        id: z.number().int(),
        type: z.string(),
        actor: z.object({ kind: z.string(), userId: z.number().int().nullable(), name: z.string().nullable() }),
        fromStatus: z.enum(ticketStatuses).nullable(),
        toStatus: z.enum(ticketStatuses).nullable(),
        reason: z.string().nullable(),
        data: z.record(z.string(), z.unknown()).nullable(),
        at: instant,
      }),
    ),
  })
  .meta({ id: 'TicketDetail' });
