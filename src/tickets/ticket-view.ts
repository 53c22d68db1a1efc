import type { hardCaseView } from './hard-cases.repository';
import type { Actor } from '../shared/roles';
import type { ContactRecord } from '../contacts/contacts.repository';
import { piiLens, type PiiLens, type Vulnerability } from '../shared/pii';
import type { TicketListRow } from './tickets.repository';
import type { TicketAction } from './ticket-lifecycle';
import {
  requestTypeLabels,
  ticketStatusLabels,
  type AssignmentRecord,
  type CallerAsGiven,
  type ExtensionRequestRecord,
  type TicketEventRecord,
} from './ticket.types';

export interface ContactView {
  id: number;
  name: string | null;
  phone: string | null;
  idNumber: string | null;
  anonymous: boolean;
  confidential: boolean;
  masked: boolean;
  vulnerability: readonly Vulnerability[];
}

/** The ticket's contact with what the caller gave on this ticket (a later call does not rewrite it). */
export function contactAsGiven(contact: ContactRecord | undefined, caller: CallerAsGiven | null): ContactRecord | undefined {
  return contact && caller ? { ...contact, ...caller } : contact;
}

export function presentContact(contact: ContactRecord | undefined, viewer: Actor | PiiLens): ContactView | null {
  if (!contact) return null;
  const lens = 'clear' in viewer ? viewer : piiLens(viewer);
  const { id, name, phone, idNumber, anonymous, confidential, masked, vulnerability } = lens.contact({
    ...contact,
    vulnerability: contact.vulnerability ?? [],
  });
  return { id, name, phone, idNumber, anonymous, confidential, masked, vulnerability: vulnerability ?? [] };
}

/** Whether a deadline counts on a year whose holiday notice (调休) is not known yet (src/sla). */
export type ProvisionalCheck = (at: Date | null) => boolean;

export function presentSummary(
  row: TicketListRow,
  contact: ContactRecord | undefined,
  viewer: Actor,
  provisional: ProvisionalCheck = () => false,
) {
  const pii = piiLens(viewer);
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    statusLabel: ticketStatusLabels[row.status],
    channel: row.channel,
    requestType: row.requestType,
    requestTypeLabel: requestTypeLabels[row.requestType],
    urgency: row.urgency,
    title: pii.text(row.title),
    category: row.categoryId === null ? null : { id: row.categoryId, code: row.categoryCode, name: row.categoryName },
    region: row.regionId === null ? null : { id: row.regionId, name: row.regionName },
    address: row.address,
    location: row.location,
    leadDepartment: row.leadDepartmentId === null ? null : { id: row.leadDepartmentId, name: row.leadDepartmentName },
    assigneeUserId: row.assigneeUserId,
    contact: presentContact(contactAsGiven(contact, row.caller), pii),
    supervised: row.supervised,
    urgeCount: row.urgeCount,
    returnCount: row.returnCount,
    reopenCount: row.reopenCount,
    replyDueAt: row.replyDueAt,
    /** The nearest running stage deadline (src/sla) and its stage; GET /tickets/{id}/clocks has every clock. */
    nextDue: row.nextDueAt === null ? null : { at: row.nextDueAt, stage: row.nextDueStage, provisional: provisional(row.nextDueAt) },
    /** A deadline falls in a year whose holiday notice is not imported: it counts only the statutory holidays and may move. */
    deadlinesProvisional: provisional(row.nextDueAt) || provisional(row.replyDueAt),
    clocksPaused: row.clocksPaused,
    firstContactAt: row.firstContactAt,
    supervisionPending: row.supervisionPending,
    overdue: row.overdueNow,
    mergedIntoId: row.mergedIntoId,
    classification: pii.deep(row.classification),
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
export type TicketSummary = ReturnType<typeof presentSummary>;

export function presentDetail(
  row: TicketListRow,
  related: {
    contact: ContactRecord | undefined;
    requesters: Array<{ contact: ContactRecord | undefined; sourceTicketId: number | null }>;
    assignments: Array<AssignmentRecord & { departmentName: string }>;
    extensions: ExtensionRequestRecord[];
    events: TicketEventRecord[];
    mergedIntoNumber: string | null;
    /** Its 办不成事 record, when flagged. */
    hardCase?: HardCaseView;
    /** A department may return (退单) the ticket this long after receiving it. */
    returnWindowHours: number;
  },
  viewer: Actor,
  provisional?: ProvisionalCheck,
) {
  const pii = piiLens(viewer);
  return {
    ...presentSummary(row, related.contact, viewer, provisional),
    description: pii.text(row.description),
    matter: row.matter,
    routedBy: row.catalogEntryId === null ? null : { catalogEntryId: row.catalogEntryId, catalogVersion: row.catalogVersion },
    directlyResolved: row.directlyResolved,
    answerArticleId: row.answerArticleId,
    reply: row.repliedAt ? { text: pii.text(row.replyText), solved: row.replySolved, result: row.replyResult, at: row.repliedAt } : null,
    closedAt: row.closedAt,
    mergedInto: row.mergedIntoId === null ? null : { id: row.mergedIntoId, number: related.mergedIntoNumber },
    hardCase: related.hardCase ? { ...related.hardCase, handling: pii.deep(related.hardCase.handling) } : null,
    requesters: related.requesters.map((r) => ({ contact: presentContact(r.contact, pii), sourceTicketId: r.sourceTicketId })),
    assignments: related.assignments.map((a) => ({
      id: a.id,
      departmentId: a.departmentId,
      departmentName: a.departmentName,
      role: a.role,
      status: a.status,
      active: a.active,
      reportText: pii.text(a.reportText),
      // The lead department's 退单 window, while it holds the ticket.
      returnableUntil:
        a.role === 'lead' && a.active && a.dispatchedAt && (row.status === 'dispatched' || row.status === 'accepted')
          ? new Date(a.dispatchedAt.getTime() + related.returnWindowHours * 3_600_000)
          : null,
      acceptedAt: a.acceptedAt,
      reportedAt: a.reportedAt,
      endedAt: a.endedAt,
    })),
    extensionRequests: related.extensions.map((x) => ({ ...x, reason: pii.text(x.reason) })),
    timeline: related.events.map((e) => ({
      id: e.id,
      type: e.type,
      actor: {
        kind: e.actorKind,
        userId: e.actorUserId,
        name: e.actorKind === 'citizen' ? pii.citizenName(e.actorName) : pii.text(e.actorName),
      },
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      reason: pii.text(e.reason),
      data: presentEventData(e, pii),
      at: e.createdAt,
    })),
  };
}
type HardCaseView = NonNullable<Awaited<ReturnType<typeof hardCaseView>>>;

/** A ticket as the API answers it: its view, and what the caller may do on it now. */
export type TicketDetail = ReturnType<typeof presentDetail> & {
  allowedActions: Array<{ action: TicketAction; label: string; path: string }>;
};

/** An event's data as the viewer may see it: free text masked, a citizen's own name hidden from departments. */
function presentEventData(event: TicketEventRecord, pii: PiiLens): TicketEventRecord['data'] {
  if (pii.clear || !event.data) return event.data;
  const data = pii.deep(event.data);
  if (event.actorKind === 'citizen' && typeof data.actorName === 'string') data.actorName = pii.citizenName(data.actorName);
  return data;
}

/** A ticket's default title: the first sentence of what the citizen said, at most 30 characters. */
export function summarizeTitle(description: string): string {
  const firstSentence = description
    .split(/[\n。！？!?]/)[0]!
    .trim()
    .replace(/\s+/g, ' ');
  const chars = [...(firstSentence || description.trim().replace(/\s+/g, ' '))];
  return chars.length > 30 ? `${chars.slice(0, 30).join('')}…` : chars.join('');
}
