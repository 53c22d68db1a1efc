import { useQuery } from '@tanstack/react-query';
import { Empty, List, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import { satisfactionLabels } from '../labels';
import { beijing, shortTime } from '../time';
import { SidePanel } from './SidePanel';

/** 来电弹屏: who is calling, as soon as the seat has typed their number. */
/** The caller's history once their number has stopped changing for a moment (one request, shared by the panels that show it). */
export function useCallerHistory(phone: string | undefined) {
  const [asked, setAsked] = useState<string>();
  useEffect(() => {
    const digits = (phone ?? '').replace(/\D/g, '');
    const timer = setTimeout(() => setAsked(digits.length >= 7 ? phone : undefined), 300);
    return () => clearTimeout(timer);
  }, [phone]);
  const query = useQuery({
    queryKey: ['caller', asked],
    enabled: asked !== undefined,
    queryFn: async () => (await api.GET('/api/v1/callers/history', { params: { query: { phone: asked! } } })).data ?? null,
  });
  return { asked, data: query.data };
}

export function CallerPanel({ phone, bare }: { phone: string | undefined; bare?: boolean }) {
  const { asked, data } = useCallerHistory(phone);

  const content = !data ? (
    <Empty description={asked ? '查询中…' : '输入来电号码后显示来电人信息'} image={Empty.PRESENTED_IMAGE_SIMPLE} />
  ) : !data.contact ? (
    <Typography.Text>首次来电（{data.phone}）</Typography.Text>
  ) : (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Typography.Text strong>{data.contact.name ?? '（未留姓名）'}</Typography.Text>
        <Typography.Text>{data.contact.phone}</Typography.Text>
        {data.contact.confidential && <Tag color="red">要求保密</Tag>}
        {data.contact.anonymous && <Tag>匿名</Tag>}
        {data.contact.smsOptedOut && <Tag>已退订短信</Tag>}
      </Space>
      <Typography.Text strong>在办工单（{data.open.length}）</Typography.Text>
      <List
        size="small"
        dataSource={data.open}
        locale={{ emptyText: <Typography.Text type="secondary">无</Typography.Text> }}
        renderItem={(t) => (
          <List.Item>
            <Link to={`/tickets/${t.id}`} style={{ textDecoration: 'underline' }}>
              {t.number}
            </Link>{' '}
            {t.title}
          </List.Item>
        )}
      />
      <Typography.Text strong>历史工单（{data.past.length}）</Typography.Text>
      <List
        size="small"
        dataSource={data.past.slice(0, 5)}
        locale={{ emptyText: <Typography.Text type="secondary">无</Typography.Text> }}
        renderItem={(t) => (
          <List.Item>
            <Link to={`/tickets/${t.id}`} style={{ textDecoration: 'underline' }}>
              {t.number}
            </Link>{' '}
            {beijing(t.createdAt).format('YYYY-MM-DD')} {t.title}
            {t.satisfaction && (
              <Tag style={{ marginLeft: 8 }}>{satisfactionLabels[t.satisfaction as keyof typeof satisfactionLabels] ?? t.satisfaction}</Tag>
            )}
          </List.Item>
        )}
      />
      {data.lastConversation && (
        <Typography.Text>
          最近会话：{data.lastConversation.channel === 'sms' ? '短信' : '小程序'}{' '}
          {data.lastConversation.lastInboundAt ? shortTime(data.lastConversation.lastInboundAt) : ''}
        </Typography.Text>
      )}
    </Space>
  );
  if (bare) return content;
  return <SidePanel title="来电人">{content}</SidePanel>;
}
