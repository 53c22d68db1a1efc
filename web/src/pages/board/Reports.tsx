import { useQuery } from '@tanstack/react-query';
import { OutcomesReport } from './OutcomesReport';
import { Card, DatePicker, Segmented, Space, Table, Tabs, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { HotspotReport } from './HotspotReport';
import { Behind, Figure, percent, type Period, ReportBar } from './report-parts';
import { ProxyReport, ReturnsReport, SlaReport } from './OtherReports';
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

/** The reports, each a tab (?tab= in the URL): the 三率 and rates, the deadlines, the returns, 帮办代办. */
const reportTabs = {
  kpi: '三率与绩效',
  sla: '办理时限',
  returns: '退单',
  proxy: '帮办代办',
  outcomes: '一件事·项目·政邮商',
  hotspots: '热点分析',
} as const;
type ReportTab = keyof typeof reportTabs;

/**
 * 统计报表: over a period of Beijing days, the 三率 and the other rates, the deadlines kept and missed,
 * the returns and how their reviews went, 帮办代办's orders, and 热点分析; every figure opens the tickets
 * behind it, and every table downloads as CSV or Excel (the API's own export).
 */
export function Reports() {
  const [params, setParams] = useSearchParams();
  const tab = (params.get('tab') ?? 'kpi') as ReportTab;
  const [range, setRange] = useState<[Dayjs, Dayjs]>([beijing().subtract(29, 'day'), beijing()]);
  const period = { from: day(range[0]), to: day(range[1]) };
  useEffect(() => {
    document.title = `${reportTabs[tab] ?? '统计报表'} - 12345`;
  }, [tab]);
  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          统计报表
        </Typography.Title>
      }
      extra={
        <Space wrap>
          <DatePicker.RangePicker
            aria-label="统计期间"
            allowClear={false}
            value={range}
            onChange={(value) => value?.[0] && value[1] && setRange([value[0], value[1]])}
            disabledDate={(d) => d.isAfter(dayjs())}
          />
          <Link to="/reports/bulletin">月度/季度通报</Link>
        </Space>
      }
    >
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams(key === 'kpi' ? {} : { tab: key })}
        items={[
          { key: 'kpi', label: reportTabs.kpi, children: <KpiReport {...period} /> },
          { key: 'sla', label: reportTabs.sla, children: <SlaReport {...period} /> },
          { key: 'returns', label: reportTabs.returns, children: <ReturnsReport {...period} /> },
          { key: 'proxy', label: reportTabs.proxy, children: <ProxyReport {...period} /> },
          { key: 'outcomes', label: reportTabs.outcomes, children: <OutcomesReport {...period} /> },
          { key: 'hotspots', label: reportTabs.hotspots, children: <HotspotReport {...period} /> },
        ]}
      />
    </Card>
  );
}

/** The 三率 and the other rates per department, place, category, channel or day. */
function KpiReport({ from, to }: Period) {
  const [groupBy, setGroupBy] = useState<Grouping>('department');
  const [drill, setDrill] = useState<{ row: Row; rate: (typeof rates)[number] }>();
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
  return (
    <>
      <ReportBar
        grouping={
          <Segmented
            aria-label="统计维度"
            value={groupBy}
            onChange={(value) => setGroupBy(value as Grouping)}
            options={optionsOf(groupings)}
          />
        }
        file={`/api/v1/kpis?${new URLSearchParams({ groupBy, from, to })}`}
      />
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
                <Figure onClick={() => setDrill({ row, rate })} label={`${row.name ?? ''}${rate.title}：${rate.behind}工单`}>
                  {percent(value)}
                </Figure>
              );
            },
          })),
        ]}
      />
      <Behind
        title={drill ? `${drill.row.name ?? ''}・${drill.rate.behind}工单（${from} 至 ${to}）` : undefined}
        items={behind.data}
        loading={behind.isLoading}
        onClose={() => setDrill(undefined)}
      />
    </>
  );
}
