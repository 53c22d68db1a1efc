import { useQuery } from '@tanstack/react-query';
import { Button, Empty, List, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import { statusLabels } from '../labels';
import { useCallerHistory } from './CallerPanel';
import { SidePanel } from './SidePanel';

interface Draft {
  description: string;
  address?: string;
  regionId?: number;
  categoryId?: number;
  phone?: string;
}

interface Similar {
  id: number;
  number: string;
  title: string;
  status: string;
  why: string;
  score?: number;
}

/**
 * Open tickets this call may repeat, so that the same matter is not logged twice: the caller's own open
 * tickets as soon as the number is typed (a caller often calls to chase), then the likely duplicates by the
 * hub's one rule (POST /duplicates/search — the same address or spot, place, category and words, explained),
 * asked again when the operator pauses; 并单 merges the call into the one chosen.
 */
export function SimilarPanel({
  phone,
  description,
  address,
  categoryId,
  regionId,
  mergeInto,
  onMerge,
}: {
  phone: string | undefined;
  description: string | undefined;
  address: string | undefined;
  categoryId: number | undefined;
  regionId: number | undefined;
  mergeInto: number | undefined;
  onMerge: (ticket: { id: number; number: string } | undefined) => void;
}) {
  const [draft, setDraft] = useState<Draft>();
  useEffect(() => {
    const text = description?.trim() ?? '';
    const timer = setTimeout(
      () =>
        setDraft(
          text.length >= 4
            ? {
                description: text.slice(0, 4_000),
                address: address?.trim() || undefined,
                regionId,
                categoryId,
                phone: phone?.trim() || undefined,
              }
            : undefined,
        ),
      400,
    );
    return () => clearTimeout(timer);
  }, [description, address, regionId, categoryId, phone]);
  const caller = useCallerHistory(phone);
  const { data: likely } = useQuery({
    queryKey: ['tickets', 'similar', draft],
    enabled: draft !== undefined,
    queryFn: async () => (await api.POST('/api/v1/duplicates/search', { body: { ...draft!, limit: 5 } })).data?.items ?? [],
  });
  const data: Similar[] | undefined =
    caller.data || likely
      ? [
          ...(caller.data?.open ?? []).map((t) => ({ ...t, why: '同一来电人' })),
          ...(likely ?? []).map((t) => ({
            id: t.ticketId,
            number: t.number,
            title: t.title,
            status: t.status,
            score: t.score,
            why: t.reasons.filter((r) => r !== '同一来电人' && !r.startsWith('分类不同')).join('，'),
          })),
        ].filter((t, i, all) => all.findIndex((o) => o.id === t.id) === i)
      : undefined;
  return (
    <SidePanel title="相似在办工单">
      {!data || data.length === 0 ? (
        <Empty description={data ? '无相似在办工单' : '输入来电号码或记录诉求内容后显示'} image={Empty.PRESENTED_IMAGE_SIMPLE} />
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
                  <Tag>{statusLabels[t.status as keyof typeof statusLabels] ?? t.status}</Tag>
                  {t.score !== undefined ? <Tag>相似度 {t.score.toFixed(2)}</Tag> : <Tag>{t.why}</Tag>}
                </span>
                <Typography.Text>{t.title}</Typography.Text>
                {t.score !== undefined && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t.why}
                  </Typography.Text>
                )}
              </Space>
            </List.Item>
          )}
        />
      )}
    </SidePanel>
  );
}
