import type { Tx } from '../db/db';
import { findDepartmentsByIds } from '../org/departments.repository';
import type { Outbox } from '../outbox/outbox';
import { urgencyLabels } from '../tickets/ticket.types';
import { citizenChannelOf, type OutboxMessage } from '../outbox/message-catalogue';
import type { TicketTransition, TransitionHook } from '../tickets/ports';
import { lifecycle, type TicketAction } from '../tickets/ticket-lifecycle';
import { chatChannelsOf } from '../tickets/tickets.repository';
import { answerForCitizen } from './citizen-answer';

/** Actions that change nothing a department's card shows. */
const chatSilent = new Set<TicketAction>(['classify', 'note', 'reveal_contact']);

/**
 * Who hears of a ticket's change, written to the outbox in the action's transaction: the citizen
 * and the departments as the lifecycle rule says, the departments' chat cards, and the
 * supervisors at a third return (派单异议审核).
 */
export function ticketNoticesHook(outbox: Outbox, chat: false | { supervisorChannel?: string }): TransitionHook {
  return {
    async afterWrite(work, transition) {
      // Without Slack there are no cards to update: no query on every action.
      const chatChannels = !chat || chatSilent.has(transition.action) ? [] : await chatChannelsOf(work.trx, transition.after.id);
      const answer =
        transition.action === 'reply'
          ? await answerForCitizen(work.trx, transition.after)
          : automaticAnswer(transition)
            ? (transition.after.replyText ?? undefined)
            : undefined;
      await outbox.write(work, [
        ...ticketNotices(transition, chatChannels, chat ? chat.supervisorChannel : undefined, answer),
        ...(await departmentNotices(work.trx, transition)),
      ]);
    },
  };
}

/**
 * Beyond the bell: the notified departments' work chat (WeCom or DingTalk, with a link to the ticket), and for an
 * urgent ticket their duty phones (值班电话) by SMS.
 */
async function departmentNotices(trx: Tx, { action, after: ticket, notifyDepartmentIds }: TicketTransition): Promise<OutboxMessage[]> {
  if (!lifecycle[action].notify?.includes('department') || notifyDepartmentIds.length === 0) return [];
  const departments = await findDepartmentsByIds(trx, notifyDepartmentIds);
  const chats: OutboxMessage[] = departments.flatMap((department) =>
    department.workChat
      ? [
          {
            kind: 'chat.notice' as const,
            channel: department.workChat,
            recipient: { departmentId: department.id },
            payload: {
              ticketId: ticket.id,
              title: `工单${ticket.number}：${lifecycle[action].label}`,
              text: `${ticket.urgency === 'normal' ? '' : `【${urgencyLabels[ticket.urgency]}】`}「${ticket.title}」请${department.name}及时处理。`,
              path: `/tickets/${ticket.id}`,
            },
            ticketId: ticket.id,
            dedupeKey: `work-chat:${ticket.id}:${ticket.version}:${department.id}`,
          },
        ]
      : [],
  );
  if (ticket.urgency === 'normal') return chats;
  return chats.concat(
    departments.flatMap((department) =>
      department.dutyPhone
        ? [
            {
              kind: 'staff.alert' as const,
              channel: 'sms' as const,
              recipient: { phone: department.dutyPhone },
              payload: {
                ticketId: ticket.id,
                text: `【12345】${urgencyLabels[ticket.urgency]}工单${ticket.number}「${ticket.title}」：${lifecycle[action].label}，请${department.name}及时处理。`,
              },
              ticketId: ticket.id,
              dedupeKey: `duty:${ticket.id}:${ticket.version}:${department.id}`,
            },
          ]
        : [],
    ),
  );
}

/** 直接办结 by the system: an answer from the knowledge base (src/knowledge/auto-answer.ts), not the seat's on the phone. */
const automaticAnswer = ({ action, actor }: Pick<TicketTransition, 'action' | 'actor'>) =>
  action === 'resolve_directly' && actor.kind === 'system';

function ticketNotices(
  { action, actor, after: ticket, reason, data, notifyDepartmentIds }: TicketTransition,
  chatChannels: readonly string[],
  supervisorChannel: string | undefined,
  answer: string | undefined,
): OutboxMessage[] {
  const messages: OutboxMessage[] = [];
  // The departments' chat cards show the ticket as it is when delivered; one row per channel and version.
  for (const chatChannel of chatChannels) {
    messages.push({
      kind: 'chat.ticket_card',
      channel: 'slack',
      recipient: { chatChannel },
      payload: { ticketId: ticket.id, action },
      ticketId: ticket.id,
      dedupeKey: `chat:${ticket.id}:${ticket.version}:${chatChannel}`,
    });
  }
  if (action === 'return' && ticket.returnCount >= 3 && supervisorChannel) {
    messages.push({
      kind: 'chat.alert',
      channel: 'slack',
      recipient: { chatChannel: supervisorChannel },
      payload: {
        ticketId: ticket.id,
        text: `工单 ${ticket.number} 已被第 ${ticket.returnCount} 次退单，需督办/值班长审核（退单理由：${reason ?? ''}）`,
      },
      ticketId: ticket.id,
      dedupeKey: `chat-alert:${ticket.id}:${ticket.version}`,
    });
  }
  const notify = lifecycle[action].notify ?? [];
  if (notify.includes('citizen') && ticket.contactId !== null) {
    const mergedIntoNumber = typeof data?.mergedIntoNumber === 'string' ? data.mergedIntoNumber : undefined;
    messages.push({
      kind: 'citizen.ticket_status',
      // Citizens hear back where they can be reached: the mini-program, otherwise SMS to their phone.
      channel: citizenChannelOf(ticket.channel),
      recipient: { contactId: ticket.contactId },
      payload: {
        ticketId: ticket.id,
        number: ticket.number,
        action,
        status: ticket.status,
        ...(mergedIntoNumber ? { mergedIntoNumber } : {}),
        ...(answer ? { answer } : {}),
        ...(automaticAnswer({ action, actor }) ? { automatic: true } : {}),
      },
      ticketId: ticket.id,
      dedupeKey: `citizen:${ticket.id}:${ticket.version}`,
    });
  }
  if (notify.includes('department')) {
    for (const departmentId of notifyDepartmentIds) {
      messages.push({
        kind: 'department.ticket_action',
        channel: 'department',
        recipient: { departmentId },
        payload: { ticketId: ticket.id, number: ticket.number, action, status: ticket.status },
        ticketId: ticket.id,
        dedupeKey: `department:${ticket.id}:${ticket.version}:${departmentId}`,
      });
    }
  }
  return messages;
}
