export const ticketStatuses = ['new', 'triage', 'dispatched', 'accepted', 'returned', 'replied', 'closed', 'cancelled'] as const;
export type TicketStatus = (typeof ticketStatuses)[number];

export const ticketStatusLabels: Record<TicketStatus, string> = {
  new: '已受理',
  triage: '待分拨',
  dispatched: '已派单',
  accepted: '办理中',
  returned: '已退单',
  replied: '已答复',
  closed: '已办结',
  cancelled: '已撤销',
};

export const requestTypes = ['consult', 'help', 'complaint', 'report', 'suggestion', 'praise', 'proxy'] as const;
export type RequestType = (typeof requestTypes)[number];
export const requestTypeLabels: Record<RequestType, string> = {
  consult: '咨询',
  help: '求助',
  complaint: '投诉',
  report: '举报',
  suggestion: '建议',
  praise: '表扬',
  proxy: '代办',
};

export const urgencies = ['normal', 'urgent', 'emergency'] as const;
export type Urgency = (typeof urgencies)[number];
export const urgencyLabels: Record<Urgency, string> = { normal: '一般', urgent: '加急', emergency: '紧急' };

export const channels = ['phone', 'sms', 'miniprogram', 'seat', 'api'] as const;
export type Channel = (typeof channels)[number];

export const returnReasons = ['not_our_duty', 'wrong_region', 'insufficient_info', 'other'] as const;
export type ReturnReason = (typeof returnReasons)[number];
export const returnReasonLabels: Record<ReturnReason, string> = {
  not_our_duty: '不属本单位职责',
  wrong_region: '属地不符',
  insufficient_info: '信息不全',
  other: '其他',
};

/** 答复's result, as the hotline's answer types go: solved, explained (a policy or why not), or not solvable now. */
export const replyResults = ['solved', 'explained', 'unsolvable'] as const;
export type ReplyResult = (typeof replyResults)[number];
export const replyResultLabels: Record<ReplyResult, string> = { solved: '已解决', explained: '已解释说明', unsolvable: '无法解决' };

export interface TicketRecord {
  id: number;
  number: string;
  status: TicketStatus;
  channel: Channel;
  requestType: RequestType;
  urgency: Urgency;
  categoryId: number | null;
  title: string;
  description: string;
  address: string | null;
  /** Where the citizen was when they wrote (the mini-program's coordinates). */
  location: { latitude: number; longitude: number } | null;
  regionId: number | null;
  contactId: number | null;
  /** The caller as given on this ticket (null: no caller). */
  caller: CallerAsGiven | null;
  leadDepartmentId: number | null;
  assigneeUserId: number | null;
  mergedIntoId: number | null;
  supervised: boolean;
  directlyResolved: boolean;
  urgeCount: number;
  returnCount: number;
  reopenCount: number;
  replyText: string | null;
  replySolved: boolean | null;
  replyResult: ReplyResult | null;
  /** The knowledge article a 直接办结 answered from (src/knowledge owns the articles). */
  answerArticleId: number | null;
  repliedAt: Date | null;
  replyDueAt: Date | null;
  closedAt: Date | null;
  createdBy: number | null;
  /** The classifier's latest suggestion (src/triage), shown to operators. */
  classification: Record<string, unknown> | null;
  /** The 代办 matter of a proxy application (routes by the catalog's matter). */
  matter: string | null;
  /** The dispatch catalog entry and version that routed the ticket, when the dispatch followed the catalog. */
  catalogEntryId: number | null;
  catalogVersion: number | null;
  /** Cached from the stage clocks (src/sla): the nearest running deadline and its stage. */
  nextDueAt: Date | null;
  nextDueStage: string | null;
  /** The clocks wait for the citizen (暂停计时). */
  clocksPaused: boolean;
  firstContactAt: Date | null;
  /** A 督办 awaits the department's written response. */
  supervisionPending: boolean;
  /** Flagged 办不成事: the hard-case ladder runs. */
  hardCase: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export type TicketPatch = Partial<
  Pick<
    TicketRecord,
    | 'status'
    | 'categoryId'
    | 'leadDepartmentId'
    | 'assigneeUserId'
    | 'mergedIntoId'
    | 'supervised'
    | 'directlyResolved'
    | 'urgeCount'
    | 'returnCount'
    | 'reopenCount'
    | 'replyText'
    | 'replySolved'
    | 'replyResult'
    | 'answerArticleId'
    | 'repliedAt'
    | 'replyDueAt'
    | 'closedAt'
    | 'classification'
    | 'catalogEntryId'
    | 'catalogVersion'
    | 'requestType'
    | 'urgency'
    | 'regionId'
    | 'address'
    | 'clocksPaused'
    | 'nextDueAt'
    | 'nextDueStage'
    | 'firstContactAt'
    | 'supervisionPending'
    | 'hardCase'
    | 'matter'
  >
> & {
  /** The ticket's words for its search vector (src/tickets/ticket-search.ts), written with the classification. */
  searchText?: string;
};

export const assignmentRoles = ['lead', 'assist'] as const;
export type AssignmentRole = (typeof assignmentRoles)[number];
export type AssignmentStatus = 'dispatched' | 'accepted' | 'returned' | 'reported' | 'released' | 'ended';

export interface AssignmentRecord {
  id: number;
  ticketId: number;
  departmentId: number;
  role: AssignmentRole;
  status: AssignmentStatus;
  active: boolean;
  reportText: string | null;
  /** When the department last received the ticket: the return (退单) window runs from here. */
  dispatchedAt: Date | null;
  acceptedAt: Date | null;
  reportedAt: Date | null;
  endedAt: Date | null;
  createdAt: Date;
}

export interface TicketEventRecord {
  id: number;
  ticketId: number;
  type: string;
  actorKind: 'user' | 'system' | 'citizen' | 'classifier';
  actorUserId: number | null;
  actorName: string | null;
  fromStatus: TicketStatus | null;
  toStatus: TicketStatus | null;
  reason: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
}

export interface ExtensionRequestRecord {
  id: number;
  ticketId: number;
  departmentId: number;
  requestedBy: number;
  reason: string;
  requestedDueAt: Date;
  status: 'pending' | 'approved' | 'rejected';
  approvedDueAt: Date | null;
  decidedBy: number | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  createdAt: Date;
}

/** What the caller gave on one ticket; the contact row holds the latest for lookup. */
export interface CallerAsGiven {
  name: string | null;
  idNumber: string | null;
  anonymous: boolean;
  confidential: boolean;
}
