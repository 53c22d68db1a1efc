import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Descriptions, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useLocation, useParams } from 'react-router';
import { api } from '../api/client';
import { eventLabels, requestTypeLabels, urgencyLabels } from '../labels';
import { TicketActions } from './TicketActions';

/** One ticket: its header, the caller (masked for department roles by the API), its timeline. */
export function Ticket() {
  const id = Number(useParams().id);
  const { created, problem } = (useLocation().state as { created?: string; problem?: string } | null) ?? {};
  const { data: ticket } = useQuery({
    queryKey: ['ticket', id],
    queryFn: async () => (await api.GET('/api/v1/tickets/{id}', { params: { path: { id } } })).data,
  });
  if (!ticket) return null;
  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          工单 {ticket.number}
        </Typography.Title>
      }
    >
      {created && <Alert type="success" showIcon title={`已受理，工单号 ${created}`} style={{ marginBottom: 16 }} />}
      {problem && <Alert type="warning" showIcon title={problem} style={{ marginBottom: 16 }} />}
      <TicketActions ticket={ticket} />
      <Descriptions bordered column={2} size="small">
        <Descriptions.Item label="状态">
          <Tag>{ticket.statusLabel}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label="类型">
          {requestTypeLabels[ticket.requestType]}・{urgencyLabels[ticket.urgency]}
        </Descriptions.Item>
        <Descriptions.Item label="分类">{ticket.category?.name ?? '未分类'}</Descriptions.Item>
        <Descriptions.Item label="承办单位">{ticket.leadDepartment?.name ?? '待分拨'}</Descriptions.Item>
        <Descriptions.Item label="来电人">
          {ticket.contact ? `${ticket.contact.name ?? ''} ${ticket.contact.phone ?? ''}` : '—'}
        </Descriptions.Item>
        <Descriptions.Item label="地址">{ticket.address ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="诉求内容" span={2}>
          {ticket.description}
        </Descriptions.Item>
      </Descriptions>
      <Typography.Title level={2} style={{ fontSize: 16, marginTop: 24 }}>
        办理过程
      </Typography.Title>
      <Timeline
        items={ticket.timeline.map((event) => ({
          key: event.id,
          content: `${dayjs(event.at).format('MM-DD HH:mm')} ${event.actor.name ?? ''} ${eventLabels[event.type] ?? event.type}${event.reason ? `：${event.reason}` : ''}`,
        }))}
      />
    </Card>
  );
}
