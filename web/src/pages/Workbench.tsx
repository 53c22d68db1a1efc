import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Badge, Button, Card, Col, Row, Segmented, Select, Space, Table, Tabs, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, errorText } from '../api/client';
import { useMe } from '../session';
import { Pill } from './Deadline';
import { TicketRows, type Query } from './Tickets';

type Load = NonNullable<Awaited<ReturnType<typeof fetchLoad>>>;
const fetchLoad = async () => (await api.GET('/api/v1/department-load')).data?.items;

/** 人员负荷: each member's open tickets and how many are overdue, the busiest first. */
function LoadCard({ load }: { load: Load }) {
  return (
    <Card size="small" title="人员负荷" role="region" aria-label="人员负荷">
      <Table
        rowKey="userId"
        size="small"
        pagination={false}
        dataSource={load}
        columns={[
          { title: '人员', dataIndex: 'displayName', render: (name: string, p) => (p.onDuty ? name : `${name}（离岗）`) },
          { title: '在办', dataIndex: 'open', width: 56 },
          { title: '超时', dataIndex: 'overdue', width: 56, render: (n: number) => (n > 0 ? <Pill tone="red">{n}</Pill> : 0) },
        ]}
      />
    </Card>
  );
}

/** The head's bar over the selected rows: assign them all to one member; the answer says which were not and why. */
function AssignBar({ selected, load, done }: { selected: number[]; load: Load; done: () => void }) {
  const [userId, setUserId] = useState<number>();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const assign = useMutation({
    mutationFn: async () => {
      const { data, error } = await api.POST('/api/v1/tickets/bulk-assign', { body: { ticketIds: selected, userId: userId! } });
      if (!data) throw new Error(errorText(error));
      return data.items;
    },
    onSuccess: (items) => {
      const refused = items.filter((i) => !i.assigned);
      const name = load.find((p) => p.userId === userId)?.displayName ?? '';
      if (refused.length === 0) void message.success(`已将 ${items.length} 件分配给 ${name}`);
      else
        modal.warning({
          title: `${items.length - refused.length} 件已分配，${refused.length} 件未分配`,
          content: refused.map((i) => <div key={i.ticketId}>{`工单 ${i.ticketId}：${i.message ?? ''}`}</div>),
        });
      done();
      void queryClient.invalidateQueries({ queryKey: ['tickets'] });
    },
    onError: (error: Error) => void message.error(error.message),
  });
  return (
    <Space style={{ marginBottom: 12 }} wrap>
      <span>已选 {selected.length} 件</span>
      <Select
        aria-label="分配给"
        placeholder="分配给"
        style={{ width: 200 }}
        value={userId}
        onChange={setUserId}
        options={load.map((p) => ({ value: p.userId, label: `${p.displayName}（在办 ${p.open}）` }))}
      />
      <Button
        type="primary"
        disabled={selected.length === 0 || userId === undefined}
        loading={assign.isPending}
        onClick={() => assign.mutate()}
      >
        分配
      </Button>
    </Space>
  );
}

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
  const isHead = useMe().me?.role === 'dept_head';
  const [selected, setSelected] = useState<number[]>([]);
  const { data: load } = useQuery({ queryKey: ['tickets', 'department-load'], queryFn: fetchLoad, refetchInterval: 60_000 });
  const names = useMemo(() => new Map<number, string>((load ?? []).map((p) => [p.userId, p.displayName])), [load]);
  // Assigning is for what the department handles now (the API refuses the rest ticket by ticket).
  const assignable =
    isHead && load !== undefined && (queue === 'sign_for' || queue === 'handling' || queue === 'supervision' || queue === 'redo');
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
        onChange={(key) => {
          setSelected([]);
          set({ queue: key as Queue });
        }}
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
      <Row gutter={16}>
        <Col xs={24} xl={isHead ? 18 : 24}>
          {assignable && <AssignBar selected={selected} load={load} done={() => setSelected([])} />}
          <TicketRows query={query} assignees={names} selection={assignable ? { selected, onChange: setSelected } : undefined} />
        </Col>
        {isHead && load && (
          <Col xs={24} xl={6}>
            <LoadCard load={load} />
          </Col>
        )}
      </Row>
    </Card>
  );
}
