import { useQuery } from '@tanstack/react-query';
import { Button, Descriptions, Empty, Space, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api/client';
import { requestTypeLabels, urgencyLabels } from '../labels';
import { SidePanel } from './SidePanel';

export interface Suggestion {
  categoryId: number;
  categoryName: string;
  requestType?: keyof typeof requestTypeLabels;
  urgency?: keyof typeof urgencyLabels;
}

/**
 * The classifier's suggestion while the operator types (the hub's preview: the local model and the
 * dispatch catalog, nothing created), with the top three categories to take by Alt+1…3.
 */
export function SuggestionPanel({
  text,
  address,
  onTake,
  onSuggest,
}: {
  text: string | undefined;
  address: string | undefined;
  onTake: (s: Suggestion) => void;
  /** Where the preview places the call and sends it: the seat prefills the region and names the department. */
  onSuggest?: (s: { regionId?: number; departmentName?: string }) => void;
}) {
  const [asked, setAsked] = useState<{ text: string; address?: string }>();
  useEffect(() => {
    const timer = setTimeout(
      () => setAsked(text && text.trim().length >= 4 ? { text: text.trim(), address: address?.trim() || undefined } : undefined),
      400,
    );
    return () => clearTimeout(timer);
  }, [text, address]);
  const { data } = useQuery({
    queryKey: ['preview', asked],
    enabled: asked !== undefined,
    queryFn: async () => (await api.POST('/api/v1/triage/preview', { body: asked! })).data ?? null,
  });
  const { data: categories } = useQuery({
    queryKey: ['categories'],
    staleTime: 10 * 60_000,
    queryFn: async () => (await api.GET('/api/v1/categories')).data?.items ?? [],
  });
  const byCode = useMemo(
    () => new Map((categories ?? []).flatMap((c) => [c, ...c.children]).map((c) => [c.code, { id: c.id, name: c.name }])),
    [categories],
  );

  const c = data?.classification;
  const options: Suggestion[] = [];
  if (c?.category)
    options.push({ categoryId: c.category.id, categoryName: c.category.name, requestType: c.requestType.value, urgency: c.urgency.value });
  for (const alt of c?.alternatives ?? []) {
    const known = byCode.get(alt.code);
    if (known && options.length < 3 && !options.some((o) => o.categoryId === known.id))
      options.push({ categoryId: known.id, categoryName: known.name });
  }

  const regionId = data?.classification.region?.id;
  const departmentName = data?.routing.department?.name;
  useEffect(() => {
    if (data) onSuggest?.({ regionId, departmentName });
  }, [data, regionId, departmentName, onSuggest]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const n = Number(event.key);
      if (event.altKey && n >= 1 && n <= options.length) {
        event.preventDefault();
        onTake(options[n - 1]!);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <SidePanel title="智能建议">
      {!c ? (
        <Empty description="记录诉求内容后显示分类与派单建议" image={Empty.PRESENTED_IMAGE_SIMPLE} />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          {options.map((o, i) => (
            <Button key={o.categoryId} block onClick={() => onTake(o)} style={{ textAlign: 'left' }}>
              Alt+{i + 1} 采用「{o.categoryName}」{i === 0 && c.category ? `（${Math.round(c.category.confidence * 100)}%）` : ''}
            </Button>
          ))}
          <Descriptions column={1} size="small">
            <Descriptions.Item label="诉求类型">{requestTypeLabels[c.requestType.value]}</Descriptions.Item>
            <Descriptions.Item label="紧急程度">{urgencyLabels[c.urgency.value]}</Descriptions.Item>
            <Descriptions.Item label="地点">{c.region?.name ?? c.address ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="建议派至">{data.routing.department?.name ?? '待分拨'}</Descriptions.Item>
          </Descriptions>
          <Typography.Text type="secondary">{data.routing.explanation[0]}</Typography.Text>
        </Space>
      )}
    </SidePanel>
  );
}
