import { useQuery } from '@tanstack/react-query';
import { Badge, Card, Segmented, Tabs, Typography } from 'antd';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../api/client';
import { TicketRows, type Query } from './Tickets';

const queueLabels = {
  sign_for: '待签收',
  handling: '办理中',
  assist: '协办',
  supervision: '督办',
  redo: '重办',
  replied: '已答复',
} as const;
type Queue = keyof typeof queueLabels;

/**
 * 承办单位工作台: the department's queues with their counts, the department's or mine, each a list with
 * its deadlines' countdowns (the API's scope: the viewer's own department). Live through the staff socket.
 */
export function Workbench() {
  const [params, setParams] = useSearchParams();
  const queue = (params.get('queue') as Queue | null) ?? 'sign_for';
  const mine = params.get('who') === 'me';
  const { data } = useQuery({
    queryKey: ['tickets', 'department-queues'],
    queryFn: async () => (await api.GET('/api/v1/department-queues')).data?.items ?? [],
    refetchInterval: 60_000,
  });
  const query = useMemo<Query>(() => ({ queue, ...(mine ? { assignee: 'me' } : {}) }), [queue, mine]);
  const set = (next: { queue?: Queue; who?: 'me' | 'all' }) =>
    setParams({ queue: next.queue ?? queue, ...((next.who ?? (mine ? 'me' : 'all')) === 'me' ? { who: 'me' } : {}) });
  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          承办工作台
        </Typography.Title>
      }
      extra={
        <Segmented
          aria-label="范围"
          value={mine ? 'me' : 'all'}
          options={[
            { value: 'all', label: '本部门' },
            { value: 'me', label: '我的' },
          ]}
          onChange={(who) => set({ who: who as 'me' | 'all' })}
        />
      }
    >
      <Tabs
        activeKey={queue}
        onChange={(key) => set({ queue: key as Queue })}
        items={(Object.keys(queueLabels) as Queue[]).map((key) => {
          const counted = data?.find((q) => q.queue === key);
          const n = counted ? (mine ? counted.mine : counted.all) : 0;
          return {
            key,
            label: (
              <span>
                {queueLabels[key]} <Badge count={n} showZero color={n ? '#cf1322' : '#8c8c8c'} overflowCount={999} />
              </span>
            ),
          };
        })}
      />
      <TicketRows query={query} />
    </Card>
  );
}
