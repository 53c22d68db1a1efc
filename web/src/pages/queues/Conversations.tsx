import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Empty, Form, Input, List, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, errorText } from '../../api/client';
import { channelLabels, deliveryLabels } from '../../labels';
import { shortTime } from '../../time';

/** Conversations waiting for a person, longest waiting first; the one chosen is answered in place, on the citizen's own channel. */
export function Conversations() {
  const [chosen, setChosen] = useState<number>();
  const { data } = useQuery({
    queryKey: ['conversations'],
    queryFn: async () => (await api.GET('/api/v1/conversations', { params: { query: { waiting: 'true' } } })).data?.items ?? [],
  });
  return (
    <Space align="start" size="large" wrap>
      <List
        style={{ width: 320 }}
        bordered
        dataSource={data ?? []}
        locale={{ emptyText: <Typography.Text type="secondary">没有等待回复的会话</Typography.Text> }}
        renderItem={(c) => (
          <List.Item
            onClick={() => setChosen(c.id)}
            style={{ cursor: 'pointer', background: c.id === chosen ? '#e6f4ff' : undefined }}
            actions={[
              <Button key="open" size="small" type={c.id === chosen ? 'primary' : 'default'} onClick={() => setChosen(c.id)}>
                回复
              </Button>,
            ]}
          >
            <List.Item.Meta
              title={`${c.name ?? c.phone ?? '市民'}`}
              description={`${channelLabels[c.channel] ?? c.channel} · ${c.lastInboundAt ? shortTime(c.lastInboundAt) : ''}${c.ticketNumber ? ` · ${c.ticketNumber}` : ''}`}
            />
          </List.Item>
        )}
      />
      {chosen === undefined ? <Empty description="选择左侧会话查看并回复" /> : <Thread id={chosen} onDone={() => setChosen(undefined)} />}
    </Space>
  );
}

function Thread({ id, onDone }: { id: number; onDone: () => void }) {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ text: string }>();
  const { data } = useQuery({
    queryKey: ['conversations', id],
    queryFn: async () => (await api.GET('/api/v1/conversations/{id}', { params: { path: { id } } })).data,
  });
  const reply = useMutation({
    mutationFn: async (text: string) => {
      const { error } = await api.POST('/api/v1/conversations/{id}/reply', { params: { path: { id } }, body: { text } });
      if (error) throw new Error(errorText(error));
    },
    onSuccess: () => {
      form.resetFields();
      void message.success('已回复');
      void queryClient.invalidateQueries({ queryKey: ['conversations'] });
      void queryClient.invalidateQueries({ queryKey: ['queues'] });
      onDone();
    },
    onError: (e: Error) => void message.error(e.message),
  });
  if (!data) return null;
  return (
    <section aria-label="会话内容" style={{ width: 520 }}>
      <Typography.Title level={2} style={{ fontSize: 16 }}>
        {data.name ?? data.phone ?? '市民'}（{channelLabels[data.channel] ?? data.channel}）
        {data.ticketId && (
          <Link to={`/tickets/${data.ticketId}`} style={{ marginLeft: 8, fontSize: 14, textDecoration: 'underline' }}>
            {data.ticketNumber}
          </Link>
        )}
      </Typography.Title>
      <List
        size="small"
        dataSource={data.messages}
        renderItem={(m) => (
          <List.Item style={{ justifyContent: m.direction === 'in' ? 'flex-start' : 'flex-end' }}>
            <div style={{ maxWidth: 400, textAlign: m.direction === 'in' ? 'left' : 'right' }}>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {m.direction === 'in' ? '市民' : '热线'} {shortTime(m.at)}
                {m.status && <Tag style={{ marginLeft: 6 }}>{deliveryLabels[m.status] ?? m.status}</Tag>}
              </Typography.Text>
              <div>{m.text}</div>
            </div>
          </List.Item>
        )}
      />
      <Form
        form={form}
        layout="vertical"
        onFinish={({ text }) => reply.mutate(text)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) form.submit();
        }}
      >
        <Form.Item label="回复内容" name="text" rules={[{ required: true, message: '请输入回复内容' }]}>
          <Input.TextArea rows={3} maxLength={500} showCount autoFocus />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={reply.isPending}>
          发送（Ctrl+Enter）
        </Button>
      </Form>
    </section>
  );
}
