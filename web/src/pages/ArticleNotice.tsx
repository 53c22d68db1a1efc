import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { api, errorText, type TicketDetail } from '../api/client';
import { isCenterRole } from '../../../src/shared/roles';
import { useMe } from '../session';

/**
 * 一次性告知: a published article (an answer, a checklist of materials) sent to the ticket's citizen in one
 * action — by SMS, or in the mini-program when they wrote there. For the center's seats, on a ticket with a
 * citizen to reach; what may be sent and to whom is the API's answer, shown as it comes.
 */
export function ArticleNotice({ ticket }: { ticket: TicketDetail }) {
  const { me } = useMe();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [words, setWords] = useState(ticket.title);
  const [articleId, setArticleId] = useState<number>();
  const { data: hits } = useQuery({
    queryKey: ['knowledge', 'search', words, ticket.region?.id, ticket.category?.id],
    enabled: words.trim().length > 0,
    staleTime: 60_000,
    queryFn: async () =>
      (
        await api.GET('/api/v1/knowledge/search', {
          params: { query: { q: words.trim().slice(0, 200), regionId: ticket.region?.id, categoryId: ticket.category?.id, limit: 8 } },
        })
      ).data?.items ?? [],
  });
  const send = useMutation({
    mutationFn: async (id: number) => {
      const { data, error } = await api.POST('/api/v1/knowledge/articles/{id}/send', {
        params: { path: { id } },
        body: { ticketId: ticket.id },
      });
      if (!data) throw new Error(errorText(error));
    },
    onSuccess: () => {
      void message.success('已发送一次性告知');
      setArticleId(undefined);
      void queryClient.invalidateQueries({ queryKey: ['ticket', ticket.id] });
    },
    onError: (error: Error) => void message.error(error.message),
  });
  if (!me || !isCenterRole(me.role) || !ticket.contact) return null;
  return (
    <Space style={{ display: 'flex', marginBottom: 16 }} wrap>
      <Typography.Text strong>一次性告知</Typography.Text>
      <Select
        aria-label="选择要发送给群众的知识"
        showSearch
        filterOption={false}
        style={{ width: 360 }}
        placeholder="搜索知识库"
        value={articleId}
        onSearch={(value) => value.trim() && setWords(value)}
        onChange={setArticleId}
        options={(hits ?? []).map((h) => ({ value: h.id, label: h.title }))}
        notFoundContent="知识库中没有相关内容"
      />
      <Button disabled={articleId === undefined} loading={send.isPending} onClick={() => articleId !== undefined && send.mutate(articleId)}>
        发送给群众
      </Button>
    </Space>
  );
}
