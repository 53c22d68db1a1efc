import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, List, Space, Typography } from 'antd';
import { Link } from 'react-router';
import { api, errorText, type TicketDetail } from '../api/client';

/**
 * 可能重复: the open tickets the hub finds to be the same matter (GET /tickets/{id}/duplicates: scored and
 * explained), each a click from 并单 — shown only where the API allows this ticket to be merged.
 */
export function DuplicatesPanel({ ticket }: { ticket: TicketDetail }) {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const merge = ticket.allowedActions.find((a) => a.action === 'merge');
  const { data } = useQuery({
    queryKey: ['ticket', ticket.id, 'duplicates'],
    enabled: merge !== undefined,
    queryFn: async () => (await api.GET('/api/v1/tickets/{id}/duplicates', { params: { path: { id: ticket.id } } })).data?.items ?? [],
  });
  const into = useMutation({
    mutationFn: async (target: { ticketId: number; number: string; reasons: string[] }) => {
      const { error } = await api.POST('/api/v1/tickets/{id}/merge', {
        params: { path: { id: ticket.id } },
        body: {
          intoTicketId: target.ticketId,
          reason: `重复诉求（${target.reasons.slice(0, 3).join('，')}）`,
          expectedVersion: ticket.version,
        },
      });
      if (error) throw new Error(errorText(error));
      return target;
    },
    onSuccess: (target) => {
      void message.success(`已并入 ${target.number}`);
      void queryClient.invalidateQueries({ queryKey: ['ticket', ticket.id] });
      void queryClient.invalidateQueries({ queryKey: ['tickets'] });
    },
    onError: (e: Error) => void message.error(e.message),
  });
  if (!merge || !data || data.length === 0) return null;
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 16 }}
      message="可能与以下在办工单重复"
      description={
        <List
          size="small"
          dataSource={data}
          renderItem={(d) => (
            <List.Item
              key={d.ticketId}
              actions={[
                <Button key="merge" size="small" loading={into.isPending} onClick={() => into.mutate(d)} aria-label={`并入 ${d.number}`}>
                  并入此单
                </Button>,
              ]}
            >
              <Space direction="vertical" size={0}>
                <span>
                  <Link to={`/tickets/${d.ticketId}`}>{d.number}</Link> {d.title}
                </span>
                <Typography.Text type="secondary">
                  {d.reasons.join('，')}（{Math.round(d.score * 100)} 分）
                </Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      }
    />
  );
}
