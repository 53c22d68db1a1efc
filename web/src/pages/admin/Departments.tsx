import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Cascader, Drawer, Form, Input, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, errorText } from '../../api/client';
import type { paths } from '../../api/schema';
import { assignmentStrategyLabels, departmentKindLabels, optionsOf, workChatLabels } from '../../labels';
import { stepTemplateDefinitions } from '../../../../src/proxy/proxy-labels';
import { useDepartments } from '../reference';
import { useRegions } from '../regions';

type Department = paths['/api/v1/departments']['get']['responses'][200]['content']['application/json']['items'][number];
type Patch = NonNullable<paths['/api/v1/departments/{id}']['patch']['requestBody']>['content']['application/json'];

interface FormValues {
  code: string;
  name: string;
  kind: Department['kind'];
  parentId?: number | null;
  regionPath?: number[];
  active?: boolean;
  assignmentStrategy?: Department['assignmentStrategy'];
  dutyPhone?: string;
  workChat?: 'wecom' | 'dingtalk' | null;
  slackChannelId?: string;
  stepTemplate?: Department['stepTemplate'];
}

/** 部门: the departments tickets go to, how each assigns its tickets, and where its notices reach it. */
export function Departments() {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const departments = useDepartments();
  const regions = useRegions();
  const [editing, setEditing] = useState<Department | 'new'>();
  useEffect(() => {
    document.title = '部门 - 12345';
  }, []);
  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          部门
        </Typography.Title>
      }
      extra={
        <Button type="primary" onClick={() => setEditing('new')}>
          新增部门
        </Button>
      }
    >
      <Table<Department>
        rowKey="id"
        size="small"
        dataSource={departments.items}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 1000 }}
        columns={[
          {
            title: '名称',
            key: 'name',
            render: (_, d) => (
              <Space direction="vertical" size={0}>
                <span>
                  {d.name} {!d.active && <Tag>已停用</Tag>}
                </span>
                <Typography.Text type="secondary">{d.code}</Typography.Text>
              </Space>
            ),
          },
          { title: '类型', dataIndex: 'kind', render: (k: Department['kind']) => departmentKindLabels[k] },
          { title: '上级', dataIndex: 'parentId', render: (id: number | null) => departments.nameOf(id) ?? '—' },
          { title: '属地', dataIndex: 'regionId', render: (id: number | null) => (id === null ? '—' : regions.nameOf(id)) },
          {
            title: '派单方式',
            dataIndex: 'assignmentStrategy',
            render: (s: Department['assignmentStrategy']) => assignmentStrategyLabels[s],
          },
          { title: '值班电话', dataIndex: 'dutyPhone', render: (p: string | null) => p ?? '—' },
          {
            title: '通知',
            key: 'notify',
            render: (_, d) => [d.workChat && workChatLabels[d.workChat], d.slackChannelId && 'Slack'].filter(Boolean).join('、') || '—',
          },
          {
            title: '操作',
            key: 'actions',
            width: 80,
            fixed: 'right',
            render: (_, d) => (
              <Button type="link" size="small" onClick={() => setEditing(d)} aria-label={`编辑 ${d.name}`}>
                编辑
              </Button>
            ),
          },
        ]}
      />
      <DepartmentEditor
        department={editing}
        onClose={() => setEditing(undefined)}
        onSaved={(name) => {
          setEditing(undefined);
          void message.success(`已保存 ${name}`);
          void queryClient.invalidateQueries({ queryKey: ['departments'] });
        }}
      />
    </Card>
  );
}

function DepartmentEditor({
  department,
  onClose,
  onSaved,
}: {
  department: Department | 'new' | undefined;
  onClose: () => void;
  onSaved: (name: string) => void;
}) {
  const [form] = Form.useForm<FormValues>();
  const [refusal, setRefusal] = useState<string>();
  const departments = useDepartments();
  const regions = useRegions();
  useEffect(() => {
    setRefusal(undefined);
    if (!department) return;
    form.resetFields();
    if (department !== 'new')
      form.setFieldsValue({
        ...department,
        regionPath: regions.pathOf(department.regionId ?? undefined),
        dutyPhone: department.dutyPhone ?? undefined,
        slackChannelId: department.slackChannelId ?? undefined,
      });
  }, [department, form, regions]);

  async function save(v: FormValues) {
    const common = { code: v.code, name: v.name, kind: v.kind, parentId: v.parentId ?? null, regionId: v.regionPath?.at(-1) ?? null };
    if (department === 'new') {
      const { error } = await api.POST('/api/v1/departments', { body: common });
      if (error) return setRefusal(errorText(error));
    } else {
      const body: Patch = {
        ...common,
        active: v.active,
        assignmentStrategy: v.assignmentStrategy,
        dutyPhone: v.dutyPhone?.trim() || null,
        workChat: v.workChat ?? null,
        slackChannelId: v.slackChannelId?.trim() || null,
        ...(v.kind === 'runner_team' && v.stepTemplate ? { stepTemplate: v.stepTemplate } : {}),
      };
      const { error } = await api.PATCH('/api/v1/departments/{id}', { params: { path: { id: (department as Department).id } }, body });
      if (error) return setRefusal(errorText(error));
    }
    onSaved(v.name);
  }
  const isNew = department === 'new';
  const kind = Form.useWatch('kind', form);
  return (
    <Drawer
      open={department !== undefined}
      onClose={onClose}
      title={isNew ? '新增部门' : `编辑 ${department?.name ?? ''}`}
      width={480}
      destroyOnHidden
      extra={
        <Button type="primary" onClick={() => form.submit()}>
          保存
        </Button>
      }
    >
      {refusal && <Alert type="error" showIcon message="未保存" description={refusal} style={{ marginBottom: 16 }} role="alert" />}
      <Form form={form} layout="vertical" onFinish={save} initialValues={{ kind: 'functional' }}>
        <Space.Compact block>
          <Form.Item name="code" label="编码" rules={[{ required: true }]} style={{ width: 140 }}>
            <Input />
          </Form.Item>
          <Form.Item name="name" label="名称" rules={[{ required: true, whitespace: true }]} style={{ flex: 1 }}>
            <Input />
          </Form.Item>
        </Space.Compact>
        <Form.Item name="kind" label="类型">
          <Select options={optionsOf(departmentKindLabels)} aria-label="类型" />
        </Form.Item>
        <Form.Item name="parentId" label="上级部门">
          <Select allowClear showSearch optionFilterProp="label" options={departments.options} aria-label="上级部门" />
        </Form.Item>
        <Form.Item name="regionPath" label="属地">
          <Cascader changeOnSelect options={regions.options} placeholder="全市" aria-label="属地" />
        </Form.Item>
        {!isNew && (
          <>
            <Form.Item name="assignmentStrategy" label="派单方式">
              <Select options={optionsOf(assignmentStrategyLabels)} aria-label="派单方式" />
            </Form.Item>
            <Form.Item name="dutyPhone" label="值班电话（加急件和红色预警短信）">
              <Input inputMode="tel" />
            </Form.Item>
            <Space.Compact block>
              <Form.Item name="workChat" label="工作群通知" style={{ width: 160 }}>
                <Select allowClear options={optionsOf(workChatLabels)} aria-label="工作群通知" />
              </Form.Item>
              <Form.Item name="slackChannelId" label="Slack 频道（C 开头）" style={{ flex: 1 }}>
                <Input />
              </Form.Item>
            </Space.Compact>
            {kind === 'runner_team' && (
              <Form.Item name="stepTemplate" label="代办步骤">
                <Select
                  options={Object.entries(stepTemplateDefinitions).map(([value, t]) => ({
                    value,
                    label: `${t.name}：${t.steps.map((s) => s.label).join('、')}`,
                  }))}
                  aria-label="代办步骤"
                />
              </Form.Item>
            )}
            <Form.Item name="active" label="启用" valuePropName="checked">
              <Switch />
            </Form.Item>
          </>
        )}
      </Form>
    </Drawer>
  );
}
