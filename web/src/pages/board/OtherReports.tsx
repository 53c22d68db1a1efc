import { useQuery } from '@tanstack/react-query';
import { Segmented, Table, Tooltip } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client';
import type { paths } from '../../api/schema';
import { optionsOf, stageLabels } from '../../labels';
import { Behind, Figure, percent, type Period, ReportBar } from './report-parts';

type SlaRow = paths['/api/v1/sla/report']['get']['responses'][200]['content']['application/json']['items'][number];
type ReturnRow = paths['/api/v1/routing/returns']['get']['responses'][200]['content']['application/json']['items'][number];
type ProxyRow = paths['/api/v1/proxy/report']['get']['responses'][200]['content']['application/json']['items'][number];
type Drilled = { ticketId: number; number: string; title: string };

/** The stages whose on-time rates the deadline report shows (the 办不成事 ones are in the hard-case reports). */
const slaStages = ['dispatch', 'sign_for', 'first_contact', 'reply', 'callback'] as const;
const slaGroupings = { department: '承办单位', category: '分类' } as const;

/** The Beijing days of a period as the instants the returns API takes. */
const instants = ({ from, to }: Period) => ({
  from: `${from}T00:00:00+08:00`,
  to: new Date(new Date(`${to}T00:00:00+08:00`).getTime() + 86_400_000).toISOString(),
});

/**
 * 办理时限: each stage's on-time rate per department (the center's own 派单 and 回访 in 热线中心's row)
 * or category, the deadlines missed, those overdue now, extensions, and the time to close.
 */
export function SlaReport({ from, to }: Period) {
  const [groupBy, setGroupBy] = useState<keyof typeof slaGroupings>('department');
  const [drill, setDrill] = useState<{ row: SlaRow; figure: 'late' | 'breached' | 'overdue'; stage?: SlaStage; label: string }>();
  const { data } = useQuery({
    queryKey: ['sla-report', groupBy, from, to],
    queryFn: async () => (await api.GET('/api/v1/sla/report', { params: { query: { groupBy, from, to } } })).data?.items,
  });
  const behind = useQuery({
    queryKey: ['sla-report', 'tickets', groupBy, from, to, drill?.row.id, drill?.figure, drill?.stage],
    enabled: drill !== undefined,
    queryFn: async (): Promise<Drilled[]> =>
      (
        await api.GET('/api/v1/sla/report/tickets', {
          params: { query: { groupBy, from, to, key: drill!.row.id ?? '', figure: drill!.figure, stage: drill!.stage, limit: 200 } },
        })
      ).data?.items ?? [],
  });
  const count = (row: SlaRow, n: number, figure: 'breached' | 'overdue', label: string) =>
    n === 0 ? (
      0
    ) : (
      <Figure onClick={() => setDrill({ row, figure, label })} label={`${row.name}${label}：${n} 件`}>
        {n}
      </Figure>
    );
  return (
    <>
      <ReportBar
        grouping={
          <Segmented
            aria-label="时限统计维度"
            value={groupBy}
            onChange={(v) => setGroupBy(v as typeof groupBy)}
            options={optionsOf(slaGroupings)}
          />
        }
        file={`/api/v1/sla/report?${new URLSearchParams({ groupBy, from, to })}`}
      />
      <Table<SlaRow>
        rowKey={(row) => String(row.id)}
        size="small"
        loading={data === undefined}
        dataSource={data ?? []}
        pagination={false}
        scroll={{ x: 1100 }}
        columns={[
          { title: slaGroupings[groupBy], dataIndex: 'name', fixed: 'left' },
          ...slaStages.map((stage) => ({
            title: `${stageLabels[stage]}按时率`,
            key: stage,
            width: 100,
            render: (_: unknown, row: SlaRow) => {
              const figures = row.stages[stage];
              if (!figures || figures.total === 0) return '—';
              const late = figures.total - figures.onTime;
              const rate = <Tooltip title={`按时 ${figures.onTime} / 共 ${figures.total}`}>{percent(figures.onTimeRate)}</Tooltip>;
              if (late === 0) return rate;
              return (
                <Figure
                  onClick={() => setDrill({ row, figure: 'late', stage, label: `${stageLabels[stage]}超时的` })}
                  label={`${row.name}${stageLabels[stage]}按时率：${stageLabels[stage]}超时的 ${late} 件工单`}
                >
                  {percent(figures.onTimeRate)}
                </Figure>
              );
            },
          })),
          { title: '期间超期', key: 'breaches', width: 90, render: (_, row) => count(row, row.breaches, 'breached', '期间超期') },
          { title: '当前超期', key: 'overdueNow', width: 90, render: (_, row) => count(row, row.overdueNow, 'overdue', '当前超期') },
          { title: '延期', dataIndex: 'extensions', width: 70 },
          { title: '办结', dataIndex: 'closed', width: 70 },
          {
            title: '平均办理时长',
            dataIndex: 'avgHandlingHours',
            width: 110,
            render: (h: number | null) => (h === null ? '—' : `${h} 小时`),
          },
        ]}
      />
      <Behind
        title={drill ? `${drill.row.name}・${drill.label}工单（${from} 至 ${to}）` : undefined}
        items={behind.data}
        loading={behind.isLoading}
        onClose={() => setDrill(undefined)}
      />
    </>
  );
}
type SlaStage = (typeof slaStages)[number];

const returnGroupings = { department: '承办单位', entry: '派单条目' } as const;
const returnFigures = { returned: '退单', upheld: '退单成立', rejected: '退单驳回' } as const;

/**
 * 退单: per department or dispatch catalog entry, the tickets routed there and returned, and how the
 * reviews went: upheld (the dispatch was wrong; an entry is flagged for correction) or rejected.
 */
export function ReturnsReport(period: Period) {
  const [groupBy, setGroupBy] = useState<keyof typeof returnGroupings>('department');
  const [drill, setDrill] = useState<{ id: number; name: string; figure: keyof typeof returnFigures }>();
  const range = instants(period);
  const { data } = useQuery({
    queryKey: ['returns-report', groupBy, range.from, range.to],
    queryFn: async () => (await api.GET('/api/v1/routing/returns', { params: { query: { groupBy, ...range } } })).data?.items,
  });
  const behind = useQuery({
    queryKey: ['returns-report', 'tickets', groupBy, range.from, range.to, drill?.id, drill?.figure],
    enabled: drill !== undefined,
    queryFn: async (): Promise<Drilled[]> =>
      (
        await api.GET('/api/v1/routing/returns/tickets', {
          params: { query: { groupBy, id: drill!.id, figure: drill!.figure, ...range, limit: 200 } },
        })
      ).data?.items ?? [],
  });
  const idOf = (row: ReturnRow) => (groupBy === 'department' ? row.departmentId : row.catalogEntryId)!;
  const figure = (field: keyof typeof returnFigures) => ({
    title: returnFigures[field],
    key: field,
    width: 90,
    render: (_: unknown, row: ReturnRow) =>
      row[field] === 0 ? (
        0
      ) : (
        <Figure
          onClick={() => setDrill({ id: idOf(row), name: row.name ?? '', figure: field })}
          label={`${row.name ?? ''}${returnFigures[field]}：${row[field]} 件工单`}
        >
          {row[field]}
        </Figure>
      ),
  });
  return (
    <>
      <ReportBar
        grouping={
          <Segmented
            aria-label="退单统计维度"
            value={groupBy}
            onChange={(v) => setGroupBy(v as typeof groupBy)}
            options={optionsOf(returnGroupings)}
          />
        }
        file={`/api/v1/routing/returns?${new URLSearchParams({ groupBy, ...range })}`}
      />
      <Table<ReturnRow>
        rowKey={(row) => String(idOf(row))}
        size="small"
        loading={data === undefined}
        dataSource={data ?? []}
        pagination={false}
        scroll={{ x: 700 }}
        columns={[
          {
            title: returnGroupings[groupBy],
            key: 'name',
            fixed: 'left',
            render: (_, row) => (groupBy === 'entry' ? <Link to="/admin/catalog">{row.name ?? `#${idOf(row)}`}</Link> : (row.name ?? '—')),
          },
          { title: '派出', dataIndex: 'routed', width: 80 },
          figure('returned'),
          { title: '退单率', dataIndex: 'returnRate', width: 90, render: (rate: number | null) => percent(rate) },
          figure('upheld'),
          figure('rejected'),
        ]}
      />
      <Behind
        title={drill ? `${drill.name}・${returnFigures[drill.figure]}的工单（${period.from} 至 ${period.to}）` : undefined}
        items={behind.data}
        loading={behind.isLoading}
        onClose={() => setDrill(undefined)}
      />
    </>
  );
}

const proxyGroupings = { matter: '事项', runner: '跑手', team: '跑团', grid: '网格', mode: '服务方式' } as const;
const proxyFigures = { orders: '代办单', done: '办结', late: '超时办结', cancelled: '撤销', outstanding: '待补材料' } as const;

/** 帮办代办: orders per matter, runner, team, grid or serving mode: done, on time, cancelled, trips saved, materials owed. */
export function ProxyReport({ from, to }: Period) {
  const [groupBy, setGroupBy] = useState<keyof typeof proxyGroupings>('matter');
  const [drill, setDrill] = useState<{ row: ProxyRow; figure: keyof typeof proxyFigures }>();
  const { data } = useQuery({
    queryKey: ['proxy-report', groupBy, from, to],
    queryFn: async () => (await api.GET('/api/v1/proxy/report', { params: { query: { groupBy, from, to } } })).data?.items,
  });
  const behind = useQuery({
    queryKey: ['proxy-report', 'orders', groupBy, from, to, drill?.row.key, drill?.figure],
    enabled: drill !== undefined,
    queryFn: async (): Promise<Drilled[]> =>
      (
        await api.GET('/api/v1/proxy/report/orders', {
          params: { query: { groupBy, key: drill!.row.key ?? '', figure: drill!.figure, from, to, limit: 200 } },
        })
      ).data?.items ?? [],
  });
  const figure = (field: 'orders' | 'done' | 'cancelled' | 'materialsOutstanding', name: keyof typeof proxyFigures) => ({
    title: proxyFigures[name],
    key: field,
    width: 90,
    render: (_: unknown, row: ProxyRow) =>
      row[field] === 0 ? (
        0
      ) : (
        <Figure onClick={() => setDrill({ row, figure: name })} label={`${row.name ?? ''}${proxyFigures[name]}：${row[field]}`}>
          {row[field]}
        </Figure>
      ),
  });
  return (
    <>
      <ReportBar
        grouping={
          <Segmented
            aria-label="代办统计维度"
            value={groupBy}
            onChange={(v) => setGroupBy(v as typeof groupBy)}
            options={optionsOf(proxyGroupings)}
          />
        }
        file={`/api/v1/proxy/report?${new URLSearchParams({ groupBy, from, to })}`}
      />
      <Table<ProxyRow>
        rowKey={(row) => row.key ?? ''}
        size="small"
        loading={data === undefined}
        dataSource={data ?? []}
        pagination={false}
        scroll={{ x: 800 }}
        columns={[
          { title: proxyGroupings[groupBy], dataIndex: 'name', fixed: 'left', render: (name: string | null) => name ?? '—' },
          figure('orders', 'orders'),
          figure('done', 'done'),
          {
            title: '按时办结率',
            key: 'onTimeRate',
            width: 100,
            render: (_, row) =>
              row.done > row.onTime ? (
                <Figure
                  onClick={() => setDrill({ row, figure: 'late' })}
                  label={`${row.name ?? ''}按时办结率：超时办结 ${row.done - row.onTime} 件`}
                >
                  {percent(row.onTimeRate)}
                </Figure>
              ) : (
                percent(row.onTimeRate)
              ),
          },
          figure('cancelled', 'cancelled'),
          { title: '少跑腿（趟）', dataIndex: 'tripsSaved', width: 100 },
          figure('materialsOutstanding', 'outstanding'),
        ]}
      />
      <Behind
        title={drill ? `${drill.row.name ?? ''}・${proxyFigures[drill.figure]}（${from} 至 ${to}）` : undefined}
        items={behind.data}
        loading={behind.isLoading}
        onClose={() => setDrill(undefined)}
      />
    </>
  );
}
