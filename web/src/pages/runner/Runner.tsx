import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Empty, Form, Input, List, Modal, Segmented, Space, Typography } from 'antd';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, errorText } from '../../api/client';
import { orderStatusLabels, serviceModeLabels } from '../../labels';
import { mapUrl } from '../../maps';
import { Deadline, Pill, plainDue, useNow } from '../Deadline';

const groups = {
  offers: { label: '待接单', statuses: ['offered'] },
  open: { label: '进行中', statuses: ['accepted', 'submitted', 'delivering'] },
  done: { label: '已完成', statuses: ['done'] },
} as const;
type Group = keyof typeof groups;

/**
 * 跑手: a phone-sized view of the runner's 代办 orders — offers with the time left to accept, accept or decline
 * (with a reason), the orders in hand, and each order's six steps (RunnerOrder). What a runner may do is the API's.
 */
export function Runner() {
  const [params, setParams] = useSearchParams();
  const group = (params.get('show') as Group | null) ?? 'offers';
  const now = useNow();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [declining, setDeclining] = useState<number>();
  const { data } = useQuery({
    queryKey: ['proxy-orders', 'mine'],
    queryFn: async () => (await api.GET('/api/v1/proxy/orders', { params: { query: { mine: 'true', limit: 200 } } })).data?.items ?? [],
    refetchInterval: 30_000,
  });
  const act = useMutation({
    mutationFn: async ({ id, action, reason }: { id: number; action: 'accept' | 'decline'; reason?: string }) => {
      const { data: answer, error } =
        action === 'accept'
          ? await api.POST('/api/v1/proxy/orders/{id}/accept', { params: { path: { id } }, body: {} })
          : await api.POST('/api/v1/proxy/orders/{id}/decline', { params: { path: { id } }, body: { reason: reason! } });
      if (!answer) throw new Error(errorText(error));
    },
    onSuccess: (_, { action }) => {
      setDeclining(undefined);
      void message.success(action === 'accept' ? '已接单' : '已拒绝');
      void queryClient.invalidateQueries({ queryKey: ['proxy-orders'] });
    },
    onError: (error: Error) => void message.error(error.message),
  });
  const shown = (data ?? []).filter((o) => (groups[group].statuses as readonly string[]).includes(o.status));
  return (
    <Card
      size="small"
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          我的代办
        </Typography.Title>
      }
    >
      <Segmented
        block
        aria-label="订单"
        value={group}
        onChange={(value) => setParams({ show: value as Group })}
        options={(Object.keys(groups) as Group[]).map((key) => ({
          value: key,
          label: `${groups[key].label} ${(data ?? []).filter((o) => (groups[key].statuses as readonly string[]).includes(o.status)).length}`,
        }))}
      />
      {shown.length === 0 ? (
        <Empty style={{ marginTop: 24 }} description={group === 'offers' ? '暂无派给您的订单' : '暂无'} />
      ) : (
        <List
          dataSource={shown}
          renderItem={(order) => (
            <List.Item key={order.id} style={{ display: 'block' }} aria-label={`订单 ${order.number}`}>
              <Space direction="vertical" size={4} style={{ width: '100%' }}>
                <Space wrap>
                  <Link to={`/runner/orders/${order.id}`}>{order.title}</Link>
                  <Pill>{orderStatusLabels[order.status] ?? order.status}</Pill>
                </Space>
                <Typography.Text type="secondary">
                  {order.number}・{serviceModeLabels[order.serviceMode]}
                </Typography.Text>
                {order.applicantAddress && (
                  <a href={mapUrl(order.applicantAddress)} target="_blank" rel="noreferrer">
                    {order.applicantAddress}（地图）
                  </a>
                )}
                {order.status === 'offered' && (
                  <>
                    <span>
                      接单剩余 <Deadline due={plainDue(order.offerExpiresAt)} overdue={false} paused={false} now={now} />
                    </span>
                    <Space>
                      <Button type="primary" loading={act.isPending} onClick={() => act.mutate({ id: order.id, action: 'accept' })}>
                        接单
                      </Button>
                      <Button onClick={() => setDeclining(order.id)}>拒绝</Button>
                    </Space>
                  </>
                )}
                {order.status !== 'offered' && order.dueAt && (
                  <span>
                    办结时限 <Deadline due={plainDue(order.dueAt)} overdue={false} paused={false} now={now} />
                  </span>
                )}
              </Space>
            </List.Item>
          )}
        />
      )}
      <Modal open={declining !== undefined} title="拒绝接单" footer={null} onCancel={() => setDeclining(undefined)} destroyOnHidden>
        <Form layout="vertical" onFinish={(v: { reason: string }) => act.mutate({ id: declining!, action: 'decline', reason: v.reason })}>
          <Form.Item label="原因" name="reason" rules={[{ required: true, message: '请填写原因' }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={act.isPending}>
            确定
          </Button>
        </Form>
      </Modal>
    </Card>
  );
}
