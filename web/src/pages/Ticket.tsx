import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Descriptions, Space, Tabs, Typography } from 'antd';
import { Link, useLocation, useParams } from 'react-router';
import { api, type TicketDetail } from '../api/client';
import {
  hardCaseHandlingLabels,
  hardCaseKindLabels,
  hardCaseLevelLabels,
  hardCaseSourceLabels,
  meetingKindLabels,
} from '../../../src/tickets/hard-case-labels';
import { channelLabels, orderStatusLabels, replyResultLabels, requestTypeLabels, urgencyLabels } from '../labels';
import { ArticleNotice } from './ArticleNotice';
import { DuplicatesPanel } from './DuplicatesPanel';
import { MediaGallery, useTicketMedia } from './Media';
import { Deadline, Pill, useNow } from './Deadline';
import { TicketActions } from './TicketActions';
import { CitizenMessages, ClockLedger, TicketTimeline } from './TicketRecord';
import { beijing } from '../time';
import { mapUrl } from '../maps';

/** One ticket: its header and deadlines, the caller (masked for department roles by the API), the actions allowed now, its record. */
export function Ticket() {
  const id = Number(useParams().id);
  const now = useNow();
  const { created, problem } = (useLocation().state as { created?: string; problem?: string } | null) ?? {};
  const { data: ticket } = useQuery({
    queryKey: ['ticket', id],
    queryFn: async () => (await api.GET('/api/v1/tickets/{id}', { params: { path: { id } } })).data,
  });
  const media = useTicketMedia(id);
  if (!ticket) return null;
  const place = [ticket.region?.name, ticket.address].filter(Boolean).join(' · ');
  return (
    <Card
      title={
        <Space>
          <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
            工单 {ticket.number}
          </Typography.Title>
          <Pill>{ticket.statusLabel}</Pill>
          {ticket.urgency !== 'normal' && <Pill tone="red">{urgencyLabels[ticket.urgency]}</Pill>}
          {ticket.supervised && <Pill tone="orange">督办</Pill>}
          <Deadline due={ticket.nextDue} overdue={ticket.overdue} paused={ticket.clocksPaused} now={now} />
        </Space>
      }
    >
      {created && <Alert type="success" showIcon title={`已受理，工单号 ${created}`} style={{ marginBottom: 16 }} />}
      {problem && <Alert type="warning" showIcon title={problem} style={{ marginBottom: 16 }} />}
      <DuplicatesPanel ticket={ticket} />
      <TicketActions ticket={ticket} />
      <ArticleNotice ticket={ticket} />
      <Descriptions bordered column={2} size="small">
        <Descriptions.Item label="类型">
          {requestTypeLabels[ticket.requestType]}・{urgencyLabels[ticket.urgency]}・{channelLabels[ticket.channel] ?? ticket.channel}
        </Descriptions.Item>
        <Descriptions.Item label="分类">{ticket.category?.name ?? '未分类'}</Descriptions.Item>
        <Descriptions.Item label="承办单位">{ticket.leadDepartment?.name ?? '待分拨'}</Descriptions.Item>
        <Descriptions.Item label="来电人">
          {ticket.contact ? `${ticket.contact.name ?? ''} ${ticket.contact.phone ?? ''}` : '—'}
          {ticket.contact?.confidential && <Pill tone="red">保密</Pill>}
        </Descriptions.Item>
        <Descriptions.Item label="地点">
          {place || '—'}{' '}
          {ticket.location && (
            <a href={mapUrl(ticket.location, ticket.address ?? '市民位置')} target="_blank" rel="noreferrer">
              市民位置（地图）
            </a>
          )}
        </Descriptions.Item>
        <Descriptions.Item label="受理时间">{beijing(ticket.createdAt).format('YYYY-MM-DD HH:mm')}</Descriptions.Item>
        <Descriptions.Item label="答复时限">
          {ticket.replyDueAt ? beijing(ticket.replyDueAt).format('YYYY-MM-DD HH:mm') : '—'}
        </Descriptions.Item>
        {ticket.matter && (
          <Descriptions.Item label="代办事项" span={2}>
            {ticket.matter}
          </Descriptions.Item>
        )}
        <Descriptions.Item label="诉求内容" span={2}>
          {ticket.description}
        </Descriptions.Item>
        {ticket.assignments.some((a) => a.role === 'assist') && (
          <Descriptions.Item label="协办单位" span={2}>
            {ticket.assignments
              .filter((a) => a.role === 'assist')
              .map((a) => `${a.departmentName}${a.active ? '' : '（已结束）'}`)
              .join('、')}
          </Descriptions.Item>
        )}
        {ticket.reply && (
          <Descriptions.Item label="答复" span={2}>
            {ticket.reply.text}
            {ticket.reply.result && (
              <Pill tone={ticket.reply.result === 'solved' ? 'green' : 'orange'}>{replyResultLabels[ticket.reply.result]}</Pill>
            )}
          </Descriptions.Item>
        )}
        {ticket.hardCase && (
          <Descriptions.Item label="办不成事" span={2}>
            <HardCaseLine hardCase={ticket.hardCase} />
          </Descriptions.Item>
        )}
        {ticket.mergedInto && (
          <Descriptions.Item label="已并入" span={2}>
            <Link to={`/tickets/${ticket.mergedInto.id}`}>{ticket.mergedInto.number}</Link>
          </Descriptions.Item>
        )}
      </Descriptions>
      <Tabs
        style={{ marginTop: 16 }}
        items={[
          { key: 'timeline', label: '办理过程', children: <TicketTimeline ticket={ticket} /> },
          {
            key: 'media',
            label: `照片与附件${media.data?.length ? `（${media.data.length}）` : ''}`,
            children: <MediaGallery ticketId={ticket.id} />,
          },
          { key: 'clocks', label: '时限记录', children: <ClockLedger ticketId={ticket.id} /> },
          { key: 'messages', label: '市民消息', children: <CitizenMessages ticketId={ticket.id} /> },
        ]}
      />
    </Card>
  );
}

/** 办不成事 on the ticket: its kind, how it was found, the rung it is on, what was done for its kind, 联办 and the meeting. */
function HardCaseLine({ hardCase }: { hardCase: NonNullable<TicketDetail['hardCase']> }) {
  const handling = hardCase.handling as { text?: string; policyBasis?: string; deferredItems?: string; promisedBy?: string } | null;
  return (
    <Space direction="vertical" size={2}>
      <span>
        {hardCase.kind ? <Pill tone={hardCase.kind === 'refused' ? 'red' : 'orange'}>{hardCaseKindLabels[hardCase.kind]}</Pill> : '未分类'}{' '}
        {hardCaseSourceLabels[hardCase.source]} · {hardCaseLevelLabels[hardCase.level]}
        {hardCase.leaderName ? `（${hardCase.leaderName}）` : ''}
        {hardCase.answeredAt && ' · 已答复'}
      </span>
      {handling?.text && (
        <span>
          {hardCase.kind ? hardCaseHandlingLabels[hardCase.kind] : '处理'}：{handling.text}
          {handling.policyBasis && `（依据：${handling.policyBasis}）`}
          {handling.deferredItems && `（容缺：${handling.deferredItems}，承诺 ${handling.promisedBy ?? ''} 前补交）`}
        </span>
      )}
      {hardCase.jointDepartmentNames.length > 0 && <span>联办单位：{hardCase.jointDepartmentNames.join('、')}</span>}
      {hardCase.meeting && (
        <span>
          {meetingKindLabels[hardCase.meeting.meeting]}（{hardCase.meeting.heldOn}）：{hardCase.meeting.decision}
        </span>
      )}
      {hardCase.followUp && (
        <span>
          现场未办结，转帮代办：首席代表{hardCase.followUp.representativeName}{' '}
          <Link to={`/runner/orders/${hardCase.followUp.orderId}`}>代办单 {orderStatusLabels[hardCase.followUp.orderStatus]}</Link>
        </span>
      )}
    </Space>
  );
}
