import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Empty, Form, Input, Modal, Segmented, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, errorText } from '../../api/client';
import type { paths } from '../../api/schema';
import { statusLabels } from '../../labels';
import { shortTime } from '../../time';
import { Pill } from '../Deadline';
import { hotspotsQuery } from './hotspots-query';

type Hotspot = paths['/api/v1/hotspots']['get']['responses'][200]['content']['application/json']['items'][number];
const windowLabels = { '1h': '1小时', '24h': '24小时', '7d': '7天' } as const;
const filters = { open: '进行中', closed: '已结束' } as const;

/** A hot spot's severity as the lists show it. */
export function SeverityPill({ spot }: { spot: Pick<Hotspot, 'severity' | 'status'> }) {
  if (spot.status === 'closed') return <Pill>已结束</Pill>;
  return spot.severity === 'severe' ? <Pill tone="red">严重</Pill> : <Pill tone="orange">预警</Pill>;
}

/**
 * 热点预警 (主动治理): surges of one kind of request in one place as the detector finds them, open ones
 * first; one opens with the tickets behind it and the near-identical texts among them, and a duty chief
 * closes it with what was done. The list refreshes when a new hot spot's notice arrives.
 */
export function Hotspots() {
  const { id } = useParams();
  const navigate = useNavigate();
  const [status, setStatus] = useState<keyof typeof filters>('open');
  useEffect(() => {
    document.title = '热点预警 - 12345';
  }, []);
  const { data } = useQuery(hotspotsQuery(status));
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={
          <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
            热点预警
          </Typography.Title>
        }
        extra={
          <Space>
            <Segmented
              aria-label="热点状态"
              value={status}
              onChange={(v) => setStatus(v as keyof typeof filters)}
              options={Object.entries(filters).map(([value, label]) => ({ value, label }))}
            />
            <Link to="/reports?tab=hotspots">热点分析</Link>
          </Space>
        }
      >
        <Table
          rowKey="id"
          size="small"
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          dataSource={data ?? []}
          loading={data === undefined}
          locale={{ emptyText: status === 'open' ? '目前没有进行中的热点' : '没有已结束的热点' }}
          rowClassName={(spot) => (String(spot.id) === id ? 'ant-table-row-selected' : '')}
          onRow={(spot) => ({ onClick: () => navigate(`/hotspots/${spot.id}`) })}
          columns={[
            { title: '级别', key: 'severity', width: 80, render: (_: unknown, spot) => <SeverityPill spot={spot} /> },
            {
              title: '地点 · 分类',
              key: 'cell',
              render: (_: unknown, spot) => (
                <Link to={`/hotspots/${spot.id}`}>
                  {spot.region.name} · {spot.category.parentName ? `${spot.category.parentName}/` : ''}
                  {spot.category.name}
                </Link>
              ),
            },
            { title: '情况', dataIndex: 'summary' },
            { title: '发现时间', dataIndex: 'firstDetectedAt', width: 110, render: shortTime },
            { title: '最近一次', dataIndex: 'lastDetectedAt', width: 110, render: shortTime },
          ]}
        />
      </Card>
      {id && <HotspotDetail id={Number(id)} />}
    </Space>
  );
}

function HotspotDetail({ id }: { id: number }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [closing, setClosing] = useState(false);
  const { data: spot, error } = useQuery({
    queryKey: ['notifications', 'hotspots', 'one', id],
    queryFn: async () => {
      const { data, error: failed } = await api.GET('/api/v1/hotspots/{id}', { params: { path: { id } } });
      if (!data) throw new Error(errorText(failed));
      return data;
    },
  });
  const close = useMutation({
    mutationFn: async (note: string) => {
      const { data, error: failed } = await api.POST('/api/v1/hotspots/{id}/close', { params: { path: { id } }, body: { note } });
      if (!data) throw new Error(errorText(failed));
    },
    onSuccess: () => {
      setClosing(false);
      void message.success('热点已结束');
      void queryClient.invalidateQueries({ queryKey: ['notifications', 'hotspots'] });
    },
    onError: (failed: Error) => void message.error(failed.message),
  });
  if (error) return <Card>{error.message}</Card>;
  if (!spot) return <Card loading />;
  return (
    <Card
      title={
        <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
          {spot.region.name} · {spot.category.name}
        </Typography.Title>
      }
      extra={
        spot.allowedActions.includes('close') && (
          <Button type="primary" onClick={() => setClosing(true)}>
            结束热点
          </Button>
        )
      }
    >
      <Descriptions
        size="small"
        column={3}
        items={[
          { label: '级别', children: <SeverityPill spot={spot} /> },
          { label: '情况', children: spot.summary },
          { label: '异常程度', children: `${spot.score}（${windowLabels[spot.window]}窗口）` },
          { label: '时间范围', children: `${shortTime(spot.windowStart)} 至 ${shortTime(spot.windowEnd)}` },
          { label: '发现时间', children: shortTime(spot.firstDetectedAt) },
          { label: '处置说明', children: spot.note ?? '—' },
        ]}
      />
      {spot.clusters.length > 0 && (
        <section aria-label="相同事件" style={{ margin: '12px 0' }}>
          <Typography.Title level={3} style={{ fontSize: 14 }}>
            相同事件（内容几乎一致的诉求）
          </Typography.Title>
          <ul style={{ margin: 0, paddingLeft: 20 }}>
            {spot.clusters.map((cluster) => (
              <li key={cluster.ticketIds[0]}>
                {cluster.size} 件：“{cluster.sample}”等
              </li>
            ))}
          </ul>
        </section>
      )}
      <Table
        rowKey="id"
        size="small"
        aria-label="热点涉及的工单"
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        dataSource={spot.tickets}
        locale={{ emptyText: <Empty description="这段时间没有工单" /> }}
        columns={[
          { title: '工单号', dataIndex: 'number', width: 150, render: (n: string, t) => <Link to={`/tickets/${t.id}`}>{n}</Link> },
          { title: '标题', dataIndex: 'title', ellipsis: true },
          { title: '区域', dataIndex: 'regionName', width: 120 },
          { title: '状态', dataIndex: 'status', width: 90, render: (s: string) => statusLabels[s as keyof typeof statusLabels] ?? s },
          { title: '时间', dataIndex: 'createdAt', width: 110, render: shortTime },
        ]}
      />
      <CloseHotspot open={closing} pending={close.isPending} onCancel={() => setClosing(false)} onClose={(note) => close.mutate(note)} />
    </Card>
  );
}

function CloseHotspot({
  open,
  pending,
  onCancel,
  onClose,
}: {
  open: boolean;
  pending: boolean;
  onCancel: () => void;
  onClose: (note: string) => void;
}) {
  const [form] = Form.useForm<{ note: string }>();
  return (
    <Modal
      title="结束热点"
      open={open}
      okText="结束"
      confirmLoading={pending}
      onCancel={onCancel}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(values) => onClose(values.note.trim())}>
        <Form.Item name="note" label="处置说明" rules={[{ required: true, whitespace: true, message: '请写明如何处置' }]}>
          <Input.TextArea rows={3} maxLength={500} placeholder="例如：已通知水务集团抢修，片区停水已恢复" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
