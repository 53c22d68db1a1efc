import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  DatePicker,
  Drawer,
  Form,
  Input,
  InputNumber,
  Radio,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { tone } from '../../tone';
import { api, errorText } from '../../api/client';
import { useMe } from '../../session';
import { beijing, shortTime } from '../../time';
import { useServables } from '../ProxyMatter';
import { useGrids } from './grids';
import { Settlements } from './Settlements';

const payers = new Set(['supervisor', 'director', 'admin']);
const enterpriseStatusLabels = { operating: '存续', suspended: '歇业', closed: '注销' } as const;

/**
 * 政邮商: the postal partner's grids (邮件投递范围) with their courier (网格员) and enterprises archive, the pieces the
 * couriers run, and the monthly statements the center approves (群众点单、邮政跑单、政府买单).
 */
export function Postal() {
  const { me } = useMe();
  if (!me) return null;
  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          政邮商（网格服务与结算）
        </Typography.Title>
      }
    >
      <Tabs
        items={[
          ...(payers.has(me.role) ? [{ key: 'settlements', label: '月度结算', children: <Settlements /> }] : []),
          { key: 'grids', label: '网格档案', children: <Grids /> },
          ...(me.role === 'runner' ? [{ key: 'piece', label: '记录投递', children: <RecordPiece /> }] : []),
        ]}
      />
    </Card>
  );
}

/** Each grid's enterprises: status, needs, last visit; a visit note updates the needs. */
function Grids() {
  const { data: grids } = useGrids();
  const [gridId, setGridId] = useState<number>();
  const [open, setOpen] = useState<number>();
  const chosen = gridId ?? grids?.[0]?.id;
  const { data: enterprises } = useQuery({
    queryKey: ['postal', 'enterprises', chosen],
    enabled: chosen !== undefined,
    queryFn: async () => (await api.GET('/api/v1/postal/grids/{id}/enterprises', { params: { path: { id: chosen! } } })).data?.items ?? [],
  });
  const grid = grids?.find((g) => g.id === chosen);
  if (grids?.length === 0) return <Typography.Text type="secondary">暂无网格</Typography.Text>;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <Select
          aria-label="网格"
          value={chosen}
          onChange={setGridId}
          style={{ width: 240 }}
          options={(grids ?? []).map((g) => ({ value: g.id, label: `${g.name}（${g.courierName ?? '未指定网格员'}）` }))}
        />
        {grid && <Typography.Text type="secondary">{`${grid.postalCompany}・${grid.area ?? ''}`}</Typography.Text>}
      </Space>
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={enterprises ?? []}
        locale={{ emptyText: <Typography.Text type="secondary">网格内暂无企业档案</Typography.Text> }}
        columns={[
          {
            title: '企业',
            dataIndex: 'name',
            render: (name: string, e) => (
              <Button type="link" style={{ padding: 0 }} onClick={() => setOpen(e.id)}>
                {name}
              </Button>
            ),
          },
          { title: '状态', dataIndex: 'status', render: (s: keyof typeof enterpriseStatusLabels) => enterpriseStatusLabels[s] },
          { title: '诉求', dataIndex: 'needs', render: (n: string | null) => n ?? '—' },
          {
            title: '最近走访',
            dataIndex: 'lastVisitAt',
            render: (at: string | null) =>
              at ? (
                beijing().diff(beijing(at), 'day') > 90 ? (
                  <Tag color={tone.warn}>{`${shortTime(at)}（超过90天）`}</Tag>
                ) : (
                  shortTime(at)
                )
              ) : (
                <Tag>未走访</Tag>
              ),
          },
        ]}
      />
      {chosen !== undefined && <AddEnterprise gridId={chosen} />}
      {open !== undefined && <Enterprise id={open} onClose={() => setOpen(undefined)} />}
    </Space>
  );
}

function AddEnterprise({ gridId }: { gridId: number }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ name: string; contactName?: string; contactPhone?: string; needs?: string }>();
  const add = useMutation({
    mutationFn: async (v: { name: string; contactName?: string; contactPhone?: string; needs?: string }) => {
      const { data, error } = await api.POST('/api/v1/postal/grids/{id}/enterprises', {
        params: { path: { id: gridId } },
        body: { name: v.name, contactName: v.contactName || null, contactPhone: v.contactPhone || null, needs: v.needs || null },
      });
      if (!data) throw new Error(errorText(error));
    },
    onSuccess: () => {
      form.resetFields();
      void message.success('已建档');
      void queryClient.invalidateQueries({ queryKey: ['postal'] });
    },
    onError: (error: Error) => void message.error(error.message),
  });
  return (
    <Form form={form} name="new-enterprise" layout="inline" aria-label="新建企业档案" onFinish={(v) => add.mutate(v)} style={{ rowGap: 8 }}>
      <Form.Item name="name" rules={[{ required: true, min: 2, message: '请填写企业名称' }]}>
        <Input placeholder="企业名称" aria-label="企业名称" />
      </Form.Item>
      <Form.Item name="contactName">
        <Input placeholder="联系人" aria-label="联系人" style={{ width: 100 }} />
      </Form.Item>
      <Form.Item name="contactPhone">
        <Input placeholder="联系电话" aria-label="联系电话" style={{ width: 140 }} />
      </Form.Item>
      <Form.Item name="needs">
        <Input placeholder="诉求" aria-label="诉求" />
      </Form.Item>
      <Button htmlType="submit" loading={add.isPending}>
        建档
      </Button>
    </Form>
  );
}

function Enterprise({ id, onClose }: { id: number; onClose: () => void }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ kind: 'onsite' | 'online'; note: string; needs?: string }>();
  const { data: e } = useQuery({
    queryKey: ['postal', 'enterprise', id],
    queryFn: async () => (await api.GET('/api/v1/postal/enterprises/{id}', { params: { path: { id } } })).data,
  });
  const visit = useMutation({
    mutationFn: async (v: { kind: 'onsite' | 'online'; note: string; needs?: string }) => {
      const { data, error } = await api.POST('/api/v1/postal/enterprises/{id}/visits', {
        params: { path: { id } },
        body: { kind: v.kind, note: v.note, needs: v.needs || null },
      });
      if (!data) throw new Error(errorText(error));
    },
    onSuccess: () => {
      form.resetFields();
      void message.success('走访已记录');
      void queryClient.invalidateQueries({ queryKey: ['postal'] });
    },
    onError: (error: Error) => void message.error(error.message),
  });
  return (
    <Drawer open title={e?.name ?? '企业档案'} onClose={onClose} size="large">
      {e && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text>{`${enterpriseStatusLabels[e.status]}・联系人 ${e.contactName ?? '—'} ${e.contactPhone ?? ''}`}</Typography.Text>
          <Typography.Text>诉求：{e.needs ?? '—'}</Typography.Text>
          <Form
            form={form}
            name="visit"
            layout="vertical"
            initialValues={{ kind: 'onsite' }}
            onFinish={(v) => visit.mutate(v)}
            aria-label="记录走访"
          >
            <Form.Item name="kind" label="走访方式">
              <Radio.Group
                options={[
                  { value: 'onsite', label: '上门走访' },
                  { value: 'online', label: '网络走访' },
                ]}
              />
            </Form.Item>
            <Form.Item name="note" label="走访情况" rules={[{ required: true, min: 2, message: '请填写走访情况' }]}>
              <Input.TextArea rows={2} />
            </Form.Item>
            <Form.Item name="needs" label="当前诉求">
              <Input />
            </Form.Item>
            <Button htmlType="submit" type="primary" loading={visit.isPending}>
              记录走访
            </Button>
          </Form>
          <RequestProxy enterpriseId={id} />
          <Timeline
            items={e.visits.map((v) => ({
              children: `${shortTime(v.at)} ${v.by}（${v.kind === 'onsite' ? '上门' : '网络'}）：${v.note}${v.needs ? `；诉求：${v.needs}` : ''}`,
            }))}
          />
        </Space>
      )}
    </Drawer>
  );
}

/** A need found on a visit, handed on as a 代办 request (群众点单、邮政跑单). */
function RequestProxy({ enterpriseId }: { enterpriseId: number }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const servables = useServables();
  const [form] = Form.useForm<{ matter: string; note: string }>();
  const request = useMutation({
    mutationFn: async (v: { matter: string; note: string }) => {
      const { data, error } = await api.POST('/api/v1/postal/enterprises/{id}/requests', {
        params: { path: { id: enterpriseId } },
        body: { matter: v.matter, note: v.note, serviceMode: 'full_proxy' },
      });
      if (!data) throw new Error(errorText(error));
      return data;
    },
    onSuccess: (made) => {
      form.resetFields();
      void message.success(`已转代办，工单 ${made.number}`);
      void queryClient.invalidateQueries({ queryKey: ['postal'] });
    },
    onError: (error: Error) => void message.error(error.message),
  });
  return (
    <Form form={form} name="request-proxy" layout="vertical" aria-label="转代办" onFinish={(v) => request.mutate(v)}>
      <Form.Item name="matter" label="代办事项" rules={[{ required: true, message: '请选择代办事项' }]}>
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          aria-label="代办事项"
          options={(servables ?? []).filter((m) => m.serviceModes.includes('full_proxy')).map((m) => ({ value: m.name, label: m.name }))}
        />
      </Form.Item>
      <Form.Item name="note" label="企业诉求" rules={[{ required: true, min: 2, message: '请填写企业诉求' }]}>
        <Input />
      </Form.Item>
      <Button htmlType="submit" loading={request.isPending}>
        转代办
      </Button>
    </Form>
  );
}

interface PieceValues {
  gridId: number;
  kind: 'collect' | 'deliver';
  distanceKm: number;
  dueAt?: Dayjs;
  doneAt: Dayjs;
  outcome: 'delivered' | 'refused';
  trackingNumber?: string;
}

/** A courier's piece: collecting materials or delivering a result; the statement prices it. */
function RecordPiece() {
  const { message } = App.useApp();
  const { data: grids } = useGrids();
  const [form] = Form.useForm<PieceValues>();
  const record = useMutation({
    mutationFn: async (v: PieceValues) => {
      const { data, error } = await api.POST('/api/v1/postal/pieces', {
        body: {
          gridId: v.gridId,
          kind: v.kind,
          distanceKm: v.distanceKm,
          dueAt: v.dueAt?.toISOString() ?? null,
          doneAt: v.doneAt.toISOString(),
          outcome: v.outcome,
          trackingNumber: v.trackingNumber || null,
        },
      });
      if (!data) throw new Error(errorText(error));
    },
    onSuccess: () => {
      form.resetFields();
      void message.success('已记录');
    },
    onError: (error: Error) => void message.error(error.message),
  });
  return (
    <Form
      form={form}
      layout="vertical"
      style={{ maxWidth: 420 }}
      initialValues={{ kind: 'deliver', outcome: 'delivered', doneAt: beijing(), gridId: grids?.[0]?.id }}
      onFinish={(v) => record.mutate(v)}
    >
      <Form.Item name="gridId" label="网格" rules={[{ required: true, message: '请选择网格' }]}>
        <Select aria-label="网格" options={(grids ?? []).map((g) => ({ value: g.id, label: g.name }))} />
      </Form.Item>
      <Form.Item name="kind" label="类型">
        <Radio.Group
          options={[
            { value: 'collect', label: '上门收件' },
            { value: 'deliver', label: '送达结果' },
          ]}
        />
      </Form.Item>
      <Form.Item name="distanceKm" label="往返距离（公里）" rules={[{ required: true, message: '请填写距离' }]}>
        <InputNumber min={0.1} max={500} step={0.1} style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item name="dueAt" label="约定时限">
        <DatePicker showTime={{ format: 'HH:mm' }} aria-label="约定时限" inputReadOnly style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item name="doneAt" label="完成时间" rules={[{ required: true, message: '请选择完成时间' }]}>
        <DatePicker showTime={{ format: 'HH:mm' }} aria-label="完成时间" inputReadOnly style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item name="outcome" label="结果">
        <Radio.Group
          options={[
            { value: 'delivered', label: '已送达' },
            { value: 'refused', label: '拒收' },
          ]}
        />
      </Form.Item>
      <Form.Item name="trackingNumber" label="邮件号">
        <Input />
      </Form.Item>
      <Button type="primary" htmlType="submit" block loading={record.isPending}>
        记录
      </Button>
    </Form>
  );
}
