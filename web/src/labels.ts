/**
 * The console's words for the API's codes: the hub's own tables (src/tickets), bundled with the
 * console, so that a label is written once for the API, the citizens' texts and the screens.
 */
import { lifecycle } from '../../src/tickets/ticket-lifecycle';

export { satisfactionLabels } from '../../src/callback/satisfaction';
export { audienceLabels, limitUnitLabels, stageLabels } from '../../src/sla/stages';
export { assignmentStrategyLabels, departmentKindLabels, regionLevelLabels } from '../../src/org/org.types';
export { roleLabels } from '../../src/shared/roles';
export { vulnerabilityLabels } from '../../src/shared/pii';
export { approvalStatusLabels, companionLabels, projectStageLabels } from '../../src/projects/project-labels';
export {
  bundleMatterStatusLabels,
  deliveryOptionLabels,
  materialFormLabels,
  orderOriginLabels,
  orderStatusLabels,
  proxyStepLabels,
  runnerKindLabels,
  serviceModeLabels,
  type ProxyStep,
} from '../../src/proxy/proxy-labels';
export {
  replyResultLabels,
  requestTypeLabels,
  returnReasonLabels,
  ticketStatusLabels as statusLabels,
  urgencyLabels,
} from '../../src/tickets/ticket.types';

/** A timeline entry's words: the lifecycle action's label, or one of the entries that are not actions. */
export const eventLabels: Record<string, string> = {
  ...Object.fromEntries(Object.entries(lifecycle).map(([action, rule]) => [action, rule.label])),
  created: '受理',
  citizen_message: '市民补充',
  seat_reply: '坐席回复',
  merge_received: '并入工单',
};

/** An outbox message's state (src/outbox), as the seat and the ticket page show it. */
export const deliveryLabels: Record<string, string> = {
  pending: '待发送',
  sending: '发送中',
  sent: '已发送',
  failed: '发送失败，重试中',
  dead: '发送失败',
  cancelled: '已取消',
};

/** The channels a citizen reaches the hotline on. */
export const channelLabels: Record<string, string> = { sms: '短信', miniprogram: '小程序', phone: '电话', seat: '坐席', api: '接口' };

/** What a caller chose in the IVR's menu (src/intake/calls.service.ts); a call-center switch reports its own words. */
export const ivrMenuLabels: Record<string, string> = {
  operator: '按0转人工',
  request: '咨询投诉求助',
  proxy: '代办申请',
  query: '工单查询',
};

/** Who a photo, recording or file came from (src/media). */
export const mediaSourceLabels: Record<string, string> = { citizen: '市民', staff: '承办单位', runner: '跑手' };

/** A label table as the options of a Select, Radio or Checkbox group (its keys the values). */
export const optionsOf = (labels: Record<string, string>) => Object.entries(labels).map(([value, label]) => ({ value, label }));

/** The work-chat platforms a department's notices or a user's own go to. */
export const workChatLabels: Record<string, string> = { wecom: '企业微信', dingtalk: '钉钉' };

/** Where an outbound message goes (src/outbox's channels). */
export const outboxChannelLabels: Record<string, string> = {
  sms: '短信',
  voice: '语音',
  miniprogram: '小程序',
  department: '部门通知',
  slack: 'Slack',
  wecom: '企业微信',
  dingtalk: '钉钉',
};
