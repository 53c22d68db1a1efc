import { findContacts, type ContactRecord } from '../contacts/contacts.repository';
import { decodeCursor, encodeCursor } from './list-cursor';
import type { Db, Queryable } from '../db/db';
import type { ReadSource } from '../db/read-replica';
import type { UnitOfWork, Work } from '../db/unit-of-work';
import { findCategoryById } from '../org/categories.repository';
import { findDepartmentsByIds } from '../org/departments.repository';
import { findRegionById } from '../org/regions.repository';
import { groupCommit } from '../shared/group-commit';
import { AppError, conflict, forbidden, invalid, notFound } from '../shared/errors';
import { normalizePhone } from '../shared/phone';
import { isCenterActor, type Actor, type SystemActor, type UserActor } from '../shared/roles';
import type { MatterCatalog, TicketTransition, TransitionHook } from './ports';
import { actorRole, allowedActions, type Applier, type Appliers, type Relation } from './ticket-actions';
import { actorRoleLabel, checkRule, lifecycle, type TicketAction } from './ticket-lifecycle';
import type { ActionBody, CreateTicketInput, ListTicketsQuery } from './ticket.schemas';
import { presentDetail, presentSummary, summarizeTitle, type TicketDetail, type TicketSummary } from './ticket-view';
import type { TicketRecord } from './ticket.types';
import { announce, announceCreated } from './ticket-events';
import { queueCondition } from './department-queues';
import * as repo from './tickets.repository';
import { hardCaseView, reportedTo } from './hard-cases.repository';

export interface TicketsDeps {
  db: Db;
  work: UnitOfWork;
  actions: Appliers;
  /** The modules that follow a ticket's changes, in the order they run (src/app.ts registers them). */
  hooks: readonly TransitionHook[];
  matters: MatterCatalog;
  returnWindowHours: number;
  /** Whether a deadline falls in a year whose holidays are not yet published (src/sla). */
  provisionalCheck: () => Promise<(at: Date | null) => boolean>;
  /** Where searches read (a replica when configured: src/db/read-replica.ts); the primary by default. */
  reads?: ReadSource;
}

/** Use cases of the ticket: create, read, and every lifecycle action through one transition runner. */
export class TicketsService {
  private readonly db: Db;

  constructor(private readonly deps: TicketsDeps) {
    this.db = deps.db;
  }

  /**
   * The creations of one moment are written by one statement, in one transaction with what their
   * hooks write and enqueue (group commit): a burst costs one round trip to PostgreSQL and one to
   * the queue, not one each per ticket. A creation the database refuses fails alone.
   */
  private readonly insert = groupCommit((batch: readonly repo.NewTicket[]) => this.createMany(batch));

  /**
   * New tickets in one statement, and what follows from them (their triage jobs) enqueued once it is
   * written; `first` runs between the two (a seat's own decision, before the classifier may act).
   */
  createMany(
    batch: readonly repo.NewTicket[],
    first?: (inserted: Array<repo.InsertedTicket | undefined>) => Promise<void>,
  ): Promise<Array<repo.InsertedTicket | undefined>> {
    return this.deps.work.runStatement(async (db, after) => {
      const inserted = await repo.insertTickets(db, batch);
      await this.created(
        after,
        inserted.flatMap((one) => (one ? [one.ticket.id] : [])),
      );
      await first?.(inserted);
      return inserted;
    });
  }

  /**
   * Citizens' tickets from their messages (intake), numbered and written in one statement, in the
   * caller's unit of work with what follows from them. Id and number, in input order.
   */
  async openForCitizens(work: Work, requests: readonly repo.CitizenTicket[]): Promise<Array<{ id: number; number: string }>> {
    const created = await repo.insertCitizenTickets(work.trx, requests);
    await this.created(
      work,
      created.map((t) => t.id),
    );
    return created;
  }

  private async created(work: Omit<Work, 'trx'>, ticketIds: readonly number[]): Promise<void> {
    if (ticketIds.length === 0) return;
    for (const hook of this.deps.hooks) if (hook.created) await hook.created(work, ticketIds);
    announceCreated(work, ticketIds.length);
  }

  /**
   * Something said on an open ticket that is not an action (a citizen's further message, a seat's
   * reply in the conversation): on its timeline, with a new version so that open consoles reload.
   */
  async recordOnTimeline(
    work: Work,
    ticketId: number,
    entry: { type: 'citizen_message' | 'seat_reply'; actor: Actor; data: Record<string, unknown> },
  ): Promise<TicketRecord> {
    const ticket = (await repo.lockTicket(work.trx, ticketId))!;
    await repo.updateTicketWithEvent(
      work.trx,
      ticket.id,
      { version: ticket.version + 1 },
      { type: entry.type, actor: entry.actor, fromStatus: ticket.status, toStatus: ticket.status, data: entry.data },
    );
    announce(work, ticket, entry.type, [ticket.leadDepartmentId]);
    return { ...ticket, version: ticket.version + 1 };
  }

  /** A user's ticket, or the hub's own (proactive 代办). `then` runs on it before its triage is enqueued (out of the group commit). */
  async create(actor: UserActor | SystemActor, input: CreateTicketInput, then?: (id: number) => Promise<void>): Promise<TicketDetail> {
    let phone: string | undefined;
    if (input.caller?.phone) {
      phone = normalizePhone(input.caller.phone);
      if (!phone) throw invalid(`来电号码“${input.caller.phone}”不是有效的电话号码`);
    }
    const caller = input.caller;
    // A 代办 request names a matter of the catalog, in a way that matter may be served.
    if (input.proxy) await this.deps.matters.servable(this.db, input.proxy.matter, input.proxy.serviceMode, { bundles: true });
    // The dispatch clock starts from created_at with the first action on the ticket (the classifier's).
    const insert = (one: repo.NewTicket) =>
      then ? this.createMany([one], async ([made]) => made && then(made.ticket.id)).then(([made]) => made) : this.insert(one);
    const inserted = await insert({
      channel: input.channel,
      requestType: input.requestType,
      urgency: input.urgency,
      categoryId: input.categoryId ?? null,
      title: input.title ?? (input.proxy ? `代办：${input.proxy.matter}` : summarizeTitle(input.description)),
      description: input.description,
      address: input.address ?? input.proxy?.applicantAddress ?? null,
      regionId: input.regionId ?? null,
      matter: input.proxy?.matter ?? null,
      createdBy: actor.kind === 'user' ? actor.userId : null,
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
    const detail = presentDetail(
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
            actorKind: actor.kind,
            actorUserId: actor.kind === 'user' ? actor.userId : null,
            actorName: actor.kind === 'user' ? actor.displayName : actor.name,
            fromStatus: null,
            toStatus: 'new',
            reason: null,
            data: { channel: input.channel, ...(input.proxy ? { proxy: input.proxy } : {}) },
            createdAt: ticket.createdAt,
          },
        ],
        mergedIntoNumber: null,
        returnWindowHours: this.deps.returnWindowHours,
      },
      actor,
    );
    return { ...detail, allowedActions: allowedActions(actor, ticket, { visible: true, isLead: false, isAssist: false }) };
  }

  async list(actor: UserActor, query: ListTicketsQuery): Promise<{ items: TicketSummary[]; nextCursor: string | null }> {
    let regionPath: string | undefined;
    if (query.regionId) {
      const region = await findRegionById(this.db, query.regionId);
      if (!region) throw invalid(`区域 ${query.regionId} 不存在`);
      regionPath = region.path;
    }
    // A search may read a replica (a ticket written a moment ago may be missing for that moment); a plain list reads the primary.
    const rows = await repo.listTickets(query.q && this.deps.reads ? this.deps.reads.db() : this.db, {
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
      departmentQueue: query.queue
        ? queueCondition(query.queue, (isCenterActor(actor) ? query.departmentId : actor.departmentId) ?? -1)
        : undefined,
      text: query.q,
      beforeId: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const [contacts, provisional] = await Promise.all([this.contactsById(page.map((r) => r.contactId)), this.deps.provisionalCheck()]);
    return {
      items: page.map((row) => presentSummary(row, row.contactId === null ? undefined : contacts.get(row.contactId), actor, provisional)),
      nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]!.id) : null,
    };
  }

  async get(actor: Actor, id: number): Promise<TicketDetail> {
    const [row] = await repo.listTickets(this.db, { id, limit: 1 });
    if (!row) throw notFound('工单');
    const relation = await this.relationOf(this.db, actor, row.id);
    if (!relation.visible) throw notFound('工单');
    const [assignments, extensions, events, requesterLinks, mergedInto, provisional, hardCase] = await Promise.all([
      repo.listAssignments(this.db, id),
      repo.listExtensionRequests(this.db, id),
      repo.listEvents(this.db, id),
      repo.listRequesterContactIds(this.db, id),
      row.mergedIntoId ? repo.findTicket(this.db, row.mergedIntoId) : undefined,
      this.deps.provisionalCheck(),
      row.hardCase ? hardCaseView(this.db, id) : undefined,
    ]);
    const departments = new Map(
      (await findDepartmentsByIds(this.db, [...new Set(assignments.map((a) => a.departmentId))])).map((d) => [d.id, d.name]),
    );
    const contacts = await this.contactsById([row.contactId, ...requesterLinks.map((r) => r.contactId)]);
    const detail = presentDetail(
      row,
      {
        contact: row.contactId === null ? undefined : contacts.get(row.contactId),
        requesters: requesterLinks.map((r) => ({ contact: contacts.get(r.contactId), sourceTicketId: r.sourceTicketId })),
        assignments: assignments.map((a) => ({ ...a, departmentName: departments.get(a.departmentId) ?? '' })),
        extensions,
        events,
        mergedIntoNumber: mergedInto?.number ?? null,
        hardCase,
        returnWindowHours: this.deps.returnWindowHours,
      },
      actor,
      provisional,
    );
    return { ...detail, allowedActions: allowedActions(actor, row, relation) };
  }

  /** 404 unless the ticket exists and the actor may see it (center roles: every ticket; department staff: their department's). */
  async assertVisible(actor: Actor, ticketId: number): Promise<void> {
    const seen = isCenterActor(actor)
      ? await repo.findTicket(this.db, ticketId)
      : (await this.relationOf(this.db, actor, ticketId)).visible;
    if (!seen) throw notFound('工单');
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
    const outcome = await this.deps.work.run((work) => this.performIn(work, actor, ticketId, action, body));
    if (options.readBack === false) return outcome.after;
    if (outcome.response !== undefined) return outcome.response;
    return this.get(actor, ticketId);
  }

  /** perform inside the caller's unit of work (intake answers a message and acts on its ticket in one transaction). */
  async performIn<A extends TicketAction>(
    work: Work,
    actor: Actor,
    ticketId: number,
    action: A,
    body: ActionBody<A>,
  ): Promise<{ response: unknown; after: TicketRecord }> {
    const rule = lifecycle[action];
    const role = actorRole(actor);
    if (!rule.actors.includes(role)) throw forbidden(`${actorRoleLabel(role)}无权${rule.label}（${action}）`);
    const trx = work.trx;
    const ticket = await repo.lockTicket(trx, ticketId);
    if (!ticket) throw notFound('工单');
    const relation = await this.relationOf(trx, actor, ticket.id);
    if (!relation.visible) throw notFound('工单');
    const verdict = checkRule(action, role, ticket.status, relation);
    if (!verdict.ok) {
      throw verdict.reason === 'status'
        ? new AppError('INVALID_TRANSITION', verdict.message, { status: ticket.status, allowedFrom: rule.from })
        : forbidden(verdict.message);
    }
    const expected = (body as { expectedVersion?: number }).expectedVersion;
    if (expected !== undefined && expected !== ticket.version) {
      throw conflict(`工单在版本 ${expected} 之后已被修改，请刷新`, { version: ticket.version });
    }

    const applier = this.deps.actions[action] as Applier<A>;
    const result = await applier({ trx, ticket, actor, relation }, body);
    const toStatus = rule.to ?? ticket.status;
    const version = ticket.version + 1;
    const changed: TicketRecord = { ...ticket, ...result.patch, status: toStatus, version };
    const transition: TicketTransition = {
      action,
      actor,
      before: ticket,
      after: changed,
      patch: result.patch ?? {},
      reason: result.reason ?? null,
      data: result.data,
      notifyDepartmentIds: result.notifyDepartmentIds ?? (changed.leadDepartmentId === null ? [] : [changed.leadDepartmentId]),
    };
    // What the hooks add (the SLA clocks' deadlines) is written in the same statement as the action's change.
    let patch = { ...result.patch, status: toStatus, version };
    for (const hook of this.deps.hooks) if (hook.beforeWrite) patch = { ...patch, ...(await hook.beforeWrite(work, transition)) };
    await repo.updateTicketWithEvent(trx, ticket.id, patch, {
      type: action,
      actor,
      fromStatus: ticket.status,
      toStatus,
      reason: result.reason ?? null,
      data: result.data,
    });
    const after: TicketRecord = { ...ticket, ...patch };
    for (const hook of this.deps.hooks) if (hook.afterWrite) await hook.afterWrite(work, { ...transition, after });
    announce(work, after, action, [ticket.leadDepartmentId, after.leadDepartmentId, ...transition.notifyDepartmentIds]);
    return { response: result.response, after };
  }

  /** Which reference made a creation write nothing (looked up only on this failure path). */
  private async invalidReference(input: CreateTicketInput): Promise<AppError> {
    if (input.categoryId) {
      const category = await findCategoryById(this.db, input.categoryId);
      if (!category || !category.active) return invalid(`分类 ${input.categoryId} 不存在或已停用`);
    }
    if (input.regionId && !(await findRegionById(this.db, input.regionId))) return invalid(`区域 ${input.regionId} 不存在`);
    return conflict('工单未能创建，请重试');
  }

  private async relationOf(db: Queryable, actor: Actor, ticketId: number): Promise<Relation> {
    if (isCenterActor(actor)) return { visible: true, isLead: false, isAssist: false };
    // The county leader in charge sees the hard cases reported to them.
    if (actor.kind === 'user' && actor.role === 'county_leader')
      return { visible: await reportedTo(db, ticketId, actor.userId), isLead: false, isAssist: false };
    const departmentId = actor.kind === 'user' ? actor.departmentId : null;
    if (departmentId === null) return { visible: false, isLead: false, isAssist: false };
    const assignment = await repo.findActiveAssignment(db, ticketId, departmentId);
    return { visible: assignment !== undefined, isLead: assignment?.role === 'lead', isAssist: assignment?.role === 'assist', assignment };
  }

  private async contactsById(ids: ReadonlyArray<number | null>): Promise<Map<number, ContactRecord>> {
    const unique = [...new Set(ids.filter((id): id is number => id !== null))];
    return new Map((await findContacts(this.db, unique)).map((c) => [c.id, c]));
  }
}
