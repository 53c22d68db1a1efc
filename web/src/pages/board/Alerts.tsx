import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, DatePicker, Form, Input, Modal, Space, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, errorText } from '../../api/client';
import { shortTime } from '../../time';
import { Pill } from '../Deadline';

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
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          告警中心
        </Typography.Title>
      }
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
  );
}
