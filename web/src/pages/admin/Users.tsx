import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Badge, Button, Card, Drawer, Form, Input, InputNumber, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { api, errorText } from '../../api/client';
import type { paths } from '../../api/schema';
import { optionsOf, roleLabels, workChatLabels } from '../../labels';
import { useCategories, useDepartments } from '../reference';

type User = paths['/api/v1/users']['get']['responses'][200]['content']['application/json']['items'][number];
type NewUser = NonNullable<paths['/api/v1/users']['post']['requestBody']>['content']['application/json'];
type Work = NonNullable<paths['/api/v1/users/{id}/work']['patch']['requestBody']>['content']['application/json'];
type Role = User['role'];

const roleOptions = optionsOf(roleLabels);

interface FormValues {
  username: string;
  displayName: string;
  password?: string;
  role: Role;
  departmentId?: number | null;
  phone?: string;
  active?: boolean;
  onDuty?: boolean;
  capacity?: number | null;
  skills?: string[];
  slackUserId?: string;
  chatPlatform?: 'wecom' | 'dingtalk';
  chatUserId?: string;
}

/**
 * 用户: every account with its role, department, duty, capacity, skills, phone and chat accounts. An admin
 * adds, edits, deactivates, unlocks and resets passwords; each change is in the audit log.
 */
export function Users() {
  const queryClient = useQueryClient();
  const { message, modal } = App.useApp();
  const departments = useDepartments();
  const [role, setRole] = useState<Role>();
  const [departmentId, setDepartmentId] = useState<number>();
  const [search, setSearch] = useState('');
  const [editing, setEditing] = useState<User | 'new'>();
  useEffect(() => {
    document.title = '用户 - 12345';
  }, []);
  const { data } = useQuery({ queryKey: ['users'], queryFn: async () => (await api.GET('/api/v1/users')).data?.items ?? [] });
  const rows = useMemo(
    () =>
      (data ?? []).filter(
        (u) =>
          (!role || u.role === role) &&
          (!departmentId || u.departmentId === departmentId) &&
          (!search || u.username.includes(search) || u.displayName.includes(search)),
      ),
    [data, role, departmentId, search],
  );
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['users'] });

  async function unlock(user: User) {
    const { error } = await api.POST('/api/v1/users/{id}/unlock', { params: { path: { id: user.id } } });
    if (error) return void message.error(errorText(error));
    void message.success(`已解锁 ${user.displayName}`);
  }
  function resetPassword(user: User) {
    modal.confirm({
      title: `重置 ${user.displayName} 的密码？`,
      content: '将生成一个新密码并结束该用户的所有会话。新密码只显示这一次。',
      okText: '重置',
      cancelText: '取消',
      onOk: async () => {
        const { data: answer, error } = await api.POST('/api/v1/users/{id}/reset-password', {
          params: { path: { id: user.id } },
          body: {},
        });
        if (error) return void message.error(errorText(error));
        modal.info({
          title: '新密码',
          content: (
            <Typography.Paragraph copyable={{ text: answer?.password }} style={{ fontFamily: 'monospace', fontSize: 16 }}>
              {answer?.password}
            </Typography.Paragraph>
          ),
          okText: '我已记下',
        });
      },
    });
  }

  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          用户
        </Typography.Title>
      }
      extra={
        <Button type="primary" onClick={() => setEditing('new')}>
          新增用户
        </Button>
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search aria-label="搜索用户" placeholder="用户名或姓名" allowClear onSearch={setSearch} style={{ width: 200 }} />
        <Select
          aria-label="角色"
          placeholder="全部角色"
          allowClear
          style={{ width: 150 }}
          value={role}
          onChange={setRole}
          options={roleOptions}
        />
        <Select
          aria-label="部门"
          placeholder="全部部门"
          allowClear
          showSearch
          optionFilterProp="label"
          style={{ width: 200 }}
          value={departmentId}
          onChange={setDepartmentId}
          options={departments.options}
        />
      </Space>
      <Table<User>
        rowKey="id"
        size="small"
        loading={data === undefined}
        dataSource={rows}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 1000 }}
        columns={[
          {
            title: '姓名',
            key: 'name',
            render: (_, u) => (
              <Space direction="vertical" size={0}>
                <span>
                  {u.displayName} {!u.active && <Tag>已停用</Tag>}
                </span>
                <Typography.Text type="secondary">{u.username}</Typography.Text>
              </Space>
            ),
          },
          { title: '角色', dataIndex: 'role', width: 110, render: (r: Role) => roleLabels[r] },
          { title: '部门', dataIndex: 'departmentId', render: (id: number | null) => departments.nameOf(id) ?? '—' },
          { title: '电话', dataIndex: 'phone', width: 140, render: (p: string | null) => p ?? '—' },
          { title: '在岗', dataIndex: 'onDuty', width: 60, render: (on: boolean) => (on ? <Badge status="success" text="在岗" /> : '—') },
          { title: '接单上限', dataIndex: 'capacity', width: 80, render: (c: number | null) => c ?? '不限' },
          { title: '技能', dataIndex: 'skills', render: (s: string[]) => s.join('、') || '—' },
          {
            title: '工作群',
            key: 'chat',
            render: (_, u) =>
              [
                u.workChat ? `${workChatLabels[u.workChat.platform]} ${u.workChat.userId}` : null,
                u.slackUserId ? `Slack ${u.slackUserId}` : null,
              ]
                .filter(Boolean)
                .join('；') || '—',
          },
          {
            title: '操作',
            key: 'actions',
            fixed: 'right',
            width: 200,
            render: (_, u) => (
              <Space size={0}>
                <Button type="link" size="small" onClick={() => setEditing(u)} aria-label={`编辑 ${u.displayName}`}>
                  编辑
                </Button>
                <Button type="link" size="small" onClick={() => unlock(u)} aria-label={`解锁 ${u.displayName}`}>
                  解锁
                </Button>
                <Button type="link" size="small" onClick={() => resetPassword(u)} aria-label={`重置 ${u.displayName} 的密码`}>
                  重置密码
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <UserEditor
        user={editing}
        onClose={() => setEditing(undefined)}
        onSaved={(name) => {
          setEditing(undefined);
          void message.success(`已保存 ${name}`);
          void refresh();
        }}
      />
    </Card>
  );
}

function UserEditor({ user, onClose, onSaved }: { user: User | 'new' | undefined; onClose: () => void; onSaved: (name: string) => void }) {
  const [form] = Form.useForm<FormValues>();
  const [refusal, setRefusal] = useState<string>();
  const [saving, setSaving] = useState(false);
  const departments = useDepartments();
  const categories = useCategories();
  const skillOptions = categories.items.flatMap((c) => [c, ...c.children]).map((c) => ({ value: c.code, label: `${c.code} ${c.name}` }));
  useEffect(() => {
    setRefusal(undefined);
    if (!user) return;
    form.resetFields();
    if (user !== 'new')
      form.setFieldsValue({
        ...user,
        phone: user.phone ?? undefined,
        slackUserId: user.slackUserId ?? undefined,
        chatPlatform: user.workChat?.platform,
        chatUserId: user.workChat?.userId,
      });
  }, [user, form]);

  async function save(v: FormValues) {
    setSaving(true);
    const result = user === 'new' ? await create(v) : await update(user as User, v);
    setSaving(false);
    if (result) return setRefusal(result);
    onSaved(v.displayName);
  }
  async function create(v: FormValues): Promise<string | undefined> {
    const body: NewUser = {
      username: v.username,
      displayName: v.displayName,
      password: v.password ?? '',
      role: v.role,
      departmentId: v.departmentId ?? null,
      phone: v.phone?.trim() || null,
    };
    const { error } = await api.POST('/api/v1/users', { body });
    return error ? errorText(error) : undefined;
  }
  async function update(u: User, v: FormValues): Promise<string | undefined> {
    // Only what changed: a new role, department or password ends the user's sessions.
    const account = {
      displayName: v.displayName,
      role: v.role,
      departmentId: v.departmentId ?? null,
      phone: v.phone?.trim() || null,
      active: v.active ?? u.active,
    };
    const patch = Object.fromEntries(
      Object.entries(account).filter(([key, value]) => JSON.stringify(u[key as keyof typeof account] ?? null) !== JSON.stringify(value)),
    );
    if (v.password) patch.password = v.password;
    if (Object.keys(patch).length > 0) {
      const { error } = await api.PATCH('/api/v1/users/{id}', { params: { path: { id: u.id } }, body: patch });
      if (error) return errorText(error);
    }
    const work: Work = {
      onDuty: v.onDuty,
      capacity: v.capacity ?? null,
      skills: v.skills ?? [],
      slackUserId: v.slackUserId?.trim() || null,
      workChat: v.chatPlatform && v.chatUserId?.trim() ? { platform: v.chatPlatform, userId: v.chatUserId.trim() } : null,
    };
    const changed = (Object.keys(work) as Array<keyof Work>).filter((key) => {
      const before = key === 'workChat' ? u.workChat : u[key];
      return JSON.stringify(before ?? null) !== JSON.stringify(work[key] ?? null);
    });
    if (changed.length === 0) return undefined;
    const { error: workError } = await api.PATCH('/api/v1/users/{id}/work', {
      params: { path: { id: u.id } },
      body: Object.fromEntries(changed.map((key) => [key, work[key]])) as Work,
    });
    return workError ? errorText(workError) : undefined;
  }

  const isNew = user === 'new';
  return (
    <Drawer
      open={user !== undefined}
      onClose={onClose}
      title={isNew ? '新增用户' : `编辑 ${user?.displayName ?? ''}`}
      width={480}
      destroyOnHidden
      extra={
        <Button type="primary" loading={saving} onClick={() => form.submit()}>
          保存
        </Button>
      }
    >
      {refusal && <Alert type="error" showIcon message="未保存" description={refusal} style={{ marginBottom: 16 }} role="alert" />}
      <Form form={form} layout="vertical" onFinish={save} initialValues={{ role: 'agent', active: true }}>
        <Form.Item name="username" label="用户名" rules={[{ required: isNew }]}>
          <Input disabled={!isNew} autoComplete="off" />
        </Form.Item>
        <Form.Item name="displayName" label="姓名" rules={[{ required: true, whitespace: true }]}>
          <Input />
        </Form.Item>
        <Form.Item
          name="password"
          label={isNew ? '初始密码' : '新密码（不改则留空）'}
          rules={[{ required: isNew, min: 10, message: '至少 10 位' }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Space.Compact block>
          <Form.Item name="role" label="角色" style={{ width: 160 }}>
            <Select options={roleOptions} aria-label="角色" />
          </Form.Item>
          <Form.Item name="departmentId" label="部门" style={{ flex: 1 }}>
            <Select allowClear showSearch optionFilterProp="label" options={departments.options} aria-label="部门" />
          </Form.Item>
        </Space.Compact>
        <Form.Item name="phone" label="手机号（值班短信、代办派单短信）">
          <Input inputMode="tel" />
        </Form.Item>
        {!isNew && (
          <>
            <Space size="large">
              <Form.Item name="active" label="启用" valuePropName="checked">
                <Switch />
              </Form.Item>
              <Form.Item name="onDuty" label="在岗" valuePropName="checked">
                <Switch />
              </Form.Item>
              <Form.Item name="capacity" label="接单上限">
                <InputNumber min={1} max={1000} placeholder="不限" />
              </Form.Item>
            </Space>
            <Form.Item name="skills" label="技能（按分类派单时使用）">
              <Select mode="multiple" showSearch optionFilterProp="label" options={skillOptions} aria-label="技能" />
            </Form.Item>
            <Space.Compact block>
              <Form.Item name="chatPlatform" label="工作群" style={{ width: 140 }}>
                <Select allowClear options={optionsOf(workChatLabels)} aria-label="工作群平台" />
              </Form.Item>
              <Form.Item name="chatUserId" label="工作群账号" style={{ flex: 1 }}>
                <Input />
              </Form.Item>
            </Space.Compact>
            <Form.Item name="slackUserId" label="Slack 账号（U 开头）">
              <Input />
            </Form.Item>
          </>
        )}
      </Form>
    </Drawer>
  );
}
