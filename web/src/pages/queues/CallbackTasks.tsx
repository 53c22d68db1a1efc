import { useQuery } from '@tanstack/react-query';
import { Button, Form, Input, Radio, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../api/client';
import { ivrMenuLabels } from '../../labels';
import { shortTime } from '../../time';
import { ActionModal } from './ActionModal';

const reasonLabels: Record<string, string> = { missed: '未接通', abandoned: '排队中挂断' };

/** 漏接回拨: calls that ended before the caller was served, oldest first; the seat calls back and records how it went. */
export function CallbackTasks() {
  const [doing, setDoing] = useState<{ id: number; phone: string | null }>();
  const [form] = Form.useForm<{ reached: boolean; note: string }>();
  const { data, isLoading } = useQuery({
    queryKey: ['callback_tasks'],
    queryFn: async () => (await api.GET('/api/v1/callback-tasks')).data?.items ?? [],
  });
  return (
    <>
      <Table
        rowKey="id"
        size="small"
        loading={isLoading}
        dataSource={data ?? []}
        pagination={false}
        locale={{ emptyText: <Typography.Text type="secondary">没有待回拨的来电</Typography.Text> }}
        columns={[
          { title: '来电号码', dataIndex: 'phone', render: (phone: string | null) => phone ?? '号码未显示' },
          { title: '原因', dataIndex: 'reason', render: (reason: string) => <Tag>{reasonLabels[reason] ?? reason}</Tag> },
          {
            title: '语音导航',
            dataIndex: 'menuChoice',
            render: (choice: string | null) => (choice ? (ivrMenuLabels[choice] ?? choice) : '—'),
          },
          { title: '来电时间', dataIndex: 'callStartedAt', render: shortTime },
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
      <ActionModal
        form={form}
        title={`回拨 ${doing?.phone ?? ''}`}
        open={doing !== undefined}
        onClose={() => setDoing(undefined)}
        initialValues={{ reached: true }}
        stale={['callback_tasks']}
        submit={(body) => api.POST('/api/v1/callback-tasks/{id}/complete', { params: { path: { id: doing!.id } }, body })}
      >
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
      </ActionModal>
    </>
  );
}
