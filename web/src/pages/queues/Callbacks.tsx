import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Radio, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, errorText } from '../../api/client';
import { satisfactionLabels } from '../../labels';
import { beijing } from '../../time';

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
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [doing, setDoing] = useState<{ id: number; phone: string | null }>();
  const [form] = Form.useForm<SurveyForm>();
  const reached = Form.useWatch('reached', form);
  const { data, isLoading } = useCallbacks({ status: 'asking', channel: 'operator' });
  const record = async (values: SurveyForm) => {
    const body = values.reached
      ? {
          reached: true as const,
          contacted: values.contacted!,
          resolved: values.resolved!,
          satisfaction: values.satisfaction!,
          comment: values.comment || undefined,
        }
      : { reached: false as const };
    const { error } = await api.POST('/api/v1/callbacks/{id}/answers', { params: { path: { id: doing!.id } }, body });
    if (error) return void message.error(errorText(error));
    setDoing(undefined);
    form.resetFields();
    void queryClient.invalidateQueries({ queryKey: ['callbacks'] });
    void queryClient.invalidateQueries({ queryKey: ['queues'] });
  };
  const required = (text: string) => [{ required: true, message: text }];
  return (
    <>
      <Table
        rowKey="id"
        size="small"
        loading={isLoading}
        dataSource={data ?? []}
        pagination={false}
        locale={{ emptyText: '没有待人工回访的工单' }}
        columns={[
          { title: '工单', dataIndex: 'ticketId', render: (id: number) => <TicketLink id={id} /> },
          { title: '回访电话', dataIndex: 'phone', render: (phone: string | null) => phone ?? '—' },
          { title: '第几轮', dataIndex: 'cycle' },
          { title: '截止', dataIndex: 'windowEndsAt', render: (at: string | null) => (at ? beijing(at).format('MM-DD HH:mm') : '—') },
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
      <Modal
        open={doing !== undefined}
        title={`回访 ${doing?.phone ?? ''}`}
        okText="确定"
        onOk={() => form.submit()}
        onCancel={() => setDoing(undefined)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" initialValues={{ reached: true }} onFinish={record}>
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
                <Radio.Group options={Object.entries(satisfactionLabels).map(([value, label]) => ({ value, label }))} />
              </Form.Item>
              <Form.Item label="市民意见" name="comment">
                <Input.TextArea rows={2} maxLength={500} />
              </Form.Item>
            </>
          )}
        </Form>
      </Modal>
    </>
  );
}

/** 回访审核: unsatisfied or unsolved outcomes, for a supervisor to reopen (重办) or mark unreasonable, with the reason. */
export function CallbackReviews() {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [doing, setDoing] = useState<{ id: number; decision: 'reopen' | 'unreasonable' }>();
  const [form] = Form.useForm<{ reason: string }>();
  const { data, isLoading } = useCallbacks({ outcome: 'review' });
  const decide = async ({ reason }: { reason: string }) => {
    const { error } = await api.POST('/api/v1/callbacks/{id}/review', {
      params: { path: { id: doing!.id } },
      body: { decision: doing!.decision, reason },
    });
    if (error) return void message.error(errorText(error));
    setDoing(undefined);
    form.resetFields();
    void queryClient.invalidateQueries({ queryKey: ['callbacks'] });
    void queryClient.invalidateQueries({ queryKey: ['queues'] });
  };
  return (
    <>
      <Table
        rowKey="id"
        size="small"
        loading={isLoading}
        dataSource={data ?? []}
        pagination={false}
        locale={{ emptyText: '没有待审核的回访' }}
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
      <Modal
        open={doing !== undefined}
        title={doing?.decision === 'reopen' ? '退回重办' : '认定为不合理诉求'}
        okText="确定"
        onOk={() => form.submit()}
        onCancel={() => setDoing(undefined)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={decide}>
          <Form.Item label="审核意见" name="reason" rules={[{ required: true, min: 2, message: '请填写审核意见' }]}>
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
