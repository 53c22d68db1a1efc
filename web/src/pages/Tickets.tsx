import { useQuery } from '@tanstack/react-query';
import { Card, Input, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import { requestTypeLabels } from '../labels';

/** The ticket list every role shares: the API decides whose tickets these are. */
export function Tickets() {
  const [q, setQ] = useState<string>();
  const { data, isLoading } = useQuery({
    queryKey: ['tickets', q],
    queryFn: async () => (await api.GET('/api/v1/tickets', { params: { query: { q, limit: 50 } } })).data,
  });
  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          工单
        </Typography.Title>
      }
    >
      <Input.Search
        placeholder="搜索工单号、标题、内容"
        allowClear
        onSearch={(value) => setQ(value || undefined)}
        style={{ maxWidth: 360, marginBottom: 16 }}
        aria-label="搜索工单"
      />
      <Table
        rowKey="id"
        loading={isLoading}
        dataSource={data?.items ?? []}
        pagination={false}
        columns={[
          { title: '工单号', dataIndex: 'number', render: (number: string, row) => <Link to={`/tickets/${row.id}`}>{number}</Link> },
          { title: '标题', dataIndex: 'title' },
          { title: '类型', dataIndex: 'requestType', render: (type: keyof typeof requestTypeLabels) => requestTypeLabels[type] },
          { title: '状态', dataIndex: 'statusLabel', render: (label: string) => <Tag>{label}</Tag> },
          { title: '受理时间', dataIndex: 'createdAt', render: (at: string) => dayjs(at).format('MM-DD HH:mm') },
        ]}
      />
    </Card>
  );
}
