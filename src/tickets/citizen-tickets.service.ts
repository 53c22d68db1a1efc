import type { Db } from '../db/db';
import { notFound } from '../shared/errors';
import { ticketStatusLabels } from './ticket.types';
import * as repo from './tickets.repository';

/**
 * What a citizen sees of their own tickets: status and the steps that concern them, without
 * internal notes, returns, urges or staff names (the hotline and the handling unit speak as such).
 */
const publicSteps: Record<string, (data: Record<string, unknown>) => string> = {
  created: () => '诉求已受理',
  dispatch: () => '已派至承办单位办理',
  transfer: () => '已转由其他承办单位办理',
  review_return: () => '已重新派单',
  sign_for: () => '承办单位已签收，正在办理',
  decide_extension: (d) => (d.decision === 'approve' ? '办理期限已延长' : ''),
  reply: (d) => `承办单位已答复：${String(d.text ?? '')}`,
  resolve_directly: (d) => `已直接答复：${String(d.answer ?? '')}`,
  close: () => '已办结',
  cancel: () => '已撤销',
  reopen: () => '已重新办理',
  hand_to_person: () => '已转人工办理',
  merge: (d) => `已并入工单${String(d.mergedIntoNumber ?? '')}统一办理`,
  citizen_message: (d) => `您补充：${String(d.text ?? '')}`,
};

export class CitizenTicketsService {
  constructor(private readonly db: Db) {}

  async list(contactId: number) {
    const rows = await repo.listTicketsOfContact(this.db, contactId, 100);
    return rows.map((t) => ({
      id: t.id,
      number: t.number,
      status: t.status,
      statusLabel: ticketStatusLabels[t.status],
      title: t.title,
      createdAt: t.created_at,
      updatedAt: t.updated_at,
    }));
  }

  async get(contactId: number, ticketId: number) {
    const ticket = await repo.findTicket(this.db, ticketId);
    if (!ticket || !(await repo.isRequester(this.db, ticket, contactId))) throw notFound('工单');
    const events = await repo.listEvents(this.db, ticketId);
    return {
      id: ticket.id,
      number: ticket.number,
      status: ticket.status,
      statusLabel: ticketStatusLabels[ticket.status],
      title: ticket.title,
      description: ticket.description,
      reply: ticket.repliedAt ? { text: ticket.replyText, at: ticket.repliedAt } : null,
      createdAt: ticket.createdAt,
      steps: events
        .filter((e) => publicSteps[e.type])
        .map((e) => ({
          at: e.createdAt,
          by: e.actorKind === 'citizen' ? '您' : e.type === 'reply' || e.type === 'sign_for' ? '承办单位' : '12345热线',
          text: publicSteps[e.type]!(e.data),
        }))
        .filter((step) => step.text),
    };
  }
}
