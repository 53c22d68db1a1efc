import { audit } from '../auth/audit';
import { findContacts, type ContactRecord } from '../contacts/contacts.repository';
import { isCenterActor, systemActor, type Actor, type UserActor } from '../shared/roles';
import type { Db, Tx } from '../db/db';
import type { JobQueue } from '../jobs/queue';
import type { NotifyService } from '../notify/notify.service';
import { citizenChannelOf, enqueueOutbox, type NewOutboxMessage } from '../notify/outbox.repository';
import { findDepartmentsByIds } from '../org/departments.repository';
import { findRegionById } from '../org/regions.repository';
import { chooseAssignee, type AssignmentChoice } from '../routing/assignment';
import { RoutingService } from '../routing/routing.service';
import { groupCommit } from '../shared/group-commit';
import { AppError, conflict, forbidden, invalid, notFound } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { normalizePhone } from '../shared/phone';
import { findCategoryById } from '../triage/categories.repository';
import { recordLabel } from '../triage/labels.repository';
import { triageJobs } from '../triage/triage.jobs';
import { checkRule, lifecycle, type ActorRole, type TicketAction } from './ticket-lifecycle';
import type { ActionBody, CreateTicketInput, ListTicketsQuery } from './ticket.schemas';
import {
  contactAsGiven,
  presentContact,
  presentDetail,
  presentSummary,
  summarizeTitle,
  type TicketDetail,
  type TicketSummary,
} from './ticket-view';
import { returnReasonLabels, type AssignmentRecord, type TicketPatch, type TicketRecord } from './ticket.types';
import * as repo from './tickets.repository';
import { flagEntry } from '../routing/catalog.repository';
import type { ClockService, Planned } from '../sla/clocks.service';
import { callbackTransition } from '../callback/callbacks.service';
import { proxyTransition, type JobRequest } from '../proxy/proxy.service';
import { servableMatter } from '../proxy/matters';

/** Actions that change nothing a department's card shows. */
const chatSilent = new Set<TicketAction>(['classify', 'note', 'reveal_contact']);

/** How the acting user's department stands to a ticket. */
interface Relation {
  visible: boolean;
  isLead: boolean;
  isAssist: boolean;
  assignment?: AssignmentRecord;
}

interface ApplyContext {
  trx: Tx;
  ticket: TicketRecord;
  actor: Actor;
  relation: Relation;
}

interface ApplyResult {
  patch?: TicketPatch;
  reason?: string | null;
  data?: Record<string, unknown>;
  /** Departments to notify when the rule notifies departments; defaults to the lead department after the change. */
  notifyDepartmentIds?: number[];
  /** Answer something other than the ticket (reveal_contact). */
  response?: unknown;
}

type Applier<A extends TicketAction> = (context: ApplyContext, body: ActionBody<A>) => Promise<ApplyResult>;

const actorRole = (actor: Actor): ActorRole => (actor.kind === 'user' ? actor.role : 'system');

/** Use cases of the ticket: create, read, and every lifecycle action through one transition runner. */
export class TicketsService {
  constructor(
    private readonly db: Db,
    private readonly queue: JobQueue,
    private readonly notify: NotifyService,
    private readonly routing: RoutingService,
    private readonly clocks: ClockService,
    private readonly logger: Logger,
    private readonly options: { returnWindowHours: number; chat: false | { supervisorChannel?: string } },
  ) {}

  /**
   * The creations of one moment are written by one statement and their triage jobs enqueued by one
   * call (group commit): a burst costs one round trip to PostgreSQL and one to the queue, not one
   * each per ticket. A creation the database refuses fails alone.
   */
  private readonly insert = groupCommit(
    (batch: readonly repo.NewTicket[]) => repo.insertTickets(this.db, batch),
    async (inserted) => {
      const triage = triageJobs(inserted.flatMap((one) => (one ? [one.ticket.id] : [])));
      await this.afterCommit('ticket.triage', () => this.queue.enqueueMany('ticket.triage', triage));
    },
  );

  async create(actor: UserActor, input: CreateTicketInput): Promise<TicketDetail> {
    let phone: string | undefined;
    if (input.caller?.phone) {
      phone = normalizePhone(input.caller.phone);
      if (!phone) throw invalid(`caller.phone "${input.caller.phone}" is not a valid phone number`);
    }
    const caller = input.caller;
    // A 代办 request names a matter of the catalog, in a way that matter may be served.
    if (input.proxy) await servableMatter(this.db, input.proxy.matter, input.proxy.serviceMode);
    // The dispatch clock starts from created_at with the first action on the ticket (the classifier's).
    const inserted = await this.insert({
      channel: input.channel,
      requestType: input.requestType,
      urgency: input.urgency,
      categoryId: input.categoryId ?? null,
      title: input.title ?? (input.proxy ? `代办：${input.proxy.matter}` : summarizeTitle(input.description)),
      description: input.description,
      address: input.address ?? input.proxy?.applicantAddress ?? null,
      regionId: input.regionId ?? null,
      matter: input.proxy?.matter ?? null,
      createdBy: actor.userId,
      caller: caller
        ? {
            phone: phone ?? null,
            name: caller.name ?? null,
            idNumber: caller.idNumber ?? null,
            anonymous: caller.anonymous,
            confidential: caller.confidential,
          }
        : null,
      createdEvent: { actor, data: { channel: input.channel, ...(input.proxy ? { proxy: input.proxy } : {}) } },
    });
    if (!inserted) throw await this.invalidReference(input);
    const { ticket, contact, category, region, eventId } = inserted;
    // Answered from what was just written: a new ticket has no assignments, requesters or other events yet.
    return presentDetail(
      {
        ...ticket,
        categoryCode: category?.code ?? null,
        categoryName: category?.name ?? null,
        regionName: region?.name ?? null,
        leadDepartmentName: null,
        overdueNow: false,
      },
      {
        contact,
        requesters: [],
        assignments: [],
        extensions: [],
        events: [
          {
            id: eventId,
            ticketId: ticket.id,
            type: 'created',
            actorKind: 'user',
            actorUserId: actor.userId,
            actorName: actor.displayName,
            fromStatus: null,
            toStatus: 'new',
            reason: null,
            data: { channel: input.channel, ...(input.proxy ? { proxy: input.proxy } : {}) },
            createdAt: ticket.createdAt,
          },
        ],
        mergedIntoNumber: null,
      },
      actor,
    );
  }

  async list(actor: UserActor, query: ListTicketsQuery): Promise<{ items: TicketSummary[]; nextCursor: string | null }> {
    let regionPath: string | undefined;
    if (query.regionId) {
      const region = await findRegionById(this.db, query.regionId);
      if (!region) throw invalid(`region ${query.regionId} does not exist`);
      regionPath = region.path;
    }
    const rows = await repo.listTickets(this.db, {
      visibleToDepartmentId: isCenterActor(actor) ? undefined : (actor.departmentId ?? -1),
      statuses: query.status,
      leadDepartmentId: query.departmentId,
      categoryId: query.categoryId,
      requestType: query.requestType,
      urgency: query.urgency,
      channel: query.channel,
      regionPath,
      createdFrom: query.from ? new Date(query.from) : undefined,
      createdTo: query.to ? new Date(query.to) : undefined,
      overdue: query.overdue,
      assigneeUserId:
        query.assignee === undefined
          ? undefined
          : query.assignee === 'me'
            ? actor.userId
            : query.assignee === 'none'
              ? null
              : Number(query.assignee),
      text: query.q,
      beforeId: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const [contacts, provisional] = await Promise.all([this.contactsById(page.map((r) => r.contactId)), this.clocks.provisionalCheck()]);
    return {
      items: page.map((row) => presentSummary(row, row.contactId === null ? undefined : contacts.get(row.contactId), actor, provisional)),
      nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]!.id) : null,
    };
  }

  async get(actor: Actor, id: number): Promise<TicketDetail> {
    const [row] = await repo.listTickets(this.db, { id, limit: 1 });
    if (!row) throw notFound('ticket');
    const relation = await this.relationOf(this.db, actor, row.id);
    if (!relation.visible) throw notFound('ticket');
    const [assignments, extensions, events, requesterLinks, mergedInto, provisional] = await Promise.all([
      repo.listAssignments(this.db, id),
      repo.listExtensionRequests(this.db, id),
      repo.listEvents(this.db, id),
      repo.listRequesterContactIds(this.db, id),
      row.mergedIntoId ? repo.findTicket(this.db, row.mergedIntoId) : undefined,
      this.clocks.provisionalCheck(),
    ]);
    const departments = new Map(
      (await findDepartmentsByIds(this.db, [...new Set(assignments.map((a) => a.departmentId))])).map((d) => [d.id, d.name]),
    );
    const contacts = await this.contactsById([row.contactId, ...requesterLinks.map((r) => r.contactId)]);
    return presentDetail(
      row,
      {
        contact: row.contactId === null ? undefined : contacts.get(row.contactId),
        requesters: requesterLinks.map((r) => ({ contact: contacts.get(r.contactId), sourceTicketId: r.sourceTicketId })),
        assignments: assignments.map((a) => ({ ...a, departmentName: departments.get(a.departmentId) ?? '' })),
        extensions,
        events,
        mergedIntoNumber: mergedInto?.number ?? null,
      },
      actor,
      provisional,
    );
  }

  /** Whether the actor may perform the action now (role, department, status): a refusal message, or undefined. */
  async refusal(actor: Actor, ticketId: number, action: TicketAction): Promise<string | undefined> {
    const ticket = await repo.findTicket(this.db, ticketId);
    const relation = ticket ? await this.relationOf(this.db, actor, ticket.id) : undefined;
    if (!ticket || !relation?.visible) return 'ticket not found (or not your department’s)';
    const verdict = checkRule(action, actorRole(actor), ticket.status, relation);
    return verdict.ok ? undefined : verdict.message;
  }

  /**
   * Every lifecycle action: the rule is checked, then one transaction writes ticket, event and outbox rows.
   * Callers that answer nobody (jobs) pass readBack: false and get the ticket as the action left it, not read again.
   */
  async perform<A extends TicketAction>(
    actor: Actor,
    ticketId: number,
    action: A,
    body: ActionBody<A>,
    options: { readBack: false },
  ): Promise<TicketRecord>;
  async perform<A extends TicketAction>(
    actor: Actor,
    ticketId: number,
    action: A,
    body: ActionBody<A>,
    options?: { readBack?: true },
  ): Promise<TicketDetail | unknown>;
  async perform<A extends TicketAction>(
    actor: Actor,
    ticketId: number,
    action: A,
    body: ActionBody<A>,
    options: { readBack?: boolean } = {},
  ): Promise<TicketDetail | unknown> {
    const rule = lifecycle[action];
    const role = actorRole(actor);
    if (!rule.actors.includes(role)) throw forbidden(`${role} may not ${rule.label} (${action})`);

    const outcome = await this.db.transaction(async (trx) => {
      const ticket = await repo.lockTicket(trx, ticketId);
      if (!ticket) throw notFound('ticket');
      const relation = await this.relationOf(trx, actor, ticket.id);
      if (!relation.visible) throw notFound('ticket');
      const verdict = checkRule(action, role, ticket.status, relation);
      if (!verdict.ok) {
        throw verdict.reason === 'status'
          ? new AppError('INVALID_TRANSITION', verdict.message, { status: ticket.status, allowedFrom: rule.from })
          : forbidden(verdict.message);
      }
      const expected = (body as { expectedVersion?: number }).expectedVersion;
      if (expected !== undefined && expected !== ticket.version) {
        throw conflict(`the ticket changed since version ${expected}; reload it`, { version: ticket.version });
      }

      const applier = this.appliers[action] as Applier<A>;
      const result = await applier({ trx, ticket, actor, relation }, body);
      const toStatus = rule.to ?? ticket.status;
      const version = ticket.version + 1;
      const changed: TicketRecord = { ...ticket, ...result.patch, status: toStatus, version };
      // The stage clocks follow the action (src/sla/clock-transitions.ts), in this transaction; the
      // deadlines they leave are cached on the ticket in the same write as the action's change.
      const planned: Planned = await this.clocks.onTransition(trx, {
        action,
        ticket: changed,
        actor,
        reason: result.reason ?? null,
        data: result.data,
        replyDueAt: result.patch?.replyDueAt,
      });
      const patch = { ...result.patch, ...planned.deadlines, status: toStatus, version };
      await repo.updateTicketWithEvent(trx, ticket.id, patch, {
        type: action,
        actor,
        fromStatus: ticket.status,
        toStatus,
        reason: result.reason ?? null,
        data: result.data,
      });
      const after: TicketRecord = { ...ticket, ...patch };
      // A reply schedules the callback (回访); reopening or closing ends one still open.
      await callbackTransition(trx, action, after);
      // A 代办 ticket with a runner team gets its order (src/proxy), offered to a runner after commit.
      const jobs: JobRequest[] = await proxyTransition(trx, action, after);
      // Without Slack there are no cards to update: no query on every action.
      const chatChannels = !this.options.chat || chatSilent.has(action) ? [] : await repo.chatChannelsOf(trx, ticket.id);
      const outboxRows = await enqueueOutbox(trx, this.notices(action, after, result, chatChannels));
      return { ...result, outboxRows, planned, jobs, after };
    });
    await this.afterCommit('notify', () => this.notify.written(outcome.outboxRows));
    await this.afterCommit('sla.schedule', () => this.clocks.schedule(outcome.planned.alerts, outcome.planned.now));
    for (const job of outcome.jobs)
      await this.afterCommit(job.name, () => this.queue.enqueue(job.name, job.payload as never, { jobId: job.jobId }));
    if (options.readBack === false) return outcome.after;
    if (outcome.response !== undefined) return outcome.response;
    return this.get(actor, ticketId);
  }

  private notices(action: TicketAction, ticket: TicketRecord, result: ApplyResult, chatChannels: readonly string[]): NewOutboxMessage[] {
    const messages: NewOutboxMessage[] = [];
    // The departments' Slack cards show the ticket as it is when delivered; one row per channel and version.
    for (const chatChannel of chatChannels) {
      messages.push({
        kind: 'chat.ticket_card',
        channel: 'slack',
        recipient: { chatChannel },
        payload: { ticketId: ticket.id, action },
        ticketId: ticket.id,
        dedupeKey: `chat:${ticket.id}:${ticket.version}:${chatChannel}`,
      });
    }
    // The third return is the supervisors' to review (派单异议审核).
    const supervisorChannel = this.options.chat ? this.options.chat.supervisorChannel : undefined;
    if (action === 'return' && ticket.returnCount >= 3 && supervisorChannel) {
      messages.push({
        kind: 'chat.alert',
        channel: 'slack',
        recipient: { chatChannel: supervisorChannel },
        payload: {
          ticketId: ticket.id,
          text: `工单 ${ticket.number} 已被第 ${ticket.returnCount} 次退单，需督办/值班长审核（退单理由：${result.reason ?? ''}）`,
        },
        ticketId: ticket.id,
        dedupeKey: `chat-alert:${ticket.id}:${ticket.version}`,
      });
    }
    const notify = lifecycle[action].notify ?? [];
    if (notify.includes('citizen') && ticket.contactId !== null) {
      messages.push({
        kind: 'citizen.ticket_status',
        // Citizens hear back where they can be reached: the mini-program, otherwise SMS to their phone.
        channel: citizenChannelOf(ticket.channel),
        recipient: { contactId: ticket.contactId },
        payload: {
          ticketId: ticket.id,
          number: ticket.number,
          action,
          status: ticket.status,
          ...(result.data?.mergedIntoNumber ? { mergedIntoNumber: result.data.mergedIntoNumber } : {}),
        },
        ticketId: ticket.id,
        dedupeKey: `citizen:${ticket.id}:${ticket.version}`,
      });
    }
    if (notify.includes('department')) {
      const departmentIds = result.notifyDepartmentIds ?? (ticket.leadDepartmentId === null ? [] : [ticket.leadDepartmentId]);
      for (const departmentId of departmentIds) {
        messages.push({
          kind: 'department.ticket_action',
          channel: 'department',
          recipient: { departmentId },
          payload: { ticketId: ticket.id, number: ticket.number, action, status: ticket.status },
          ticketId: ticket.id,
          dedupeKey: `department:${ticket.id}:${ticket.version}:${departmentId}`,
        });
      }
    }
    return messages;
  }

  /** One applier per action; the map is total, so a new action without one does not compile. */
  private readonly appliers: { [A in TicketAction]: Applier<A> } = {
    classify: async (_c, body) => ({
      patch: { classification: body.classification, ...body.apply },
      reason: body.classification.category
        ? `${body.classification.category.name}（${Math.round(body.classification.category.confidence * 100)}%）`
        : null,
      data: { classification: body.classification, applied: body.apply },
    }),

    triage: async (_c, body) => ({ reason: body.note ?? null }),

    categorize: async ({ trx, ticket, actor }, body) => {
      const category = await findCategoryById(trx, body.categoryId);
      if (!category || !category.active) throw invalid(`category ${body.categoryId} does not exist or is inactive`);
      await this.recordLabel(trx, ticket, category.code, actor);
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
      const decision = await this.routing.decide(RoutingService.inputOf(ticket));
      const departmentId = body.departmentId ?? decision.department?.id;
      if (departmentId === undefined)
        throw invalid(`the dispatch catalog names no department (${decision.explanation.join('；')}); name departmentId`);
      const followed = decision.department?.id === departmentId;
      const assistDepartmentIds = [...new Set(body.assistDepartmentIds ?? (followed ? decision.assistDepartments.map((d) => d.id) : []))];
      if (assistDepartmentIds.includes(departmentId)) throw invalid('the lead department cannot also assist');
      await this.checkDispatchable(trx, [departmentId, ...assistDepartmentIds]);
      // Dispatching with a category confirms it: a label the classifier learns from (not when the system dispatched on its own guess).
      if (ticket.categoryId !== null && actor.kind === 'user') {
        const category = await findCategoryById(trx, ticket.categoryId);
        if (category) await this.recordLabel(trx, ticket, category.code, actor);
      }
      await repo.insertAssignments(trx, ticket.id, [
        { departmentId, role: 'lead' },
        ...assistDepartmentIds.map((id) => ({ departmentId: id, role: 'assist' as const })),
      ]);
      const assignment = await this.assignWithin(trx, departmentId, ticket.categoryId);
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
        throw forbidden('this ticket is assigned to a colleague; the department head can reassign it');
      }
      await repo.setAssignmentStatus(trx, relation.assignment!.id, 'accepted');
      return { patch: { assigneeUserId: user.userId }, reason: body.note ?? null };
    },

    assign: async ({ trx, ticket }, body) => {
      const user = await trx('users')
        .select('department_id', 'role', 'active', 'display_name')
        .where({ id: body.userId })
        .first<{ department_id: number | null; role: string; active: boolean; display_name: string } | undefined>();
      if (
        !user ||
        !user.active ||
        user.department_id !== ticket.leadDepartmentId ||
        !['agent', 'dept_head', 'runner'].includes(user.role)
      ) {
        throw invalid(`user ${body.userId} is not an active member of the handling department`);
      }
      if (body.userId === ticket.assigneeUserId) throw conflict('the ticket is already assigned to that user');
      return {
        patch: { assigneeUserId: body.userId },
        reason: body.note ?? null,
        data: { fromUserId: ticket.assigneeUserId, userId: body.userId, userName: user.display_name },
      };
    },

    return: async ({ trx, ticket, relation }, body) => {
      const window = this.options.returnWindowHours;
      if (!(await repo.withinHoursOfDispatch(trx, relation.assignment!.id, window))) {
        throw new AppError(
          'INVALID_TRANSITION',
          `a return (退单) is possible within ${window} hours of dispatch; that window has passed — ask the hotline center to transfer the ticket`,
        );
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
        throw forbidden(`this ticket has been returned ${ticket.returnCount} times: a supervisor must review it`);
      }
      const returnedBy = ticket.leadDepartmentId!;
      const reviewed = {
        returnedByDepartmentId: returnedBy,
        ...(ticket.catalogEntryId !== null ? { returnedCatalogEntryId: ticket.catalogEntryId } : {}),
      };
      if (body.decision === 'reject') {
        const lead = await repo.findActiveAssignment(trx, ticket.id, returnedBy);
        await repo.setAssignmentStatus(trx, lead!.id, 'dispatched');
        const assignment = await this.assignWithin(trx, returnedBy, ticket.categoryId);
        return {
          patch: { assigneeUserId: assignment.userId },
          reason: body.note,
          data: { decision: 'reject', ...reviewed, countsAgainstDepartmentId: returnedBy, assignment },
        };
      }
      if (body.departmentId === returnedBy) throw invalid('upholding a return re-dispatches to another department');
      await this.moveLead(trx, ticket.id, body.departmentId);
      // The catalog sent it to the wrong place: flag the entry for correction.
      if (ticket.catalogEntryId !== null) await flagEntry(trx, ticket.catalogEntryId, `工单 ${ticket.number} 退单成立（${body.note}）`);
      const assignment = await this.assignWithin(trx, body.departmentId, ticket.categoryId);
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
      if (body.departmentId === ticket.leadDepartmentId) throw invalid('the ticket is already with that department');
      await this.moveLead(trx, ticket.id, body.departmentId);
      const assignment = await this.assignWithin(trx, body.departmentId, ticket.categoryId);
      return {
        patch: { leadDepartmentId: body.departmentId, assigneeUserId: assignment.userId, catalogEntryId: null, catalogVersion: null },
        reason: body.note,
        data: { fromDepartmentId: ticket.leadDepartmentId, departmentId: body.departmentId, assignment },
      };
    },

    add_assist: async ({ trx, ticket }, body) => {
      const ids = [...new Set(body.departmentIds)];
      await this.checkDispatchable(trx, ids);
      const active = await repo.listAssignments(trx, ticket.id, true);
      const already = ids.filter((id) => active.some((a) => a.departmentId === id));
      if (already.length > 0) throw conflict(`department(s) ${already.join(', ')} already work on this ticket`);
      await repo.insertAssignments(
        trx,
        ticket.id,
        ids.map((departmentId) => ({ departmentId, role: 'assist' as const })),
      );
      return { reason: body.note ?? null, data: { departmentIds: ids }, notifyDepartmentIds: ids };
    },

    assist_sign_for: async ({ trx, relation }, body) => {
      if (relation.assignment!.status !== 'dispatched')
        throw new AppError('INVALID_TRANSITION', `your assignment is ${relation.assignment!.status}, not waiting to be signed for`);
      await repo.setAssignmentStatus(trx, relation.assignment!.id, 'accepted');
      return { reason: body.note ?? null, data: { departmentId: relation.assignment!.departmentId } };
    },

    assist_report: async ({ trx, relation }, body) => {
      if (!['dispatched', 'accepted'].includes(relation.assignment!.status)) {
        throw new AppError('INVALID_TRANSITION', `your assignment is ${relation.assignment!.status}; there is nothing to report`);
      }
      await repo.setAssignmentStatus(trx, relation.assignment!.id, 'reported', { reportText: body.text });
      return { data: { departmentId: relation.assignment!.departmentId, text: body.text } };
    },

    release_assist: async ({ trx, ticket }, body) => {
      const assignment = await repo.findActiveAssignment(trx, ticket.id, body.departmentId);
      if (!assignment || assignment.role !== 'assist') throw invalid(`department ${body.departmentId} does not assist on this ticket`);
      if (assignment.status === 'released') throw conflict('that department is already released');
      await repo.setAssignmentStatus(trx, assignment.id, 'released');
      return { reason: body.note, data: { departmentId: body.departmentId } };
    },

    reply: async ({ trx, ticket }, body) => {
      if (ticket.supervisionPending)
        throw conflict('this ticket is under supervision (督办): answer it in writing first (answer_supervision)');
      // The lead answers for everyone, so every assisting department must have reported or been released.
      const waiting = (await repo.listAssignments(trx, ticket.id, true)).filter(
        (a) => a.role === 'assist' && !['reported', 'released'].includes(a.status),
      );
      if (waiting.length > 0) {
        throw conflict(`waiting for assisting department(s) ${waiting.map((a) => a.departmentId).join(', ')} to report or be released`, {
          waitingDepartmentIds: waiting.map((a) => a.departmentId),
        });
      }
      const now = new Date();
      return { patch: { replyText: body.text, replySolved: body.solved, repliedAt: now }, data: { text: body.text, solved: body.solved } };
    },

    contact_citizen: async ({ ticket }, body) => ({
      patch: ticket.firstContactAt === null ? { firstContactAt: new Date() } : {},
      reason: body.note ?? null,
      data: { method: body.method, first: ticket.firstContactAt === null },
    }),

    pause_clocks: async ({ ticket }, body) => {
      if (ticket.clocksPaused) throw conflict('the clocks are already paused');
      return { patch: { clocksPaused: true }, reason: body.reason };
    },

    resume_clocks: async ({ ticket }, body) => {
      if (!ticket.clocksPaused) throw conflict('the clocks are not paused');
      return { patch: { clocksPaused: false }, reason: body.note ?? null };
    },

    request_extension: async ({ trx, ticket, actor, relation }, body) => {
      if (body.requestedDueAt.getTime() <= Date.now()) throw invalid('requestedDueAt must be in the future');
      if (ticket.replyDueAt && body.requestedDueAt <= ticket.replyDueAt)
        throw invalid('requestedDueAt must be later than the current deadline');
      if (await repo.findPendingExtension(trx, ticket.id)) throw conflict('an extension request is already pending for this ticket');
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
      if (!pending) throw conflict('no extension request is pending for this ticket');
      const approvedDueAt = body.decision === 'approve' ? (body.approvedDueAt ?? pending.requestedDueAt) : null;
      if (approvedDueAt && approvedDueAt.getTime() <= Date.now()) throw invalid('approvedDueAt must be in the future');
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
      if (!ticket.supervisionPending) throw conflict('no supervision (督办) awaits an answer on this ticket');
      return { patch: { supervisionPending: false }, data: { text: body.text } };
    },

    resolve_directly: async (_c, body) => {
      const now = new Date();
      return {
        patch: { directlyResolved: true, replyText: body.answer, replySolved: true, repliedAt: now, closedAt: now },
        data: { answer: body.answer },
      };
    },

    close: async (_c, body) => ({ patch: { closedAt: new Date() }, reason: body.note ?? null }),

    cancel: async (_c, body) => ({ patch: { closedAt: new Date() }, reason: body.reason }),

    reopen: async ({ trx, ticket }, body) => {
      const lead = ticket.leadDepartmentId === null ? undefined : await repo.findActiveAssignment(trx, ticket.id, ticket.leadDepartmentId);
      if (lead) await repo.setAssignmentStatus(trx, lead.id, 'dispatched');
      return {
        patch: { reopenCount: ticket.reopenCount + 1, replyText: null, replySolved: null, repliedAt: null, assigneeUserId: null },
        reason: body.reason,
        data: {
          previousReply: { text: ticket.replyText, solved: ticket.replySolved, at: ticket.repliedAt },
          reopenNumber: ticket.reopenCount + 1,
        },
      };
    },

    merge: async ({ trx, ticket, actor }, body) => {
      if (body.intoTicketId === ticket.id) throw invalid('a ticket cannot be merged into itself');
      const main = await repo.lockTicket(trx, body.intoTicketId);
      if (!main) throw invalid(`ticket ${body.intoTicketId} does not exist`);
      if (main.mergedIntoId !== null || main.status === 'cancelled' || main.status === 'closed') {
        throw conflict(`ticket ${main.number} is ${main.status}${main.mergedIntoId ? ' (merged)' : ''} and cannot take duplicates`);
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
      if (ticket.requestType !== 'proxy') throw invalid('only a 代办 request (requestType proxy) has a matter');
      const matter = await servableMatter(trx, body.matter, body.serviceMode);
      if (body.regionId !== undefined && !(await findRegionById(trx, body.regionId)))
        throw invalid(`region ${body.regionId} does not exist`);
      if (body.serviceMode) await trx('proxy_orders').update({ service_mode: body.serviceMode }).where({ ticket_id: ticket.id });
      return {
        patch: { matter: matter.name, ...(body.regionId !== undefined ? { regionId: body.regionId } : {}) },
        data: { matter: matter.name, matterId: matter.id, serviceMode: body.serviceMode, regionId: body.regionId },
      };
    },

    flag_hard_case: async ({ ticket }, body) => {
      if (ticket.hardCase) throw conflict('this ticket is already a hard case (办不成事)');
      return { patch: { hardCase: true }, reason: body.reason };
    },

    hard_case_rep_onsite: async ({ ticket }, body) => this.hardCaseStep(ticket, body.note),
    hard_case_head_onsite: async ({ ticket }, body) => this.hardCaseStep(ticket, body.note),
    hard_case_answer: async ({ ticket }, body) => {
      if (!ticket.hardCase) throw conflict('this ticket is not flagged 办不成事');
      return { reason: null, data: { text: body.text } };
    },

    reveal_contact: async ({ trx, ticket, actor }, body) => {
      const contact = contactAsGiven(
        ticket.contactId === null ? undefined : (await findContacts(trx, [ticket.contactId]))[0],
        ticket.caller,
      );
      if (!contact || contact.anonymous) throw notFound('contact (the requester is anonymous)');
      if (contact.confidential) throw forbidden('the requester asked for confidentiality (保密): contact goes through the hotline center');
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

  private async hardCaseStep(ticket: TicketRecord, note: string): Promise<ApplyResult> {
    if (!ticket.hardCase) throw conflict('this ticket is not flagged 办不成事');
    return { reason: note };
  }

  /** Which reference made a creation write nothing (looked up only on this failure path). */
  private async invalidReference(input: CreateTicketInput): Promise<AppError> {
    if (input.categoryId) {
      const category = await findCategoryById(this.db, input.categoryId);
      if (!category || !category.active) return invalid(`category ${input.categoryId} does not exist or is inactive`);
    }
    if (input.regionId && !(await findRegionById(this.db, input.regionId))) return invalid(`region ${input.regionId} does not exist`);
    return conflict('the ticket could not be created; please retry');
  }

  private async recordLabel(trx: Tx, ticket: TicketRecord, categoryCode: string, actor: Actor): Promise<void> {
    const suggested = (ticket.classification as { category?: { code?: string } | null } | null)?.category?.code ?? null;
    await recordLabel(trx, {
      ticketId: ticket.id,
      text: ticket.description,
      categoryCode,
      suggestedCode: suggested,
      userId: actor.kind === 'user' ? actor.userId : null,
    });
  }

  /** The lead moves to another department: the old lead assignment ends, a new one starts. */
  private async moveLead(trx: Tx, ticketId: number, departmentId: number): Promise<void> {
    await this.checkDispatchable(trx, [departmentId]);
    const existing = await repo.findActiveAssignment(trx, ticketId, departmentId);
    if (existing) throw conflict(`department ${departmentId} already works on this ticket as ${existing.role}; release it first`);
    await repo.endAssignments(trx, ticketId, 'lead');
    await repo.insertAssignments(trx, ticketId, [{ departmentId, role: 'lead' }]);
  }

  /** Who in the department gets the ticket, by the department's assignment strategy (skills match the category or its parent). */
  private async assignWithin(trx: Tx, departmentId: number, categoryId: number | null): Promise<AssignmentChoice> {
    const category =
      categoryId === null
        ? undefined
        : await trx('categories as c')
            .leftJoin('categories as p', 'p.id', 'c.parent_id')
            .select({ code: 'c.code', parentCode: 'p.code' })
            .where('c.id', categoryId)
            .first<{ code: string; parentCode: string | null } | undefined>();
    const codes = category ? [category.code, ...(category.parentCode ? [category.parentCode] : [])] : [];
    return chooseAssignee(trx, departmentId, codes);
  }

  private async checkDispatchable(trx: Tx, departmentIds: readonly number[]): Promise<void> {
    const unique = [...new Set(departmentIds)];
    const departments = await findDepartmentsByIds(trx, unique);
    for (const id of unique) {
      const department = departments.find((d) => d.id === id);
      if (!department || !department.active) throw invalid(`department ${id} does not exist or is inactive`);
      if (department.kind === 'center') throw invalid(`department ${id} is the hotline center itself; dispatch to a handling department`);
    }
  }

  private async relationOf(db: Db | Tx, actor: Actor, ticketId: number): Promise<Relation> {
    if (isCenterActor(actor)) return { visible: true, isLead: false, isAssist: false };
    const departmentId = actor.kind === 'user' ? actor.departmentId : null;
    if (departmentId === null) return { visible: false, isLead: false, isAssist: false };
    const assignment = await repo.findActiveAssignment(db, ticketId, departmentId);
    return { visible: assignment !== undefined, isLead: assignment?.role === 'lead', isAssist: assignment?.role === 'assist', assignment };
  }

  private async contactsById(ids: ReadonlyArray<number | null>): Promise<Map<number, ContactRecord>> {
    const unique = [...new Set(ids.filter((id): id is number => id !== null))];
    return new Map((await findContacts(this.db, unique)).map((c) => [c.id, c]));
  }

  /** Work after commit must not undo the commit: a lost enqueue is re-derived by the recovery sweep. */
  private async afterCommit(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.logger.error({ err, what }, 'after-commit step failed; the recovery sweep will redo it');
    }
  }
}

function encodeCursor(id: number): string {
  return Buffer.from(`t:${id}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^t:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw invalid('invalid cursor');
  return Number(match[1]);
}
