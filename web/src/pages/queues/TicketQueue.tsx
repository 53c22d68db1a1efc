import { useQuery } from '@tanstack/react-query';
import { Table, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { requestTypeLabels } from '../../labels';
import { shortTime } from '../../time';

/** Tickets waiting for the center in one status (待分拨, 退单 to review), oldest first: the work is on the ticket page. */
export function TicketQueue({ status }: { status: 'triage' | 'returned' }) {
  const { data, isLoading } = useQuery({
    queryKey: ['tickets', 'queue', status],
    queryFn: async () => (await api.GET('/api/v1/tickets', { params: { query: { status, limit: 100 } } })).data?.items ?? [],
  });
  return (
    <Table
      rowKey="id"
      size="small"
      loading={isLoading}
      dataSource={[...(data ?? [])].reverse()}
      pagination={false}
      locale={{ emptyText: <Typography.Text type="secondary">队列已清空</Typography.Text> }}
      columns={[
        { title: '工单号', dataIndex: 'number', render: (number: string, row) => <Link to={`/tickets/${row.id}`}>{number}</Link> },
        { title: '标题', dataIndex: 'title' },
        { title: '类型', dataIndex: 'requestType', render: (type: keyof typeof requestTypeLabels) => requestTypeLabels[type] },
        { title: '状态', dataIndex: 'statusLabel', render: (label: string) => <Tag>{label}</Tag> },
        { title: '受理时间', dataIndex: 'createdAt', render: shortTime },
      ]}
    />
  );
}
