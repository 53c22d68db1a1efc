import type { Knex } from 'knex';
import type { Actor } from '../auth/roles';
import { columnList, pgArray, returningAs, selectAs, type Queryable } from '../db/db';
import type {
  AssignmentRecord,
  AssignmentRole,
  AssignmentStatus,
  Channel,
  ContactRecord,
  ExtensionRequestRecord,
  RequestType,
  TicketEventRecord,
  TicketPatch,
  TicketRecord,
  TicketStatus,
  Urgency,
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
  regionId: 'region_id',
  contactId: 'contact_id',
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

const contactColumns = {
  id: 'id',
  phone: 'phone',
  wechatOpenid: 'wechat_openid',
  name: 'name',
  idNumber: 'id_number',
  anonymous: 'anonymous',
  confidential: 'confidential',
  smsOptedOut: 'sms_opted_out',
};

const patchColumns: Record<keyof TicketPatch, string> = {
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
  /** The citizen: a known contact, or found by phone (E.164) when there is one, otherwise a new contact. */
  caller: { contactId: number } | { phone: string | null; name: string | null; idNumber: string | null; anonymous: boolean; confidential: boolean } | null;
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
 * Ticket creation is the hottest write path, so it is one statement: the number, the
 * contact, the ticket and its 'created' event commit together in one round trip (on the
 * machines measured, a round trip costs more than anything the statement does; see
 * docs/benchmarks.md). The number is the Asia/Shanghai day by the database clock and a
 * daily sequence: 20261122-00042.
 * Nothing is written unless the category (if any) is active and the region (if any)
 * exists: undefined then, and the caller looks up which reference was wrong. One contact
 * per phone number; a later call may add a name or ask for confidentiality, never
 * remove them.
 */
export async function insertTicket(db: Queryable, ticket: NewTicket): Promise<InsertedTicket | undefined> {
  const actor = ticket.createdEvent.actor;
  const caller = ticket.caller && 'contactId' in ticket.caller ? undefined : ticket.caller;
  const contactCte = !ticket.caller
    ? 'contact as (select null::bigint as id where false)'
    : 'contactId' in ticket.caller
      ? 'contact as (select * from contacts where id = :contactId)'
      : ticket.caller.phone
      ? `contact as (
           insert into contacts as c (phone, name, id_number, anonymous, confidential)
           select :phone, :name, :idNumber, :anonymous, :confidential from valid
           on conflict (phone) where phone is not null do update set
             name = coalesce(excluded.name, c.name),
             id_number = coalesce(excluded.id_number, c.id_number),
             anonymous = c.anonymous or excluded.anonymous,
             confidential = c.confidential or excluded.confidential,
             updated_at = now()
           returning *)`
      : `contact as (insert into contacts (name, anonymous, confidential) select :name, :anonymous, :confidential from valid returning *)`;
  const { rows } = await db.raw<{
    rows: Array<{ ticket: Record<string, unknown>; contact: Record<string, unknown> | null; category: { code: string; name: string } | null; region: { name: string } | null; event_id: number }>;
  }>(
    `with valid as (
       select 1 where (:categoryId::bigint is null or exists (select 1 from categories where id = :categoryId and active))
                  and (:regionId::bigint is null or exists (select 1 from regions where id = :regionId))),
     counter as (
       insert into ticket_number_counters as n (day, last_value)
       select (now() at time zone 'Asia/Shanghai')::date, 1 from valid
       on conflict (day) do update set last_value = n.last_value + 1
       returning ticket_number(day, last_value) as number),
     ${contactCte},
     ticket as (
       insert into tickets (number, status, channel, request_type, urgency, category_id, title, description, address, region_id, matter, contact_id, created_by)
       select counter.number, 'new', :channel, :requestType, :urgency, :categoryId, :title, :description, :address, :regionId, :matter, (select id from contact), :createdBy from counter
       returning *),
     event as (
       insert into ticket_events (ticket_id, type, actor_kind, actor_user_id, to_status, data)
       select id, 'created', :actorKind, :actorUserId, 'new', :eventData from ticket
       returning id)
     select to_jsonb(ticket) as ticket,
            (select to_jsonb(contact) from contact) as contact,
            (select json_build_object('code', code, 'name', name) from categories where id = ticket.category_id) as category,
            (select json_build_object('name', name) from regions where id = ticket.region_id) as region,
            (select id from event) as event_id
     from ticket`,
    {
      categoryId: ticket.categoryId,
      regionId: ticket.regionId,
      matter: ticket.matter,
      channel: ticket.channel,
      requestType: ticket.requestType,
      urgency: ticket.urgency,
      title: ticket.title,
      description: ticket.description,
      address: ticket.address,
      createdBy: ticket.createdBy,
      contactId: ticket.caller && 'contactId' in ticket.caller ? ticket.caller.contactId : null,
      phone: caller?.phone ?? null,
      name: caller?.name ?? null,
      idNumber: caller?.idNumber ?? null,
      anonymous: caller?.anonymous ?? false,
      confidential: caller?.confidential ?? false,
      actorKind: actor.kind,
      actorUserId: actor.kind === 'user' ? actor.userId : null,
      eventData: JSON.stringify(ticket.createdEvent.data),
    },
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    ticket: fromJsonRow<TicketRecord>(row.ticket, ticketColumns),
    contact: row.contact ? fromJsonRow<ContactRecord>(row.contact, contactColumns) : undefined,
    category: row.category ?? undefined,
    region: row.region ?? undefined,
    eventId: row.event_id,
  };
}

/** A ticket a citizen opened by writing in (intake): no category or region yet, triage decides. */
export interface CitizenTicket {
  contactId: number;
  channel: Channel;
  requestType: RequestType;
  title: string;
  description: string;
  address: string | null;
  eventData: Record<string, unknown>;
}

/**
 * Many citizen tickets in one statement: numbers drawn from the day's counter in one step, in
 * input order, each with its 'created' event. Returns id and number in input order.
 */
export async function insertCitizenTickets(db: Queryable, tickets: readonly CitizenTicket[]): Promise<Array<{ id: number; number: string }>> {
  if (tickets.length === 0) return [];
  const column = <K extends keyof CitizenTicket>(key: K) => tickets.map((t) => t[key]);
  const { rows } = await db.raw<{ rows: Array<{ id: number; number: string }> }>(
    `with input as (
       select * from unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::jsonb[]) with ordinality
         as i(contact_id, channel, request_type, title, description, address, event_data, ord)),
     counter as (
       insert into ticket_number_counters as n (day, last_value)
       values ((now() at time zone 'Asia/Shanghai')::date, ?)
       on conflict (day) do update set last_value = n.last_value + excluded.last_value
       returning day, last_value),
     numbered as (
       select i.*, ticket_number(counter.day, counter.last_value - ? + i.ord) as number from input i, counter),
     ticket as (
       insert into tickets (number, status, channel, request_type, urgency, title, description, address, contact_id)
       select number, 'new', channel, request_type, 'normal', title, description, address, contact_id from numbered order by ord
       returning id, number),
     event as (
       insert into ticket_events (ticket_id, type, actor_kind, to_status, data)
       select ticket.id, 'created', 'citizen', 'new', numbered.event_data from ticket join numbered using (number))
     select ticket.id, ticket.number from ticket join numbered using (number) order by numbered.ord`,
    [
      ...[column('contactId'), column('channel'), column('requestType'), column('title'), column('description'), column('address'), tickets.map((t) => JSON.stringify(t.eventData))].map(pgArray),
      tickets.length,
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
export async function updateTicketWithEvent(db: Queryable, id: number, patch: TicketPatch & { version: number }, event: NewEvent): Promise<void> {
  const sets = ['version = ?', 'updated_at = now()'];
  const bindings: Knex.Value[] = [patch.version];
  for (const [field, column] of Object.entries(patchColumns)) {
    const value = patch[field as keyof TicketPatch];
    if (value === undefined) continue;
    sets.push(`${column} = ?`);
    bindings.push((field === 'classification' && value !== null ? JSON.stringify(value) : value) as Knex.Value);
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
  return db('ticket_assignments').select(assignmentColumns).where({ ticket_id: ticketId, department_id: departmentId, active: true }).first();
}

export async function insertAssignments(db: Queryable, ticketId: number, rows: Array<{ departmentId: number; role: AssignmentRole }>): Promise<void> {
  if (rows.length === 0) return;
  await db('ticket_assignments').insert(rows.map((r) => ({ ticket_id: ticketId, department_id: r.departmentId, role: r.role, status: 'dispatched' })));
}

export async function setAssignmentStatus(db: Queryable, id: number, status: AssignmentStatus, extra: { reportText?: string } = {}): Promise<void> {
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
  const query = db('ticket_assignments').update({ status: 'ended', active: false, ended_at: db.fn.now(), updated_at: db.fn.now() }).where({ ticket_id: ticketId, active: true });
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
    .update({ status: decision.status, approved_due_at: decision.approvedDueAt, decided_by: decision.decidedBy, decided_at: db.fn.now(), decision_note: decision.note })
    .where({ id });
}

export async function listExtensionRequests(db: Queryable, ticketId: number): Promise<ExtensionRequestRecord[]> {
  return db('extension_requests').select(extensionColumns).where({ ticket_id: ticketId }).orderBy('id');
}

/** The contact behind a phone number or WeChat openid, created on first contact. */
export async function upsertContactByIdentity(db: Queryable, identity: { phone?: string; wechatOpenid?: string }): Promise<ContactRecord> {
  const [contact] = await upsertContactsByIdentity(db, [identity]);
  if (!contact) throw new Error('a contact needs a phone number or an openid');
  return contact;
}

/**
 * Many contacts at once, by phone or by openid (intake's batches). Rows are locked in a fixed
 * order, so two batches that share contacts wait for each other instead of deadlocking.
 */
export async function upsertContactsByIdentity(db: Queryable, identities: ReadonlyArray<{ phone?: string; wechatOpenid?: string }>): Promise<ContactRecord[]> {
  const found: ContactRecord[] = [];
  for (const column of ['phone', 'wechat_openid'] as const) {
    const values = [...new Set(identities.map((i) => (column === 'phone' ? i.phone : i.phone ? undefined : i.wechatOpenid)).filter((v): v is string => Boolean(v)))].sort();
    if (values.length === 0) continue;
    const { rows } = await db.raw<{ rows: ContactRecord[] }>(
      `insert into contacts (${column}) select unnest(?::text[]) order by 1
       on conflict (${column}) where ${column} is not null do update set updated_at = now()
       returning ${columnList(contactColumns)}`,
      [values],
    );
    found.push(...rows);
  }
  return found;
}

/** A caller who withheld their number: a contact of their own, marked anonymous. */
export async function insertAnonymousContact(db: Queryable): Promise<ContactRecord> {
  const [row] = await db('contacts').insert({ anonymous: true }).returning(returningAs(contactColumns));
  return row as ContactRecord;
}

export async function setSmsOptOut(db: Queryable, contactId: number, optedOut: boolean): Promise<void> {
  await db('contacts').update({ sms_opted_out: optedOut, updated_at: db.fn.now() }).where({ id: contactId });
}

export async function findTicketByNumber(db: Queryable, number: string): Promise<TicketRecord | undefined> {
  return db('tickets').select(ticketColumns).where({ number }).first();
}

/** Whether the contact asked on this ticket: its requester, or linked to it by a merge. */
export async function isRequester(db: Queryable, ticket: TicketRecord, contactId: number): Promise<boolean> {
  if (ticket.contactId === contactId) return true;
  return Boolean(await db('ticket_requesters').where({ ticket_id: ticket.id, contact_id: contactId }).first());
}

export async function findContacts(db: Queryable, ids: readonly number[]): Promise<ContactRecord[]> {
  if (ids.length === 0) return [];
  return db('contacts').select(contactColumns).whereIn('id', ids);
}

export async function linkRequesters(db: Queryable, ticketId: number, contactIds: readonly number[], sourceTicketId: number): Promise<void> {
  if (contactIds.length === 0) return;
  await db('ticket_requesters')
    .insert(contactIds.map((contactId) => ({ ticket_id: ticketId, contact_id: contactId, source_ticket_id: sourceTicketId })))
    .onConflict(['ticket_id', 'contact_id'])
    .ignore();
}

export async function listRequesterContactIds(db: Queryable, ticketId: number): Promise<Array<{ contactId: number; sourceTicketId: number | null }>> {
  return db('ticket_requesters').select({ contactId: 'contact_id', sourceTicketId: 'source_ticket_id' }).where({ ticket_id: ticketId }).orderBy('created_at');
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
      db('ticket_assignments as a').select(db.raw('1')).whereRaw('a.ticket_id = t.id').where({ 'a.department_id': filter.visibleToDepartmentId, 'a.active': true }),
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
  if (filter.text) {
    const pattern = `%${filter.text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    query.where((q) => q.where('t.number', filter.text!).orWhere('t.title', 'ilike', pattern).orWhere('t.description', 'ilike', pattern));
  }
  if (filter.assigneeUserId !== undefined) query.where('t.assignee_user_id', filter.assigneeUserId);
  if (filter.beforeId) query.where('t.id', '<', filter.beforeId);
  return query;
}

export async function countByStatus(db: Queryable): Promise<Array<{ status: TicketStatus; count: number }>> {
  return db('tickets').select('status').count({ count: '*' }).groupBy('status') as unknown as Promise<Array<{ status: TicketStatus; count: number }>>;
}
