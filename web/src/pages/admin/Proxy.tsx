import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Badge,
  Button,
  Card,
  Checkbox,
  Drawer,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  TreeSelect,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { api, errorText } from '../../api/client';
import type { paths } from '../../api/schema';
import { deliveryOptionLabels, materialFormLabels, optionsOf, runnerKindLabels, serviceModeLabels } from '../../labels';
import { useDepartments } from '../reference';
import { Bundles } from './Bundles';
import { regionTree, useRegionList, useRegions } from '../regions';

type Matter = paths['/api/v1/proxy/matters']['get']['responses'][200]['content']['application/json']['items'][number];
type MatterBody = NonNullable<paths['/api/v1/proxy/matters']['post']['requestBody']>['content']['application/json'];
type Runner = paths['/api/v1/proxy/runners']['get']['responses'][200]['content']['application/json']['items'][number];

/** The matters as the admin sees them: inactive ones too (the seats' own list has only the active). */
function useAllMatters() {
  return useQuery({
    queryKey: ['proxy-matters', 'all'],
    queryFn: async () => (await api.GET('/api/v1/proxy/matters')).data?.items ?? [],
  });
}

/**
 * 帮办代办: the matters catalog (事项: materials, serving modes, the legal limit that becomes its
 * tickets' reply deadline) and who serves the orders (跑手 and others: the grids each covers, the
 * matters each is trained for).
 */
export function Proxy() {
  useEffect(() => {
    document.title = '帮办代办 - 12345';
  }, []);
  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          帮办代办
        </Typography.Title>
      }
      extra={
        <Space wrap>
          <Link to="/proactive">主动代办：居民底册与认定规则</Link>
          <Link to="/projects">项目帮办</Link>
          <Link to="/postal">政邮商：网格与结算</Link>
        </Space>
      }
    >
      <Tabs
        items={[
          { key: 'matters', label: '代办事项', children: <Matters /> },
          { key: 'bundles', label: '一件事一次办', children: <AllBundles /> },
          { key: 'runners', label: '跑手与网格', children: <Runners /> },
        ]}
      />
    </Card>
  );
}

function AllBundles() {
  return <Bundles matters={useAllMatters().data} />;
}

function Matters() {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const { data: matters } = useAllMatters();
  const departments = useDepartments();
  const [editing, setEditing] = useState<Matter | 'new'>();
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Button type="primary" onClick={() => setEditing('new')}>
          新增事项
        </Button>
      </Space>
      <Table<Matter>
        rowKey="id"
        size="small"
        dataSource={matters}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 900 }}
        columns={[
          {
            title: '事项',
            key: 'name',
            render: (_, m) => (
              <Space direction="vertical" size={0}>
                <span>
                  {m.name} {!m.active && <Tag>已停用</Tag>}
                </span>
                <Typography.Text type="secondary">{m.code}</Typography.Text>
              </Space>
            ),
          },
          { title: '承办部门', dataIndex: 'departmentId', render: (id: number | null) => departments.nameOf(id) ?? '—' },
          { title: '法定时限', dataIndex: 'legalDays', width: 100, render: (days: number) => `${days} 个工作日` },
          {
            title: '服务方式',
            dataIndex: 'serviceModes',
            render: (modes: Matter['serviceModes']) => modes.map((m) => serviceModeLabels[m]).join('、'),
          },
          {
            title: '材料',
            dataIndex: 'materials',
            render: (materials: Matter['materials']) =>
              `${materials.length} 项` +
              (materials.some((m) => m.deferrable) ? `（容缺 ${materials.filter((m) => m.deferrable).length}）` : ''),
          },
          { title: '可少跑', dataIndex: 'tripsSaved', width: 80, render: (n: number) => `${n} 趟` },
          {
            title: '操作',
            key: 'actions',
            width: 80,
            fixed: 'right',
            render: (_, m) => (
              <Button type="link" size="small" onClick={() => setEditing(m)} aria-label={`编辑 ${m.name}`}>
                编辑
              </Button>
            ),
          },
        ]}
      />
      <MatterEditor
        matter={editing}
        onClose={() => setEditing(undefined)}
        onSaved={(name) => {
          setEditing(undefined);
          void message.success(`已保存 ${name}`);
          void queryClient.invalidateQueries({ queryKey: ['proxy-matters'] });
        }}
      />
    </>
  );
}

function MatterEditor({
  matter,
  onClose,
  onSaved,
}: {
  matter: Matter | 'new' | undefined;
  onClose: () => void;
  onSaved: (name: string) => void;
}) {
  const [form] = Form.useForm<MatterBody>();
  const [refusal, setRefusal] = useState<string>();
  const departments = useDepartments();
  const isNew = matter === 'new';
  useEffect(() => {
    setRefusal(undefined);
    if (!matter) return;
    form.resetFields();
    if (matter !== 'new') form.setFieldsValue(matter);
  }, [matter, form]);

  async function save(v: MatterBody) {
    const body = { ...v, eligibility: v.eligibility?.trim() || null, materials: v.materials ?? [] };
    const { error } = isNew
      ? await api.POST('/api/v1/proxy/matters', { body })
      : await api.PATCH('/api/v1/proxy/matters/{id}', { params: { path: { id: (matter as Matter).id } }, body });
    if (error) return setRefusal(errorText(error));
    onSaved(v.name);
  }
  return (
    <Drawer
      open={matter !== undefined}
      onClose={onClose}
      title={isNew ? '新增代办事项' : `编辑 ${matter?.name ?? ''}`}
      width={640}
      destroyOnHidden
      extra={
        <Button type="primary" onClick={() => form.submit()}>
          保存
        </Button>
      }
    >
      {refusal && <Alert type="error" showIcon message="未保存" description={refusal} style={{ marginBottom: 16 }} role="alert" />}
      <Form
        form={form}
        layout="vertical"
        onFinish={save}
        initialValues={{
          legalDays: 5,
          tripsSaved: 2,
          active: true,
          departmentId: null,
          serviceModes: ['remote_guidance', 'home_assistance', 'full_proxy'],
          deliveryOptions: ['window', 'postal'],
          materials: [],
        }}
      >
        <Space.Compact block>
          <Form.Item name="code" label="编码" rules={[{ required: true }]} style={{ width: 200 }} extra="大写字母、数字和 _">
            <Input disabled={!isNew} />
          </Form.Item>
          <Form.Item
            name="name"
            label="名称"
            rules={[{ required: true, whitespace: true }]}
            style={{ flex: 1 }}
            extra={isNew ? undefined : '名称不可改（工单和时限以名称对应）'}
          >
            <Input disabled={!isNew} />
          </Form.Item>
        </Space.Compact>
        <Space.Compact block>
          <Form.Item name="departmentId" label="承办部门" style={{ flex: 1 }}>
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              options={departments.options}
              aria-label="承办部门"
              placeholder="未指定"
            />
          </Form.Item>
          <Form.Item name="legalDays" label="法定时限（工作日）" rules={[{ required: true }]} style={{ width: 150 }}>
            <InputNumber min={1} max={365} />
          </Form.Item>
          <Form.Item name="tripsSaved" label="可少跑（趟）" style={{ width: 120 }}>
            <InputNumber min={0} max={20} />
          </Form.Item>
        </Space.Compact>
        {/* min 1, not required: antd puts aria-required on the checkbox group's div, which axe refuses. */}
        <Form.Item name="serviceModes" label="服务方式" rules={[{ type: 'array', min: 1, message: '至少一种服务方式' }]}>
          <Checkbox.Group options={optionsOf(serviceModeLabels)} />
        </Form.Item>
        <Form.Item name="deliveryOptions" label="结果送达" rules={[{ type: 'array', min: 1, message: '至少一种送达方式' }]}>
          <Checkbox.Group options={optionsOf(deliveryOptionLabels)} />
        </Form.Item>
        <Form.Item name="eligibility" label="申请条件">
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        <Typography.Title level={2} style={{ fontSize: 14 }}>
          材料清单
        </Typography.Title>
        <Form.List name="materials">
          {(fields, { add, remove }) => (
            <>
              {fields.map(({ key, name }) => (
                <Space key={key} align="baseline" wrap style={{ display: 'flex', marginBottom: 4 }}>
                  <Form.Item name={[name, 'key']} rules={[{ required: true, message: '键名' }]} style={{ width: 110 }}>
                    <Input placeholder="id_card" aria-label="材料键名" />
                  </Form.Item>
                  <Form.Item name={[name, 'name']} rules={[{ required: true, message: '材料名称' }]} style={{ width: 150 }}>
                    <Input placeholder="身份证" aria-label="材料名称" />
                  </Form.Item>
                  <Form.Item name={[name, 'form']} initialValue="original" style={{ width: 130 }}>
                    <Select options={optionsOf(materialFormLabels)} aria-label="原件或复印件" />
                  </Form.Item>
                  <Form.Item name={[name, 'count']} initialValue={1}>
                    <InputNumber min={1} max={20} aria-label="份数" style={{ width: 64 }} />
                  </Form.Item>
                  <Form.Item name={[name, 'deferrable']} valuePropName="checked" initialValue={false}>
                    <Checkbox>容缺</Checkbox>
                  </Form.Item>
                  <Button type="link" danger onClick={() => remove(name)} aria-label="删除这项材料">
                    删除
                  </Button>
                </Space>
              ))}
              <Button type="dashed" block onClick={() => add()}>
                添加材料
              </Button>
            </>
          )}
        </Form.List>
        <Form.Item name="active" label="启用（坐席可选）" valuePropName="checked" style={{ marginTop: 16 }}>
          <Switch />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

function Runners() {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const { data: runners } = useQuery({
    queryKey: ['proxy-runners'],
    queryFn: async () => (await api.GET('/api/v1/proxy/runners')).data?.items ?? [],
  });
  const { data: matters } = useAllMatters();
  const { data: regions = [] } = useRegionList();
  const [editing, setEditing] = useState<Runner>();
  const regionName = useMemo(() => new Map(regions.map((r) => [r.id, r.name])), [regions]);
  const matterName = useMemo(() => new Map((matters ?? []).map((m) => [m.id, m.name])), [matters]);
  const names = (ids: number[], of: Map<number, string>) => (ids.length === 0 ? '—' : ids.map((id) => of.get(id) ?? `#${id}`).join('、'));
  return (
    <>
      <Table<Runner>
        rowKey="userId"
        size="small"
        dataSource={runners}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 900 }}
        locale={{ emptyText: <Typography.Text type="secondary">还没有跑手：在“用户”中新增角色为跑手的用户</Typography.Text> }}
        columns={[
          { title: '姓名', dataIndex: 'displayName' },
          {
            title: '类型',
            dataIndex: 'kind',
            width: 100,
            render: (k: string) => runnerKindLabels[k as keyof typeof runnerKindLabels] ?? k,
          },
          { title: '负责网格', dataIndex: 'gridRegionIds', render: (ids: number[]) => names(ids, regionName) },
          { title: '可办事项', dataIndex: 'matterIds', render: (ids: number[]) => names(ids, matterName) },
          {
            title: '在岗',
            dataIndex: 'onDuty',
            width: 80,
            render: (on: boolean) => <Badge status={on ? 'processing' : 'default'} text={on ? '在岗' : '离岗'} />,
          },
          { title: '在办', dataIndex: 'openOrders', width: 70 },
          {
            title: '操作',
            key: 'actions',
            width: 80,
            fixed: 'right',
            render: (_, r) => (
              <Button type="link" size="small" onClick={() => setEditing(r)} aria-label={`设置 ${r.displayName}`}>
                设置
              </Button>
            ),
          },
        ]}
      />
      <RunnerEditor
        runner={editing}
        onClose={() => setEditing(undefined)}
        onSaved={(name) => {
          setEditing(undefined);
          void message.success(`已保存 ${name}`);
          void queryClient.invalidateQueries({ queryKey: ['proxy-runners'] });
        }}
      />
    </>
  );
}

function RunnerEditor({ runner, onClose, onSaved }: { runner: Runner | undefined; onClose: () => void; onSaved: (name: string) => void }) {
  const [form] = Form.useForm<{ kind: keyof typeof runnerKindLabels; gridRegionIds: number[]; matterIds: number[] }>();
  const [refusal, setRefusal] = useState<string>();
  const { data: matters } = useAllMatters();
  // A runner covers grids, or a whole community or street.
  const regionOptions = useRegions().options;
  const tree = useMemo(() => regionTree(regionOptions), [regionOptions]);
  useEffect(() => {
    setRefusal(undefined);
    if (runner)
      form.setFieldsValue({
        kind: runner.kind as keyof typeof runnerKindLabels,
        gridRegionIds: runner.gridRegionIds,
        matterIds: runner.matterIds,
      });
  }, [runner, form]);
  async function save(v: { kind: keyof typeof runnerKindLabels; gridRegionIds: number[]; matterIds: number[] }) {
    const { error } = await api.PUT('/api/v1/proxy/runners/{id}', {
      params: { path: { id: runner!.userId } },
      body: { kind: v.kind, gridRegionIds: v.gridRegionIds ?? [], matterIds: v.matterIds ?? [] },
    });
    if (error) return setRefusal(errorText(error));
    onSaved(runner!.displayName);
  }
  return (
    <Drawer
      open={runner !== undefined}
      onClose={onClose}
      title={`设置 ${runner?.displayName ?? ''}`}
      width={480}
      destroyOnHidden
      extra={
        <Button type="primary" onClick={() => form.submit()}>
          保存
        </Button>
      }
    >
      {refusal && <Alert type="error" showIcon message="未保存" description={refusal} style={{ marginBottom: 16 }} role="alert" />}
      <Form form={form} layout="vertical" onFinish={save}>
        <Form.Item name="kind" label="类型">
          <Select options={optionsOf(runnerKindLabels)} aria-label="类型" />
        </Form.Item>
        <Form.Item name="gridRegionIds" label="负责网格（申请人在其中的订单派给他）" rules={[{ required: true, message: '至少一个网格' }]}>
          <TreeSelect
            multiple
            treeData={tree}
            showSearch
            treeNodeFilterProp="title"
            aria-label="负责网格"
            placeholder="选择网格、社区或街道"
          />
        </Form.Item>
        <Form.Item name="matterIds" label="可办事项（受过培训的事项；其他事项的订单不派给他）">
          <Select
            mode="multiple"
            showSearch
            optionFilterProp="label"
            options={(matters ?? []).map((m) => ({ value: m.id, label: m.name }))}
            aria-label="可办事项"
          />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
