import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Radio, Table, Tag } from 'antd';
import { useState } from 'react';
import { api, errorText } from '../../api/client';
import { beijing } from '../../time';

const reasonLabels: Record<string, string> = { missed: '未接通', abandoned: '排队中挂断' };
const menuLabels: Record<string, string> = { operator: '转人工', request: '咨询投诉求助', proxy: '代办申请', query: '工单查询' };

/** 漏接回拨: calls that ended before the caller was served, oldest first; the seat calls back and records how it went. */
export function CallbackTasks() {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [doing, setDoing] = useState<{ id: number; phone: string | null }>();
  const [form] = Form.useForm<{ reached: boolean; note: string }>();
  const { data, isLoading } = useQuery({
    queryKey: ['callback_tasks'],
    queryFn: async () => (await api.GET('/api/v1/callback-tasks')).data?.items ?? [],
  });
  const complete = async ({ reached, note }: { reached: boolean; note: string }) => {
    const { error } = await api.POST('/api/v1/callback-tasks/{id}/complete', {
      params: { path: { id: doing!.id } },
      body: { reached, note },
    });
    if (error) return void message.error(errorText(error));
    setDoing(undefined);
    form.resetFields();
    void queryClient.invalidateQueries({ queryKey: ['callback_tasks'] });
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
        locale={{ emptyText: '没有待回拨的来电' }}
        columns={[
          { title: '来电号码', dataIndex: 'phone', render: (phone: string | null) => phone ?? '号码未显示' },
          { title: '原因', dataIndex: 'reason', render: (reason: string) => <Tag>{reasonLabels[reason] ?? reason}</Tag> },
          {
            title: '语音导航',
            dataIndex: 'menuChoice',
            render: (choice: string | null) => (choice ? (menuLabels[choice] ?? choice) : '—'),
          },
          { title: '来电时间', dataIndex: 'callStartedAt', render: (at: string) => beijing(at).format('MM-DD HH:mm') },
          {
            title: '操作',
            key: 'act',
            render: (_: unknown, task) => (
              <Button size="small" disabled={!task.phone} onClick={() => setDoing(task)}>
                完成回拨
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={doing !== undefined}
        title={`回拨 ${doing?.phone ?? ''}`}
        okText="确定"
        onOk={() => form.submit()}
        onCancel={() => setDoing(undefined)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" initialValues={{ reached: true }} onFinish={complete}>
          <Form.Item label="是否联系上" name="reached">
            <Radio.Group
              options={[
                { value: true, label: '已联系上' },
                { value: false, label: '未接通' },
              ]}
            />
          </Form.Item>
          <Form.Item label="回拨记录" name="note" rules={[{ required: true, message: '请记录回拨情况' }]}>
            <Input.TextArea rows={3} maxLength={1000} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
