import { useQuery } from '@tanstack/react-query';
import { Card, Col, Row, Segmented, Space, Statistic, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { api } from '../../api/client';
import { channelLabels, statusLabels } from '../../labels';
import { beijing, shortTime } from '../../time';
import { Pill } from '../Deadline';
import { Chart, registerMap, type ChartOption } from './Chart';

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
const bars = (names: string[], values: number[], color = '#0958d9'): ChartOption => ({
  grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
  tooltip: { trigger: 'axis' },
  xAxis: { type: 'value', minInterval: 1 },
  yAxis: { type: 'category', data: names, inverse: true },
  series: [{ type: 'bar', data: values, itemStyle: { color } }],
});

/**
 * 督办大屏: the center's overview for supervisors, duty chiefs and the director — on a desk or a wall screen.
 * One read of GET /board, again whenever a ticket changes (the staff socket) and every minute.
 */
export function Board() {
  const { data } = useQuery({
    queryKey: ['tickets', 'board'],
    queryFn: async () => (await api.GET('/api/v1/board')).data,
    refetchInterval: 60_000,
  });
  // 分档排名: the departments ranked within bands of similar volume over the last 30 days (changes slowly).
  const period = { from: beijing().subtract(29, 'day').format('YYYY-MM-DD'), to: beijing().format('YYYY-MM-DD') };
  const { data: ranking } = useQuery({
    queryKey: ['kpis', 'ranking', period.from, period.to],
    staleTime: 5 * 60_000,
    queryFn: async () => (await api.GET('/api/v1/kpis/ranking', { params: { query: period } })).data?.bands ?? [],
  });
  const charts = useMemo(() => {
    if (!data) return undefined;
    return {
      hours: {
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: data.today.byHour.map((_, h) => `${h}时`) },
        yAxis: { type: 'value', minInterval: 1 },
        series: [{ type: 'bar', data: data.today.byHour, itemStyle: { color: '#0958d9' } }],
      } satisfies ChartOption,
      channels: {
        tooltip: { trigger: 'item' },
        legend: { bottom: 0 },
        series: [
          {
            type: 'pie',
            radius: ['40%', '70%'],
            data: data.today.byChannel.map((c) => ({ name: channelLabels[c.channel] ?? c.channel, value: c.count })),
          },
        ],
      } satisfies ChartOption,
      trend: {
        grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
        tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v.toFixed(1)}%` : '—') },
        legend: { top: 0 },
        xAxis: { type: 'category', data: data.trend.map((d) => d.day.slice(5)) },
        yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
        series: (
          [
            ['响应率', 'response', '#0958d9'],
            ['解决率', 'resolution', '#389e0d'],
            ['满意率', 'satisfaction', '#d46b08'],
          ] as const
        ).map(([name, field, color]) => ({
          name,
          type: 'line',
          connectNulls: true,
          itemStyle: { color },
          data: data.trend.map((d) => (d[field] === null ? null : Math.round(d[field]! * 1000) / 10)),
        })),
      } satisfies ChartOption,
      categories: bars(
        data.categories.map((c) => c.name),
        data.categories.map((c) => c.count),
      ),
      regions: bars(
        data.regions.map((r) => r.name),
        data.regions.map((r) => r.count),
        '#389e0d',
      ),
    };
  }, [data]);
  if (!data || !charts) return null;
  const overdue = data.departments.reduce((n, d) => n + d.overdue, 0);
  const atRisk = data.departments.reduce((n, d) => n + d.atRisk, 0);
  const open = data.open.reduce((n, s) => n + s.count, 0);
  return (
    <div>
      <Typography.Title level={1} style={{ fontSize: 20 }}>
        督办大屏{' '}
        <Typography.Text type="secondary" style={{ fontSize: 14 }}>
          更新于 {shortTime(data.at)}
        </Typography.Text>
      </Typography.Title>
      <Row gutter={[16, 16]}>
        {[
          { title: '今日受理', value: data.today.total },
          { title: '在办工单', value: open },
          { title: '已超时', value: overdue, color: overdue > 0 ? '#a8071a' : undefined },
          { title: '临近超时', value: atRisk, color: atRisk > 0 ? '#ad4e00' : undefined },
          { title: '响应率（30日）', value: percent(data.rates.response) },
          { title: '解决率（30日）', value: percent(data.rates.resolution) },
          { title: '满意率（30日）', value: percent(data.rates.satisfaction) },
        ].map((s) => (
          <Col key={s.title} xs={12} md={8} xl={3}>
            <Card size="small">
              <Statistic title={s.title} value={s.value} valueStyle={s.color ? { color: s.color } : undefined} />
            </Card>
          </Col>
        ))}
      </Row>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} xl={16}>
          <Card size="small" title="今日受理（按小时）">
            <Chart option={charts.hours} label={`今日各小时受理量，共 ${data.today.total} 件`} />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card size="small" title="今日受理（按渠道）">
            <Chart
              option={charts.channels}
              label={`今日按渠道：${data.today.byChannel.map((c) => `${channelLabels[c.channel] ?? c.channel} ${c.count} 件`).join('，') || '暂无'}`}
            />
          </Card>
        </Col>
        <Col xs={24}>
          <RegionMap />
        </Col>
        <Col xs={24}>
          <Card size="small" title="三率走势（近30日）">
            <Chart
              option={charts.trend}
              label={`近30日三率：共回访 ${data.trend.reduce((n, d) => n + d.answered, 0)} 件；30日响应率 ${percent(data.rates.response)}，解决率 ${percent(data.rates.resolution)}，满意率 ${percent(data.rates.satisfaction)}`}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title="超时与临近超时（按承办单位）">
            <Table
              rowKey="departmentId"
              size="small"
              pagination={false}
              dataSource={data.departments}
              columns={[
                { title: '承办单位', dataIndex: 'name' },
                { title: '在办', dataIndex: 'open', width: 64 },
                { title: '超时', dataIndex: 'overdue', width: 64, render: (n: number) => (n > 0 ? <Pill tone="red">{n}</Pill> : 0) },
                { title: '临近', dataIndex: 'atRisk', width: 64, render: (n: number) => (n > 0 ? <Pill tone="orange">{n}</Pill> : 0) },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title="在办工单（按状态）">
            <Table
              rowKey="status"
              size="small"
              pagination={false}
              dataSource={data.open}
              columns={[
                { title: '状态', dataIndex: 'status', render: (s: keyof typeof statusLabels) => statusLabels[s] ?? s },
                { title: '件数', dataIndex: 'count', width: 80 },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title="热点诉求（近7日，按分类）">
            <Chart
              option={charts.categories}
              label={`近7日分类前列：${data.categories.map((c) => `${c.name} ${c.count}`).join('，') || '暂无'}`}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title="热点地区（近7日）">
            <Chart
              option={charts.regions}
              label={`近7日地区前列：${data.regions.map((r) => `${r.name} ${r.count}`).join('，') || '暂无'}`}
            />
          </Card>
        </Col>
        <Col xs={24}>
          <Card size="small" title="承办单位分档排名（近30日，按满意率、解决率、响应率）">
            <Row gutter={[16, 16]}>
              {(ranking ?? []).map((band) => (
                <Col key={band.band} xs={24} md={12} xl={8}>
                  <Table
                    size="small"
                    rowKey="key"
                    pagination={false}
                    title={() => `${band.band} 件档（${band.departments.length} 个单位）`}
                    dataSource={band.departments}
                    columns={[
                      { title: '名次', dataIndex: 'rank', width: 56 },
                      { title: '单位', dataIndex: 'name' },
                      { title: '件数', dataIndex: 'volume', width: 64 },
                      { title: '满意率', dataIndex: 'satisfactionRate', width: 76, render: percent },
                      { title: '解决率', dataIndex: 'resolutionRate', width: 76, render: percent },
                    ]}
                  />
                </Col>
              ))}
              {ranking?.length === 0 && (
                <Col>
                  <Typography.Text type="secondary">近30日暂无承办数据</Typography.Text>
                </Col>
              )}
            </Row>
          </Card>
        </Col>
      </Row>
    </div>
  );
}

/**
 * 热力地图: the city's districts (or townships) coloured by the week's requests or by what is overdue now,
 * from the outlines admins keep per region; the week's tickets that carry coordinates as points (red: overdue).
 */
function RegionMap() {
  const [level, setLevel] = useState<'district' | 'township'>('district');
  const [metric, setMetric] = useState<'volume' | 'overdue'>('volume');
  const outlines = useQuery({
    queryKey: ['region-outlines', level],
    staleTime: 30 * 60_000,
    queryFn: async () => (await api.GET('/api/v1/regions/outlines', { params: { query: { level } } })).data?.items ?? [],
  });
  const figures = useQuery({
    // Under 'tickets': a ticket that changes makes it stale, as the rest of the board.
    queryKey: ['tickets', 'board', 'map', level],
    refetchInterval: 60_000,
    queryFn: async () => (await api.GET('/api/v1/board/map', { params: { query: { level } } })).data,
  });
  const option = useMemo((): ChartOption | undefined => {
    if (!outlines.data || !figures.data) return undefined;
    const map = `hub-${level}`;
    registerMap(
      map,
      outlines.data.map((o) => ({ name: o.name, geometry: o.outline })),
    );
    const values = figures.data.regions.map((r) => ({ name: r.name, value: r[metric] }));
    return {
      tooltip: { trigger: 'item' },
      visualMap: {
        seriesIndex: 0,
        min: 0,
        max: Math.max(1, ...values.map((v) => v.value)),
        left: 8,
        bottom: 8,
        text: [metric === 'volume' ? '多' : '超期多', '少'],
        inRange: { color: metric === 'volume' ? ['#e6f4ff', '#0958d9'] : ['#fff1f0', '#cf1322'] },
      },
      geo: { map, roam: true, label: { show: true, color: '#1f1f1f' }, itemStyle: { borderColor: '#595959' } },
      series: [
        { type: 'map', geoIndex: 0, name: metric === 'volume' ? '近7日受理' : '当前超期', data: values },
        {
          type: 'scatter',
          coordinateSystem: 'geo',
          name: '带定位的工单',
          symbolSize: 6,
          data: figures.data.points.map((p) => ({
            name: p.number,
            value: [p.longitude, p.latitude],
            itemStyle: { color: p.overdue ? '#cf1322' : '#389e0d' },
          })),
        },
      ],
    };
  }, [outlines.data, figures.data, level, metric]);
  const summary = (figures.data?.regions ?? []).map((r) => `${r.name} ${metric === 'volume' ? r.volume : r.overdue}`).join('，');
  return (
    <Card
      size="small"
      title={metric === 'volume' ? '各地受理量（近7日）' : '各地当前超期'}
      extra={
        <Space>
          <Segmented
            aria-label="地图层级"
            size="small"
            value={level}
            onChange={(v) => setLevel(v as typeof level)}
            options={[
              { value: 'district', label: '区县' },
              { value: 'township', label: '街镇' },
            ]}
          />
          <Segmented
            aria-label="地图指标"
            size="small"
            value={metric}
            onChange={(v) => setMetric(v as typeof metric)}
            options={[
              { value: 'volume', label: '受理量' },
              { value: 'overdue', label: '超期' },
            ]}
          />
        </Space>
      }
    >
      {option ? (
        <Chart
          option={option}
          height={360}
          label={`${metric === 'volume' ? '近7日各地受理量' : '各地当前超期件数'}：${summary || '暂无'}；带定位的工单 ${figures.data?.points.length ?? 0} 件`}
        />
      ) : (
        <Typography.Text type="secondary">{outlines.data?.length === 0 ? '尚未设置区域边界' : '加载中…'}</Typography.Text>
      )}
    </Card>
  );
}
