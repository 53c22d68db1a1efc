import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Checkbox, Empty, Form, Input, List, Modal, Radio, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, errorText } from '../api/client';
import { optionsOf, satisfactionLabels, vulnerabilityLabels } from '../labels';
import { beijing, shortTime } from '../time';
import { Pill } from './Deadline';
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
        {data.contact.vulnerability.map((v) => (
          <Pill key={v} tone="orange">
            {vulnerabilityLabels[v]}
          </Pill>
        ))}
      </Space>
      <Vulnerability contactId={data.contact.id} flagged={data.contact.vulnerability} />
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

const consentMethodLabels = {
  verbal: '电话中口头同意（有录音）',
  written: '书面同意',
  sms: '短信确认',
  miniprogram: '小程序确认',
} as const;
type Kind = keyof typeof vulnerabilityLabels;

/**
 * 特殊群体: the seat flags an elderly, disabled or seriously ill caller — only with their consent, said how — so that
 * their 代办 is offered as home assistance first and the runners who serve them know; or clears it.
 */
function Vulnerability({ contactId, flagged }: { contactId: number; flagged: readonly Kind[] }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const change = useMutation({
    mutationFn: async (body: { vulnerability: Kind[]; method: keyof typeof consentMethodLabels; note?: string } | null) => {
      const path = { params: { path: { id: contactId } } };
      const { data, error } = body
        ? await api.PUT('/api/v1/contacts/{id}/vulnerability', { ...path, body: { ...body, consent: true } })
        : await api.DELETE('/api/v1/contacts/{id}/vulnerability', path);
      if (!data) throw new Error(errorText(error));
      return data;
    },
    onSuccess: (data) => {
      setOpen(false);
      void message.success(data.vulnerability.length > 0 ? '已登记特殊群体' : '已撤销特殊群体登记');
      void queryClient.invalidateQueries({ queryKey: ['caller'] });
    },
    onError: (error: Error) => void message.error(error.message),
  });
  return (
    <>
      <Space size={4}>
        <Button size="small" onClick={() => setOpen(true)}>
          {flagged.length > 0 ? '修改特殊群体' : '登记特殊群体'}
        </Button>
        {flagged.length > 0 && (
          <Button size="small" danger onClick={() => change.mutate(null)} loading={change.isPending}>
            撤销登记
          </Button>
        )}
      </Space>
      <Modal open={open} title="登记特殊群体" footer={null} onCancel={() => setOpen(false)} destroyOnHidden>
        <Form
          layout="vertical"
          initialValues={{ vulnerability: [...flagged] }}
          onFinish={(values: { vulnerability: Kind[]; method: keyof typeof consentMethodLabels; note?: string }) =>
            change.mutate({ vulnerability: values.vulnerability, method: values.method, ...(values.note ? { note: values.note } : {}) })
          }
        >
          <Form.Item label="类别" name="vulnerability" rules={[{ required: true, message: '请选择类别' }]}>
            <Checkbox.Group options={optionsOf(vulnerabilityLabels)} />
          </Form.Item>
          <Form.Item label="本人同意方式" name="method" rules={[{ required: true, message: '须经本人同意' }]}>
            <Radio.Group options={optionsOf(consentMethodLabels)} />
          </Form.Item>
          <Form.Item label="备注" name="note">
            <Input maxLength={200} />
          </Form.Item>
          <Typography.Paragraph type="secondary">登记后，代办申请优先提供上门服务；仅热线中心和为其服务的跑手可见。</Typography.Paragraph>
          <Button type="primary" htmlType="submit" loading={change.isPending}>
            登记
          </Button>
        </Form>
      </Modal>
    </>
  );
}
