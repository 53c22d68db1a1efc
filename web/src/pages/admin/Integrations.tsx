import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { api, errorText } from '../../api/client';
import type { paths } from '../../api/schema';
import { shortTime } from '../../time';

type ApiKey = paths['/api/v1/api-keys']['get']['responses'][200]['content']['application/json']['items'][number];
type NewKey = NonNullable<paths['/api/v1/api-keys']['post']['requestBody']>['content']['application/json'];
type Version = paths['/api/v1/triage/models']['get']['responses'][200]['content']['application/json']['items'][number];

/**
 * 接口与模型: the API keys integrations use (issued with scopes and an expiry, the key shown once, revoked
 * here), and the local classifier's versions (retrain now, or make an older one active again).
 */
export function Integrations() {
  useEffect(() => {
    document.title = '接口与模型 - 12345';
  }, []);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <ApiKeys />
      <ClassifierModels />
    </Space>
  );
}

function ApiKeys() {
  const queryClient = useQueryClient();
  const { message, modal } = App.useApp();
  const [form] = Form.useForm<NewKey>();
  const [issuing, setIssuing] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const { data } = useQuery({ queryKey: ['api-keys'], queryFn: async () => (await api.GET('/api/v1/api-keys')).data?.items ?? [] });
  const { data: users } = useQuery({ queryKey: ['users'], queryFn: async () => (await api.GET('/api/v1/users')).data?.items ?? [] });
  const userName = (id: number) => users?.find((u) => u.id === id)?.displayName ?? `#${id}`;
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['api-keys'] });

  async function issue(values: NewKey) {
    const { data: made, error } = await api.POST('/api/v1/api-keys', { body: values });
    if (error) return setRefusal(errorText(error));
    setIssuing(false);
    void refresh();
    modal.info({
      title: `API 密钥「${made!.name}」`,
      width: 560,
      content: (
        <>
          <Typography.Paragraph>密钥只显示这一次，请立即保存到对接系统中：</Typography.Paragraph>
          <Typography.Paragraph copyable style={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>
            {made!.key}
          </Typography.Paragraph>
        </>
      ),
      okText: '我已保存',
    });
  }
  async function revoke(key: ApiKey) {
    const { error } = await api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id: key.id } } });
    if (error) return void message.error(errorText(error));
    void message.success(`已吊销「${key.name}」`);
    void refresh();
  }

  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          API 密钥
        </Typography.Title>
      }
      extra={
        <Button
          type="primary"
          onClick={() => {
            form.resetFields();
            setRefusal(undefined);
            setIssuing(true);
          }}
        >
          签发密钥
        </Button>
      }
    >
      <Table<ApiKey>
        rowKey="id"
        size="small"
        loading={data === undefined}
        dataSource={data ?? []}
        pagination={false}
        locale={{ emptyText: <Typography.Text type="secondary">还没有 API 密钥</Typography.Text> }}
        columns={[
          { title: '名称', dataIndex: 'name' },
          { title: '前缀', dataIndex: 'keyPrefix', width: 120, render: (p: string) => <code>{p}…</code> },
          { title: '代表用户', dataIndex: 'userId', width: 160, render: userName },
          {
            title: '权限',
            dataIndex: 'scopes',
            width: 120,
            render: (s: string[]) => s.map((x) => (x === 'write' ? '读写' : '只读')).join('、'),
          },
          { title: '到期', dataIndex: 'expiresAt', width: 110, render: shortTime },
          {
            title: '状态',
            key: 'state',
            width: 90,
            render: (_, k) => (k.revokedAt ? <Tag>已吊销</Tag> : new Date(k.expiresAt) < new Date() ? <Tag>已过期</Tag> : '有效'),
          },
          {
            title: '操作',
            key: 'actions',
            width: 80,
            render: (_, k) =>
              !k.revokedAt && (
                <Popconfirm
                  title={`吊销「${k.name}」？`}
                  description="使用它的对接系统将立即无法访问。"
                  onConfirm={() => revoke(k)}
                  okText="吊销"
                  cancelText="取消"
                >
                  <Button type="link" size="small" danger aria-label={`吊销「${k.name}」`}>
                    吊销
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      <Modal
        open={issuing}
        title="签发 API 密钥"
        onCancel={() => setIssuing(false)}
        onOk={() => form.submit()}
        okText="签发"
        cancelText="取消"
        destroyOnHidden
      >
        {refusal && <Alert type="error" showIcon message={refusal} style={{ marginBottom: 12 }} role="alert" />}
        <Form form={form} layout="vertical" onFinish={issue} initialValues={{ scopes: ['read'], expiresInDays: 90, allowAdmin: false }}>
          <Form.Item name="name" label="名称" rules={[{ required: true, whitespace: true }]}>
            <Input placeholder="如：区政务服务平台对接" />
          </Form.Item>
          <Form.Item name="userId" label="代表用户（密钥以该用户的角色行事）" rules={[{ required: true }]}>
            <Select
              showSearch
              optionFilterProp="label"
              options={(users ?? []).map((u) => ({ value: u.id, label: u.displayName }))}
              aria-label="代表用户"
            />
          </Form.Item>
          <Form.Item name="scopes" label="权限">
            <Checkbox.Group
              options={[
                { value: 'read', label: '读取' },
                { value: 'write', label: '写入（办理操作）' },
              ]}
            />
          </Form.Item>
          <Form.Item name="expiresInDays" label="有效天数">
            <InputNumber min={1} max={366} />
          </Form.Item>
          <Form.Item name="allowAdmin" valuePropName="checked">
            <Checkbox>允许代表系统管理员（仅在确有必要时）</Checkbox>
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

function ClassifierModels() {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const { data } = useQuery({ queryKey: ['classifier-models'], queryFn: async () => (await api.GET('/api/v1/triage/models')).data });
  const [busy, setBusy] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['classifier-models'] });
  async function retrain() {
    setBusy(true);
    const { data: made, error } = await api.POST('/api/v1/triage/models/retrain', { body: {} });
    setBusy(false);
    if (error) return void message.error(errorText(error));
    void message.success(`已训练第 ${made!.version} 版并启用`);
    void refresh();
  }
  async function activate(v: Version) {
    const { error } = await api.POST('/api/v1/triage/models/{version}/activate', { params: { path: { version: v.version } }, body: {} });
    if (error) return void message.error(errorText(error));
    void message.success(`已启用第 ${v.version} 版`);
    void refresh();
  }
  return (
    <Card
      title={
        <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
          分类模型
        </Typography.Title>
      }
      extra={
        <Popconfirm
          title="用内置样本和全部坐席确认的分类重新训练？"
          description="新版本训练完成后立即启用。"
          onConfirm={retrain}
          okText="训练"
          cancelText="取消"
        >
          <Button loading={busy}>立即重新训练</Button>
        </Popconfirm>
      }
    >
      <Typography.Paragraph type="secondary">
        当前版本之后坐席确认或更正的分类：{data?.labelsSinceActive ?? '—'} 条（累计到设定数量后自动重新训练）。
      </Typography.Paragraph>
      <Table<Version>
        rowKey="version"
        size="small"
        loading={data === undefined}
        dataSource={data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          {
            title: '版本',
            dataIndex: 'version',
            width: 70,
            render: (v: number, m) => (m.active ? <Tag color="blue">第 {v} 版 · 使用中</Tag> : `第 ${v} 版`),
          },
          { title: '训练时间', dataIndex: 'createdAt', width: 120, render: shortTime },
          { title: '样本数', dataIndex: 'trainingExamples', width: 80 },
          { title: '分类数', dataIndex: 'labels', width: 70 },
          { title: '来源', dataIndex: 'trainingSource' },
          {
            title: '指标',
            dataIndex: 'metrics',
            width: 220,
            render: (m: Record<string, unknown>) =>
              [
                typeof m.heldOutAccuracy === 'number' &&
                  `留出 ${String(m.heldOutExamples)} 条：准确率 ${(m.heldOutAccuracy * 100).toFixed(1)}%，宏 F1 ${Number(m.heldOutMacroF1).toFixed(2)}`,
                typeof m.trainingMs === 'number' && `训练用时 ${Math.round(m.trainingMs)} ms`,
              ]
                .filter(Boolean)
                .join('；') || '—',
          },
          {
            title: '操作',
            key: 'actions',
            width: 90,
            render: (_, m) =>
              !m.active && (
                <Popconfirm title={`启用第 ${m.version} 版？`} onConfirm={() => activate(m)} okText="启用" cancelText="取消">
                  <Button type="link" size="small" aria-label={`启用第 ${m.version} 版`}>
                    启用
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
    </Card>
  );
}
