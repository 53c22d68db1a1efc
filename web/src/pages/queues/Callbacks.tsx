import { useQuery } from '@tanstack/react-query';
import { Button, Form, Input, Radio, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { optionsOf, satisfactionLabels } from '../../labels';
import { shortTime } from '../../time';
import { ActionModal } from './ActionModal';

interface SurveyForm {
  reached: boolean;
  contacted?: boolean;
  resolved?: boolean;
  satisfaction?: keyof typeof satisfactionLabels;
  comment?: string;
}

const yesNo = [
  { value: true, label: '是' },
  { value: false, label: '否' },
];

function useCallbacks(query: { status?: 'asking'; channel?: 'operator'; outcome?: 'review' }) {
  return useQuery({
    queryKey: ['callbacks', query],
    queryFn: async () => (await api.GET('/api/v1/callbacks', { params: { query } })).data?.items ?? [],
  });
}

function TicketLink({ id }: { id: number }) {
  return (
    <Link to={`/tickets/${id}`} style={{ textDecoration: 'underline' }}>
      查看工单
    </Link>
  );
}

/** 人工回访: the surveys the operators call themselves; the three questions (三率) as a form, or nobody reached. */
export function Callbacks() {
  const [doing, setDoing] = useState<{ id: number; phone: string | null }>();
  const [form] = Form.useForm<SurveyForm>();
  const reached = Form.useWatch('reached', form);
  const { data, isLoading } = useCallbacks({ status: 'asking', channel: 'operator' });
  const bodyOf = (values: SurveyForm) =>
    values.reached
      ? {
          reached: true as const,
          contacted: values.contacted!,
          resolved: values.resolved!,
          satisfaction: values.satisfaction!,
          comment: values.comment || undefined,
        }
      : { reached: false as const };
  const required = (text: string) => [{ required: true, message: text }];
  return (
    <>
      <Table
        rowKey="id"
        size="small"
        loading={isLoading}
        dataSource={data ?? []}
        pagination={false}
        locale={{ emptyText: <Typography.Text type="secondary">没有待人工回访的工单</Typography.Text> }}
        columns={[
          { title: '工单', dataIndex: 'ticketId', render: (id: number) => <TicketLink id={id} /> },
          { title: '回访电话', dataIndex: 'phone', render: (phone: string | null) => phone ?? '—' },
          { title: '第几轮', dataIndex: 'cycle' },
          { title: '截止', dataIndex: 'windowEndsAt', render: shortTime },
          {
            title: '操作',
            key: 'act',
            render: (_: unknown, callback) => (
              <Button size="small" onClick={() => setDoing(callback)}>
                记录回访
              </Button>
            ),
          },
        ]}
      />
      <ActionModal
        form={form}
        title={`回访 ${doing?.phone ?? ''}`}
        open={doing !== undefined}
        onClose={() => setDoing(undefined)}
        initialValues={{ reached: true }}
        stale={['callbacks']}
        submit={(values) => api.POST('/api/v1/callbacks/{id}/answers', { params: { path: { id: doing!.id } }, body: bodyOf(values) })}
      >
        <Form.Item label="是否联系上市民" name="reached">
          <Radio.Group
            options={[
              { value: true, label: '已联系上' },
              { value: false, label: '未联系上' },
            ]}
          />
        </Form.Item>
        {reached && (
          <>
            <Form.Item label="承办单位是否联系过您" name="contacted" rules={required('请选择')}>
              <Radio.Group options={yesNo} />
            </Form.Item>
            <Form.Item label="问题是否已解决" name="resolved" rules={required('请选择')}>
              <Radio.Group options={yesNo} />
            </Form.Item>
            <Form.Item label="对办理结果是否满意" name="satisfaction" rules={required('请选择')}>
              <Radio.Group options={optionsOf(satisfactionLabels)} />
            </Form.Item>
            <Form.Item label="市民意见" name="comment">
              <Input.TextArea rows={2} maxLength={500} />
            </Form.Item>
          </>
        )}
      </ActionModal>
    </>
  );
}

/** 回访审核: unsatisfied or unsolved outcomes, for a supervisor to reopen (重办) or mark unreasonable, with the reason. */
export function CallbackReviews() {
  const [doing, setDoing] = useState<{ id: number; decision: 'reopen' | 'unreasonable' }>();
  const [form] = Form.useForm<{ reason: string }>();
  const { data, isLoading } = useCallbacks({ outcome: 'review' });
  return (
    <>
      <Table
        rowKey="id"
        size="small"
        loading={isLoading}
        dataSource={data ?? []}
        pagination={false}
        locale={{ emptyText: <Typography.Text type="secondary">没有待审核的回访</Typography.Text> }}
        columns={[
          { title: '工单', dataIndex: 'ticketId', render: (id: number) => <TicketLink id={id} /> },
          { title: '已解决', dataIndex: 'resolved', render: (v: boolean | null) => (v === null ? '—' : v ? '是' : '否') },
          {
            title: '满意度',
            dataIndex: 'satisfaction',
            render: (s: keyof typeof satisfactionLabels | null) => (s ? <Tag>{satisfactionLabels[s]}</Tag> : '—'),
          },
          { title: '市民意见', dataIndex: 'comment' },
          {
            title: '审核',
            key: 'act',
            render: (_: unknown, callback) => (
              <Space>
                <Button size="small" onClick={() => setDoing({ id: callback.id, decision: 'reopen' })}>
                  重办
                </Button>
                <Button size="small" onClick={() => setDoing({ id: callback.id, decision: 'unreasonable' })}>
                  不合理诉求
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <ActionModal
        form={form}
        title={doing?.decision === 'reopen' ? '退回重办' : '认定为不合理诉求'}
        open={doing !== undefined}
        onClose={() => setDoing(undefined)}
        stale={['callbacks']}
        submit={({ reason }) =>
          api.POST('/api/v1/callbacks/{id}/review', { params: { path: { id: doing!.id } }, body: { decision: doing!.decision, reason } })
        }
      >
        <Form.Item label="审核意见" name="reason" rules={[{ required: true, min: 2, message: '请填写审核意见' }]}>
          <Input.TextArea rows={3} maxLength={500} />
        </Form.Item>
      </ActionModal>
    </>
  );
}
