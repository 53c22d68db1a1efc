import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Drawer, Form, Input, InputNumber, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, errorText } from '../../api/client';
import type { paths } from '../../api/schema';

type Bundle = paths['/api/v1/proxy/bundles']['get']['responses'][200]['content']['application/json']['items'][number];
type BundleBody = NonNullable<paths['/api/v1/proxy/bundles/{code}']['put']['requestBody']>['content']['application/json'];
type BundleForm = BundleBody & { code: string };

/**
 * 一件事一次办: the bundles and their situations (办事情景), each naming its matters, its promised limit and what its
 * 告知单 adds. What the API computes (the combined checklist, the reduction) is shown, not re-computed here.
 */
export function Bundles({ matters }: { matters: Array<{ id: number; name: string; active: boolean }> | undefined }) {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const { data: bundles } = useQuery({
    queryKey: ['proxy-bundles', 'all'],
    queryFn: async () => (await api.GET('/api/v1/proxy/bundles')).data?.items ?? [],
  });
  const [editing, setEditing] = useState<Bundle | 'new'>();
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Button type="primary" onClick={() => setEditing('new')}>
          新增一件事
        </Button>
      </Space>
      <Space direction="vertical" style={{ width: '100%' }}>
        {(bundles ?? []).map((bundle) => (
          <Card
            key={bundle.code}
            size="small"
            title={
              <Space>
                <Typography.Title level={2} style={{ fontSize: 15, margin: 0 }}>
                  {bundle.name}
                </Typography.Title>
                <Typography.Text type="secondary">{bundle.code}</Typography.Text>
                {!bundle.active && <Tag>已停用</Tag>}
              </Space>
            }
            extra={
              <Button type="link" size="small" onClick={() => setEditing(bundle)} aria-label={`编辑 ${bundle.name}`}>
                编辑
              </Button>
            }
          >
            {bundle.description && <Typography.Paragraph type="secondary">{bundle.description}</Typography.Paragraph>}
            <Table
              rowKey="code"
              size="small"
              pagination={false}
              dataSource={bundle.scenarios}
              columns={[
                {
                  title: '办事情景',
                  key: 'name',
                  render: (_, s) => (
                    <span>
                      {s.name} {!s.active && <Tag>已停用</Tag>}
                    </span>
                  ),
                },
                { title: '包含事项', dataIndex: 'matterNames', render: (names: string[]) => names.join('、') },
                { title: '承诺时限', dataIndex: 'legalDays', width: 100, render: (days: number) => `${days} 个工作日` },
                {
                  title: '一套材料',
                  key: 'materials',
                  width: 150,
                  render: (_, s) => `${s.reduction.materialsSeparate} 项精简为 ${s.reduction.materialsCombined} 项`,
                },
                {
                  title: '多表合一',
                  key: 'forms',
                  width: 130,
                  render: (_, s) => `${s.reduction.formsSeparate} 张表合为 ${s.reduction.formsCombined} 张`,
                },
              ]}
            />
          </Card>
        ))}
      </Space>
      <BundleEditor
        bundle={editing}
        matters={matters ?? []}
        onClose={() => setEditing(undefined)}
        onSaved={(name) => {
          setEditing(undefined);
          void message.success(`已保存 ${name}`);
          void queryClient.invalidateQueries({ queryKey: ['proxy-bundles'] });
        }}
      />
    </>
  );
}

function BundleEditor({
  bundle,
  matters,
  onClose,
  onSaved,
}: {
  bundle: Bundle | 'new' | undefined;
  matters: Array<{ id: number; name: string; active: boolean }>;
  onClose: () => void;
  onSaved: (name: string) => void;
}) {
  const [form] = Form.useForm<BundleForm>();
  const [refusal, setRefusal] = useState<string>();
  const isNew = bundle === 'new';
  useEffect(() => {
    setRefusal(undefined);
    if (!bundle) return;
    form.resetFields();
    if (bundle !== 'new')
      form.setFieldsValue({
        code: bundle.code,
        name: bundle.name,
        description: bundle.description,
        active: bundle.active,
        scenarios: bundle.scenarios.map((s) => ({
          code: s.code,
          name: s.name,
          matterIds: s.matterIds,
          legalDays: s.legalDays,
          notice: s.notice,
          active: s.active,
        })),
      });
  }, [bundle, form]);

  async function save({ code, ...v }: BundleForm) {
    const body: BundleBody = {
      ...v,
      description: v.description?.trim() || null,
      scenarios: (v.scenarios ?? []).map((s) => ({ ...s, notice: s.notice?.trim() || null })),
    };
    const { error } = await api.PUT('/api/v1/proxy/bundles/{code}', { params: { path: { code } }, body });
    if (error) return setRefusal(errorText(error));
    onSaved(v.name);
  }
  const matterOptions = matters.filter((m) => m.active).map((m) => ({ value: m.id, label: m.name }));
  return (
    <Drawer
      open={bundle !== undefined}
      onClose={onClose}
      title={isNew ? '新增一件事' : `编辑 ${bundle?.name ?? ''}`}
      width={720}
      destroyOnHidden
      extra={
        <Button type="primary" onClick={() => form.submit()}>
          保存
        </Button>
      }
    >
      {refusal && <Alert type="error" showIcon message="未保存" description={refusal} style={{ marginBottom: 16 }} role="alert" />}
      <Form form={form} layout="vertical" onFinish={save} initialValues={{ active: true, scenarios: [{ legalDays: 5, active: true }] }}>
        <Space.Compact block>
          <Form.Item name="code" label="编码" rules={[{ required: true }]} style={{ width: 200 }} extra="大写字母开头，大写字母、数字和 _">
            <Input disabled={!isNew} />
          </Form.Item>
          <Form.Item name="name" label="名称" rules={[{ required: true, whitespace: true }]} style={{ flex: 1 }}>
            <Input />
          </Form.Item>
        </Space.Compact>
        <Form.Item name="description" label="说明">
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        <Typography.Title level={2} style={{ fontSize: 14 }}>
          办事情景（每个情景一张告知单；未列出的情景将停用）
        </Typography.Title>
        <Form.List name="scenarios">
          {(fields, { add, remove }) => (
            <>
              {fields.map(({ key, name }, index) => (
                <Card
                  key={key}
                  size="small"
                  style={{ marginBottom: 8 }}
                  title={`情景 ${index + 1}`}
                  extra={
                    <Button type="link" danger onClick={() => remove(name)} aria-label={`删除情景 ${index + 1}`}>
                      删除
                    </Button>
                  }
                >
                  <Space.Compact block>
                    <Form.Item name={[name, 'code']} label="情景编码" rules={[{ required: true }]} style={{ width: 200 }}>
                      <Input />
                    </Form.Item>
                    <Form.Item name={[name, 'name']} label="情景名称" rules={[{ required: true, whitespace: true }]} style={{ flex: 1 }}>
                      <Input />
                    </Form.Item>
                    <Form.Item name={[name, 'legalDays']} label="承诺时限（工作日）" rules={[{ required: true }]} style={{ width: 150 }}>
                      <InputNumber min={1} max={365} />
                    </Form.Item>
                  </Space.Compact>
                  <Form.Item name={[name, 'matterIds']} label="包含事项" rules={[{ type: 'array', min: 2, message: '至少两个事项' }]}>
                    <Select mode="multiple" optionFilterProp="label" options={matterOptions} aria-label={`情景 ${index + 1} 包含事项`} />
                  </Form.Item>
                  <Form.Item name={[name, 'notice']} label="告知单补充说明">
                    <Input.TextArea rows={2} maxLength={500} />
                  </Form.Item>
                  <Form.Item name={[name, 'active']} label="启用（坐席可选）" valuePropName="checked" initialValue={true}>
                    <Switch />
                  </Form.Item>
                </Card>
              ))}
              <Button type="dashed" block onClick={() => add({ legalDays: 5, active: true })}>
                添加情景
              </Button>
            </>
          )}
        </Form.List>
        <Form.Item name="active" label="启用" valuePropName="checked" style={{ marginTop: 16 }}>
          <Switch />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
