import type { TicketDetail } from '../api/client';
import {
  accountabilityOutcomeLabels,
  hardCaseKindLabels,
  meetingKindLabels,
  specialModeLabels,
} from '../../../src/tickets/hard-case-labels';
import { serviceModeLabels } from '../../../src/proxy/proxy-labels';

export type Allowed = TicketDetail['allowedActions'][number];
export type FieldKind =
  | 'text'
  | 'replyResult'
  | 'photos'
  | 'department'
  | 'departments'
  | 'returnReason'
  | 'decision'
  | 'date'
  | 'contactMethod'
  | 'category'
  | 'user'
  | 'leader'
  | 'day'
  | 'matter'
  | 'ticketNumber';

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  label: string;
  required?: boolean;
  /** For a decision: its choices. */
  choices?: Array<{ value: string; label: string }>;
  /** A text the department may start from one of its canned replies (常用语). */
  canned?: boolean;
}

const note = (label = '说明', required = false): FieldSpec => ({ name: 'note', kind: 'text', label, required });
const text = (name: string, label: string): FieldSpec => ({ name, kind: 'text', label, required: true });
const answer = (name: string, label: string): FieldSpec => ({ ...text(name, label), canned: true });
const choose = (name: string, label: string, labels: Record<string, string>, required = true): FieldSpec => ({
  name,
  kind: 'decision',
  label,
  required,
  choices: Object.entries(labels).map(([value, label]) => ({ value, label })),
});
const optional = (name: string, label: string): FieldSpec => ({ name, kind: 'text', label });

/**
 * The form each action needs, field by field, as its API body names them. Which actions a user may
 * take is the API's answer (allowedActions), never decided here; this only says what each one asks.
 */
export const actionForms: Partial<Record<Allowed['action'], FieldSpec[]>> = {
  dispatch: [
    { name: 'departmentId', kind: 'department', label: '承办单位（留空则按派单目录）' },
    { name: 'assistDepartmentIds', kind: 'departments', label: '协办单位' },
    note(),
  ],
  categorize: [{ name: 'categoryId', kind: 'category', label: '分类', required: true }, note()],
  sign_for: [note()],
  assign: [{ name: 'userId', kind: 'user', label: '承办人', required: true }, note()],
  return: [
    { name: 'reasonCode', kind: 'returnReason', label: '退单原因', required: true },
    { name: 'reason', kind: 'text', label: '退单说明', required: true },
  ],
  review_return: [
    {
      name: 'decision',
      kind: 'decision',
      label: '审核结果',
      required: true,
      choices: [
        { value: 'uphold', label: '同意退单，改派' },
        { value: 'reject', label: '驳回，原单位继续办理' },
      ],
    },
    { name: 'departmentId', kind: 'department', label: '改派至（同意退单时必填）' },
    note('审核意见', true),
  ],
  transfer: [{ name: 'departmentId', kind: 'department', label: '转派至', required: true }, note('转派说明', true)],
  add_assist: [{ name: 'departmentIds', kind: 'departments', label: '协办单位', required: true }, note()],
  assist_sign_for: [note()],
  assist_report: [answer('text', '协办意见')],
  release_assist: [{ name: 'departmentId', kind: 'department', label: '结束协办的单位', required: true }, note('说明', true)],
  reply: [
    answer('text', '答复内容'),
    { name: 'result', kind: 'replyResult', label: '办理结果', required: true },
    { name: 'photoIds', kind: 'photos', label: '办理照片（可选）' },
  ],
  contact_citizen: [{ name: 'method', kind: 'contactMethod', label: '联系方式', required: true }, note('联系情况')],
  pause_clocks: [text('reason', '暂停原因')],
  resume_clocks: [note()],
  request_extension: [{ name: 'requestedDueAt', kind: 'date', label: '申请延期至', required: true }, text('reason', '延期理由')],
  decide_extension: [
    {
      name: 'decision',
      kind: 'decision',
      label: '审批',
      required: true,
      choices: [
        { value: 'approve', label: '批准' },
        { value: 'reject', label: '不批准' },
      ],
    },
    { name: 'approvedDueAt', kind: 'date', label: '批准延期至（留空则按申请）' },
    note(),
  ],
  urge: [note('催办意见', true)],
  supervise: [note('督办意见', true), { name: 'replyDueAt', kind: 'date', label: '限期答复（可选）' }],
  answer_supervision: [answer('text', '督办反馈')],
  resolve_directly: [text('answer', '答复内容')],
  close: [note()],
  cancel: [text('reason', '撤销原因')],
  reopen: [text('reason', '重办原因')],
  merge: [
    { name: 'intoTicketNumber', kind: 'ticketNumber', label: '并入工单号', required: true },
    { name: 'reason', kind: 'text', label: '并单说明' },
  ],
  note: [text('text', '备注内容')],
  reveal_contact: [text('purpose', '查看事由')],
  flag_hard_case: [choose('kind', '类别（分类别处理）', hardCaseKindLabels), text('reason', '原因')],
  // What each kind needs is the API's to check; the form offers every field, each labelled with its kind.
  hard_case_handle: [
    text('text', '处理情况'),
    optional('policyBasis', '政策依据（不能办）'),
    optional('deferredItems', '容缺材料（很难办）'),
    { name: 'promisedBy', kind: 'day', label: '承诺补交日期（很难办）' },
    choose('specialMode', '特殊办方式（特殊办）', specialModeLabels, false),
    { name: 'appointmentAt', kind: 'date', label: '预约时间（特殊办）' },
  ],
  hard_case_rep_onsite: [note('到场情况', true)],
  hard_case_head_onsite: [note('到场情况', true)],
  hard_case_to_proxy: [
    { name: 'representativeUserId', kind: 'user', label: '首席代表（帮代办责任人）', required: true },
    { name: 'matter', kind: 'matter', label: '代办事项', required: true },
    choose('serviceMode', '服务方式', serviceModeLabels, false),
    note('现场未办结的情况', true),
  ],
  escalate_hard_case: [{ name: 'leaderUserId', kind: 'leader', label: '县政府分管负责人', required: true }, text('reason', '报请事由')],
  joint_dispatch: [{ name: 'departmentIds', kind: 'departments', label: '联办单位', required: true }, text('instruction', '调度意见')],
  record_meeting_decision: [
    choose('meeting', '会议', meetingKindLabels),
    { name: 'heldOn', kind: 'day', label: '会议日期', required: true },
    text('decision', '会议决定'),
  ],
  record_accountability: [
    { name: 'departmentId', kind: 'department', label: '被问责单位', required: true },
    text('personName', '责任人'),
    text('finding', '问责事由'),
    choose('outcome', '处理结果', accountabilityOutcomeLabels),
    optional('outcomeNote', '处理说明'),
  ],
  hard_case_answer: [answer('text', '答复内容')],
};

export const contactMethods = [
  { value: 'phone', label: '电话' },
  { value: 'sms', label: '短信' },
  { value: 'visit', label: '上门' },
  { value: 'wechat', label: '微信' },
];
