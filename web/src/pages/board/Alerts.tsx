import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, DatePicker, Form, Input, Modal, Space, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, errorText } from '../../api/client';
import { shortTime } from '../../time';
import { Pill } from '../Deadline';
import { hotspotsQuery } from './hotspots-query';

type Alert = NonNullable<Awaited<ReturnType<typeof fetchAlerts>>>[number];
const fetchAlerts = async () => (await api.GET('/api/v1/sla/alerts', { params: { query: { sinceHours: 48, limit: 200 } } })).data?.items;
const actionable = new Set(['dispatched', 'accepted', 'returned']);

/**
 * 告警中心: red and escalated alerts as they arrive (each alert is also a notification to the supervisors,
 * which refreshes this list), each with 催办 and 批准延期 in one click and 督办 with a tighter deadline.
 * Whether an action is allowed is the API's answer; a refusal is shown as it comes.
 */
export function Alerts() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [supervising, setSupervising] = useState<Alert>();
  const { data } = useQuery({ queryKey: ['notifications', 'sla-alerts'], queryFn: fetchAlerts, refetchInterval: 30_000 });
  const act = useMutation({
    mutationFn: async ({ alert, action, body }: { alert: Alert; action: 'urge' | 'supervise' | 'decide-extension'; body: object }) => {
      const { data: done, error } = await api.POST(`/api/v1/tickets/{id}/${action}` as '/api/v1/tickets/{id}/urge', {
        params: { path: { id: alert.ticketId } },
        body: body as never,
      });
      if (!done) throw new Error(errorText(error));
    },
    onSuccess: (_, { alert, action }) => {
      setSupervising(undefined);
      void message.success(`工单 ${alert.number}：${action === 'urge' ? '已催办' : action === 'supervise' ? '已督办' : '已批准延期'}`);
      void queryClient.invalidateQueries({ queryKey: ['notifications', 'sla-alerts'] });
      void queryClient.invalidateQueries({ queryKey: ['tickets'] });
    },
    onError: (error: Error) => void message.error(error.message),
  });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={
          <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
            告警中心
          </Typography.Title>
        }
        extra={<AwaitingReview />}
      >
        <Table
          rowKey="alertId"
          size="small"
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          dataSource={data ?? []}
          loading={data === undefined}
          columns={[
            { title: '时间', dataIndex: 'at', width: 110, render: shortTime },
            { title: '级别', dataIndex: 'levelName', width: 110, render: (name: string) => <Pill tone="red">{name}</Pill> },
            { title: '工单号', dataIndex: 'number', width: 150, render: (n: string, a) => <Link to={`/tickets/${a.ticketId}`}>{n}</Link> },
            { title: '标题', dataIndex: 'title', ellipsis: true },
            { title: '承办单位', dataIndex: 'departmentName', width: 140, render: (n: string | null) => n ?? '热线中心' },
            {
              title: '环节 / 时限',
              key: 'due',
              width: 190,
              render: (_: unknown, a) => (
                <span>
                  {a.stageLabel} {shortTime(a.dueAt)} {a.overdueNow ? <Pill tone="red">仍超时</Pill> : <Pill tone="green">已处理</Pill>}
                </span>
              ),
            },
            {
              title: '督办状态',
              key: 'state',
              width: 120,
              render: (_: unknown, a) => (
                <Space size={4}>
                  {a.supervised && <Pill tone="orange">已督办</Pill>}
                  {a.urgeCount > 0 && <Pill>催办{a.urgeCount}次</Pill>}
                </Space>
              ),
            },
            {
              title: '操作',
              key: 'actions',
              width: 190,
              render: (_: unknown, a) =>
                actionable.has(a.status) && (
                  <Space size={4} wrap>
                    <Button size="small" onClick={() => act.mutate({ alert: a, action: 'urge', body: { note: '请加快办理，按时答复。' } })}>
                      催办
                    </Button>
                    <Button size="small" onClick={() => setSupervising(a)}>
                      督办
                    </Button>
                    {a.extensionDueAt && (
                      <Button
                        size="small"
                        type="primary"
                        onClick={() => act.mutate({ alert: a, action: 'decide-extension', body: { decision: 'approve' } })}
                      >
                        批准延期至 {shortTime(a.extensionDueAt)}
                      </Button>
                    )}
                  </Space>
                ),
            },
          ]}
        />
        <Modal
          open={supervising !== undefined}
          title={`督办：工单 ${supervising?.number ?? ''}`}
          footer={null}
          onCancel={() => setSupervising(undefined)}
          destroyOnHidden
        >
          <Form
            layout="vertical"
            initialValues={{ note: '请于限期内书面答复办理结果。', replyDueAt: dayjs().add(1, 'day').hour(17).minute(30).second(0) }}
            onFinish={(v: { note: string; replyDueAt: Dayjs }) =>
              supervising &&
              act.mutate({ alert: supervising, action: 'supervise', body: { note: v.note, replyDueAt: v.replyDueAt.toISOString() } })
            }
          >
            <Form.Item label="督办意见" name="note" rules={[{ required: true, message: '请填写督办意见' }]}>
              <Input.TextArea rows={3} />
            </Form.Item>
            <Form.Item label="限期答复" name="replyDueAt" rules={[{ required: true, message: '请选择限期' }]}>
              <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" aria-label="限期答复" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={act.isPending}>
              督办
            </Button>
          </Form>
        </Modal>
      </Card>
      <ExtensionRequests />
    </Space>
  );
}

/** 延期申请: the requests awaiting a decision, oldest first; 批准 moves the reply deadline, 驳回 keeps it (with a reason). */
function ExtensionRequests() {
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const { data } = useQuery({
    queryKey: ['tickets', 'extension-requests'],
    queryFn: async () => (await api.GET('/api/v1/sla/extension-requests')).data?.items ?? [],
    refetchInterval: 60_000,
  });
  type Request = NonNullable<typeof data>[number];
  async function decide(request: Request, body: { decision: 'approve' | 'reject'; note?: string }) {
    const { error } = await api.POST('/api/v1/tickets/{id}/decide-extension', { params: { path: { id: request.ticketId } }, body });
    if (error) return void message.error(errorText(error));
    void message.success(`工单 ${request.number}：${body.decision === 'approve' ? '已批准延期' : '已驳回延期'}`);
    void queryClient.invalidateQueries({ queryKey: ['tickets'] });
    void queryClient.invalidateQueries({ queryKey: ['notifications', 'sla-alerts'] });
  }
  function reject(request: Request) {
    let note = '';
    modal.confirm({
      title: `驳回工单 ${request.number} 的延期申请`,
      content: <Input.TextArea aria-label="驳回理由" rows={2} onChange={(e) => (note = e.target.value)} placeholder="如：请按原时限办结" />,
      okText: '驳回',
      cancelText: '取消',
      onOk: () => decide(request, { decision: 'reject', note: note.trim() || undefined }),
    });
  }
  return (
    <Card
      title={
        <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
          待审批的延期申请{data && data.length > 0 ? `（${data.length}）` : ''}
        </Typography.Title>
      }
    >
      <Table
        rowKey="requestId"
        size="small"
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        dataSource={data ?? []}
        loading={data === undefined}
        locale={{ emptyText: <Typography.Text type="secondary">没有待审批的延期申请</Typography.Text> }}
        columns={[
          { title: '申请时间', dataIndex: 'requestedAt', width: 110, render: shortTime },
          { title: '工单号', dataIndex: 'number', width: 150, render: (n: string, r) => <Link to={`/tickets/${r.ticketId}`}>{n}</Link> },
          { title: '承办单位', dataIndex: 'departmentName', width: 140, render: (n: string | null) => n ?? '—' },
          { title: '理由', dataIndex: 'reason', ellipsis: true },
          {
            title: '答复时限',
            key: 'due',
            width: 200,
            render: (_: unknown, r) => `${shortTime(r.currentDueAt)} → ${shortTime(r.requestedDueAt)}`,
          },
          {
            title: '操作',
            key: 'actions',
            width: 130,
            render: (_: unknown, r) => (
              <Space size={4}>
                <Button
                  size="small"
                  type="primary"
                  onClick={() => decide(r, { decision: 'approve' })}
                  aria-label={`批准工单 ${r.number} 延期`}
                >
                  批准
                </Button>
                <Button size="small" onClick={() => reject(r)} aria-label={`驳回工单 ${r.number} 延期`}>
                  驳回
                </Button>
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}

/** What else waits for a supervisor's decision, with live counts: the reviews are decided in 待办队列, one place for each. */
function AwaitingReview() {
  const { data: counts } = useQuery({
    queryKey: ['queues'],
    queryFn: async () => (await api.GET('/api/v1/queues')).data,
    refetchInterval: 60_000,
  });
  const { data: hotspots } = useQuery(hotspotsQuery('open'));
  return (
    <Space size="middle" wrap>
      <Link to="/hotspots">热点预警 {hotspots?.length ?? '…'} 个</Link>
      <Link to="/queues?tab=returns">待审核退单 {counts?.returns ?? '…'} 件</Link>
      <Link to="/queues?tab=reviews">待审核回访（二次不满意等）{counts?.reviews ?? '…'} 件</Link>
    </Space>
  );
}
