import { useQuery } from '@tanstack/react-query';
import { Button, Drawer, Empty, List, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { SidePanel } from './SidePanel';

export interface ArticleAnswer {
  id: number;
  title: string;
  body: string;
}

/**
 * 知识库 beside the call form: while the operator types the citizen's words, the published articles in
 * force for the place that answer them best (the hub's search; nothing is created). 用此答复 puts the
 * article into a 直接办结 that cites it; 全文 reads it first.
 */
export function KnowledgePanel({
  text,
  regionId,
  categoryId,
  onAnswer,
}: {
  text: string | undefined;
  regionId: number | undefined;
  categoryId: number | undefined;
  onAnswer: (article: ArticleAnswer) => void;
}) {
  const [asked, setAsked] = useState<string>();
  useEffect(() => {
    const timer = setTimeout(() => setAsked(text && text.trim().length >= 2 ? text.trim().slice(0, 200) : undefined), 400);
    return () => clearTimeout(timer);
  }, [text]);
  const { data: hits } = useQuery({
    queryKey: ['knowledge', 'search', asked, regionId, categoryId],
    enabled: asked !== undefined,
    staleTime: 60_000,
    queryFn: async () =>
      (await api.GET('/api/v1/knowledge/search', { params: { query: { q: asked!, regionId, categoryId, limit: 3 } } })).data?.items ?? [],
  });
  const [reading, setReading] = useState<number>();
  const { data: article } = useQuery({
    queryKey: ['knowledge', 'article', reading],
    enabled: reading !== undefined,
    queryFn: async () => (await api.GET('/api/v1/knowledge/articles/{id}', { params: { path: { id: reading! } } })).data,
  });
  const answer = async (id: number) => {
    const full = article?.id === id ? article : (await api.GET('/api/v1/knowledge/articles/{id}', { params: { path: { id } } })).data;
    if (full) onAnswer({ id: full.id, title: full.title, body: full.body });
    setReading(undefined);
  };
  return (
    <SidePanel title="知识库">
      {!hits || hits.length === 0 ? (
        <Empty
          description={
            <Typography.Text type="secondary">{asked ? '知识库中没有相关答案' : '记录诉求内容后显示可直接答复的知识'}</Typography.Text>
          }
          image={Empty.PRESENTED_IMAGE_SIMPLE}
        />
      ) : (
        <List
          size="small"
          dataSource={hits}
          renderItem={(hit) => (
            <List.Item key={hit.id} style={{ display: 'block' }}>
              <Typography.Text strong>{hit.title}</Typography.Text>
              <Typography.Paragraph type="secondary" style={{ margin: '4px 0', fontSize: 13 }}>
                {hit.snippet}
              </Typography.Paragraph>
              <Space size={4}>
                <Button size="small" type="primary" onClick={() => answer(hit.id)} aria-label={`用「${hit.title}」答复`}>
                  用此答复
                </Button>
                <Button size="small" onClick={() => setReading(hit.id)} aria-label={`阅读「${hit.title}」全文`}>
                  全文
                </Button>
              </Space>
            </List.Item>
          )}
        />
      )}
      <Drawer open={reading !== undefined} onClose={() => setReading(undefined)} title={article?.title} width={520}>
        {article && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{article.body}</Typography.Paragraph>
            {article.source && <Typography.Text type="secondary">依据：{article.source}</Typography.Text>}
            {article.expiresOn && <Typography.Text type="secondary">有效期至 {article.expiresOn}</Typography.Text>}
            <Button type="primary" onClick={() => answer(article.id)}>
              用此答复
            </Button>
          </Space>
        )}
      </Drawer>
    </SidePanel>
  );
}
