import type { types } from '@slack/bolt';
import type { TicketCard } from '../../src/notify/ports';
import { shanghaiTime } from '../../src/shared/time';
import { returnReasonLabels, returnReasons } from '../../src/tickets/ticket.types';

type KnownBlock = types.KnownBlock;
type ModalView = types.ModalView;

/** Slack's mrkdwn needs &, < and > escaped; everything else is shown as written. */
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const urgencyLabels: Record<string, string> = { normal: '', urgent: '（紧急）', emergency: '（特急）' };

const buttons: Record<TicketCard['actions'][number], { text: string; style?: 'primary' | 'danger' }> = {
  sign_for: { text: '签收', style: 'primary' },
  reply: { text: '答复', style: 'primary' },
  return: { text: '退单', style: 'danger' },
  view: { text: '查看' },
  urge: { text: '催办' },
  supervise: { text: '督办', style: 'danger' },
  approve_extension: { text: '批准延期', style: 'primary' },
};

/** The fallback text (notifications, screen readers) and the Block Kit card of a ticket. */
export function ticketCardMessage(card: TicketCard, heading?: string): { text: string; blocks: KnownBlock[] } {
  const field = (label: string, value: string | null) => ({ type: 'mrkdwn' as const, text: `*${label}*\n${escape(value ?? '—')}` });
  const blocks: KnownBlock[] = [
    ...(heading ? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: `:rotating_light: ${escape(heading)}` } }] : []),
    { type: 'header', text: { type: 'plain_text', text: `12345 工单 ${card.number}` } },
    {
      type: 'section',
      fields: [
        field('状态', card.statusLabel),
        field('类型', `${card.requestTypeLabel}${urgencyLabels[card.urgency] ?? ''}`),
        field('分类', card.categoryName),
        field('答复时限', card.replyDueAt ? shanghaiTime(card.replyDueAt) : null),
        field('属地', card.place),
        field('承办单位', card.departmentName),
      ],
    },
    { type: 'section', text: { type: 'mrkdwn', text: escape(card.summary) } },
    {
      type: 'actions',
      block_id: 'ticket',
      elements: card.actions.map((action) => ({
        type: 'button' as const,
        action_id: `ticket.${action}`,
        value: String(card.ticketId),
        text: { type: 'plain_text' as const, text: buttons[action].text },
        ...(buttons[action].style ? { style: buttons[action].style } : {}),
      })),
    },
  ];
  return { text: `${heading ? `${heading} ` : ''}12345 工单 ${card.number}：${card.summary}（${card.statusLabel}）`, blocks };
}

/** What a form carries back on submission. */
export interface ModalContext {
  ticketId: number;
  channelId: string;
}

export function returnModal(context: ModalContext): ModalView {
  return {
    type: 'modal',
    callback_id: 'ticket.return',
    private_metadata: JSON.stringify(context),
    title: { type: 'plain_text', text: '退单' },
    submit: { type: 'plain_text', text: '提交退单' },
    close: { type: 'plain_text', text: '取消' },
    blocks: [
      {
        type: 'input',
        block_id: 'reason_code',
        label: { type: 'plain_text', text: '退单原因' },
        element: {
          type: 'static_select',
          action_id: 'value',
          options: returnReasons.map((code) => ({ text: { type: 'plain_text', text: returnReasonLabels[code] }, value: code })),
        },
      },
      {
        type: 'input',
        block_id: 'reason',
        label: { type: 'plain_text', text: '说明' },
        element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 500 },
      },
    ],
  };
}

export function replyModal(context: ModalContext): ModalView {
  return {
    type: 'modal',
    callback_id: 'ticket.reply',
    private_metadata: JSON.stringify(context),
    title: { type: 'plain_text', text: '答复' },
    submit: { type: 'plain_text', text: '提交答复' },
    close: { type: 'plain_text', text: '取消' },
    blocks: [
      {
        type: 'input',
        block_id: 'text',
        label: { type: 'plain_text', text: '答复内容' },
        element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 3000 },
      },
      {
        type: 'input',
        block_id: 'solved',
        label: { type: 'plain_text', text: '问题是否已解决' },
        element: {
          type: 'radio_buttons',
          action_id: 'value',
          options: [
            { text: { type: 'plain_text', text: '已解决' }, value: 'yes' },
            { text: { type: 'plain_text', text: '未解决（已解释说明）' }, value: 'no' },
          ],
        },
      },
    ],
  };
}
