import { useQuery } from '@tanstack/react-query';
import { Button, Empty, List, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { api } from '../api/client';
import { statusLabels } from '../labels';
import { useCallerHistory } from './CallerPanel';
import { beijing, beijingDayStart } from '../time';
import { SidePanel } from './SidePanel';

const openStatuses = 'new,triage,dispatched,accepted,returned';

interface Similar {
  id: number;
  number: string;
  title: string;
  statusLabel: string;
  why: string;
}

/**
 * Similar open tickets, so that the same matter is not logged twice: the caller's own open tickets,
 * and the same place and category in the last 7 days. A first rule, from the caller history and the
 * ticket list's own filters; 并单 merges the call into the one chosen.
 */
export function SimilarPanel({
  phone,
  categoryId,
  regionId,
  mergeInto,
  onMerge,
}: {
  phone: string | undefined;
  categoryId: number | undefined;
  regionId: number | undefined;
  mergeInto: number | undefined;
  onMerge: (ticket: { id: number; number: string } | undefined) => void;
}) {
  const since = beijingDayStart(beijing().subtract(7, 'day')).toISOString();
  const caller = useCallerHistory(phone);
  const { data: nearby } = useQuery({
    queryKey: ['tickets', 'similar', categoryId, regionId],
    enabled: categoryId !== undefined && regionId !== undefined,
    queryFn: async () =>
      (await api.GET('/api/v1/tickets', { params: { query: { categoryId, regionId, from: since, status: openStatuses, limit: 5 } } })).data
        ?.items ?? [],
  });
  const data: Similar[] | undefined =
    caller.data || nearby
      ? [
          ...(caller.data?.open ?? []).map((t) => ({ ...t, statusLabel: statusLabels[t.status], why: '同一来电人' })),
          ...(nearby ?? []).map((t) => ({ ...t, why: '同地点同类' })),
        ].filter((t, i, all) => all.findIndex((o) => o.id === t.id) === i)
      : undefined;
  return (
    <SidePanel title="相似在办工单">
      {!data || data.length === 0 ? (
        <Empty description={data ? '无相似在办工单' : '输入来电号码，或确定分类与区域后显示'} image={Empty.PRESENTED_IMAGE_SIMPLE} />
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
                  <Tag>{t.why}</Tag>
                </span>
                <Typography.Text>{t.title}</Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      )}
    </SidePanel>
  );
}
