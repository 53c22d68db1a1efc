import { audit } from '../auth/audit';
import { findUserById } from '../auth/users.repository';
import { findContacts } from '../contacts/contacts.repository';
import type { Tx } from '../db/db';
import { findCategoryById } from '../org/categories.repository';
import { findDepartmentsByIds } from '../org/departments.repository';
import { findRegionById } from '../org/regions.repository';
import { AppError, conflict, forbidden, invalid, notFound } from '../shared/errors';
import { systemActor, type Actor, type UserActor } from '../shared/roles';
import type { Dispatcher, MatterCatalog } from './ports';
import { checkRule, lifecycle, ticketActions as lifecycleActions, type TicketAction, type ActorRole } from './ticket-lifecycle';
import type { ActionBody } from './ticket.schemas';
import { contactAsGiven, presentContact } from './ticket-view';
import { returnReasonLabels, type AssignmentRecord, type TicketPatch, type TicketRecord, ticketStatusLabels } from './ticket.types';
import * as repo from './tickets.repository';
import { ticketSearchText } from './ticket-search';
import * as hardCases from './hard-cases.repository';
import { hardCaseHandlingLabels, hardCaseKindLabels, type HardCaseSource } from './hard-case-labels';
import { departmentRoles } from '../shared/roles';

/** How the acting user's department stands to a ticket. */
export interface Relation {
  visible: boolean;
  isLead: boolean;
  isAssist: boolean;
  assignment?: AssignmentRecord;
}

export interface ApplyContext {
  trx: Tx;
  ticket: TicketRecord;
  actor: Actor;
  relation: Relation;
}

export interface ApplyResult {
  patch?: TicketPatch;
  reason?: string | null;
  data?: Record<string, unknown>;
  /** Departments to notify when the rule notifies departments; defaults to the lead department after the change. */
  notifyDepartmentIds?: number[];
  /** Answer something other than the ticket (reveal_contact). */
  response?: unknown;
}

export type Applier<A extends TicketAction> = (context: ApplyContext, body: ActionBody<A>) => Promise<ApplyResult>;
export type Appliers = { [A in TicketAction]: Applier<A> };

export const actorRole = (actor: Actor): ActorRole => (actor.kind === 'user' ? actor.role : 'system');

/**
 * What a ticket's own state must be for an action to make sense, beyond its status (the lifecycle
 * table): the appliers refuse otherwise, with the reason, and the ticket's answer does not offer it.
 */
export const applicable: Partial<Record<TicketAction, (ticket: TicketRecord) => boolean>> = {
  pause_clocks: (t) => !t.clocksPaused,
  resume_clocks: (t) => t.clocksPaused,
  answer_supervision: (t) => t.supervisionPending,
  flag_hard_case: (t) => !t.hardCase,
  hard_case_handle: (t) => t.hardCase,
  escalate_hard_case: (t) => t.hardCase,
  joint_dispatch: (t) => t.hardCase,
  record_meeting_decision: (t) => t.hardCase,
  record_accountability: (t) => t.hardCase,
  hard_case_rep_onsite: (t) => t.hardCase,
  hard_case_head_onsite: (t) => t.hardCase,
  hard_case_to_proxy: (t) => t.hardCase,
  hard_case_answer: (t) => t.hardCase,
  reply: (t) => !t.supervisionPending,
  hand_to_person: (t) => t.directlyResolved,
};

/** The actions the lifecycle table lets this actor take on a ticket in this status, as this department stands to it. */
export function allowedActions(
  actor: Actor,
  ticket: TicketRecord,
  relation: Relation,
): Array<{ action: TicketAction; label: string; path: string }> {
  const role = actorRole(actor);
  return lifecycleActions
    .filter((action) => checkRule(action, role, ticket.status, relation).ok && (applicable[action]?.(ticket) ?? true))
    .map((action) => ({ action, label: lifecycle[action].label, path: action.replace(/_/g, '-') }));
}

export interface ActionDeps {
  dispatcher: Dispatcher;
  matters: MatterCatalog;
  /** A return (退单) is possible within this many hours of dispatch. */
  returnWindowHours: number;
}

/**
 * What each lifecycle action changes on the ticket, beyond its status (src/tickets/ticket-lifecycle.ts
 * says who may do it, from which status, to which). One applier per action: the map is total, so a
 * new action without one does not compile. The transition runner (TicketsService.perform) writes the
 * result and runs the hooks.
 */
export function ticketActions(deps: ActionDeps): Appliers {
  return {
    // The ticket's words are indexed here, in triage's background lane, not on the write path that creates it.
    classify: async ({ ticket }, body) => ({
      patch: {
        classification: body.classification,
        ...body.apply,
        searchText: ticketSearchText({ ...ticket, address: body.apply.address ?? ticket.address }),
      },
      reason: body.classification.category
        ? `${body.classification.category.name}（${Math.round(body.classification.category.confidence * 100)}%）`
        : null,
      data: { classification: body.classification, applied: body.apply },
    }),

    triage: async (_c, body) => ({ reason: body.note ?? null }),

    categorize: async ({ trx, ticket }, body) => {
      const category = await findCategoryById(trx, body.categoryId);
      if (!category || !category.active) throw invalid(`分类 ${body.categoryId} 不存在或已停用`);
      return {
        patch: {
          categoryId: category.id,
          ...(body.requestType ? { requestType: body.requestType } : {}),
          ...(body.urgency ? { urgency: body.urgency } : {}),
        },
        reason: body.note ?? null,
        data: {
          categoryId: category.id,
          categoryCode: category.code,
          previousCategoryId: ticket.categoryId,
          requestType: body.requestType,
          urgency: body.urgency,
        },
      };
    },

    dispatch: async ({ trx, ticket, actor }, body) => {
      // The catalog's answer is always computed: followed, it is recorded; overridden, it is on the timeline.
      const decision = await deps.dispatcher.advise(ticket);
      const departmentId = body.departmentId ?? decision.department?.id;
      if (departmentId === undefined)
        throw invalid(`派单目录没有给出部门（${decision.explanation.join('；')}），请指定部门（departmentId）`);
      const followed = decision.department?.id === departmentId;
      const assistDepartmentIds = [...new Set(body.assistDepartmentIds ?? (followed ? decision.assistDepartments.map((d) => d.id) : []))];
      if (assistDepartmentIds.includes(departmentId)) throw invalid('主办部门不能同时协办');
      await checkDispatchable(trx, [departmentId, ...assistDepartmentIds]);
      await repo.insertAssignments(trx, ticket.id, [
        { departmentId, role: 'lead' },
        ...assistDepartmentIds.map((id) => ({ departmentId: id, role: 'assist' as const })),
      ]);
      const assignment = await deps.dispatcher.assignee(trx, departmentId, ticket.categoryId);
      const viaCatalog = followed && decision.outcome === 'catalog' ? decision : undefined;
      return {
        patch: {
          leadDepartmentId: departmentId,
          assigneeUserId: assignment.userId,
          catalogEntryId: viaCatalog?.entry!.id ?? null,
          catalogVersion: viaCatalog?.catalogVersion ?? null,
          ...(body.replyDueAt ? { replyDueAt: body.replyDueAt } : {}),
        },
        reason: body.note ?? (actor.kind === 'user' ? null : decision.explanation[0]!),
        data: {
          departmentId,
          assistDepartmentIds,
          ...(viaCatalog ? { catalogEntryId: viaCatalog.entry!.id, catalogVersion: viaCatalog.catalogVersion } : {}),
          routing: {
            outcome: decision.outcome,
            suggestedDepartmentId: decision.department?.id ?? null,
            followed,
            explanation: decision.explanation,
          },
          assignment,
        },
        notifyDepartmentIds: [departmentId, ...assistDepartmentIds],
      };
    },

    sign_for: async ({ trx, ticket, relation, actor }, body) => {
      const user = actor as UserActor;
      // A ticket assigned to someone is theirs to sign for (or the head's); the department queue is anyone's.
      if (ticket.assigneeUserId !== null && ticket.assigneeUserId !== user.userId && user.role !== 'dept_head') {
        throw forbidden('该工单已分配给同事，部门负责人可以改派');
      }
      await repo.setAssignmentStatus(trx, relation.assignment!.id, 'accepted');
      return { patch: { assigneeUserId: user.userId }, reason: body.note ?? null };
    },

    assign: async ({ trx, ticket }, body) => {
      const user = await findUserById(trx, body.userId);
      if (!user || !user.active || user.departmentId !== ticket.leadDepartmentId || !['agent', 'dept_head', 'runner'].includes(user.role)) {
        throw invalid(`用户 ${body.userId} 不是承办部门的在职人员`);
      }
      if (body.userId === ticket.assigneeUserId) throw conflict('该工单已分配给此人');
      return {
        patch: { assigneeUserId: body.userId },
        reason: body.note ?? null,
        data: { fromUserId: ticket.assigneeUserId, userId: body.userId, userName: user.displayName },
      };
    },

    return: async ({ trx, ticket, relation }, body) => {
      const window = deps.returnWindowHours;
      if (!(await repo.withinHoursOfDispatch(trx, relation.assignment!.id, window))) {
        throw new AppError('INVALID_TRANSITION', `派单后 ${window} 小时内才能退单，已超过时限，请联系热线中心转派`);
      }
      await repo.setAssignmentStatus(trx, relation.assignment!.id, 'returned');
      return {
        patch: { returnCount: ticket.returnCount + 1, assigneeUserId: null },
        reason: body.reason,
        data: {
          reasonCode: body.reasonCode,
          reasonLabel: returnReasonLabels[body.reasonCode],
          departmentId: relation.assignment!.departmentId,
          ...(ticket.catalogEntryId !== null ? { catalogEntryId: ticket.catalogEntryId } : {}),
          returnNumber: ticket.returnCount + 1,
        },
      };
    },

    review_return: async ({ trx, ticket, actor }, body) => {
      // The third return of one ticket is a supervisor's call (派单异议审核).
      if (ticket.returnCount >= 3 && !['supervisor', 'admin'].includes(actorRole(actor))) {
        throw forbidden(`该工单已退单 ${ticket.returnCount} 次，须由值班长审核`);
      }
      const returnedBy = ticket.leadDepartmentId!;
      const reviewed = {
        returnedByDepartmentId: returnedBy,
        ...(ticket.catalogEntryId !== null ? { returnedCatalogEntryId: ticket.catalogEntryId } : {}),
      };
      if (body.decision === 'reject') {
        const lead = await repo.findActiveAssignment(trx, ticket.id, returnedBy);
        await repo.setAssignmentStatus(trx, lead!.id, 'dispatched');
        const assignment = await deps.dispatcher.assignee(trx, returnedBy, ticket.categoryId);
        return {
          patch: { assigneeUserId: assignment.userId },
          reason: body.note,
          data: { decision: 'reject', ...reviewed, countsAgainstDepartmentId: returnedBy, assignment },
        };
      }
      if (body.departmentId === returnedBy) throw invalid('同意退单须改派到其他部门');
      await moveLead(trx, ticket.id, body.departmentId);
      // The catalog sent it to the wrong place: flag the entry for correction.
      if (ticket.catalogEntryId !== null)
        await deps.dispatcher.flagEntry(trx, ticket.catalogEntryId, `工单 ${ticket.number} 退单成立（${body.note}）`);
      const assignment = await deps.dispatcher.assignee(trx, body.departmentId, ticket.categoryId);
      return {
        patch: { leadDepartmentId: body.departmentId, assigneeUserId: assignment.userId, catalogEntryId: null, catalogVersion: null },
        reason: body.note,
        data: {
          decision: 'uphold',
          ...reviewed,
          fromDepartmentId: returnedBy,
          departmentId: body.departmentId,
          flaggedCatalogEntryId: ticket.catalogEntryId,
          assignment,
        },
      };
    },

    transfer: async ({ trx, ticket }, body) => {
      if (body.departmentId === ticket.leadDepartmentId) throw invalid('该工单已在此部门');
      await moveLead(trx, ticket.id, body.departmentId);
      const assignment = await deps.dispatcher.assignee(trx, body.departmentId, ticket.categoryId);
      return {
        patch: { leadDepartmentId: body.departmentId, assigneeUserId: assignment.userId, catalogEntryId: null, catalogVersion: null },
        reason: body.note,
        data: { fromDepartmentId: ticket.leadDepartmentId, departmentId: body.departmentId, assignment },
      };
    },

    add_assist: async ({ trx, ticket }, body) => {
      const ids = await addAssists(trx, ticket.id, body.departmentIds);
      return { reason: body.note ?? null, data: { departmentIds: ids }, notifyDepartmentIds: ids };
    },

    assist_sign_for: async ({ trx, relation }, body) => {
      if (relation.assignment!.status !== 'dispatched')
        throw new AppError('INVALID_TRANSITION', `你的分配状态为 ${relation.assignment!.status}，不在待签收状态`);
      await repo.setAssignmentStatus(trx, relation.assignment!.id, 'accepted');
      return { reason: body.note ?? null, data: { departmentId: relation.assignment!.departmentId } };
    },

    assist_report: async ({ trx, relation }, body) => {
      if (!['dispatched', 'accepted'].includes(relation.assignment!.status)) {
        throw new AppError('INVALID_TRANSITION', `你的分配状态为 ${relation.assignment!.status}，无需反馈`);
      }
      await repo.setAssignmentStatus(trx, relation.assignment!.id, 'reported', { reportText: body.text });
      return { data: { departmentId: relation.assignment!.departmentId, text: body.text } };
    },

    release_assist: async ({ trx, ticket }, body) => {
      const assignment = await repo.findActiveAssignment(trx, ticket.id, body.departmentId);
      if (!assignment || assignment.role !== 'assist') throw invalid(`部门 ${body.departmentId} 不是该工单的协办部门`);
      if (assignment.status === 'released') throw conflict('该部门已解除协办');
      await repo.setAssignmentStatus(trx, assignment.id, 'released');
      return { reason: body.note, data: { departmentId: body.departmentId } };
    },

    reply: async ({ trx, ticket }, body) => {
      if (ticket.supervisionPending) throw conflict('该工单正在督办，请先书面反馈督办（answer_supervision）');
      // The lead answers for everyone, so every assisting department must have reported or been released.
      const waiting = (await repo.listAssignments(trx, ticket.id, true)).filter(
        (a) => a.role === 'assist' && !['reported', 'released'].includes(a.status),
      );
      if (waiting.length > 0) {
        throw conflict(`等待协办部门 ${waiting.map((a) => a.departmentId).join('、')} 反馈或解除协办`, {
          waitingDepartmentIds: waiting.map((a) => a.departmentId),
        });
      }
      const photoIds = [...new Set(body.photoIds)];
      const foreign = await repo.notMediaOfTicket(trx, ticket.id, photoIds);
      if (foreign.length > 0) throw invalid(`照片 ${foreign.join('、')} 不属于该工单，请先上传到该工单`);
      const result = body.result ?? (body.solved ? 'solved' : 'unsolvable');
      const solved = result === 'solved';
      return {
        patch: { replyText: body.text, replySolved: solved, replyResult: result, repliedAt: new Date() },
        data: { text: body.text, solved, result, ...(photoIds.length > 0 ? { photoIds } : {}) },
      };
    },

    contact_citizen: async ({ ticket }, body) => ({
      patch: ticket.firstContactAt === null ? { firstContactAt: new Date() } : {},
      reason: body.note ?? null,
      data: { method: body.method, first: ticket.firstContactAt === null },
    }),

    pause_clocks: async ({ ticket }, body) => {
      if (ticket.clocksPaused) throw conflict('计时已暂停');
      return { patch: { clocksPaused: true }, reason: body.reason };
    },

    resume_clocks: async ({ ticket }, body) => {
      if (!ticket.clocksPaused) throw conflict('计时未暂停');
      return { patch: { clocksPaused: false }, reason: body.note ?? null };
    },

    request_extension: async ({ trx, ticket, actor, relation }, body) => {
      if (body.requestedDueAt.getTime() <= Date.now()) throw invalid('申请的期限（requestedDueAt）必须晚于现在');
      if (ticket.replyDueAt && body.requestedDueAt <= ticket.replyDueAt) throw invalid('申请的期限（requestedDueAt）必须晚于当前期限');
      if (await repo.findPendingExtension(trx, ticket.id)) throw conflict('该工单已有待审批的延期申请');
      const request = await repo.insertExtensionRequest(trx, {
        ticketId: ticket.id,
        departmentId: relation.assignment!.departmentId,
        requestedBy: (actor as UserActor).userId,
        reason: body.reason,
        requestedDueAt: body.requestedDueAt,
      });
      return { reason: body.reason, data: { extensionRequestId: request.id, requestedDueAt: body.requestedDueAt } };
    },

    decide_extension: async ({ trx, ticket, actor }, body) => {
      const pending = await repo.findPendingExtension(trx, ticket.id);
      if (!pending) throw conflict('该工单没有待审批的延期申请');
      const approvedDueAt = body.decision === 'approve' ? (body.approvedDueAt ?? pending.requestedDueAt) : null;
      if (approvedDueAt && approvedDueAt.getTime() <= Date.now()) throw invalid('批准的期限（approvedDueAt）必须晚于现在');
      await repo.decideExtension(trx, pending.id, {
        status: body.decision === 'approve' ? 'approved' : 'rejected',
        approvedDueAt,
        decidedBy: actor.kind === 'user' ? actor.userId : null,
        note: body.note ?? null,
      });
      return {
        patch: approvedDueAt ? { replyDueAt: approvedDueAt } : {},
        reason: body.note ?? null,
        data: { extensionRequestId: pending.id, decision: body.decision, approvedDueAt },
        notifyDepartmentIds: [pending.departmentId],
      };
    },

    urge: async ({ ticket }, body) => ({
      patch: { urgeCount: ticket.urgeCount + 1 },
      reason: body.note,
      data: { urgeNumber: ticket.urgeCount + 1 },
    }),

    supervise: async (_c, body) => ({
      patch: { supervised: true, supervisionPending: true, ...(body.replyDueAt ? { replyDueAt: body.replyDueAt } : {}) },
      reason: body.note,
      data: body.replyDueAt ? { replyDueAt: body.replyDueAt } : {},
    }),

    answer_supervision: async ({ ticket }, body) => {
      if (!ticket.supervisionPending) throw conflict('该工单没有待反馈的督办');
      return { patch: { supervisionPending: false }, data: { text: body.text } };
    },

    resolve_directly: async (_c, body) => {
      const now = new Date();
      const articleId = body.articleId ?? null;
      return {
        patch: {
          directlyResolved: true,
          replyText: body.answer,
          replySolved: true,
          replyResult: 'solved',
          repliedAt: now,
          closedAt: now,
          answerArticleId: articleId,
        },
        // On the timeline: what the citizen was told (a ticket handed back shows the answer they did not accept).
        reason: body.answer,
        data: articleId === null ? { answer: body.answer } : { answer: body.answer, articleId },
      };
    },

    close: async (_c, body) => ({ patch: { closedAt: new Date() }, reason: body.note ?? null }),

    cancel: async (_c, body) => ({ patch: { closedAt: new Date() }, reason: body.reason }),

    reopen: async ({ trx, ticket }, body) => {
      const lead = ticket.leadDepartmentId === null ? undefined : await repo.findActiveAssignment(trx, ticket.id, ticket.leadDepartmentId);
      if (lead) await repo.setAssignmentStatus(trx, lead.id, 'dispatched');
      return {
        patch: {
          reopenCount: ticket.reopenCount + 1,
          replyText: null,
          replySolved: null,
          replyResult: null,
          repliedAt: null,
          assigneeUserId: null,
        },
        reason: body.reason,
        data: {
          previousReply: { text: ticket.replyText, solved: ticket.replySolved, at: ticket.repliedAt },
          reopenNumber: ticket.reopenCount + 1,
        },
      };
    },

    // Back to 待分拨 as if the answer had not been given (it is kept on the timeline): no longer 直接办结.
    hand_to_person: async ({ ticket }, body) => {
      if (!ticket.directlyResolved) throw conflict('只有直接答复的工单才能转人工');
      return {
        patch: {
          directlyResolved: false,
          replyText: null,
          replySolved: null,
          replyResult: null,
          repliedAt: null,
          closedAt: null,
          answerArticleId: null,
        },
        reason: body.text,
        data: { previousAnswer: { text: ticket.replyText, articleId: ticket.answerArticleId, at: ticket.repliedAt }, text: body.text },
      };
    },

    merge: async ({ trx, ticket, actor }, body) => {
      if (body.intoTicketId === ticket.id) throw invalid('工单不能并入自身');
      const main = await repo.lockTicket(trx, body.intoTicketId);
      if (!main) throw invalid(`工单 ${body.intoTicketId} 不存在`);
      if (main.mergedIntoId !== null || main.status === 'cancelled' || main.status === 'closed') {
        throw conflict(
          `工单 ${main.number} 为${ticketStatusLabels[main.status]}${main.mergedIntoId ? '（已并单）' : ''}，不能再并入重复件`,
        );
      }
      const duplicates = [ticket.contactId, ...(await repo.listRequesterContactIds(trx, ticket.id)).map((r) => r.contactId)].filter(
        (id): id is number => id !== null && id !== main.contactId,
      );
      await repo.linkRequesters(trx, main.id, duplicates, ticket.id);
      await repo.updateTicketWithEvent(
        trx,
        main.id,
        { version: main.version + 1 },
        {
          type: 'merge_received',
          actor,
          fromStatus: main.status,
          toStatus: main.status,
          reason: body.reason ?? null,
          data: { duplicateTicketId: ticket.id, duplicateNumber: ticket.number, linkedContactIds: duplicates },
        },
      );
      return {
        patch: { mergedIntoId: main.id, closedAt: new Date() },
        reason: body.reason ?? null,
        data: { mergedIntoId: main.id, mergedIntoNumber: main.number },
      };
    },

    note: async (_c, body) => ({ reason: null, data: { text: body.text } }),

    set_matter: async ({ trx, ticket }, body) => {
      if (ticket.requestType !== 'proxy') throw invalid('只有代办申请（requestType proxy）才有代办事项');
      const matter = await deps.matters.servable(trx, body.matter, body.serviceMode, { bundles: true });
      if (body.regionId !== undefined && !(await findRegionById(trx, body.regionId))) throw invalid(`区域 ${body.regionId} 不存在`);
      return {
        patch: { matter: matter.name, ...(body.regionId !== undefined ? { regionId: body.regionId } : {}) },
        data: {
          matter: matter.name,
          matterId: matter.matterId,
          scenarioId: matter.scenarioId,
          serviceMode: body.serviceMode,
          regionId: body.regionId,
        },
      };
    },

    flag_hard_case: async ({ trx, ticket, actor }, body) => {
      if (ticket.hardCase) throw conflict('该工单已是办不成事');
      // At the window (the department's staff) or from a hotline complaint (the center), unless the hub found it.
      let source: HardCaseSource =
        body.source ?? (actor.kind === 'user' && (departmentRoles as readonly string[]).includes(actor.role) ? 'window' : 'hotline');
      if (body.candidateId !== undefined) {
        const taken = await hardCases.takeCandidate(trx, body.candidateId, ticket.id, actor.kind === 'user' ? actor.userId : null);
        if (!taken) throw conflict(`候选 ${body.candidateId} 不是该工单待处理的办不成事候选`);
        source = taken.reason === 'unsatisfied_callback' ? 'callback' : 'system';
      }
      await hardCases.insertHardCase(trx, { ticketId: ticket.id, kind: body.kind, source });
      return {
        patch: { hardCase: true },
        reason: body.reason,
        data: { kind: body.kind, source, ...(body.candidateId !== undefined ? { candidateId: body.candidateId } : {}) },
      };
    },

    hard_case_handle: async ({ trx, ticket }, body) => {
      const hardCase = await openHardCase(trx, ticket);
      if (hardCase.handledAt) throw conflict(`该办不成事已处理（${hardCaseHandlingLabels[hardCase.kind ?? 'difficult']}）`);
      const kind = hardCase.kind;
      if (kind === 'cannot' && !body.policyBasis) throw invalid('不能办：请给出所违反的法律或政策依据（policyBasis）');
      if (kind === 'difficult' && (!body.deferredItems || !body.promisedBy))
        throw invalid('很难办：请列出容缺受理的材料（deferredItems）和承诺补齐日期（promisedBy）');
      if (kind === 'special' && !body.specialMode) throw invalid('特殊办：请说明安排的服务方式（specialMode）');
      const handling = {
        text: body.text,
        ...(body.policyBasis ? { policyBasis: body.policyBasis } : {}),
        ...(body.deferredItems ? { deferredItems: body.deferredItems, promisedBy: body.promisedBy } : {}),
        ...(body.specialMode ? { specialMode: body.specialMode } : {}),
        ...(body.appointmentAt ? { appointmentAt: body.appointmentAt.toISOString() } : {}),
      };
      await hardCases.updateHardCase(trx, ticket.id, { handledAt: new Date(), handling });
      return { reason: body.text, data: { kind, ...handling } };
    },

    hard_case_rep_onsite: async ({ ticket }, body) => hardCaseStep(ticket, body.note),
    hard_case_head_onsite: async ({ trx, ticket }, body) => {
      const result = await hardCaseStep(ticket, body.note);
      const hardCase = await openHardCase(trx, ticket);
      if (hardCase.level === 'window') await hardCases.updateHardCase(trx, ticket.id, { level: 'department' });
      return result;
    },

    // Not finished on site: a 帮代办 order under the window's chief representative (the proxy hook opens it).
    hard_case_to_proxy: async ({ trx, ticket }, body) => {
      await openHardCase(trx, ticket);
      if (await hardCases.followUpOrder(trx, ticket.id)) throw conflict('该办不成事已转为帮代办订单');
      const representative = await findUserById(trx, body.representativeUserId);
      if (
        !representative?.active ||
        !['agent', 'dept_head'].includes(representative.role) ||
        representative.departmentId !== ticket.leadDepartmentId
      )
        throw invalid(`用户 ${body.representativeUserId} 不是主办部门的在职人员（窗口首席代表）`);
      const matter = await deps.matters.servable(trx, body.matter, body.serviceMode);
      return {
        patch: { matter: matter.name },
        reason: body.note,
        data: {
          representativeUserId: representative.id,
          representativeName: representative.displayName,
          matter: matter.name,
          matterId: matter.matterId,
          serviceMode: body.serviceMode ?? 'full_proxy',
        },
      };
    },

    escalate_hard_case: async ({ trx, ticket }, body) => {
      const hardCase = await openHardCase(trx, ticket);
      if (hardCase.level === 'county' || hardCase.level === 'meeting') throw conflict('该办不成事已报县领导');
      const leader = await findUserById(trx, body.leaderUserId);
      if (!leader || !leader.active || leader.role !== 'county_leader')
        throw invalid(`用户 ${body.leaderUserId} 不是在职的县政府分管负责人`);
      await hardCases.updateHardCase(trx, ticket.id, { level: 'county', leaderUserId: leader.id, reportedAt: new Date() });
      return { reason: body.reason, data: { leaderUserId: leader.id, leaderName: leader.displayName } };
    },

    joint_dispatch: async ({ trx, ticket, actor }, body) => {
      const hardCase = await reportedHardCase(trx, ticket, actor);
      const ids = await addAssists(trx, ticket.id, body.departmentIds);
      await hardCases.updateHardCase(trx, ticket.id, {
        jointDepartmentIds: [...new Set([...hardCase.jointDepartmentIds, ...ids])],
        jointDispatchedAt: new Date(),
      });
      return {
        reason: body.instruction,
        data: { departmentIds: ids },
        notifyDepartmentIds: [...ids, ...(ticket.leadDepartmentId ? [ticket.leadDepartmentId] : [])],
      };
    },

    record_meeting_decision: async ({ trx, ticket, actor }, body) => {
      await reportedHardCase(trx, ticket, actor);
      const meeting = { meeting: body.meeting, heldOn: body.heldOn, decision: body.decision };
      await hardCases.updateHardCase(trx, ticket.id, { level: 'meeting', meeting });
      return { reason: body.decision, data: meeting };
    },

    record_accountability: async ({ trx, ticket, actor }, body) => {
      const hardCase = await hardCases.findHardCase(trx, ticket.id);
      if (!hardCase) throw conflict('该工单未标记为办不成事');
      if (hardCase.kind !== 'refused')
        throw conflict(
          `问责只针对${hardCaseKindLabels.refused}事项，该事项为${hardCase.kind ? hardCaseKindLabels[hardCase.kind] : '未分类'}`,
        );
      const [department] = await findDepartmentsByIds(trx, [body.departmentId]);
      if (!department) throw invalid(`部门 ${body.departmentId} 不存在`);
      if (body.personUserId !== undefined && !(await findUserById(trx, body.personUserId)))
        throw invalid(`用户 ${body.personUserId} 不存在`);
      const recordId = await hardCases.insertAccountability(trx, {
        ticketId: ticket.id,
        departmentId: department.id,
        personName: body.personName,
        personUserId: body.personUserId ?? null,
        finding: body.finding,
        outcome: body.outcome,
        outcomeNote: body.outcomeNote ?? null,
        recordedBy: (actor as UserActor).userId,
      });
      return {
        reason: body.finding,
        data: {
          recordId,
          departmentId: department.id,
          departmentName: department.name,
          personName: body.personName,
          outcome: body.outcome,
        },
      };
    },

    hard_case_answer: async ({ trx, ticket }, body) => {
      const hardCase = await openHardCase(trx, ticket);
      if (hardCase.kind && !hardCase.handledAt)
        throw conflict(`${hardCaseKindLabels[hardCase.kind]}：须先${hardCaseHandlingLabels[hardCase.kind]}，再答复（hard_case_handle）`);
      if (hardCase.kind === 'refused' && (await hardCases.countAccountability(trx, ticket.id)) === 0)
        throw conflict(`${hardCaseKindLabels.refused}：须先登记问责，再答复`);
      const order = await hardCases.followUpOrder(trx, ticket.id);
      if (order && !['done', 'cancelled'].includes(order.status))
        throw conflict(`该事项的帮代办订单（${order.id}）尚未办结，办结后才能答复`);
      await hardCases.updateHardCase(trx, ticket.id, { answeredAt: new Date() });
      return { reason: null, data: { text: body.text } };
    },

    reveal_contact: async ({ trx, ticket, actor }, body) => {
      const contact = contactAsGiven(
        ticket.contactId === null ? undefined : (await findContacts(trx, [ticket.contactId]))[0],
        ticket.caller,
      );
      if (!contact || contact.anonymous) throw notFound('联系方式（诉求人匿名）');
      if (contact.confidential) throw forbidden('诉求人要求保密，联系须经热线中心');
      // Audited twice, in this transaction: the ticket's timeline, and the audit log (who, when, from where).
      await audit(trx, {
        action: 'contact.revealed',
        actor: actor.kind === 'user' ? { userId: actor.userId, name: actor.displayName } : null,
        target: `ticket:${ticket.id}`,
        ip: actor.kind === 'user' ? actor.address : null,
        details: { ticketNumber: ticket.number, contactId: contact.id, purpose: body.purpose },
      });
      return {
        reason: body.purpose,
        data: { contactId: contact.id },
        response: { contact: presentContact(contact, systemActor('reveal')) },
      };
    },
  };
}

async function hardCaseStep(ticket: TicketRecord, note: string): Promise<ApplyResult> {
  if (!ticket.hardCase) throw conflict('该工单未标记为办不成事');
  return { reason: note };
}

/** New assisting departments on a ticket (增加协办, 联办): dispatchable, none already on it. The ids, once each. */
async function addAssists(trx: Tx, ticketId: number, departmentIds: readonly number[]): Promise<number[]> {
  const ids = [...new Set(departmentIds)];
  await checkDispatchable(trx, ids);
  const active = await repo.listAssignments(trx, ticketId, true);
  const already = ids.filter((id) => active.some((a) => a.departmentId === id));
  if (already.length > 0) throw conflict(`部门 ${already.join('、')} 已在办理该工单`);
  await repo.insertAssignments(
    trx,
    ticketId,
    ids.map((departmentId) => ({ departmentId, role: 'assist' as const })),
  );
  return ids;
}

/** An open hard case the acting county leader was reported (联办): only they act on it. */
async function reportedHardCase(trx: Tx, ticket: TicketRecord, actor: Actor): Promise<hardCases.HardCaseRecord> {
  const hardCase = await openHardCase(trx, ticket);
  if (actor.kind !== 'user' || hardCase.leaderUserId !== actor.userId) throw forbidden('只有接报的分管县领导可以处理');
  return hardCase;
}

/** The hard case of a flagged ticket, not answered yet. */
async function openHardCase(trx: Tx, ticket: TicketRecord): Promise<hardCases.HardCaseRecord> {
  const hardCase = ticket.hardCase ? await hardCases.findHardCase(trx, ticket.id) : undefined;
  if (!hardCase) throw conflict('该工单未标记为办不成事');
  if (hardCase.answeredAt) throw conflict('该办不成事已答复');
  return hardCase;
}

/** The lead moves to another department: the old lead assignment ends, a new one starts. */
async function moveLead(trx: Tx, ticketId: number, departmentId: number): Promise<void> {
  await checkDispatchable(trx, [departmentId]);
  const existing = await repo.findActiveAssignment(trx, ticketId, departmentId);
  if (existing) throw conflict(`部门 ${departmentId} 已是该工单的${existing.role === 'lead' ? '主办' : '协办'}部门，请先解除`);
  await repo.endAssignments(trx, ticketId, 'lead');
  await repo.insertAssignments(trx, ticketId, [{ departmentId, role: 'lead' }]);
}

async function checkDispatchable(trx: Tx, departmentIds: readonly number[]): Promise<void> {
  const unique = [...new Set(departmentIds)];
  const departments = await findDepartmentsByIds(trx, unique);
  for (const id of unique) {
    const department = departments.find((d) => d.id === id);
    if (!department || !department.active) throw invalid(`部门 ${id} 不存在或已停用`);
    if (department.kind === 'center') throw invalid(`部门 ${id} 是热线中心本身，请派给承办部门`);
  }
}
