import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Input, Segmented, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, errorText } from '../../api/client';
import type { paths } from '../../api/schema';
import { deliveryLabels, optionsOf, outboxChannelLabels } from '../../labels';
import { shortTime } from '../../time';

type Message = paths['/api/v1/outbox']['get']['responses'][200]['content']['application/json']['items'][number];
const statuses = { dead: '发送失败', failed: '等待重试', cancelled: '已撤回' } as const;

/** Who a message was for, in words. */
function recipientOf(m: Message): string {
  const r = m.recipient;
  return (
    r.phone ??
    (r.chatChannel ? `频道 ${r.chatChannel}` : r.departmentId ? `部门 #${r.departmentId}` : r.contactId ? `联系人 #${r.contactId}` : '—')
  );
}

/**
 * 发送失败: the outbox's dead letters (every attempt used up), the ones waiting to retry, and the withdrawn;
 * each with its last error, retried or withdrawn with a reason.
 */
export function Outbox() {
  const queryClient = useQueryClient();
  const { message, modal } = App.useApp();
  const [status, setStatus] = useState<keyof typeof statuses>('dead');
  useEffect(() => {
    document.title = '发送失败 - 12345';
  }, []);
  const { data } = useQuery({
    queryKey: ['outbox', status],
    queryFn: async () => (await api.GET('/api/v1/outbox', { params: { query: { status, limit: 200 } } })).data?.items ?? [],
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['outbox'] });
  async function retry(m: Message) {
    const { error } = await api.POST('/api/v1/outbox/{id}/retry', { params: { path: { id: m.id } }, body: {} });
    if (error) return void message.error(errorText(error));
    void message.success('已重新排队发送');
    void refresh();
  }
  function withdraw(m: Message) {
    let reason = '';
    modal.confirm({
      title: '撤回这条消息？',
      content: (
        <Input aria-label="撤回原因" maxLength={200} placeholder="如：号码有误，已电话联系" onChange={(e) => (reason = e.target.value)} />
      ),
      okText: '撤回',
      cancelText: '取消',
      onOk: async () => {
        const { error } = await api.POST('/api/v1/outbox/{id}/cancel', { params: { path: { id: m.id } }, body: { reason: reason.trim() } });
        if (error) {
          void message.error(errorText(error));
          throw new Error('not withdrawn');
        }
        void refresh();
      },
    });
  }
  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          发送失败
        </Typography.Title>
      }
    >
      <Segmented
        aria-label="状态"
        style={{ marginBottom: 16 }}
        value={status}
        onChange={(v) => setStatus(v as keyof typeof statuses)}
        options={optionsOf(statuses)}
      />
      <Table<Message>
        rowKey="id"
        size="small"
        loading={data === undefined}
        dataSource={data ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 900 }}
        locale={{ emptyText: <Typography.Text type="secondary">没有消息</Typography.Text> }}
        columns={[
          { title: '时间', dataIndex: 'createdAt', width: 110, render: (at: string) => shortTime(at) },
          { title: '渠道', dataIndex: 'channel', width: 90, render: (c: string) => outboxChannelLabels[c] ?? c },
          { title: '发给', key: 'to', width: 150, render: (_, m) => recipientOf(m) },
          {
            title: '工单',
            dataIndex: 'ticketId',
            width: 80,
            render: (id: number | null) => (id ? <Link to={`/tickets/${id}`}>#{id}</Link> : '—'),
          },
          { title: '尝试', dataIndex: 'attempts', width: 60 },
          { title: '最后错误', dataIndex: 'lastError', render: (e: string | null) => e ?? '—' },
          { title: '状态', dataIndex: 'status', width: 90, render: (s: string) => deliveryLabels[s] ?? s },
          {
            title: '操作',
            key: 'actions',
            width: 120,
            fixed: 'right',
            render: (_, m) => (
              <Space size={0}>
                <Button type="link" size="small" onClick={() => retry(m)} aria-label={`重发消息 ${m.id}`}>
                  重发
                </Button>
                {m.status !== 'cancelled' && (
                  <Button type="link" size="small" danger onClick={() => withdraw(m)} aria-label={`撤回消息 ${m.id}`}>
                    撤回
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}
