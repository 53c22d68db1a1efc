import { useQuery } from '@tanstack/react-query';
import { Button, Descriptions, Segmented, Select, Space, Table, Typography } from 'antd';
import { useEffect, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { channelLabels } from '../../labels';
import { beijing } from '../../time';

const percent = (rate: number | null | undefined) => (rate == null ? '—' : `${(rate * 100).toFixed(1)}%`);

/** The periods a 通报 covers: each month of the last year, each quarter of the last two years. */
function periods(kind: 'month' | 'quarter') {
  const now = beijing();
  if (kind === 'month')
    return Array.from({ length: 12 }, (_, i) => {
      const start = now.startOf('month').subtract(i + 1, 'month');
      return { value: start.format('YYYY-MM'), label: start.format('YYYY年M月'), from: start, to: start.endOf('month') };
    });
  return Array.from({ length: 8 }, (_, i) => {
    const start = now
      .startOf('month')
      .subtract(now.month() % 3, 'month')
      .subtract(3 * (i + 1), 'month');
    return {
      value: `${start.year()}-Q${start.month() / 3 + 1}`,
      label: `${start.year()}年第${['一', '二', '三', '四'][start.month() / 3]}季度`,
      from: start,
      to: start.add(2, 'month').endOf('month'),
    };
  });
}

/**
 * 月度/季度通报: the center's printed bulletin for a month or a quarter — volumes by channel, the 三率 and
 * the other rates, the departments ranked within their volume bands, the slowest departments, and what is
 * overdue as it is printed. Made of the reports the API gives (GET /kpis, /kpis/ranking, /sla/report,
 * /sla/overdue); the browser's print prints only the bulletin.
 */
export function Bulletin() {
  const [params, setParams] = useSearchParams();
  const kind = params.get('kind') === 'quarter' ? 'quarter' : 'month';
  const options = useMemo(() => periods(kind), [kind]);
  const period = options.find((p) => p.value === params.get('period')) ?? options[0]!;
  const range = { from: period.from.format('YYYY-MM-DD'), to: period.to.format('YYYY-MM-DD') };
  useEffect(() => {
    document.title = `12345热线${period.label}工作通报`;
  }, [period.label]);

  const channels = useQuery({
    queryKey: ['kpis', 'channel', range.from, range.to],
    queryFn: async () => (await api.GET('/api/v1/kpis', { params: { query: { ...range, groupBy: 'channel' } } })).data?.items ?? [],
  });
  const ranking = useQuery({
    queryKey: ['kpis', 'ranking', range.from, range.to],
    queryFn: async () => (await api.GET('/api/v1/kpis/ranking', { params: { query: range } })).data?.bands ?? [],
  });
  const sla = useQuery({
    queryKey: ['sla-report', range.from, range.to],
    queryFn: async () =>
      (await api.GET('/api/v1/sla/report', { params: { query: { ...range, groupBy: 'department' } } })).data?.items ?? [],
  });
  const overdue = useQuery({
    queryKey: ['sla-overdue', 'bulletin'],
    queryFn: async () => (await api.GET('/api/v1/sla/overdue', { params: { query: { limit: 50 } } })).data?.items ?? [],
  });

  const rows = channels.data ?? [];
  const total = rows.reduce((n, r) => n + r.volume, 0);
  const answered = rows.reduce((n, r) => n + r.surveys.answered, 0);
  // The city's rates: each channel's rate weighted by its answered surveys (as GET /kpis computes them per group).
  const weighted = (rate: (r: (typeof rows)[number]) => number | null) =>
    answered === 0 ? null : rows.reduce((n, r) => n + (rate(r) ?? 0) * r.surveys.answered, 0) / answered;
  const slowest = [...(sla.data ?? [])]
    .filter((d) => d.avgHandlingHours !== null && d.closed > 0)
    .sort((a, b) => (b.avgHandlingHours ?? 0) - (a.avgHandlingHours ?? 0))
    .slice(0, 10);
  const loading = channels.isLoading || ranking.isLoading || sla.isLoading || overdue.isLoading;

  return (
    <div className="bulletin">
      <style>{`@media print { .ant-layout-header, .no-print { display: none !important; } .ant-layout-content { padding: 0 !important; } }`}</style>
      <Space className="no-print" wrap style={{ marginBottom: 16 }}>
        <Segmented
          aria-label="通报周期"
          value={kind}
          onChange={(value) => setParams({ kind: String(value) })}
          options={[
            { value: 'month', label: '月度' },
            { value: 'quarter', label: '季度' },
          ]}
        />
        <Select
          aria-label="通报期间"
          style={{ width: 180 }}
          value={period.value}
          onChange={(value) => setParams({ kind, period: value })}
          options={options.map((p) => ({ value: p.value, label: p.label }))}
        />
        <Button type="primary" onClick={() => window.print()} disabled={loading}>
          打印
        </Button>
      </Space>
      <article style={{ background: '#fff', padding: 32, maxWidth: 960 }}>
        <Typography.Title level={1} style={{ textAlign: 'center', fontSize: 24 }}>
          12345政务服务便民热线{period.label}工作通报
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
          统计期间：{range.from} 至 {range.to}
        </Typography.Paragraph>

        <Typography.Title level={2} style={{ fontSize: 18 }}>
          一、受理情况
        </Typography.Title>
        <Typography.Paragraph>
          本期共受理群众诉求 <strong>{total}</strong> 件，其中
          {rows.map((r) => `${channelLabels[r.key ?? ''] ?? r.name} ${r.volume} 件`).join('，') || '—'}。
        </Typography.Paragraph>

        <Typography.Title level={2} style={{ fontSize: 18 }}>
          二、办理质量（三率）
        </Typography.Title>
        <Descriptions bordered size="small" column={3}>
          <Descriptions.Item label="回访件数">{answered}</Descriptions.Item>
          <Descriptions.Item label="响应率">{percent(weighted((r) => r.responseRate))}</Descriptions.Item>
          <Descriptions.Item label="解决率">{percent(weighted((r) => r.resolutionRate))}</Descriptions.Item>
          <Descriptions.Item label="满意率">{percent(weighted((r) => r.satisfactionRate))}</Descriptions.Item>
          <Descriptions.Item label="直接办结率">
            {percent(total === 0 ? null : rows.reduce((n, r) => n + (r.directResolutionRate ?? 0) * r.volume, 0) / total)}
          </Descriptions.Item>
        </Descriptions>

        <Typography.Title level={2} style={{ fontSize: 18, marginTop: 24 }}>
          三、承办单位分档排名
        </Typography.Title>
        {(ranking.data ?? []).map((band) => (
          <Table
            key={band.band}
            size="small"
            rowKey="key"
            pagination={false}
            style={{ marginBottom: 16 }}
            title={() => `${band.band} 件档`}
            dataSource={band.departments}
            columns={[
              { title: '名次', dataIndex: 'rank', width: 60 },
              { title: '承办单位', dataIndex: 'name' },
              { title: '件数', dataIndex: 'volume', width: 70 },
              { title: '满意率', dataIndex: 'satisfactionRate', width: 80, render: percent },
              { title: '解决率', dataIndex: 'resolutionRate', width: 80, render: percent },
              { title: '响应率', dataIndex: 'responseRate', width: 80, render: percent },
              { title: '退单率', dataIndex: 'returnRate', width: 80, render: percent },
            ]}
          />
        ))}

        <Typography.Title level={2} style={{ fontSize: 18 }}>
          四、办理时长较长的单位
        </Typography.Title>
        <Table
          size="small"
          rowKey={(d) => String(d.id)}
          pagination={false}
          dataSource={slowest}
          columns={[
            { title: '承办单位', dataIndex: 'name' },
            { title: '办结件数', dataIndex: 'closed', width: 90 },
            {
              title: '平均办理时长（小时）',
              dataIndex: 'avgHandlingHours',
              width: 160,
              render: (h: number | null) => h?.toFixed(1) ?? '—',
            },
            { title: '超期次数', dataIndex: 'breaches', width: 90 },
            { title: '延期次数', dataIndex: 'extensions', width: 90 },
          ]}
        />

        <Typography.Title level={2} style={{ fontSize: 18, marginTop: 24 }}>
          五、当前超期工单（截至 {beijing().format('YYYY-MM-DD HH:mm')}）
        </Typography.Title>
        <Table
          size="small"
          rowKey={(o) => `${o.ticketId}-${o.stage}-${o.departmentId}`}
          pagination={false}
          dataSource={overdue.data ?? []}
          locale={{ emptyText: <Typography.Text type="secondary">无超期工单</Typography.Text> }}
          columns={[
            { title: '工单号', dataIndex: 'number', width: 150 },
            { title: '标题', dataIndex: 'title' },
            { title: '承办单位', dataIndex: 'departmentName', width: 160 },
            { title: '环节', dataIndex: 'stageLabel', width: 90 },
            { title: '超时', dataIndex: 'late', width: 110 },
          ]}
        />
      </article>
    </div>
  );
}
