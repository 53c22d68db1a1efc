import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Form, Input, InputNumber, Row, Select, Space, TreeSelect, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, errorText } from '../../api/client';
import type { paths } from '../../api/schema';
import { optionsOf } from '../../labels';
import { useCategories } from '../reference';

type Settings = paths['/api/v1/callbacks/settings']['get']['responses'][200]['content']['application/json'];

const confidentialLabels = { normal: '照常回访', operator: '由坐席人工回访', skip: '不回访' } as const;
const anonymousLabels = { skip: '不回访', operator: '由坐席人工回访（有来电号码时）' } as const;
const clock = { pattern: /^([01]\d|2[0-3]):[0-5]\d$/, message: '北京时间 HH:MM' };

/**
 * 回访设置: when and how citizens are surveyed after a reply (the delay, the answer window, the
 * reminder, the quiet hours, the phone attempts), who is called by a person instead, the questions as
 * citizens read them, and how the 满意率 and the departments' ranking bands are counted.
 */
export function CallbackSettings() {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const categories = useCategories();
  const [form] = Form.useForm<Settings>();
  const [refusal, setRefusal] = useState<string>();
  useEffect(() => {
    document.title = '回访设置 - 12345';
  }, []);
  const { data } = useQuery({
    queryKey: ['callback-settings'],
    queryFn: async () => (await api.GET('/api/v1/callbacks/settings')).data,
  });
  useEffect(() => {
    if (data) form.setFieldsValue(data);
  }, [data, form]);

  async function save(v: Settings) {
    // Only what changed goes to the API (and so to the audit log).
    const body = Object.fromEntries(
      Object.entries({ ...v, rankingBands: (v.rankingBands ?? []).map(Number).sort((a, b) => a - b) }).filter(
        ([key, value]) => JSON.stringify(value) !== JSON.stringify(data?.[key as keyof Settings]),
      ),
    ) as Partial<Settings>;
    if (Object.keys(body).length === 0) return void message.info('没有改动');
    const { error } = await api.PATCH('/api/v1/callbacks/settings', { body });
    if (error) return setRefusal(errorText(error));
    setRefusal(undefined);
    void message.success('回访设置已保存');
    void queryClient.invalidateQueries({ queryKey: ['callback-settings'] });
  }
  const minutes = (name: keyof Settings, label: string, min: number, max: number, unit = '分钟') => (
    <Col xs={24} md={8}>
      <Form.Item name={name} label={label} rules={[{ required: true }]}>
        <InputNumber min={min} max={max} suffix={unit} style={{ width: '100%' }} />
      </Form.Item>
    </Col>
  );
  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          回访设置
        </Typography.Title>
      }
      extra={
        <Button type="primary" onClick={() => form.submit()} disabled={!data}>
          保存
        </Button>
      }
    >
      {refusal && <Alert type="error" showIcon message="未保存" description={refusal} style={{ marginBottom: 16 }} role="alert" />}
      <Form form={form} layout="vertical" onFinish={save} disabled={!data}>
        <Typography.Title level={2} style={{ fontSize: 15 }}>
          时间
        </Typography.Title>
        <Row gutter={16}>
          {minutes('delayMinutes', '答复后多久开始回访', 0, 7 * 24 * 60)}
          {minutes('windowHours', '每个渠道的作答时限', 1, 14 * 24, '小时')}
          {minutes('reminderMinutes', '未作答多久后提醒一次', 5, 48 * 60)}
          {minutes('callAttempts', '电话回访最多拨打', 1, 10, '次')}
          {minutes('callRetryMinutes', '两次拨打间隔', 5, 24 * 60)}
          <Col xs={24} md={8}>
            <Space.Compact block>
              <Form.Item name={['quietHours', 'from']} label="免打扰 从" rules={[{ required: true }, clock]} style={{ flex: 1 }}>
                <Input placeholder="21:00" />
              </Form.Item>
              <Form.Item name={['quietHours', 'to']} label="到" rules={[{ required: true }, clock]} style={{ flex: 1 }}>
                <Input placeholder="08:00" />
              </Form.Item>
            </Space.Compact>
          </Col>
        </Row>
        <Typography.Title level={2} style={{ fontSize: 15 }}>
          对象
        </Typography.Title>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="confidential" label="要求保密的来电人">
              <Select options={optionsOf(confidentialLabels)} aria-label="要求保密的来电人" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="anonymous" label="未留联系方式的">
              <Select options={optionsOf(anonymousLabels)} aria-label="未留联系方式的" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="humanCategoryIds" label="总由坐席电话回访的分类">
              <TreeSelect multiple treeData={categories.tree} showSearch treeNodeFilterProp="title" aria-label="总由坐席电话回访的分类" />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Title level={2} style={{ fontSize: 15 }}>
          问题（市民收到的原文）
        </Typography.Title>
        {(
          [
            ['contacted', '联系情况'],
            ['resolved', '解决情况'],
            ['satisfaction', '满意度'],
            ['comment', '意见建议'],
          ] as const
        ).map(([key, label]) => (
          <Form.Item key={key} name={['questions', key]} label={label} rules={[{ required: true, min: 2, max: 200 }]}>
            <Input maxLength={200} showCount />
          </Form.Item>
        ))}
        <Typography.Title level={2} style={{ fontSize: 15 }}>
          统计口径
        </Typography.Title>
        <Row gutter={16}>
          {(
            [
              ['satisfied', '满意'],
              ['basic', '基本满意'],
              ['unsatisfied', '不满意'],
            ] as const
          ).map(([key, label]) => (
            <Col xs={8} md={4} key={key}>
              <Form.Item name={['satisfactionWeights', key]} label={`${label}计分`}>
                <InputNumber min={0} max={1} step={0.1} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          ))}
          <Col xs={24} md={12}>
            <Form.Item
              name="rankingBands"
              label="部门排名分档（按件数的档位上限）"
              extra="如 50、200：0–50 件、51–200 件、200 件以上各排一档"
            >
              <Select mode="tags" tokenSeparators={[',', '，', ' ']} aria-label="部门排名分档" open={false} suffixIcon={null} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Card>
  );
}
