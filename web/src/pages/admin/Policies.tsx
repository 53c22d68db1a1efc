import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Drawer,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Select,
  Space,
  Table,
  TreeSelect,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { api, errorText } from '../../api/client';
import type { paths } from '../../api/schema';
import { audienceLabels, limitUnitLabels, optionsOf, requestTypeLabels, stageLabels, urgencyLabels } from '../../labels';
import { useCategories } from '../reference';

type Policy = paths['/api/v1/sla/policies']['get']['responses'][200]['content']['application/json']['items'][number];
type NewPolicy = NonNullable<paths['/api/v1/sla/policies']['post']['requestBody']>['content']['application/json'];
type Level = paths['/api/v1/sla/alert-levels']['get']['responses'][200]['content']['application/json']['items'][number];

/**
 * 时限与预警: the SLA policies (each stage's limit by request type, urgency, category, matter) and the alert
 * ladder (yellow before the deadline, red at it, escalations after). What the API refuses is shown as it says.
 */
export function Policies() {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const categories = useCategories();
  const [editing, setEditing] = useState<Policy | 'new'>();
  useEffect(() => {
    document.title = '时限与预警 - 12345';
  }, []);
  const { data: policies } = useQuery({
    queryKey: ['sla-policies'],
    queryFn: async () => (await api.GET('/api/v1/sla/policies')).data?.items ?? [],
  });
  async function remove(p: Policy) {
    const { error } = await api.DELETE('/api/v1/sla/policies/{id}', { params: { path: { id: p.id } } });
    if (error) return void message.error(errorText(error));
    void queryClient.invalidateQueries({ queryKey: ['sla-policies'] });
  }
  const when = (p: Policy) =>
    [
      p.requestType && requestTypeLabels[p.requestType as keyof typeof requestTypeLabels],
      p.urgency && urgencyLabels[p.urgency as keyof typeof urgencyLabels],
      p.categoryId && categories.nameOf(p.categoryId),
      p.matter && `代办：${p.matter}`,
    ]
      .filter(Boolean)
      .join(' · ') || '所有工单';
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={
          <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
            时限策略
          </Typography.Title>
        }
        extra={
          <Button type="primary" onClick={() => setEditing('new')}>
            新增策略
          </Button>
        }
      >
        <Typography.Paragraph type="secondary">
          每个阶段取匹配的优先级最高的策略；新开始的时限用新策略，进行中的在下次重算时跟上。
        </Typography.Paragraph>
        <Table<Policy>
          rowKey="id"
          size="small"
          loading={policies === undefined}
          dataSource={[...(policies ?? [])].sort((a, b) => a.stage.localeCompare(b.stage) || b.priority - a.priority)}
          pagination={false}
          columns={[
            { title: '名称', dataIndex: 'name' },
            { title: '阶段', dataIndex: 'stage', width: 110, render: (s: Policy['stage']) => stageLabels[s] },
            { title: '适用于', key: 'when', render: (_, p) => when(p) },
            { title: '时限', key: 'limit', width: 170, render: (_, p) => `${p.amount} ${limitUnitLabels[p.unit]}` },
            { title: '优先级', dataIndex: 'priority', width: 70 },
            {
              title: '操作',
              key: 'actions',
              width: 120,
              render: (_, p) => (
                <Space size={0}>
                  <Button type="link" size="small" onClick={() => setEditing(p)} aria-label={`编辑「${p.name}」`}>
                    编辑
                  </Button>
                  <Popconfirm title={`删除「${p.name}」？`} onConfirm={() => remove(p)} okText="删除" cancelText="取消">
                    <Button type="link" size="small" danger aria-label={`删除「${p.name}」`}>
                      删除
                    </Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <AlertLadder />
      <PolicyEditor
        policy={editing}
        onClose={() => setEditing(undefined)}
        onSaved={(name) => {
          setEditing(undefined);
          void message.success(`已保存「${name}」`);
          void queryClient.invalidateQueries({ queryKey: ['sla-policies'] });
        }}
      />
    </Space>
  );
}

function PolicyEditor({
  policy,
  onClose,
  onSaved,
}: {
  policy: Policy | 'new' | undefined;
  onClose: () => void;
  onSaved: (name: string) => void;
}) {
  const [form] = Form.useForm<NewPolicy>();
  const [refusal, setRefusal] = useState<string>();
  const categories = useCategories();
  useEffect(() => {
    setRefusal(undefined);
    if (!policy) return;
    form.resetFields();
    if (policy !== 'new') form.setFieldsValue(policy as NewPolicy);
  }, [policy, form]);
  async function save(v: NewPolicy) {
    const body = {
      ...v,
      requestType: v.requestType ?? null,
      urgency: v.urgency ?? null,
      categoryId: v.categoryId ?? null,
      matter: v.matter?.trim() || null,
    } as NewPolicy;
    const { error } =
      policy === 'new'
        ? await api.POST('/api/v1/sla/policies', { body })
        : await api.PATCH('/api/v1/sla/policies/{id}', { params: { path: { id: (policy as Policy).id } }, body });
    if (error) return setRefusal(errorText(error));
    onSaved(v.name);
  }
  return (
    <Drawer
      open={policy !== undefined}
      onClose={onClose}
      title={policy === 'new' ? '新增时限策略' : `编辑「${policy?.name ?? ''}」`}
      width={480}
      destroyOnHidden
      extra={
        <Button type="primary" onClick={() => form.submit()}>
          保存
        </Button>
      }
    >
      {refusal && <Alert type="error" showIcon message="未保存" description={refusal} style={{ marginBottom: 16 }} role="alert" />}
      <Form form={form} layout="vertical" onFinish={save} initialValues={{ stage: 'reply', unit: 'working_days', priority: 0 }}>
        <Form.Item name="name" label="名称" rules={[{ required: true, whitespace: true }]}>
          <Input placeholder="如：答复：噪声投诉 3 个工作日" />
        </Form.Item>
        <Form.Item name="stage" label="阶段">
          <Select options={optionsOf(stageLabels)} aria-label="阶段" />
        </Form.Item>
        <Space.Compact block>
          <Form.Item name="amount" label="时限" rules={[{ required: true }]} style={{ width: 140 }}>
            <InputNumber min={0.01} max={10000} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="unit" label="单位" style={{ flex: 1 }}>
            <Select options={optionsOf(limitUnitLabels)} aria-label="单位" />
          </Form.Item>
        </Space.Compact>
        <Typography.Paragraph type="secondary">适用条件（留空表示任意）：</Typography.Paragraph>
        <Space.Compact block>
          <Form.Item name="requestType" label="诉求类型" style={{ flex: 1 }}>
            <Select allowClear options={optionsOf(requestTypeLabels)} aria-label="诉求类型" />
          </Form.Item>
          <Form.Item name="urgency" label="紧急程度" style={{ flex: 1 }}>
            <Select allowClear options={optionsOf(urgencyLabels)} aria-label="紧急程度" />
          </Form.Item>
        </Space.Compact>
        <Form.Item name="categoryId" label="分类">
          <TreeSelect allowClear showSearch treeNodeFilterProp="title" treeData={categories.tree} aria-label="分类" />
        </Form.Item>
        <Form.Item name="matter" label="代办事项">
          <Input />
        </Form.Item>
        <Form.Item name="priority" label="优先级">
          <InputNumber min={-1000} max={1000} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

/** 预警级别: the ladder edited as a whole and saved at once (the API checks that it climbs). */
function AlertLadder() {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [levels, setLevels] = useState<Level[]>();
  const [refusal, setRefusal] = useState<string>();
  const { data } = useQuery({
    queryKey: ['alert-levels'],
    queryFn: async () => (await api.GET('/api/v1/sla/alert-levels')).data?.items ?? [],
  });
  useEffect(() => setLevels(data), [data]);
  const set = (index: number, patch: Partial<Level>) => setLevels((all) => all?.map((l, i) => (i === index ? { ...l, ...patch } : l)));
  async function save() {
    const { error } = await api.PUT('/api/v1/sla/alert-levels', { body: { levels: levels ?? [] } });
    if (error) return setRefusal(errorText(error));
    setRefusal(undefined);
    void message.success('预警级别已保存');
    void queryClient.invalidateQueries({ queryKey: ['alert-levels'] });
  }
  return (
    <Card
      title={
        <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
          预警级别
        </Typography.Title>
      }
      extra={
        <Space>
          <Button
            onClick={() =>
              setLevels((all) => [
                ...(all ?? []),
                {
                  level: Math.max(0, ...(all ?? []).map((l) => l.level)) + 1,
                  name: '',
                  audience: 'director',
                  atShare: null,
                  afterAmount: 1,
                  afterUnit: 'working_days',
                  sms: false,
                },
              ])
            }
          >
            添加一级
          </Button>
          <Button type="primary" onClick={save}>
            保存预警级别
          </Button>
        </Space>
      }
    >
      {refusal && <Alert type="error" showIcon message="未保存" description={refusal} style={{ marginBottom: 16 }} role="alert" />}
      <Table<Level>
        rowKey={(l) => String(l.level)}
        size="small"
        pagination={false}
        dataSource={levels ?? []}
        columns={[
          { title: '级别', dataIndex: 'level', width: 60 },
          {
            title: '名称',
            key: 'name',
            render: (_, l, i) => (
              <Input value={l.name} aria-label={`第 ${l.level} 级名称`} onChange={(e) => set(i, { name: e.target.value })} />
            ),
          },
          {
            title: '触发',
            key: 'when',
            render: (_, l, i) =>
              l.atShare !== null ? (
                <Space>
                  用时达
                  <InputNumber
                    aria-label={`第 ${l.level} 级用时比例`}
                    min={1}
                    max={99}
                    value={Math.round(l.atShare * 100)}
                    onChange={(v) => set(i, { atShare: (v ?? 80) / 100 })}
                  />
                  %
                </Space>
              ) : (
                <Space>
                  超时
                  <InputNumber
                    aria-label={`第 ${l.level} 级超时量`}
                    min={0}
                    value={l.afterAmount ?? 0}
                    onChange={(v) => set(i, { afterAmount: v ?? 0 })}
                  />
                  <Select
                    aria-label={`第 ${l.level} 级超时单位`}
                    style={{ width: 150 }}
                    value={l.afterUnit ?? 'working_days'}
                    onChange={(afterUnit) => set(i, { afterUnit })}
                    options={optionsOf(limitUnitLabels)}
                  />
                </Space>
              ),
          },
          {
            title: '通知',
            key: 'audience',
            render: (_, l, i) => (
              <Select
                aria-label={`第 ${l.level} 级通知对象`}
                style={{ width: 130 }}
                value={l.audience}
                onChange={(audience) => set(i, { audience })}
                options={optionsOf(audienceLabels)}
              />
            ),
          },
          {
            title: '短信',
            key: 'sms',
            width: 60,
            render: (_, l, i) => (
              <Checkbox aria-label={`第 ${l.level} 级发短信`} checked={l.sms} onChange={(e) => set(i, { sms: e.target.checked })} />
            ),
          },
          {
            title: '',
            key: 'remove',
            width: 60,
            render: (_, l, i) => (
              <Button
                type="link"
                size="small"
                danger
                aria-label={`删除第 ${l.level} 级`}
                onClick={() => setLevels((all) => all?.filter((_, j) => j !== i))}
              >
                删除
              </Button>
            ),
          },
        ]}
      />
    </Card>
  );
}
