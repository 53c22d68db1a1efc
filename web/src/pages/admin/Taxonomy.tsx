import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Badge, Button, Card, Drawer, Form, Input, InputNumber, Segmented, Space, Switch, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, errorText } from '../../api/client';
import type { paths } from '../../api/schema';
import { optionsOf } from '../../labels';

type Category = paths['/api/v1/categories']['get']['responses'][200]['content']['application/json']['items'][number];
type Child = Category['children'][number];
type Row = Child & { children?: Child[] };

const dispatchModeLabels = { auto: '自动派单', suggest: '坐席确认' } as const;

interface FormValues {
  code: string;
  name: string;
  description?: string;
  sortOrder?: number;
  dispatchMode: Row['dispatchMode'];
  answerInPerson: boolean;
  active: boolean;
}

/**
 * 分类: the two-level taxonomy the classifier and the seats file requests under — each category's
 * dispatch mode (confident tickets dispatched without an operator, or always confirmed), whether its
 * department answers in person, and its order; deactivated categories stay for the tickets filed under them.
 */
export function Taxonomy() {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [editing, setEditing] = useState<{ category?: Row; parent?: Row }>();
  useEffect(() => {
    document.title = '分类 - 12345';
  }, []);
  const { data } = useQuery({
    queryKey: ['categories', 'with-inactive'],
    queryFn: async () => (await api.GET('/api/v1/categories', { params: { query: { includeInactive: 'true' } } })).data?.items ?? [],
  });
  const rows: Row[] = (data ?? []).map((c) => ({ ...c, children: c.children.length > 0 ? c.children : undefined }));
  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          分类
        </Typography.Title>
      }
      extra={
        <Button type="primary" onClick={() => setEditing({})}>
          新增一级分类
        </Button>
      }
    >
      <Table<Row>
        rowKey="id"
        size="small"
        dataSource={rows}
        pagination={false}
        expandable={{ defaultExpandAllRows: false }}
        scroll={{ x: 860 }}
        columns={[
          {
            title: '名称',
            key: 'name',
            render: (_, c) => (
              <Space size={4}>
                <span>{c.name}</span>
                <Typography.Text type="secondary">{c.code}</Typography.Text>
                {!c.active && <Tag>已停用</Tag>}
              </Space>
            ),
          },
          {
            title: '派单',
            dataIndex: 'dispatchMode',
            width: 110,
            render: (mode: Row['dispatchMode']) => (
              <Badge status={mode === 'auto' ? 'processing' : 'default'} text={dispatchModeLabels[mode]} />
            ),
          },
          {
            title: '答复方式',
            dataIndex: 'answerInPerson',
            width: 110,
            render: (inPerson: boolean) => (inPerson ? '当面答复' : '短信转达'),
          },
          { title: '排序', dataIndex: 'sortOrder', width: 70 },
          { title: '说明', dataIndex: 'description', ellipsis: true },
          {
            title: '操作',
            key: 'actions',
            width: 150,
            fixed: 'right',
            render: (_, c) => (
              <Space size={0}>
                <Button type="link" size="small" onClick={() => setEditing({ category: c })} aria-label={`编辑 ${c.name}`}>
                  编辑
                </Button>
                {c.level === 1 && (
                  <Button type="link" size="small" onClick={() => setEditing({ parent: c })} aria-label={`在 ${c.name} 下新增`}>
                    新增子类
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <CategoryEditor
        editing={editing}
        onClose={() => setEditing(undefined)}
        onSaved={(name) => {
          setEditing(undefined);
          void message.success(`已保存 ${name}`);
          void queryClient.invalidateQueries({ queryKey: ['categories'] });
        }}
      />
    </Card>
  );
}

function CategoryEditor({
  editing,
  onClose,
  onSaved,
}: {
  editing: { category?: Row; parent?: Row } | undefined;
  onClose: () => void;
  onSaved: (name: string) => void;
}) {
  const [form] = Form.useForm<FormValues>();
  const [refusal, setRefusal] = useState<string>();
  const category = editing?.category;
  useEffect(() => {
    setRefusal(undefined);
    if (!editing) return;
    form.resetFields();
    if (category) form.setFieldsValue(category);
  }, [editing, category, form]);

  async function save(v: FormValues) {
    const common = { name: v.name, description: v.description?.trim() ?? '', sortOrder: v.sortOrder ?? undefined };
    if (category) {
      const body = { ...common, dispatchMode: v.dispatchMode, answerInPerson: v.answerInPerson, active: v.active };
      const { error } = await api.PATCH('/api/v1/categories/{id}', { params: { path: { id: category.id } }, body });
      if (error) return setRefusal(errorText(error));
    } else {
      const body = {
        ...common,
        code: v.code,
        parentId: editing?.parent?.id ?? null,
        dispatchMode: v.dispatchMode,
        answerInPerson: v.answerInPerson,
      };
      const { error } = await api.POST('/api/v1/categories', { body });
      if (error) return setRefusal(errorText(error));
    }
    onSaved(v.name);
  }
  const title = category ? `编辑 ${category.name}` : editing?.parent ? `在 ${editing.parent.name} 下新增分类` : '新增一级分类';
  return (
    <Drawer
      open={editing !== undefined}
      onClose={onClose}
      title={title}
      width={440}
      destroyOnHidden
      extra={
        <Button type="primary" onClick={() => form.submit()}>
          保存
        </Button>
      }
    >
      {refusal && <Alert type="error" showIcon message="未保存" description={refusal} style={{ marginBottom: 16 }} role="alert" />}
      <Form form={form} layout="vertical" onFinish={save} initialValues={{ dispatchMode: 'suggest', answerInPerson: false, active: true }}>
        <Form.Item name="code" label="编码" rules={[{ required: !category }]} extra={category ? undefined : '2–8 位数字或大写字母'}>
          <Input disabled={Boolean(category)} />
        </Form.Item>
        <Form.Item name="name" label="名称" rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={60} />
        </Form.Item>
        <Form.Item name="description" label="说明（分类器和坐席看到的定义）">
          <Input.TextArea rows={3} maxLength={500} />
        </Form.Item>
        <Form.Item
          name="dispatchMode"
          label="派单方式"
          extra="自动派单：分类器有把握且派单目录能匹配时直接派出；坐席确认：总由坐席确认后派出。"
        >
          <Segmented options={optionsOf(dispatchModeLabels)} aria-label="派单方式" />
        </Form.Item>
        <Form.Item name="answerInPerson" label="承办单位当面答复（短信只告知已答复，不转答复内容）" valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item name="sortOrder" label="排序">
          <InputNumber min={0} max={10_000} />
        </Form.Item>
        {category && (
          <Form.Item name="active" label="启用" valuePropName="checked">
            <Switch />
          </Form.Item>
        )}
      </Form>
    </Drawer>
  );
}
