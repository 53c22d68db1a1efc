import { useQuery } from '@tanstack/react-query';
import { Card, Input, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/client';
import { requestTypeLabels, statusLabels } from '../labels';

type Status = keyof typeof statusLabels;

/** The ticket list every role shares: the API decides whose tickets these are; the status filter lives in the URL (待分拨 is ?status=triage). */
export function Tickets() {
  const [q, setQ] = useState<string>();
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') ?? undefined) as Status | undefined;
  const { data, isLoading } = useQuery({
    queryKey: ['tickets', q, status],
    queryFn: async () => (await api.GET('/api/v1/tickets', { params: { query: { q, status, limit: 50 } } })).data,
  });
  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          {status ? statusLabels[status] : '工单'}
        </Typography.Title>
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Select
          aria-label="状态"
          allowClear
          placeholder="全部状态"
          style={{ width: 140 }}
          value={status}
          options={Object.entries(statusLabels).map(([value, label]) => ({ value, label }))}
          onChange={(value?: Status) => setParams(value ? { status: value } : {})}
        />
        <Input.Search
          placeholder="搜索工单号、标题、内容"
          allowClear
          onSearch={(value) => setQ(value || undefined)}
          style={{ width: 360 }}
          aria-label="搜索工单"
        />
      </Space>
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
