import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, DatePicker, Descriptions, Form, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { Link, useNavigate, useParams } from 'react-router';
import { tone } from '../../tone';
import { api, errorText } from '../../api/client';
import type { components } from '../../api/schema';
import { beijing, shortTime } from '../../time';

type Statement = components['schemas']['PostalSettlement'];
const money = (fen: number) => `${(fen / 100).toFixed(2)} 元`;
const statusTag = (s: 'draft' | 'approved') => (s === 'approved' ? <Tag color={tone.good}>已审核</Tag> : <Tag color={tone.info}>草稿</Tag>);

/** 政府买单: each postal company's monthly statements — computed as a draft, approved by someone else at the center. */
export function Settlements() {
  const { message } = App.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { data: companies } = useQuery({
    queryKey: ['postal', 'companies'],
    queryFn: async () => (await api.GET('/api/v1/postal/companies')).data?.items ?? [],
  });
  const { data: statements } = useQuery({
    queryKey: ['postal', 'settlements'],
    queryFn: async () => (await api.GET('/api/v1/postal/settlements')).data?.items ?? [],
  });
  const compute = useMutation({
    mutationFn: async (v: { postalCompanyId: number; month: Dayjs }) => {
      const { data, error } = await api.POST('/api/v1/postal/settlements', {
        body: { postalCompanyId: v.postalCompanyId, month: v.month.format('YYYY-MM') },
      });
      if (!data) throw new Error(errorText(error));
      return data;
    },
    onSuccess: (statement) => {
      void queryClient.invalidateQueries({ queryKey: ['postal'] });
      navigate(`/postal/settlements/${statement.id}`);
    },
    onError: (error: Error) => void message.error(error.message),
  });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Form
        layout="inline"
        aria-label="生成结算单"
        initialValues={{ month: beijing().subtract(1, 'month') }}
        onFinish={(v: { postalCompanyId: number; month: Dayjs }) => compute.mutate(v)}
        style={{ rowGap: 8 }}
      >
        <Form.Item name="postalCompanyId" label="邮政公司" rules={[{ required: true, message: '请选择邮政公司' }]}>
          <Select aria-label="邮政公司" style={{ width: 240 }} options={(companies ?? []).map((c) => ({ value: c.id, label: c.name }))} />
        </Form.Item>
        <Form.Item name="month" label="月份" rules={[{ required: true, message: '请选择月份' }]}>
          <DatePicker picker="month" aria-label="月份" inputReadOnly disabledDate={(d) => d.isAfter(beijing(), 'month')} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={compute.isPending}>
          生成结算单
        </Button>
      </Form>
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={statements ?? []}
        locale={{ emptyText: <Typography.Text type="secondary">暂无结算单</Typography.Text> }}
        columns={[
          { title: '月份', dataIndex: 'month', render: (m: string, s) => <Link to={`/postal/settlements/${s.id}`}>{m}</Link> },
          { title: '邮政公司', dataIndex: 'postalCompany' },
          { title: '件数', dataIndex: 'pieceCount' },
          { title: '应付', dataIndex: 'grossFen', render: money },
          { title: '扣减', dataIndex: 'deductionsFen', render: money },
          { title: '实付', dataIndex: 'netFen', render: money },
          { title: '状态', dataIndex: 'status', render: statusTag },
        ]}
      />
    </Space>
  );
}

/** One statement: a line per courier, each piece with its band and deductions; downloads; the approval. */
export function SettlementPage() {
  const id = Number(useParams().id);
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const { data: statement } = useQuery({
    queryKey: ['postal', 'settlements', id],
    queryFn: async () =>
      (await api.GET('/api/v1/postal/settlements/{id}', { params: { path: { id }, query: {} } })).data as Statement | undefined,
  });
  const approve = useMutation({
    mutationFn: async () => {
      const { data, error } = await api.POST('/api/v1/postal/settlements/{id}/approve', { params: { path: { id } }, body: {} });
      if (!data) throw new Error(errorText(error));
    },
    onSuccess: () => {
      void message.success('结算单已审核，网格员已收到通知');
      void queryClient.invalidateQueries({ queryKey: ['postal'] });
    },
    onError: (error: Error) => void message.error(error.message),
  });
  if (!statement) return null;
  const download = (format: 'csv' | 'xlsx', detail: 'couriers' | 'pieces') =>
    `/api/v1/postal/settlements/${id}?format=${format}&detail=${detail}`;
  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          {`${statement.postalCompany} ${statement.month} 结算单`} {statusTag(statement.status)}
        </Typography.Title>
      }
      extra={
        <Space wrap>
          <Button href={download('xlsx', 'couriers')}>下载汇总（Excel）</Button>
          <Button href={download('csv', 'couriers')}>下载汇总（CSV）</Button>
          <Button href={download('xlsx', 'pieces')}>下载明细（Excel）</Button>
          {statement.status === 'draft' && (
            <Popconfirm
              title="审核通过后本月件数和金额即固定，确定？"
              okText="审核通过"
              cancelText="取消"
              onConfirm={() => approve.mutate()}
            >
              <Button type="primary" loading={approve.isPending}>
                审核通过
              </Button>
            </Popconfirm>
          )}
        </Space>
      }
    >
      <Descriptions size="small" column={{ xs: 1, md: 4 }} style={{ marginBottom: 16 }}>
        <Descriptions.Item label="件数">{statement.pieceCount}</Descriptions.Item>
        <Descriptions.Item label="应付">{money(statement.grossFen)}</Descriptions.Item>
        <Descriptions.Item label="扣减">{money(statement.deductionsFen)}</Descriptions.Item>
        <Descriptions.Item label="实付">{money(statement.netFen)}</Descriptions.Item>
        <Descriptions.Item label="生成">{`${statement.computedByName ?? '—'} ${shortTime(statement.computedAt)}`}</Descriptions.Item>
        <Descriptions.Item label="审核">
          {statement.approvedAt ? `${statement.approvedByName} ${shortTime(statement.approvedAt)}` : '待审核（须由生成人以外的人审核）'}
        </Descriptions.Item>
      </Descriptions>
      <Typography.Title level={2} style={{ fontSize: 16 }}>
        网格员
      </Typography.Title>
      <Table
        rowKey="courierUserId"
        size="small"
        pagination={false}
        dataSource={statement.lines}
        columns={[
          { title: '网格员', dataIndex: 'courierName' },
          { title: '件数', dataIndex: 'pieces' },
          {
            title: '距离档',
            dataIndex: 'bands',
            render: (bands: Record<string, number>) =>
              Object.entries(bands)
                .map(([band, n]) => `${band} ${n} 件`)
                .join('，'),
          },
          { title: '超时', dataIndex: 'late' },
          { title: '拒收', dataIndex: 'refused' },
          { title: '应付', dataIndex: 'grossFen', render: money },
          { title: '扣减', dataIndex: 'deductionsFen', render: money },
          { title: '实付', dataIndex: 'netFen', render: money },
        ]}
      />
      <Typography.Title level={2} style={{ fontSize: 16, marginTop: 16 }}>
        明细
      </Typography.Title>
      <Table
        rowKey="id"
        size="small"
        dataSource={statement.pieces}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          { title: '日期', dataIndex: 'doneDay' },
          { title: '网格员', dataIndex: 'courierName' },
          { title: '网格', dataIndex: 'gridName' },
          { title: '类型', dataIndex: 'kind', render: (k: 'collect' | 'deliver') => (k === 'collect' ? '上门收件' : '送达结果') },
          { title: '距离', dataIndex: 'distanceKm', render: (km: number, p) => `${km} 公里（${p.band}）` },
          { title: '单价', dataIndex: 'priceFen', render: money },
          {
            title: '扣减',
            dataIndex: 'deductionFen',
            render: (fen: number, p) =>
              fen > 0 ? `${money(fen)}（${p.reasons.map((r) => (r === 'late' ? '超时' : '拒收')).join('、')}）` : '—',
          },
          { title: '实付', dataIndex: 'netFen', render: money },
        ]}
      />
    </Card>
  );
}
