import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Cascader,
  Checkbox,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  List,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  TreeSelect,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { api, errorText } from '../../api/client';
import type { paths } from '../../api/schema';
import { optionsOf, requestTypeLabels } from '../../labels';
import { shortTime } from '../../time';
import { useCategories, useDepartments } from '../reference';
import { useRegions } from '../regions';
import { ChangeDiff } from './ChangeDiff';

type Entry = paths['/api/v1/routing/catalog']['get']['responses'][200]['content']['application/json']['items'][number];
type NewEntry = NonNullable<paths['/api/v1/routing/catalog']['post']['requestBody']>['content']['application/json'];
type DryRun = NonNullable<paths['/api/v1/routing/dry-run']['post']['requestBody']>['content']['application/json'];
type Decision = paths['/api/v1/routing/dry-run']['post']['responses'][200]['content']['application/json'];

const requestTypeOptions = optionsOf(requestTypeLabels);

/** A catalog entry's fields in words (the form, the versions, the audit log). */
export const entryFieldLabels: Record<string, string> = {
  name: '名称',
  categoryId: '分类',
  requestType: '诉求类型',
  regionId: '区域',
  matter: '代办事项',
  keywords: '关键词',
  leadDepartmentId: '主办单位',
  assistDepartmentIds: '协办单位',
  priority: '优先级',
  effectiveFrom: '生效日',
  effectiveTo: '失效日',
  flaggedAt: '待纠正',
  flagNote: '纠正说明',
  deletedAt: '删除时间',
};

interface FormValues {
  name: string;
  requestType?: string;
  categoryId?: number;
  regionPath?: number[];
  matter?: string;
  keywords?: string[];
  leadDepartmentId: number;
  assistDepartmentIds?: number[];
  priority?: number;
  effective?: [Dayjs | null, Dayjs | null];
}

/**
 * 派单目录: who gets which tickets. The table with filters; an editor that sends what the API takes and
 * shows its refusal in its words; a dry run (type a request, see who would get it and by which entry);
 * the versions with what each change did; the entries a return found wrong, flagged.
 */
export function Catalog() {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const categories = useCategories();
  const departments = useDepartments();
  const regions = useRegions();
  const [search, setSearch] = useState('');
  const [departmentId, setDepartmentId] = useState<number>();
  const [flagged, setFlagged] = useState(false);
  const [editing, setEditing] = useState<Entry | 'new'>();
  const [tryOpen, setTryOpen] = useState(false);
  const [versionsOpen, setVersionsOpen] = useState(false);
  const { data } = useQuery({
    queryKey: ['catalog', flagged],
    queryFn: async () => (await api.GET('/api/v1/routing/catalog', { params: { query: flagged ? { flagged: 'true' } : {} } })).data,
  });
  useEffect(() => {
    document.title = '派单目录 - 12345';
  }, []);
  const rows = useMemo(
    () =>
      (data?.items ?? []).filter(
        (e) =>
          (!search || e.name.includes(search) || e.keywords.some((k) => k.includes(search))) &&
          (!departmentId || e.leadDepartmentId === departmentId || e.assistDepartmentIds.includes(departmentId)),
      ),
    [data, search, departmentId],
  );
  const regionName = (id: number | null) => (id === null ? undefined : regions.nameOf(id));
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['catalog'] });

  async function remove(entry: Entry) {
    const { error } = await api.DELETE('/api/v1/routing/catalog/{id}', { params: { path: { id: entry.id } } });
    if (error) return void message.error(errorText(error));
    void message.success(`已删除「${entry.name}」`);
    void refresh();
  }

  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          派单目录
          {data ? (
            <Typography.Text type="secondary" style={{ fontSize: 14, fontWeight: 'normal' }}>
              （第 {data.version} 版）
            </Typography.Text>
          ) : null}
        </Typography.Title>
      }
      extra={
        <Space>
          <Button onClick={() => setTryOpen(true)}>试分派</Button>
          <Button onClick={() => setVersionsOpen(true)}>版本记录</Button>
          <Button type="primary" onClick={() => setEditing('new')}>
            新增条目
          </Button>
        </Space>
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search aria-label="搜索条目" placeholder="名称或关键词" allowClear onSearch={setSearch} style={{ width: 220 }} />
        <Select
          aria-label="承办单位"
          placeholder="全部单位"
          allowClear
          showSearch
          optionFilterProp="label"
          style={{ width: 200 }}
          value={departmentId}
          onChange={setDepartmentId}
          options={departments.options}
        />
        <Checkbox checked={flagged} onChange={(e) => setFlagged(e.target.checked)}>
          只看待纠正
        </Checkbox>
      </Space>
      <Table<Entry>
        rowKey="id"
        size="small"
        loading={data === undefined}
        dataSource={rows}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 1100 }}
        columns={[
          {
            title: '名称',
            dataIndex: 'name',
            render: (name: string, e) => (
              <Space direction="vertical" size={0}>
                <span>{name}</span>
                {e.flaggedAt && <Tag color="orange">待纠正：{e.flagNote ?? '退单审核认定派错'}</Tag>}
                {e.inactiveBecause && <Tag color="default">未生效：{e.inactiveBecause}</Tag>}
              </Space>
            ),
          },
          { title: '分类', key: 'category', render: (_, e) => categories.nameOf(e.categoryId) ?? '任意' },
          {
            title: '诉求类型',
            key: 'type',
            width: 90,
            render: (_, e) => (e.requestType ? requestTypeLabels[e.requestType as keyof typeof requestTypeLabels] : '任意'),
          },
          { title: '区域', key: 'region', width: 110, render: (_, e) => regionName(e.regionId) ?? '全市' },
          { title: '关键词', key: 'keywords', render: (_, e) => e.keywords.join('、') || '—' },
          {
            title: '主办 / 协办',
            key: 'departments',
            render: (_, e) => (
              <span>
                {departments.nameOf(e.leadDepartmentId)}
                {e.assistDepartmentIds.length > 0 && (
                  <Typography.Text type="secondary">
                    {' '}
                    / {e.assistDepartmentIds.map((id) => departments.nameOf(id)).join('、')}
                  </Typography.Text>
                )}
              </span>
            ),
          },
          { title: '优先级', dataIndex: 'priority', width: 70 },
          {
            title: '操作',
            key: 'actions',
            width: 120,
            fixed: 'right',
            render: (_, e) => (
              <Space size={0}>
                <Button type="link" size="small" onClick={() => setEditing(e)} aria-label={`编辑「${e.name}」`}>
                  编辑
                </Button>
                <Popconfirm
                  title={`删除「${e.name}」？`}
                  description="已派出的工单仍记着它；它不再匹配新工单。"
                  onConfirm={() => remove(e)}
                  okText="删除"
                  cancelText="取消"
                >
                  <Button type="link" size="small" danger aria-label={`删除「${e.name}」`}>
                    删除
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <EntryEditor
        entry={editing}
        onClose={() => setEditing(undefined)}
        onSaved={(saved) => {
          setEditing(undefined);
          void message.success(`已保存「${saved}」`);
          void refresh();
        }}
      />
      <TryRouting open={tryOpen} onClose={() => setTryOpen(false)} />
      <Versions open={versionsOpen} onClose={() => setVersionsOpen(false)} />
    </Card>
  );
}

function EntryEditor({
  entry,
  onClose,
  onSaved,
}: {
  entry: Entry | 'new' | undefined;
  onClose: () => void;
  onSaved: (name: string) => void;
}) {
  const [form] = Form.useForm<FormValues>();
  const [refusal, setRefusal] = useState<string>();
  const [saving, setSaving] = useState(false);
  const categories = useCategories();
  const departments = useDepartments();
  const regions = useRegions();
  useEffect(() => {
    setRefusal(undefined);
    if (!entry) return;
    form.resetFields();
    if (entry !== 'new')
      form.setFieldsValue({
        name: entry.name,
        requestType: entry.requestType ?? undefined,
        categoryId: entry.categoryId ?? undefined,
        regionPath: regions.pathOf(entry.regionId ?? undefined),
        matter: entry.matter ?? undefined,
        keywords: entry.keywords,
        leadDepartmentId: entry.leadDepartmentId,
        assistDepartmentIds: entry.assistDepartmentIds,
        priority: entry.priority,
        effective: [entry.effectiveFrom ? dayjs(entry.effectiveFrom) : null, entry.effectiveTo ? dayjs(entry.effectiveTo) : null],
      });
  }, [entry]);

  async function save(values: FormValues) {
    const body: NewEntry = {
      name: values.name,
      requestType: (values.requestType ?? null) as NewEntry['requestType'],
      categoryId: values.categoryId ?? null,
      regionId: values.regionPath?.at(-1) ?? null,
      matter: values.matter?.trim() || null,
      keywords: values.keywords ?? [],
      leadDepartmentId: values.leadDepartmentId,
      assistDepartmentIds: values.assistDepartmentIds ?? [],
      priority: values.priority ?? 0,
      effectiveFrom: values.effective?.[0]?.format('YYYY-MM-DD') ?? null,
      effectiveTo: values.effective?.[1]?.format('YYYY-MM-DD') ?? null,
    };
    setSaving(true);
    const { error } =
      entry === 'new'
        ? await api.POST('/api/v1/routing/catalog', { body })
        : await api.PATCH('/api/v1/routing/catalog/{id}', { params: { path: { id: (entry as Entry).id } }, body });
    setSaving(false);
    if (error) return setRefusal(errorText(error));
    onSaved(values.name);
  }

  return (
    <Drawer
      open={entry !== undefined}
      onClose={onClose}
      title={entry === 'new' ? '新增派单条目' : `编辑「${entry?.name ?? ''}」`}
      width={520}
      destroyOnHidden
      extra={
        <Button type="primary" loading={saving} onClick={() => form.submit()}>
          保存
        </Button>
      }
    >
      {refusal && <Alert type="error" showIcon message="未保存" description={refusal} style={{ marginBottom: 16 }} role="alert" />}
      <Form form={form} layout="vertical" onFinish={save} initialValues={{ priority: 0 }}>
        <Form.Item name="name" label="名称" rules={[{ required: true, whitespace: true, max: 100 }]}>
          <Input placeholder="如：东城区供水" />
        </Form.Item>
        <Typography.Paragraph type="secondary">
          以下条件都可留空（表示任意）；越具体的条目优先，一样具体时优先级高者优先。
        </Typography.Paragraph>
        <Space.Compact block>
          <Form.Item name="categoryId" label="分类" style={{ flex: 1 }}>
            <TreeSelect
              allowClear
              showSearch
              treeNodeFilterProp="title"
              treeData={categories.tree}
              placeholder="任意分类"
              aria-label="分类"
            />
          </Form.Item>
          <Form.Item name="requestType" label="诉求类型" style={{ width: 140 }}>
            <Select allowClear options={requestTypeOptions} placeholder="任意" aria-label="诉求类型" />
          </Form.Item>
        </Space.Compact>
        <Form.Item name="regionPath" label="区域（工单所在区域或其上级）">
          <Cascader changeOnSelect options={regions.options} placeholder="全市" aria-label="区域" />
        </Form.Item>
        <Form.Item name="keywords" label="关键词（内容含任一即匹配）">
          <Select mode="tags" tokenSeparators={[',', '，', ' ']} placeholder="输入后回车" aria-label="关键词" open={false} />
        </Form.Item>
        <Form.Item name="matter" label="代办事项">
          <Input placeholder="帮办代办的事项名称" />
        </Form.Item>
        <Form.Item name="leadDepartmentId" label="主办单位" rules={[{ required: true, message: '请选择主办单位' }]}>
          <Select showSearch optionFilterProp="label" options={departments.options} aria-label="主办单位" />
        </Form.Item>
        <Form.Item name="assistDepartmentIds" label="协办单位">
          <Select mode="multiple" showSearch optionFilterProp="label" options={departments.options} aria-label="协办单位" />
        </Form.Item>
        <Space.Compact block>
          <Form.Item name="priority" label="优先级" style={{ width: 140 }}>
            <InputNumber min={-1000} max={1000} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="effective" label="有效期" style={{ flex: 1 }}>
            <DatePicker.RangePicker allowEmpty={[true, true]} style={{ width: '100%' }} />
          </Form.Item>
        </Space.Compact>
      </Form>
    </Drawer>
  );
}

/** 试分派: the routing facts of a request, and who the catalog would send it to, step by step. Nothing is created. */
function TryRouting({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [form] = Form.useForm<{ text?: string; requestType: string; categoryId?: number; regionPath?: number[]; matter?: string }>();
  const [decision, setDecision] = useState<Decision>();
  const [refusal, setRefusal] = useState<string>();
  const categories = useCategories();
  const regions = useRegions();
  async function run(values: { text?: string; requestType: string; categoryId?: number; regionPath?: number[]; matter?: string }) {
    const body = {
      text: values.text ?? '',
      requestType: values.requestType,
      categoryId: values.categoryId ?? null,
      regionId: values.regionPath?.at(-1) ?? null,
      matter: values.matter?.trim() || null,
    } as DryRun;
    const { data, error } = await api.POST('/api/v1/routing/dry-run', { body });
    setRefusal(error ? errorText(error) : undefined);
    setDecision(data);
  }
  return (
    <Drawer open={open} onClose={onClose} title="试分派：这件诉求会派给谁？" width={520}>
      <Form form={form} layout="vertical" onFinish={run} initialValues={{ requestType: 'complaint' }}>
        <Form.Item name="text" label="诉求内容">
          <Input.TextArea rows={3} placeholder="如：小区停水两天了" />
        </Form.Item>
        <Space.Compact block>
          <Form.Item name="requestType" label="诉求类型" style={{ width: 140 }}>
            <Select options={requestTypeOptions} aria-label="试分派诉求类型" />
          </Form.Item>
          <Form.Item name="categoryId" label="分类" style={{ flex: 1 }}>
            <TreeSelect
              allowClear
              showSearch
              treeNodeFilterProp="title"
              treeData={categories.tree}
              placeholder="未分类"
              aria-label="试分派分类"
            />
          </Form.Item>
        </Space.Compact>
        <Form.Item name="regionPath" label="区域">
          <Cascader changeOnSelect options={regions.options} placeholder="未定位" aria-label="试分派区域" />
        </Form.Item>
        <Form.Item name="matter" label="代办事项">
          <Input />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          试分派
        </Button>
      </Form>
      {refusal && <Alert type="error" showIcon message={refusal} style={{ marginTop: 16 }} />}
      {decision && (
        <section aria-label="试分派结果" style={{ marginTop: 24 }}>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label="主办单位">{decision.department?.name ?? '中心待分拨'}</Descriptions.Item>
            <Descriptions.Item label="协办单位">{decision.assistDepartments.map((d) => d.name).join('、') || '—'}</Descriptions.Item>
            <Descriptions.Item label="依据条目">
              {decision.entry ? `「${decision.entry.name}」（优先级 ${decision.entry.priority}）` : '无匹配条目'}
            </Descriptions.Item>
            <Descriptions.Item label="目录版本">
              第 {decision.catalogVersion} 版，匹配 {decision.matchedEntries} 条
            </Descriptions.Item>
          </Descriptions>
          <List size="small" header="依据" dataSource={decision.explanation} renderItem={(line) => <List.Item>{line}</List.Item>} />
        </section>
      )}
    </Drawer>
  );
}

const changeLabels: Record<string, string> = { create: '新增', update: '修改', delete: '删除' };

/** 版本记录: every change of the catalog, newest first, with what it did. */
function Versions({ open, onClose }: { open: boolean; onClose: () => void }) {
  const categories = useCategories();
  const departments = useDepartments();
  const regions = useRegions();
  const { data } = useQuery({
    queryKey: ['catalog', 'revisions'],
    enabled: open,
    queryFn: async () => (await api.GET('/api/v1/routing/catalog-revisions', { params: { query: { limit: 200 } } })).data?.items ?? [],
  });
  const { data: users } = useQuery({
    queryKey: ['users'],
    enabled: open,
    queryFn: async () => (await api.GET('/api/v1/users')).data?.items ?? [],
  });
  const userName = (id: number | null) => users?.find((u) => u.id === id)?.displayName ?? '系统';
  const format = {
    categoryId: (v: unknown) => (v == null ? '任意' : categories.nameOf(v as number)),
    regionId: (v: unknown) => (v == null ? '全市' : regions.nameOf(v as number)),
    leadDepartmentId: (v: unknown) => departments.nameOf(v as number),
    assistDepartmentIds: (v: unknown) => (v as number[]).map((id) => departments.nameOf(id)).join('、') || '—',
    requestType: (v: unknown) => (v == null ? '任意' : requestTypeLabels[v as keyof typeof requestTypeLabels]),
  };
  return (
    <Drawer open={open} onClose={onClose} title="派单目录版本记录" width={560}>
      <List
        loading={data === undefined}
        dataSource={data ?? []}
        renderItem={(r) => (
          <List.Item key={`${r.version}-${r.entryId}`}>
            <Space direction="vertical" size={2} style={{ width: '100%' }}>
              <span>
                <Tag>第 {r.version} 版</Tag>
                {changeLabels[r.change] ?? r.change}「{((r.after ?? r.before) as { name?: string } | null)?.name ?? `#${r.entryId}`}」
                <Typography.Text type="secondary">
                  {' '}
                  {userName(r.actorUserId)} · {shortTime(r.createdAt)}
                </Typography.Text>
              </span>
              <ChangeDiff before={r.before} after={r.after} labels={entryFieldLabels} format={format} />
            </Space>
          </List.Item>
        )}
      />
    </Drawer>
  );
}
