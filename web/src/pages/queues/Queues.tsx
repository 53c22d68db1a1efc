import { useQuery } from '@tanstack/react-query';
import { Badge, Card, Tabs, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { useMe } from '../../session';
import { CallbackReviews, Callbacks } from './Callbacks';
import { CallbackTasks } from './CallbackTasks';
import { Conversations } from './Conversations';
import { TicketQueue } from './TicketQueue';

type QueueKey = 'triage' | 'conversations' | 'callbackTasks' | 'callbacks' | 'returns' | 'reviews';

const supervising = new Set(['supervisor', 'director', 'admin']);

/** The seat's queues with their live counts: what waits for a person at the center. The tab is in the URL. */
export function Queues() {
  const { me } = useMe();
  const [params, setParams] = useSearchParams();
  const { data: counts } = useQuery({
    queryKey: ['queues'],
    queryFn: async () => (await api.GET('/api/v1/queues')).data,
    refetchInterval: 60_000,
  });
  const label = (text: string, key: QueueKey) => (
    <span>
      {text} <Badge count={counts?.[key] ?? 0} showZero color={counts?.[key] ? '#cf1322' : '#8c8c8c'} overflowCount={999} />
    </span>
  );
  const tabs = [
    { key: 'triage', label: label('待分拨', 'triage'), children: <TicketQueue status="triage" /> },
    { key: 'conversations', label: label('待回复会话', 'conversations'), children: <Conversations /> },
    { key: 'callbackTasks', label: label('漏接回拨', 'callbackTasks'), children: <CallbackTasks /> },
    { key: 'callbacks', label: label('人工回访', 'callbacks'), children: <Callbacks /> },
    ...(me && supervising.has(me.role)
      ? [
          { key: 'returns', label: label('退单审核', 'returns'), children: <TicketQueue status="returned" /> },
          { key: 'reviews', label: label('回访审核', 'reviews'), children: <CallbackReviews /> },
        ]
      : []),
  ];
  const active = tabs.some((t) => t.key === params.get('tab')) ? params.get('tab')! : 'triage';
  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          待办队列
        </Typography.Title>
      }
    >
      <Tabs activeKey={active} onChange={(tab) => setParams({ tab })} items={tabs} destroyOnHidden />
    </Card>
  );
}
