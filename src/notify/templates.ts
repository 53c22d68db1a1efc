import { ticketStatusLabels, type TicketStatus } from '../tickets/ticket.types';
import { lifecycle, type TicketAction } from '../tickets/ticket-lifecycle';

/** What citizens read, in zh-CN. One place, so wording is reviewed once. */
const sign = '【12345】';

const actionText: Record<string, (p: Payload) => string> = {
  dispatch: (p) => `您的工单${p.number}已转交承办单位办理。`,
  reply: (p) => `您的工单${p.number}已由承办单位答复，稍后将回访您，请留意。`,
  close: (p) => `您的工单${p.number}已办结，感谢您对12345热线的支持。`,
  resolve_directly: (p) => `您的工单${p.number}已办结，感谢您对12345热线的支持。`,
  merge: (p) => `您反映的问题已并入工单${p.mergedIntoNumber ?? ''}统一办理，办理进展将一并告知您。`,
};

type Payload = { number?: string; status?: TicketStatus; action?: string; mergedIntoNumber?: string; text?: string };

export function renderCitizenText(kind: string, payload: Payload): string | undefined {
  switch (kind) {
    case 'citizen.ticket_status': {
      const text = payload.action ? actionText[payload.action] : undefined;
      return text ? sign + text(payload) : undefined;
    }
    case 'citizen.intake_ack':
      return `${sign}您的诉求已受理，工单号${payload.number}。回复“查询 ${payload.number}”可了解办理进度。`;
    case 'citizen.followup_ack':
      return `${sign}您补充的信息已记入工单${payload.number}，承办单位将一并处理。`;
    case 'citizen.status_reply':
      return `${sign}工单${payload.number}当前状态：${payload.status ? ticketStatusLabels[payload.status] : '未知'}。`;
    case 'citizen.unknown_ticket':
      return `${sign}未查询到工单${payload.number}，请核对工单号；如需反映问题，请直接回复内容。`;
    case 'citizen.empty_message':
      return `${sign}未收到您的内容，请直接回复您要反映的问题。`;
    case 'citizen.survey_question':
      return payload.text ? sign + payload.text : undefined;
    case 'citizen.chat_reply':
      return payload.text ? sign + payload.text : undefined;
    case 'citizen.opt_out_confirm':
      return `${sign}您已退订12345短信通知。如需办理诉求，请拨打12345。`;
    default:
      return undefined;
  }
}

/** What a department's staff read in their notifications, in zh-CN (the ticket page has the rest). */
export function renderDepartmentNotice(kind: string, payload: Payload): { title: string; body: string } | undefined {
  switch (kind) {
    case 'department.ticket_action': {
      const label = payload.action && payload.action in lifecycle ? lifecycle[payload.action as TicketAction].label : '工单动态';
      return {
        title: `工单${payload.number}：${label}`,
        body: `当前状态：${payload.status ? ticketStatusLabels[payload.status] : '未知'}`,
      };
    }
    case 'department.citizen_message':
      return { title: `工单${payload.number}：市民补充信息`, body: '市民发来补充信息，请在工单时间线查看。' };
    default:
      return undefined;
  }
}
