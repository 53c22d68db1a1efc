import { BellOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, List, Popover, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api/client';
import { shortTime } from '../time';

/** The notifications bell: SLA alerts, the daily digest, 代办 offers; live from the staff socket, and every minute as a fallback. */
export function Bell() {
  const [open, setOpen] = useState(false);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { data } = useQuery({
    queryKey: ['notifications'],
    queryFn: async () => (await api.GET('/api/v1/notifications', { params: { query: { limit: 20 } } })).data,
    refetchInterval: 60_000,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['notifications'] });
  const openOne = async (n: { id: number; ticketId: number | null; path: string | null }) => {
    await api.POST('/api/v1/notifications/{id}/read', { params: { path: { id: n.id } }, body: {} });
    void refresh();
    setOpen(false);
    if (n.ticketId !== null) navigate(`/tickets/${n.ticketId}`);
    else if (n.path) navigate(n.path);
  };
  const unread = data?.unread ?? 0;
  return (
    <Popover
      open={open}
      onOpenChange={setOpen}
      trigger="click"
      placement="bottomRight"
      title={
        <span style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          消息提醒
          <Button
            size="small"
            type="link"
            disabled={unread === 0}
            onClick={async () => {
              await api.POST('/api/v1/notifications/read-all', { body: {} });
              void refresh();
            }}
          >
            全部已读
          </Button>
        </span>
      }
      content={
        <List
          style={{ width: 380, maxHeight: 420, overflow: 'auto' }}
          size="small"
          dataSource={data?.items ?? []}
          locale={{ emptyText: '暂无消息' }}
          renderItem={(n) => (
            <List.Item style={{ cursor: 'pointer', opacity: n.readAt ? 0.75 : 1 }} onClick={() => void openOne(n)}>
              <List.Item.Meta
                title={<Typography.Text strong={!n.readAt}>{n.title}</Typography.Text>}
                description={
                  <>
                    <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ marginBottom: 0 }}>
                      {n.body}
                    </Typography.Paragraph>
                    {shortTime(n.createdAt)}
                  </>
                }
              />
            </List.Item>
          )}
        />
      }
    >
      <Badge count={unread} size="small" offset={[-4, 4]}>
        <Button type="text" aria-label={`消息提醒，${unread} 条未读`} icon={<BellOutlined style={{ color: '#fff', fontSize: 18 }} />} />
      </Badge>
    </Popover>
  );
}
