import { centerRoles, departmentRoles, roleLabels, type UserRole } from '../shared/roles';
import { ticketStatusLabels, type TicketStatus } from './ticket.types';

/**
 * The 12345 state machine, in one table. Every change to a ticket is one of
 * these actions; the service checks the rule, then writes the ticket, one
 * timeline event and the outbox rows in one transaction.
 */
export const ticketActions = [
  'classify',
  'triage',
  'categorize',
  'dispatch',
  'sign_for',
  'assign',
  'return',
  'review_return',
  'transfer',
  'add_assist',
  'assist_sign_for',
  'assist_report',
  'release_assist',
  'reply',
  'contact_citizen',
  'pause_clocks',
  'resume_clocks',
  'request_extension',
  'decide_extension',
  'urge',
  'supervise',
  'answer_supervision',
  'resolve_directly',
  'close',
  'cancel',
  'reopen',
  'hand_to_person',
  'merge',
  'note',
  'reveal_contact',
  'set_matter',
  'flag_hard_case',
  'hard_case_handle',
  'hard_case_rep_onsite',
  'hard_case_head_onsite',
  'hard_case_to_proxy',
  'escalate_hard_case',
  'joint_dispatch',
  'record_meeting_decision',
  'record_accountability',
  'hard_case_answer',
] as const;
export type TicketAction = (typeof ticketActions)[number];

/** Which department a department-side user must be acting for. Center roles are never scoped. */
export type DepartmentScope = 'lead' | 'assist' | 'lead_or_assist';
export type ActorRole = UserRole | 'system';
/** A role's words in a refusal. */
export const actorRoleLabel = (role: ActorRole): string => (role === 'system' ? '系统' : roleLabels[role]);
export type Notice = 'citizen' | 'department';

export interface TransitionRule {
  label: string;
  from: readonly TicketStatus[];
  /** Absent: the status does not change. */
  to?: TicketStatus;
  actors: readonly ActorRole[];
  scope?: DepartmentScope;
  /** Outbox rows written with the change. */
  notify?: readonly Notice[];
}

const center = centerRoles;
// The proxy-application seat takes and closes its own requests but does not steer other departments' work.
const centerDispatchers = ['operator', 'supervisor', 'admin'] as const;
// Supervision (督办, 延期审批) belongs to the supervisors and the center's director.
const supervisors = ['supervisor', 'director', 'admin'] as const;
const departmentStaff = departmentRoles;
const handling = ['dispatched', 'accepted'] as const;
const allStatuses = ['new', 'triage', 'dispatched', 'accepted', 'returned', 'replied', 'closed', 'cancelled'] as const;

export const lifecycle: Record<TicketAction, TransitionRule> = {
  // The classifier's suggestion (and what it may fill in on its own); an operator then dispatches.
  classify: { label: '智能分类', from: ['new'], to: 'triage', actors: ['system'] },
  triage: { label: '转待分拨', from: ['new'], to: 'triage', actors: ['system', ...center] },
  // An operator confirms or corrects what the classifier suggested (before the department has answered).
  categorize: { label: '确认分类', from: ['new', 'triage', 'dispatched', 'accepted', 'returned'], actors: centerDispatchers },
  // The system dispatches by itself when the classifier is confident and the dispatch catalog matches.
  dispatch: { label: '派单', from: ['new', 'triage'], to: 'dispatched', actors: ['system', ...center], notify: ['citizen', 'department'] },
  sign_for: { label: '签收', from: ['dispatched'], to: 'accepted', actors: departmentStaff, scope: 'lead' },
  // The department head (re)assigns a ticket inside the department.
  // The system assigns too: a 代办 order offered to a runner (src/proxy).
  assign: { label: '分配承办人', from: handling, actors: ['dept_head', 'admin', 'system'], scope: 'lead' },
  return: { label: '退单', from: handling, to: 'returned', actors: departmentStaff, scope: 'lead' },
  review_return: { label: '退单审核', from: ['returned'], to: 'dispatched', actors: centerDispatchers, notify: ['department'] },
  transfer: { label: '转派', from: handling, to: 'dispatched', actors: centerDispatchers, notify: ['department'] },
  add_assist: { label: '增加协办', from: handling, actors: [...center, 'dept_head'], scope: 'lead', notify: ['department'] },
  assist_sign_for: { label: '协办签收', from: handling, actors: departmentStaff, scope: 'assist' },
  assist_report: { label: '协办反馈', from: handling, actors: departmentStaff, scope: 'assist' },
  release_assist: { label: '解除协办', from: handling, actors: [...center, 'dept_head'], scope: 'lead' },
  reply: { label: '答复', from: ['accepted'], to: 'replied', actors: departmentStaff, scope: 'lead', notify: ['citizen'] },
  // The first contact with the citizen (响应): stops the first-contact clock.
  contact_citizen: { label: '联系群众', from: ['accepted'], actors: departmentStaff, scope: 'lead' },
  // Waiting on the citizen (补充材料, 约定时间) pauses the clocks; resuming counts the rest of the limit.
  pause_clocks: { label: '暂停计时', from: handling, actors: [...departmentStaff, ...centerDispatchers], scope: 'lead' },
  resume_clocks: { label: '恢复计时', from: handling, actors: [...departmentStaff, ...centerDispatchers], scope: 'lead' },
  request_extension: { label: '申请延期', from: handling, actors: departmentStaff, scope: 'lead' },
  decide_extension: { label: '延期审批', from: handling, actors: supervisors, notify: ['department'] },
  urge: { label: '催办', from: ['dispatched', 'accepted', 'returned'], actors: [...centerDispatchers, 'director'], notify: ['department'] },
  // Formal supervision: flags the ticket, may set a tighter deadline, and needs the department's written answer before the reply.
  supervise: { label: '督办', from: ['dispatched', 'accepted', 'returned'], actors: supervisors, notify: ['department'] },
  answer_supervision: { label: '督办反馈', from: handling, actors: departmentStaff, scope: 'lead' },
  // Answered on the phone by the seat, or on SMS and the mini-program by the system from a published
  // article (src/knowledge/auto-answer.ts): the citizen may then ask for a person (hand_to_person).
  resolve_directly: { label: '直接办结', from: ['new', 'triage'], to: 'closed', actors: ['system', ...center], notify: ['citizen'] },
  close: { label: '办结', from: ['replied'], to: 'closed', actors: ['system', ...centerDispatchers], notify: ['citizen'] },
  cancel: { label: '撤销', from: ['new', 'triage', 'dispatched', 'returned'], to: 'cancelled', actors: center },
  reopen: { label: '重办', from: ['replied'], to: 'dispatched', actors: ['system', ...centerDispatchers], notify: ['department'] },
  // The citizen answered "人工" (or "没有解决") to an automatic answer: the ticket waits for a person at the seat.
  hand_to_person: { label: '转人工', from: ['closed'], to: 'triage', actors: ['system'] },
  merge: {
    label: '并单',
    from: ['new', 'triage', 'dispatched', 'accepted', 'returned'],
    to: 'cancelled',
    actors: centerDispatchers,
    notify: ['citizen'],
  },
  note: { label: '内部备注', from: allStatuses, actors: [...center, ...departmentStaff], scope: 'lead_or_assist' },
  // 帮办代办: the seat names (or corrects) the matter of a 代办 request, its service mode and place.
  set_matter: {
    label: '确认代办事项',
    from: ['new', 'triage', 'dispatched', 'accepted'],
    actors: ['proxy_seat', 'operator', 'supervisor', 'admin'],
  },
  // 办不成事: the hard-case ladder — the window's chief representative on site, the department head, an answer.
  flag_hard_case: {
    label: '办不成事',
    from: ['dispatched', 'accepted', 'returned'],
    actors: [...center, ...departmentStaff],
    scope: 'lead',
    notify: ['department'],
  },
  hard_case_handle: {
    label: '分类处理',
    from: ['dispatched', 'accepted', 'returned', 'replied'],
    actors: [...centerDispatchers, ...departmentStaff],
    scope: 'lead',
  },
  hard_case_rep_onsite: {
    label: '首席代表到场',
    from: ['dispatched', 'accepted', 'returned', 'replied'],
    actors: [...centerDispatchers, ...departmentStaff],
    scope: 'lead',
  },
  hard_case_head_onsite: {
    label: '部门负责人到场',
    from: ['dispatched', 'accepted', 'returned', 'replied'],
    actors: [...centerDispatchers, ...departmentStaff],
    scope: 'lead',
  },
  // Not finished on site: a 帮代办 order under the window's chief representative, followed until done.
  hard_case_to_proxy: {
    label: '转帮代办',
    from: ['dispatched', 'accepted', 'returned'],
    actors: [...centerDispatchers, ...departmentStaff],
    scope: 'lead',
  },
  // 联办: a case one department cannot solve is reported to the county government's leader in charge, who
  // dispatches the departments concerned, or takes it to the county executive meeting and records its decision.
  escalate_hard_case: {
    label: '报县领导联办',
    from: ['dispatched', 'accepted', 'returned', 'replied'],
    actors: [...centerDispatchers, 'director'],
  },
  joint_dispatch: { label: '联办调度', from: handling, actors: ['county_leader'], notify: ['department'] },
  record_meeting_decision: {
    label: '会议决定',
    from: ['dispatched', 'accepted', 'returned', 'replied'],
    actors: ['county_leader'],
    notify: ['department'],
  },
  // 问责: staff who would not do it, or dragged it out, answer for it (the unit and the person, with the outcome).
  record_accountability: {
    label: '问责',
    from: ['dispatched', 'accepted', 'returned', 'replied'],
    actors: supervisors,
  },
  hard_case_answer: {
    label: '办不成事答复',
    from: ['dispatched', 'accepted', 'returned', 'replied'],
    actors: [...centerDispatchers, ...departmentStaff],
    scope: 'lead',
  },
  reveal_contact: {
    label: '查看联系方式',
    from: ['dispatched', 'accepted', 'returned', 'replied'],
    actors: departmentStaff,
    scope: 'lead_or_assist',
  },
};

export type RuleVerdict = { ok: true } | { ok: false; reason: 'role' | 'scope' | 'status'; message: string };

/**
 * Pure check of one action: role first, then the department relation, then the status.
 * `relation` is how the actor's department stands to the ticket (ignored for center roles).
 */
export function checkRule(
  action: TicketAction,
  role: ActorRole,
  status: TicketStatus,
  relation: { isLead: boolean; isAssist: boolean },
): RuleVerdict {
  const rule = lifecycle[action];
  if (!rule.actors.includes(role)) return { ok: false, reason: 'role', message: `${actorRoleLabel(role)}无权${rule.label}（${action}）` };
  const departmentSide = (departmentRoles as readonly ActorRole[]).includes(role);
  if (departmentSide && rule.scope) {
    const allowed =
      rule.scope === 'lead' ? relation.isLead : rule.scope === 'assist' ? relation.isAssist : relation.isLead || relation.isAssist;
    const who = rule.scope === 'lead' ? '主办部门' : rule.scope === 'assist' ? '协办部门' : '承办部门';
    if (!allowed) return { ok: false, reason: 'scope', message: `只有${who}可以${rule.label}（${action}）` };
  }
  if (!rule.from.includes(status)) {
    return {
      ok: false,
      reason: 'status',
      message: `工单当前为${ticketStatusLabels[status]}，不能${rule.label}（${action}）；可${rule.label}的状态：${rule.from.map((from) => ticketStatusLabels[from]).join('、')}`,
    };
  }
  return { ok: true };
}
