import { useQuery } from '@tanstack/react-query';
import { Button, Card, DatePicker, Drawer, List, Segmented, Space, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { beijing } from '../../time';
import { optionsOf } from '../../labels';

const groupings = { department: '承办单位', region: '地区', category: '分类', channel: '渠道', day: '日期' } as const;
type Grouping = keyof typeof groupings;
type Row = NonNullable<Awaited<ReturnType<typeof fetchKpis>>>[number];
type Metric = 'response' | 'resolution' | 'satisfaction' | 'late_sign_for' | 'late_reply' | 'returned' | 'reopened' | 'direct_resolution';

/** Each rate, and the tickets behind it (GET /kpis/tickets). */
const rates: Array<{ field: keyof Row; title: string; metric: Metric; behind: string }> = [
  { field: 'responseRate', title: '响应率', metric: 'response', behind: '回访称未联系的' },
  { field: 'resolutionRate', title: '解决率', metric: 'resolution', behind: '回访称未解决的' },
  { field: 'satisfactionRate', title: '满意率', metric: 'satisfaction', behind: '回访不满意的' },
  { field: 'onTimeSignForRate', title: '按时签收率', metric: 'late_sign_for', behind: '超时签收的' },
  { field: 'onTimeReplyRate', title: '按时答复率', metric: 'late_reply', behind: '超时答复的' },
  { field: 'returnRate', title: '退单率', metric: 'returned', behind: '退单的' },
  { field: 'reopenRate', title: '重办率', metric: 'reopened', behind: '重办的' },
  { field: 'directResolutionRate', title: '直办率', metric: 'direct_resolution', behind: '直接办结的' },
];

const day = (d: Dayjs) => d.format('YYYY-MM-DD');
async function fetchKpis(groupBy: Grouping, from: string, to: string) {
  return (await api.GET('/api/v1/kpis', { params: { query: { groupBy, from, to } } })).data?.items;
}

/**
 * 统计报表: the 三率 and the other rates per department, place, category or channel over a period; every
 * figure opens the tickets behind it, and the same table downloads as CSV (the API's own export).
 */
export function Reports() {
  const [groupBy, setGroupBy] = useState<Grouping>('department');
  const [range, setRange] = useState<[Dayjs, Dayjs]>([beijing().subtract(29, 'day'), beijing()]);
  const [drill, setDrill] = useState<{ row: Row; rate: (typeof rates)[number] }>();
  const [from, to] = [day(range[0]), day(range[1])];
  const { data } = useQuery({ queryKey: ['kpis', groupBy, from, to], queryFn: () => fetchKpis(groupBy, from, to) });
  const behind = useQuery({
    queryKey: ['kpis', 'tickets', groupBy, from, to, drill?.row.key, drill?.rate.metric],
    enabled: drill !== undefined,
    queryFn: async () =>
      (
        await api.GET('/api/v1/kpis/tickets', {
          params: { query: { groupBy, from, to, key: drill!.row.key ?? '', metric: drill!.rate.metric, limit: 200 } },
        })
      ).data?.items ?? [],
  });
  const csv = `/api/v1/kpis?${new URLSearchParams({ groupBy, from, to, format: 'csv' })}`;
  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          统计报表
        </Typography.Title>
      }
      extra={
        <Space>
          <Link to="/reports/bulletin">月度/季度通报</Link>
          <Button href={csv} download>
            导出 CSV
          </Button>
          <Button href={csv.replace('format=csv', 'format=xlsx')} download>
            导出 Excel
          </Button>
        </Space>
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Segmented
          aria-label="统计维度"
          value={groupBy}
          onChange={(value) => setGroupBy(value as Grouping)}
          options={optionsOf(groupings)}
        />
        <DatePicker.RangePicker
          aria-label="统计期间"
          allowClear={false}
          value={range}
          onChange={(value) => value?.[0] && value[1] && setRange([value[0], value[1]])}
          disabledDate={(d) => d.isAfter(dayjs())}
        />
      </Space>
      <Table
        rowKey={(row) => row.key ?? row.name ?? ''}
        size="small"
        loading={data === undefined}
        dataSource={data ?? []}
        pagination={false}
        scroll={{ x: 1000 }}
        columns={[
          { title: groupings[groupBy], dataIndex: 'name', fixed: 'left', render: (name: string | null) => name ?? '—' },
          { title: '件数', dataIndex: 'volume', width: 70 },
          { title: '回访', key: 'answered', width: 70, render: (_: unknown, row) => row.surveys.answered },
          ...rates.map((rate) => ({
            title: rate.title,
            key: rate.field,
            width: 96,
            render: (_: unknown, row: Row) => {
              const value = row[rate.field] as number | null;
              if (value === null) return '—';
              return (
                <Button
                  type="link"
                  size="small"
                  style={{ padding: 0 }}
                  onClick={() => setDrill({ row, rate })}
                  aria-label={`${row.name ?? ''}${rate.title}：${rate.behind}工单`}
                >
                  {(value * 100).toFixed(1)}%
                </Button>
              );
            },
          })),
        ]}
      />
      <Drawer
        open={drill !== undefined}
        onClose={() => setDrill(undefined)}
        title={drill ? `${drill.row.name ?? ''}・${drill.rate.behind}工单（${from} 至 ${to}）` : ''}
        width={480}
      >
        <List
          loading={behind.isLoading}
          dataSource={behind.data ?? []}
          locale={{ emptyText: <Typography.Text type="secondary">没有工单</Typography.Text> }}
          renderItem={(item) => (
            <List.Item key={item.ticketId}>
              <Space direction="vertical" size={0}>
                <Link to={`/tickets/${item.ticketId}`} onClick={() => setDrill(undefined)}>
                  {item.number}
                </Link>
                <Typography.Text type="secondary">{item.title}</Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      </Drawer>
    </Card>
  );
}
