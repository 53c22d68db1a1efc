import { useQuery } from '@tanstack/react-query';
import { Empty, Table, Timeline, Typography } from 'antd';
import { api, type TicketDetail } from '../api/client';
import { channelLabels, deliveryLabels, eventLabels, stageLabels } from '../labels';
import { Pill } from './Deadline';
import { shortTime } from '../time';

const ledgerLabels: Record<string, string> = {
  start: '开始计时',
  pause: '暂停',
  resume: '恢复',
  stop: '停止',
  cancel: '取消',
  extend: '延期',
  retarget: '时限调整',
  warn: '预警',
  breach: '超时',
  escalate: '升级提醒',
};
const clockStateLabels: Record<string, string> = { running: '计时中', paused: '已暂停', stopped: '已完成', cancelled: '已取消' };
const unitLabels: Record<string, string> = { working_days: '个工作日', working_hours: '个工作小时', natural_hours: '小时' };

/** "（附照片 2 张）" for an entry that shows photos (a 答复's, a runner's step). */
const photoCount = (data: Record<string, unknown> | null) =>
  Array.isArray(data?.photoIds) && data.photoIds.length > 0 ? `（附照片 ${data.photoIds.length} 张）` : '';

/** The ticket's timeline: every event, with its actor and reason, oldest first. */
export function TicketTimeline({ ticket }: { ticket: TicketDetail }) {
  return (
    <Timeline
      items={ticket.timeline.map((event) => ({
        key: event.id,
        content: `${shortTime(event.at)} ${event.actor.name ?? ''} ${eventLabels[event.type] ?? event.type}${event.reason ? `：${event.reason}` : ''}${photoCount(event.data)}`,
      }))}
    />
  );
}

/** The stage clocks (派单, 签收, 答复, 回访 …) with their ledgers: when each started, paused, was extended, warned and breached. */
export function ClockLedger({ ticketId }: { ticketId: number }) {
  const { data } = useQuery({
    queryKey: ['ticket', ticketId, 'clocks'],
    queryFn: async () => (await api.GET('/api/v1/tickets/{id}/clocks', { params: { path: { id: ticketId } } })).data?.items ?? [],
  });
  if (!data) return null;
  if (data.length === 0) return <Empty description="尚无计时" />;
  return (
    <Table
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={data}
      expandable={{
        expandedRowRender: (clock) => (
          <Timeline
            items={clock.ledger.map((entry, i) => ({
              key: i,
              content: `${shortTime(entry.at as string)} ${ledgerLabels[entry.type as string] ?? String(entry.type)}${entry.dueAt ? `，时限 ${shortTime(entry.dueAt as string)}` : ''}${entry.reason ? `（${String(entry.reason)}）` : ''}${entry.actorName ? ` · ${String(entry.actorName)}` : ''}`,
            }))}
          />
        ),
      }}
      columns={[
        { title: '环节', dataIndex: 'stage', render: (stage: keyof typeof stageLabels) => stageLabels[stage] ?? stage },
        { title: '时限', key: 'limit', render: (_: unknown, c) => `${c.amount}${unitLabels[c.unit] ?? c.unit}` },
        { title: '开始', dataIndex: 'startedAt', render: shortTime },
        { title: '截止', dataIndex: 'dueAt', render: shortTime },
        {
          title: '状态',
          key: 'state',
          render: (_: unknown, c) =>
            c.breachedAt ? (
              <Pill tone="red">超时</Pill>
            ) : (
              <Pill tone={c.state === 'running' ? 'green' : 'default'}>{clockStateLabels[c.state]}</Pill>
            ),
        },
        { title: '延期', dataIndex: 'extensions' },
      ]}
    />
  );
}

/** What the hub sent the citizen about this ticket, on which channel, and whether it arrived. */
export function CitizenMessages({ ticketId }: { ticketId: number }) {
  const { data } = useQuery({
    queryKey: ['ticket', ticketId, 'messages'],
    queryFn: async () => (await api.GET('/api/v1/tickets/{id}/messages', { params: { path: { id: ticketId } } })).data?.items ?? [],
  });
  if (!data) return null;
  if (data.length === 0) return <Empty description="尚未向市民发送消息" />;
  return (
    <Table
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={data}
      columns={[
        { title: '时间', dataIndex: 'createdAt', width: 110, render: shortTime },
        { title: '渠道', dataIndex: 'channel', width: 80, render: (c: string) => channelLabels[c] ?? (c === 'voice' ? '语音' : c) },
        { title: '内容', dataIndex: 'text', render: (text: string) => <Typography.Text>{text}</Typography.Text> },
        {
          title: '送达',
          key: 'status',
          width: 150,
          render: (_: unknown, m) => (
            <span title={m.lastError ?? undefined}>
              <Pill tone={m.status === 'dead' ? 'red' : m.status === 'failed' ? 'orange' : m.status === 'sent' ? 'green' : 'default'}>
                {m.providerStatus === 'delivered' ? '已送达' : (deliveryLabels[m.status] ?? m.status)}
              </Pill>
            </span>
          ),
        },
      ]}
    />
  );
}
