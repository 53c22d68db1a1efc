import type { Knex } from 'knex';
import type { Actor } from '../shared/roles';
import { contactColumns, type ContactRecord } from '../contacts/contacts.repository';
import { pgArray, returningAs, selectAs, type Queryable } from '../db/db';
import { parseTicketSearch, whereSearch } from './ticket-search';
import {
  ticketStatuses,
  type AssignmentRecord,
  type AssignmentRole,
  type AssignmentStatus,
  type Channel,
  type ExtensionRequestRecord,
  type RequestType,
  type TicketEventRecord,
  type TicketPatch,
  type TicketRecord,
  type TicketStatus,
  type Urgency,
} from './ticket.types';

const ticketColumns = {
  id: 'id',
  number: 'number',
  status: 'status',
  channel: 'channel',
  requestType: 'request_type',
  urgency: 'urgency',
  categoryId: 'category_id',
  title: 'title',
  description: 'description',
  address: 'address',
  location: 'location',
  regionId: 'region_id',
  contactId: 'contact_id',
  caller: 'caller',
  leadDepartmentId: 'lead_department_id',
  assigneeUserId: 'assignee_user_id',
  mergedIntoId: 'merged_into_id',
  supervised: 'supervised',
  directlyResolved: 'directly_resolved',
  urgeCount: 'urge_count',
  returnCount: 'return_count',
  reopenCount: 'reopen_count',
  replyText: 'reply_text',
  replySolved: 'reply_solved',
  replyResult: 'reply_result',
  answerArticleId: 'answer_article_id',
  repliedAt: 'replied_at',
  replyDueAt: 'reply_due_at',
  closedAt: 'closed_at',
  createdBy: 'created_by',
  classification: 'classification',
  matter: 'matter',
  catalogEntryId: 'catalog_entry_id',
  catalogVersion: 'catalog_version',
  nextDueAt: 'next_due_at',
  nextDueStage: 'next_due_stage',
  clocksPaused: 'clocks_paused',
  firstContactAt: 'first_contact_at',
  supervisionPending: 'supervision_pending',
  hardCase: 'hard_case',
  version: 'version',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
} as const satisfies Record<keyof TicketRecord, string>;

const patchColumns: Record<Exclude<keyof TicketPatch, 'searchText'>, string> = {
  status: 'status',
  categoryId: 'category_id',
  leadDepartmentId: 'lead_department_id',
  assigneeUserId: 'assignee_user_id',
  mergedIntoId: 'merged_into_id',
  supervised: 'supervised',
  directlyResolved: 'directly_resolved',
  urgeCount: 'urge_count',
  returnCount: 'return_count',
  reopenCount: 'reopen_count',
  replyText: 'reply_text',
  replySolved: 'reply_solved',
  replyResult: 'reply_result',
  answerArticleId: 'answer_article_id',
  repliedAt: 'replied_at',
  replyDueAt: 'reply_due_at',
  closedAt: 'closed_at',
  classification: 'classification',
  catalogEntryId: 'catalog_entry_id',
  catalogVersion: 'catalog_version',
  requestType: 'request_type',
  urgency: 'urgency',
  regionId: 'region_id',
  address: 'address',
  clocksPaused: 'clocks_paused',
  nextDueAt: 'next_due_at',
  nextDueStage: 'next_due_stage',
  firstContactAt: 'first_contact_at',
  supervisionPending: 'supervision_pending',
  hardCase: 'hard_case',
  matter: 'matter',
};

export interface NewTicket {
  channel: Channel;
  requestType: RequestType;
  urgency: Urgency;
  categoryId: number | null;
  title: string;
  description: string;
  address: string | null;
  regionId: number | null;
  matter: string | null;
  createdBy: number | null;
  /** The citizen: found by phone (E.164) when there is one, otherwise a new contact. */
  caller: { phone: string | null; name: string | null; idNumber: string | null; anonymous: boolean; confidential: boolean } | null;
  createdEvent: { actor: Actor; data: Record<string, unknown> };
}

export interface InsertedTicket {
  ticket: TicketRecord;
  contact: ContactRecord | undefined;
  category: { code: string; name: string } | undefined;
  region: { name: string } | undefined;
  eventId: number;
}

/**
 * Ticket creation is the hottest write path, so a batch of creations is one statement: the
 * numbers, the contacts, the tickets and their 'created' events commit together in one round
 * trip (on the machines measured, a round trip costs more than anything the statement does;
 * see docs/benchmarks.md). The number is the Asia/Shanghai day by the database clock and a
 * daily sequence: 20261122-00042, in input order.
 * A ticket is written only if its category (if any) is active and its region (if any) exists:
 * undefined in its place otherwise, and the caller looks up which reference was wrong. One
 * contact per phone number, holding the latest name, anonymity and confidentiality given; each
 * ticket keeps what was given on it (tickets.caller). A caller without a phone number is a new
 * contact each time.
 */
export async function insertTickets(db: Queryable, tickets: readonly NewTicket[]): Promise<Array<InsertedTicket | undefined>> {
  if (tickets.length === 0) return [];
  const column = <T>(pick: (t: NewTicket) => T) => pgArray(tickets.map(pick) as never);
  const { rows } = await db.raw<{
    rows: Array<{
      ord: number;
      ticket: Record<string, unknown>;
      contact: Record<string, unknown> | null;
      category: { code: string; name: string } | null;
      region: { name: string } | null;
      event_id: number;
    }>;
  }>(insertTicketsSql, [
    column((t) => t.channel),
    column((t) => t.requestType),
    column((t) => t.urgency),
    column((t) => t.categoryId),
    column((t) => t.title),
    column((t) => t.description),
    column((t) => t.address),
    column((t) => t.regionId),
    column((t) => t.matter),
    column((t) => t.createdBy),
    column((t) => t.caller !== null),
    column((t) => t.caller?.phone ?? null),
    column((t) => t.caller?.name ?? null),
    column((t) => t.caller?.idNumber ?? null),
    column((t) => t.caller?.anonymous ?? false),
    column((t) => t.caller?.confidential ?? false),
    column((t) => t.createdEvent.actor.kind),
    column((t) => (t.createdEvent.actor.kind === 'user' ? t.createdEvent.actor.userId : null)),
    column((t) => JSON.stringify(t.createdEvent.data)),
  ]);
  const inserted: Array<InsertedTicket | undefined> = tickets.map(() => undefined);
  for (const row of rows) {
    inserted[row.ord - 1] = {
      ticket: fromJsonRow<TicketRecord>(row.ticket, ticketColumns),
      contact: row.contact ? fromJsonRow<ContactRecord>(row.contact, contactColumns) : undefined,
      category: row.category ?? undefined,
      region: row.region ?? undefined,
      eventId: row.event_id,
    };
  }
  return inserted;
}

const insertTicketsSql = `
  with input as (
    select * from unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::bigint[],
                         ?::boolean[], ?::text[], ?::text[], ?::text[], ?::boolean[], ?::boolean[], ?::text[], ?::bigint[], ?::jsonb[]) with ordinality
      as i(channel, request_type, urgency, category_id, title, description, address, region_id, matter, created_by,
           has_caller, phone, name, id_number, anonymous, confidential, actor_kind, actor_user_id, event_data, ord)),
  valid as (
    select i.*, row_number() over (order by ord) as rank from input i
    where (category_id is null or exists (select 1 from categories c where c.id = category_id and c.active))
      and (region_id is null or exists (select 1 from regions r where r.id = region_id))),
  numbers as (select take_ticket_numbers((select count(*)::integer from valid)) as drawn),
  -- One row per phone, as if the batch's calls had been upserted one after the other; in phone
  -- order, so that two batches sharing callers lock their rows in the same order (no deadlock).
  phone_contact as (
    insert into contacts as c (phone, name, id_number, anonymous, confidential)
    select phone, (array_agg(name order by ord desc) filter (where name is not null))[1],
           (array_agg(id_number order by ord desc) filter (where id_number is not null))[1],
           (array_agg(anonymous order by ord desc))[1], (array_agg(confidential order by ord desc))[1]
    from valid where phone is not null group by phone order by phone
    on conflict (phone) where phone is not null do update set
      name = coalesce(excluded.name, c.name),
      id_number = coalesce(excluded.id_number, c.id_number),
      anonymous = excluded.anonymous,
      confidential = excluded.confidential,
      updated_at = now()
    returning *),
  -- Callers without a phone: ids drawn first, so each new contact is known to be its own call's.
  new_contact_id as (select ord, nextval(pg_get_serial_sequence('contacts', 'id')) as id from valid where has_caller and phone is null),
  new_contact as (
    insert into contacts (id, name, id_number, anonymous, confidential) overriding system value
    select n.id, v.name, v.id_number, v.anonymous, v.confidential from new_contact_id n join valid v using (ord)
    returning *),
  numbered as (
    select v.*, numbers.drawn[v.rank] as number, coalesce(p.id, n.id) as contact_id
    from valid v cross join numbers left join phone_contact p on p.phone = v.phone left join new_contact_id n using (ord)),
  ticket as (
    insert into tickets (number, status, channel, request_type, urgency, category_id, title, description, address, region_id, matter, contact_id, caller, created_by)
    select number, 'new', channel, request_type, urgency, category_id, title, description, address, region_id, matter, contact_id,
           case when has_caller then jsonb_build_object('name', name, 'idNumber', id_number, 'anonymous', anonymous, 'confidential', confidential) end,
           created_by from numbered
    returning *),
  event as (
    insert into ticket_events (ticket_id, type, actor_kind, actor_user_id, to_status, data)
    select ticket.id, 'created', n.actor_kind, n.actor_user_id, 'new', n.event_data from ticket join numbered n using (number)
    returning id, ticket_id)
  select n.ord, to_jsonb(ticket) - 'search' as ticket,
         coalesce((select to_jsonb(p) from phone_contact p where p.id = ticket.contact_id), (select to_jsonb(c) from new_contact c where c.id = ticket.contact_id)) as contact,
         (select json_build_object('code', code, 'name', name) from categories where id = ticket.category_id) as category,
         (select json_build_object('name', name) from regions where id = ticket.region_id) as region,
         (select id from event where event.ticket_id = ticket.id) as event_id
  from ticket join numbered n using (number)`;

/** A ticket a citizen opened by writing in (intake): no category or region yet, triage decides. */
export interface CitizenTicket {
  contactId: number;
  channel: Channel;
  requestType: RequestType;
  title: string;
  description: string;
  address: string | null;
  location: { latitude: number; longitude: number } | null;
  eventData: Record<string, unknown>;
}

/**
 * Many citizen tickets in one statement: numbers drawn in one step, in input order, each with
 * its 'created' event. Returns id and number in input order.
 */
export async function insertCitizenTickets(
  db: Queryable,
  tickets: readonly CitizenTicket[],
): Promise<Array<{ id: number; number: string }>> {
  if (tickets.length === 0) return [];
  const column = <K extends keyof CitizenTicket>(key: K) => tickets.map((t) => t[key]);
  const { rows } = await db.raw<{ rows: Array<{ id: number; number: string }> }>(
    `with input as (
       select * from unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::jsonb[], ?::jsonb[]) with ordinality
         as i(contact_id, channel, request_type, title, description, address, location, event_data, ord)),
     numbers as (select take_ticket_numbers(?) as drawn),
     numbered as (select i.*, numbers.drawn[i.ord] as number from input i, numbers),
     ticket as (
       insert into tickets (number, status, channel, request_type, urgency, title, description, address, location, contact_id, caller)
       select number, 'new', channel, request_type, 'normal', title, description, address, location, contact_id,
              -- A message says nothing of name or confidentiality: what the contact holds now stands for it.
              (select jsonb_build_object('name', c.name, 'idNumber', c.id_number, 'anonymous', c.anonymous, 'confidential', c.confidential) from contacts c where c.id = contact_id)
       from numbered order by ord
       returning id, number),
     event as (
       insert into ticket_events (ticket_id, type, actor_kind, to_status, data)
       select ticket.id, 'created', 'citizen', 'new', numbered.event_data from ticket join numbered using (number))
     select ticket.id, ticket.number from ticket join numbered using (number) order by numbered.ord`,
    [
      ...[
        column('contactId'),
        column('channel'),
        column('requestType'),
        column('title'),
        column('description'),
        column('address'),
        tickets.map((t) => (t.location ? JSON.stringify(t.location) : null)),
        tickets.map((t) => JSON.stringify(t.eventData)),
      ].map(pgArray),
      tickets.length,
    ],
  );
  return rows;
}

/** A row that came back as JSON (to_jsonb): snake_case keys to the record's fields, timestamps to Dates. */
function fromJsonRow<T>(json: Record<string, unknown>, columns: Record<string, string>): T {
  const record: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(columns)) {
    const value = json[column] ?? null;
    record[field] = typeof value === 'string' && /_at$/.test(column) ? new Date(value) : value;
  }
  return record as T;
}

export async function findTicket(db: Queryable, id: number): Promise<TicketRecord | undefined> {
  return db('tickets').select(ticketColumns).where({ id }).first();
}

/** Row lock for a transition: concurrent actions on one ticket run one after the other. */
export async function lockTicket(db: Queryable, id: number): Promise<TicketRecord | undefined> {
  return db('tickets').select(ticketColumns).where({ id }).forUpdate().first();
}

export interface NewEvent {
  type: string;
  actor: Actor;
  fromStatus?: TicketStatus | null;
  toStatus?: TicketStatus | null;
  reason?: string | null;
  data?: Record<string, unknown>;
}

/**
 * A transition's write: the ticket's new state and its timeline event, in one
 * statement (one round trip; every change to a ticket has exactly one event).
 */
export async function updateTicketWithEvent(
  db: Queryable,
  id: number,
  patch: TicketPatch & { version: number },
  event: NewEvent,
): Promise<void> {
  const sets = ['version = ?', 'updated_at = now()'];
  const bindings: Knex.Value[] = [patch.version];
  for (const [field, column] of Object.entries(patchColumns)) {
    const value = patch[field as keyof TicketPatch];
    if (value === undefined) continue;
    sets.push(`${column} = ?`);
    bindings.push((field === 'classification' && value !== null ? JSON.stringify(value) : value) as Knex.Value);
  }
  if (patch.searchText !== undefined) {
    sets.push(`search = to_tsvector('simple', ?)`);
    bindings.push(patch.searchText);
  }
  const actor = event.actor;
  await db.raw(
    `with updated as (update tickets set ${sets.join(', ')} where id = ? returning id)
     insert into ticket_events (ticket_id, type, actor_kind, actor_user_id, from_status, to_status, reason, data)
     select id, ?, ?, ?, ?, ?, ?, ?::jsonb from updated`,
    [
      ...bindings,
      id,
      event.type,
      actor.kind,
      actor.kind === 'user' ? actor.userId : null,
      event.fromStatus ?? null,
      event.toStatus ?? null,
      event.reason ?? null,
      JSON.stringify({ ...(actor.kind === 'user' ? {} : { actorName: actor.name }), ...(event.data ?? {}) }),
    ],
  );
}

export async function listEvents(db: Queryable, ticketId: number): Promise<TicketEventRecord[]> {
  return db('ticket_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_user_id')
    .select({
      id: 'e.id',
      ticketId: 'e.ticket_id',
      type: 'e.type',
      actorKind: 'e.actor_kind',
      actorUserId: 'e.actor_user_id',
      actorName: db.raw("coalesce(u.display_name, e.data->>'actorName')"),
      fromStatus: 'e.from_status',
      toStatus: 'e.to_status',
      reason: 'e.reason',
      data: 'e.data',
      createdAt: 'e.created_at',
    })
    .where('e.ticket_id', ticketId)
    .orderBy('e.id');
}

const assignmentColumns = {
  id: 'id',
  ticketId: 'ticket_id',
  departmentId: 'department_id',
  role: 'role',
  status: 'status',
  active: 'active',
  reportText: 'report_text',
  dispatchedAt: 'dispatched_at',
  acceptedAt: 'accepted_at',
  reportedAt: 'reported_at',
  endedAt: 'ended_at',
  createdAt: 'created_at',
};

export async function listAssignments(db: Queryable, ticketId: number, onlyActive = false): Promise<AssignmentRecord[]> {
  const query = db('ticket_assignments').select(assignmentColumns).where({ ticket_id: ticketId }).orderBy('id');
  if (onlyActive) query.where({ active: true });
  return query;
}

export async function findActiveAssignment(db: Queryable, ticketId: number, departmentId: number): Promise<AssignmentRecord | undefined> {
  return db('ticket_assignments')
    .select(assignmentColumns)
    .where({ ticket_id: ticketId, department_id: departmentId, active: true })
    .first();
}

export async function insertAssignments(
  db: Queryable,
  ticketId: number,
  rows: Array<{ departmentId: number; role: AssignmentRole }>,
): Promise<void> {
  if (rows.length === 0) return;
  await db('ticket_assignments').insert(
    rows.map((r) => ({ ticket_id: ticketId, department_id: r.departmentId, role: r.role, status: 'dispatched' })),
  );
}

export async function setAssignmentStatus(
  db: Queryable,
  id: number,
  status: AssignmentStatus,
  extra: { reportText?: string } = {},
): Promise<void> {
  await db('ticket_assignments')
    .update({
      status,
      updated_at: db.fn.now(),
      ...(status === 'accepted' ? { accepted_at: db.fn.now() } : {}),
      ...(status === 'dispatched' ? { dispatched_at: db.fn.now() } : {}),
      ...(status === 'reported' ? { reported_at: db.fn.now(), report_text: extra.reportText ?? null } : {}),
      ...(status === 'ended' ? { active: false, ended_at: db.fn.now() } : {}),
    })
    .where({ id });
}

/** Whether the department received the ticket less than `hours` ago (by the database's clock). */
export async function withinHoursOfDispatch(db: Queryable, assignmentId: number, hours: number): Promise<boolean> {
  const row = await db('ticket_assignments')
    .select(db.raw('dispatched_at > now() - make_interval(secs => ?) as within', [hours * 3600]))
    .where({ id: assignmentId })
    .first<{ within: boolean } | undefined>();
  return row?.within ?? false;
}

/** The chat channels (Slack) of every department that works or worked on the ticket. */
export async function chatChannelsOf(db: Queryable, ticketId: number): Promise<string[]> {
  const rows = await db('ticket_assignments as a')
    .join('departments as d', 'd.id', 'a.department_id')
    .distinct('d.slack_channel_id as channel')
    .where('a.ticket_id', ticketId)
    .whereNotNull('d.slack_channel_id');
  return rows.map((r: { channel: string }) => r.channel);
}

/** Ends every active assignment of the ticket (transfer, re-dispatch after a return). */
export async function endAssignments(db: Queryable, ticketId: number, role?: AssignmentRole): Promise<void> {
  const query = db('ticket_assignments')
    .update({ status: 'ended', active: false, ended_at: db.fn.now(), updated_at: db.fn.now() })
    .where({ ticket_id: ticketId, active: true });
  if (role) query.where({ role });
  await query;
}

const extensionColumns = {
  id: 'id',
  ticketId: 'ticket_id',
  departmentId: 'department_id',
  requestedBy: 'requested_by',
  reason: 'reason',
  requestedDueAt: 'requested_due_at',
  status: 'status',
  approvedDueAt: 'approved_due_at',
  decidedBy: 'decided_by',
  decidedAt: 'decided_at',
  decisionNote: 'decision_note',
  createdAt: 'created_at',
};

export async function insertExtensionRequest(
  db: Queryable,
  request: { ticketId: number; departmentId: number; requestedBy: number; reason: string; requestedDueAt: Date },
): Promise<ExtensionRequestRecord> {
  const [row] = await db('extension_requests')
    .insert({
      ticket_id: request.ticketId,
      department_id: request.departmentId,
      requested_by: request.requestedBy,
      reason: request.reason,
      requested_due_at: request.requestedDueAt,
    })
    .returning(returningAs(extensionColumns));
  return row as ExtensionRequestRecord;
}

export async function findPendingExtension(db: Queryable, ticketId: number): Promise<ExtensionRequestRecord | undefined> {
  return db('extension_requests').select(extensionColumns).where({ ticket_id: ticketId, status: 'pending' }).first();
}

export async function decideExtension(
  db: Queryable,
  id: number,
  decision: { status: 'approved' | 'rejected'; approvedDueAt: Date | null; decidedBy: number | null; note: string | null },
): Promise<void> {
  await db('extension_requests')
    .update({
      status: decision.status,
      approved_due_at: decision.approvedDueAt,
      decided_by: decision.decidedBy,
      decided_at: db.fn.now(),
      decision_note: decision.note,
    })
    .where({ id });
}

export async function listExtensionRequests(db: Queryable, ticketId: number): Promise<ExtensionRequestRecord[]> {
  return db('extension_requests').select(extensionColumns).where({ ticket_id: ticketId }).orderBy('id');
}

export async function findTicketByNumber(db: Queryable, number: string): Promise<TicketRecord | undefined> {
  return db('tickets').select(ticketColumns).where({ number }).first();
}

/** Whether the contact asked on this ticket: its requester, or linked to it by a merge. */
export async function isRequester(db: Queryable, ticket: TicketRecord, contactId: number): Promise<boolean> {
  if (ticket.contactId === contactId) return true;
  return Boolean(await db('ticket_requesters').where({ ticket_id: ticket.id, contact_id: contactId }).first());
}

export async function linkRequesters(
  db: Queryable,
  ticketId: number,
  contactIds: readonly number[],
  sourceTicketId: number,
): Promise<void> {
  if (contactIds.length === 0) return;
  await db('ticket_requesters')
    .insert(contactIds.map((contactId) => ({ ticket_id: ticketId, contact_id: contactId, source_ticket_id: sourceTicketId })))
    .onConflict(['ticket_id', 'contact_id'])
    .ignore();
}

export async function listRequesterContactIds(
  db: Queryable,
  ticketId: number,
): Promise<Array<{ contactId: number; sourceTicketId: number | null }>> {
  return db('ticket_requesters')
    .select({ contactId: 'contact_id', sourceTicketId: 'source_ticket_id' })
    .where({ ticket_id: ticketId })
    .orderBy('created_at');
}

export interface TicketListFilter {
  id?: number;
  /** Department-side viewers: only tickets their department holds an active assignment on. */
  visibleToDepartmentId?: number;
  statuses?: TicketStatus[];
  leadDepartmentId?: number;
  categoryId?: number;
  requestType?: RequestType;
  urgency?: Urgency;
  channel?: Channel;
  regionPath?: string;
  createdFrom?: Date;
  createdTo?: Date;
  overdue?: boolean;
  /** A user id, or null for tickets nobody is assigned to. */
  assigneeUserId?: number | null;
  /** One of a department's workbench queues (src/tickets/department-queues.ts). */
  departmentQueue?: { sql: string; bindings: Record<string, number> };
  text?: string;
  beforeId?: number;
  limit: number;
}

export interface TicketListRow extends TicketRecord {
  categoryCode: string | null;
  categoryName: string | null;
  regionName: string | null;
  leadDepartmentName: string | null;
  overdueNow: boolean;
}

/** Newest first, by id: a stable order for cursor pagination. Every value is a bound parameter. */
export async function listTickets(db: Queryable, filter: TicketListFilter): Promise<TicketListRow[]> {
  const query = db('tickets as t')
    .leftJoin('categories as c', 'c.id', 't.category_id')
    .leftJoin('regions as r', 'r.id', 't.region_id')
    .leftJoin('departments as d', 'd.id', 't.lead_department_id')
    .select({
      ...selectAs(ticketColumns, 't'),
      categoryCode: 'c.code',
      categoryName: 'c.name',
      regionName: 'r.name',
      leadDepartmentName: 'd.name',
      // Overdue: a running stage clock of the ticket is past its deadline (cached on the ticket by src/sla).
      overdueNow: db.raw('coalesce(t.next_due_at < now(), false)'),
    })
    .orderBy('t.id', 'desc')
    .limit(filter.limit);
  if (filter.id !== undefined) query.where('t.id', filter.id);
  if (filter.visibleToDepartmentId !== undefined) {
    query.whereExists(
      db('ticket_assignments as a')
        .select(db.raw('1'))
        .whereRaw('a.ticket_id = t.id')
        .where({ 'a.department_id': filter.visibleToDepartmentId, 'a.active': true }),
    );
  }
  if (filter.statuses?.length) query.whereIn('t.status', filter.statuses);
  if (filter.leadDepartmentId) query.where('t.lead_department_id', filter.leadDepartmentId);
  if (filter.categoryId) query.where((q) => q.where('t.category_id', filter.categoryId!).orWhere('c.parent_id', filter.categoryId!));
  if (filter.requestType) query.where('t.request_type', filter.requestType);
  if (filter.urgency) query.where('t.urgency', filter.urgency);
  if (filter.channel) query.where('t.channel', filter.channel);
  if (filter.regionPath) query.where('r.path', 'like', `${filter.regionPath}%`);
  if (filter.createdFrom) query.where('t.created_at', '>=', filter.createdFrom);
  if (filter.createdTo) query.where('t.created_at', '<', filter.createdTo);
  if (filter.overdue !== undefined) {
    const overdue = '(t.next_due_at < now())';
    query.whereRaw(filter.overdue ? overdue : `not coalesce(${overdue}, false)`);
  }
  if (filter.text) whereSearch(query, parseTicketSearch(filter.text));
  if (filter.assigneeUserId !== undefined) query.where('t.assignee_user_id', filter.assigneeUserId);
  if (filter.departmentQueue) query.whereRaw(filter.departmentQueue.sql, filter.departmentQueue.bindings);
  if (filter.beforeId) query.where('t.id', '<', filter.beforeId);
  return query;
}

/** Every status with its count, zero included (the metrics gauge). */
export async function countByStatus(db: Queryable): Promise<Record<TicketStatus, number>> {
  const rows = (await db('tickets').select('status').count({ count: '*' }).groupBy('status')) as Array<{
    status: TicketStatus;
    count: string;
  }>;
  const counts = Object.fromEntries(ticketStatuses.map((status) => [status, 0])) as Record<TicketStatus, number>;
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}

/** Classified tickets by the path that decided the category: local model, LLM, or none (an operator). */
export async function countTriageDecisions(db: Queryable): Promise<Record<'local' | 'llm' | 'none', number>> {
  const rows = (await db('tickets')
    .select(db.raw("classification->>'decidedBy' as path"))
    .count({ n: '*' })
    .whereNotNull('classification')
    .groupByRaw('1')) as Array<{ path: string; n: string }>;
  const counts = { local: 0, llm: 0, none: 0 };
  for (const row of rows) if (row.path in counts) counts[row.path as keyof typeof counts] = Number(row.n);
  return counts;
}

/**
 * The deadlines cached on tickets, recomputed from their clocks (a bulk re-plan by the SLA module;
 * a single transition caches what its clock hook returns): the nearest running deadline of the
 * ticket's own clocks, and the open reply deadline.
 */
export async function refreshCachedDeadlines(trx: Queryable, ticketIds: readonly number[]): Promise<void> {
  if (ticketIds.length === 0) return;
  await trx.raw(
    `update tickets t set
       next_due_at = n.due_at,
       next_due_stage = n.stage,
       clocks_paused = n.paused,
       reply_due_at = coalesce(n.reply_due_at, t.reply_due_at)
     from (
       select x.id,
              min(c.due_at) filter (where c.assignment_id is null and c.state = 'running') as due_at,
              (array_agg(c.stage order by c.due_at) filter (where c.assignment_id is null and c.state = 'running'))[1] as stage,
              coalesce(bool_or(c.state = 'paused'), false) as paused,
              (array_agg(c.due_at order by c.id desc) filter (where c.assignment_id is null and c.stage = 'reply' and c.state = 'running'))[1] as reply_due_at
       from unnest(?::bigint[]) as x(id)
       left join sla_clocks c on c.ticket_id = x.id and c.state in ('running', 'paused')
       group by x.id
     ) n
     where t.id = n.id`,
    [[...ticketIds]],
  );
}

/** A citizen's tickets, as the requester or as one merged in (ticket_requesters), newest first. */
export function listTicketsOfContact(
  db: Queryable,
  contactId: number,
  limit: number,
): Promise<Array<{ id: number; number: string; status: TicketStatus; title: string; created_at: Date; updated_at: Date }>> {
  return db('tickets as t')
    .where('t.contact_id', contactId)
    .orWhereExists(db('ticket_requesters as r').select(db.raw('1')).whereRaw('r.ticket_id = t.id').where('r.contact_id', contactId))
    .select('t.id', 't.number', 't.status', 't.title', 't.created_at', 't.updated_at')
    .orderBy('t.id', 'desc')
    .limit(limit);
}

/** Which of these media ids are not the ticket's own (a reply may show only photos uploaded to its ticket). */
export async function notMediaOfTicket(db: Queryable, ticketId: number, ids: readonly number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const own = new Set((await db('media').select('id').where({ ticket_id: ticketId }).whereIn('id', ids)).map((r: { id: number }) => r.id));
  return ids.filter((id) => !own.has(id));
}

/** Retention and erasure (src/privacy): the citizens' names and ID numbers as given on their tickets go; the rest stays. */
export async function forgetCallers(db: Queryable, contactIds: readonly number[]): Promise<void> {
  await db.raw(
    `update tickets set caller = caller || '{"name": null, "idNumber": null}'::jsonb where contact_id = any(?) and caller is not null`,
    [[...contactIds]],
  );
}

/**
 * Retention and erasure (src/privacy): the words of citizens' messages and seats' replies on timelines before the
 * cutoff (of one citizen's tickets, or all), a batch at a time; the entries stay. How many were erased. Runs in a
 * transaction (set local).
 */
export async function eraseTimelineMessages(db: Queryable, cutoff: Date, limit: number, contactId?: number): Promise<number> {
  const ofContact = contactId === undefined ? '' : 'and ticket_id in (select id from tickets where contact_id = :contactId)';
  // The one change the timeline's append-only trigger lets through, for this transaction.
  await db.raw("set local hub.erasing = 'on'");
  const { rowCount } = await db.raw(
    `update ticket_events set data = (data - 'text') || '{"erased": true}'::jsonb
      where id in (select id from ticket_events where type in ('citizen_message', 'seat_reply') and jsonb_exists(data, 'text')
                     and created_at < :cutoff ${ofContact} order by id limit :limit)`,
    { cutoff, limit, ...(contactId === undefined ? {} : { contactId }) },
  );
  return rowCount as number;
}
