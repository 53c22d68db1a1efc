import { useQuery } from '@tanstack/react-query';
import { Button, Card, Empty, List, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { Link } from 'react-router';
import { api } from '../api/client';

const openStatuses = 'new,triage,dispatched,accepted,returned';

/**
 * Similar open tickets, so that the same matter is not logged twice: the same place and category in
 * the last 7 days (the caller's own open tickets are in the caller panel). A first rule, from the
 * ticket list's own filters; 并单 merges the call into the one chosen.
 */
export function SimilarPanel({
  categoryId,
  regionId,
  mergeInto,
  onMerge,
}: {
  categoryId: number | undefined;
  regionId: number | undefined;
  mergeInto: number | undefined;
  onMerge: (ticket: { id: number; number: string } | undefined) => void;
}) {
  const since = dayjs().subtract(7, 'day').startOf('day').toISOString();
  const { data } = useQuery({
    queryKey: ['tickets', 'similar', categoryId, regionId],
    enabled: categoryId !== undefined && regionId !== undefined,
    queryFn: async () =>
      (await api.GET('/api/v1/tickets', { params: { query: { categoryId, regionId, from: since, status: openStatuses, limit: 5 } } })).data
        ?.items ?? [],
  });
  return (
    <Card
      title={
        <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
          相似在办工单
        </Typography.Title>
      }
      style={{ width: 360 }}
      aria-live="polite"
    >
      {!data || data.length === 0 ? (
        <Empty description={data ? '近7日同地点同类无在办工单' : '确定分类与区域后显示'} image={Empty.PRESENTED_IMAGE_SIMPLE} />
      ) : (
        <List
          size="small"
          dataSource={data}
          renderItem={(t) => (
            <List.Item
              actions={[
                mergeInto === t.id ? (
                  <Button key="merge" size="small" type="primary" onClick={() => onMerge(undefined)}>
                    取消并单
                  </Button>
                ) : (
                  <Button key="merge" size="small" onClick={() => onMerge(t)}>
                    并单
                  </Button>
                ),
              ]}
            >
              <Space direction="vertical" size={0}>
                <span>
                  <Link to={`/tickets/${t.id}`} style={{ textDecoration: 'underline' }}>
                    {t.number}
                  </Link>{' '}
                  <Tag>{t.statusLabel}</Tag>
                </span>
                <Typography.Text>{t.title}</Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
