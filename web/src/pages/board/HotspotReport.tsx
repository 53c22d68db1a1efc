import { useQuery } from '@tanstack/react-query';
import { Col, Row, Segmented, Space, Statistic, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { shortTime } from '../../time';
import { SeverityPill } from './Hotspots';
import type { Period } from './report-parts';

const periods = { week: '周报', month: '月报' } as const;
const change = (count: number, previous: number) => {
  const delta = count - previous;
  return delta === 0 ? '持平' : `${delta > 0 ? '+' : ''}${delta}`;
};
const compared = [
  { title: '本期', dataIndex: 'count', width: 70 },
  { title: '上期', dataIndex: 'previous', width: 70 },
  { title: '变化', key: 'change', width: 70, render: (_: unknown, r: { count: number; previous: number }) => change(r.count, r.previous) },
];

/**
 * 热点分析: the week (Monday to Sunday) or month holding the period's last day, against the one before —
 * top categories and districts, what rose and fell most, and the hot spots found, each opening its tickets.
 */
export function HotspotReport({ to }: Period) {
  const [period, setPeriod] = useState<keyof typeof periods>('week');
  const { data } = useQuery({
    queryKey: ['hotspot-report', period, to],
    queryFn: async () => (await api.GET('/api/v1/hotspots/report', { params: { query: { period, day: to } } })).data,
  });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <Segmented
          aria-label="热点分析周期"
          value={period}
          onChange={(v) => setPeriod(v as keyof typeof periods)}
          options={Object.entries(periods).map(([value, label]) => ({ value, label }))}
        />
        {data && (
          <Typography.Text type="secondary">
            {shortTime(data.from).slice(0, 5)} 至 {shortTime(new Date(new Date(data.to).getTime() - 1).toISOString()).slice(0, 5)}，与上一
            {period === 'week' ? '周' : '月'}相比
          </Typography.Text>
        )}
      </Space>
      <Row gutter={16}>
        <Col span={6}>
          <Statistic title="本期诉求" value={data?.total ?? '…'} />
        </Col>
        <Col span={6}>
          <Statistic title="上期诉求" value={data?.previousTotal ?? '…'} />
        </Col>
        <Col span={6}>
          <Statistic title="发现热点" value={data?.hotspots.length ?? '…'} />
        </Col>
      </Row>
      <Row gutter={16}>
        <Col xs={24} lg={12}>
          <Table
            aria-label="诉求最多的分类"
            title={() => '诉求最多的分类'}
            rowKey="categoryId"
            size="small"
            pagination={false}
            loading={!data}
            dataSource={data?.topCategories}
            columns={[{ title: '分类', dataIndex: 'name' }, ...compared]}
          />
        </Col>
        <Col xs={24} lg={12}>
          <Table
            aria-label="诉求最多的区县"
            title={() => '诉求最多的区县'}
            rowKey="regionId"
            size="small"
            pagination={false}
            loading={!data}
            dataSource={data?.topPlaces}
            columns={[{ title: '区县', dataIndex: 'name' }, ...compared]}
          />
        </Col>
      </Row>
      <Row gutter={16}>
        <Col xs={24} lg={12}>
          <Table
            aria-label="上升最多"
            title={() => '上升最多（区县 · 分类）'}
            rowKey="name"
            size="small"
            pagination={false}
            loading={!data}
            dataSource={data?.rising}
            columns={[{ title: '区县 · 分类', dataIndex: 'name' }, ...compared]}
          />
        </Col>
        <Col xs={24} lg={12}>
          <Table
            aria-label="下降最多"
            title={() => '下降最多（区县 · 分类）'}
            rowKey="name"
            size="small"
            pagination={false}
            loading={!data}
            dataSource={data?.falling}
            columns={[{ title: '区县 · 分类', dataIndex: 'name' }, ...compared]}
          />
        </Col>
      </Row>
      <Table
        aria-label="本期发现的热点"
        title={() => '本期发现的热点'}
        rowKey="id"
        size="small"
        pagination={false}
        loading={!data}
        dataSource={data?.hotspots}
        columns={[
          { title: '级别', key: 'severity', width: 80, render: (_: unknown, spot) => <SeverityPill spot={spot} /> },
          {
            title: '地点 · 分类',
            key: 'cell',
            render: (_: unknown, spot) => (
              <Link to={`/hotspots/${spot.id}`}>
                {spot.region.name} · {spot.category.name}
              </Link>
            ),
          },
          { title: '情况', dataIndex: 'summary' },
          { title: '发现时间', dataIndex: 'firstDetectedAt', width: 110, render: shortTime },
        ]}
      />
    </Space>
  );
}
