import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, AutoComplete, Button, Card, DatePicker, Form, InputNumber, Modal, Radio, Space, Switch, Table, Tabs, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { api, errorText, type Me } from '../../api/client';
import { useMe } from '../../session';
import { TableImport } from '../TableImport';
import { beijing, shortTime } from '../../time';
import {
  proactiveDeliveryLabels,
  proactiveRuleKinds,
  ruleKindLabels,
  ruleText,
  thresholdLabels,
  type ProactiveRuleKind,
} from '../../../../src/proactive/proactive-labels';

/** Who holds the register (personal data): the proxy seats and admins; the chiefs read the rules and the counts. */
const keepers = new Set(['proxy_seat', 'admin']);
const sources = ['公安户籍', '卫健', '民政', '残联'].map((value) => ({ value }));

type Rule = NonNullable<Awaited<ReturnType<typeof fetchRules>>>[number];
const fetchRules = async () => (await api.GET('/api/v1/proactive/rules')).data?.items;
type ImportResult = { importId: number; accepted: number; refused: Array<{ row: number; reason: string }> };

/**
 * 主动代办 (未诉先办): the resident register imported from the police and health bureaus' data, each matter's
 * eligibility rule, the run that gives everyone newly eligible an order, and the counts per matter and township.
 */
export function Proactive() {
  const { me } = useMe();
  if (!me) return null;
  const keeper = keepers.has(me.role);
  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          主动代办（未诉先办）
        </Typography.Title>
      }
    >
      <Tabs
        items={[
          ...(keeper ? [{ key: 'register', label: '居民底册', children: <Register /> }] : []),
          { key: 'rules', label: '认定规则', children: <Rules me={me} /> },
          { key: 'report', label: '办理统计', children: <Report keeper={keeper} /> },
        ]}
      />
    </Card>
  );
}

/** 居民底册: the imports so far, and a new file (CSV or Excel) with where its data comes from. */
function Register() {
  const queryClient = useQueryClient();
  const [source, setSource] = useState('公安户籍');
  const { data } = useQuery({
    queryKey: ['proactive', 'imports'],
    queryFn: async () => (await api.GET('/api/v1/proactive/imports')).data,
  });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
        底册含个人信息，仅代办专席和管理员可导入和查看；每次导入记入审计日志，超过保存期限未再导入的居民自动删除。CSV（UTF-8）或 Excel
        文件，首行为列名：身份证号、姓名、手机号、出生日期、住址、所在地区、残疾等级、特困人员、身份证有效期至、已故（身份证号、姓名、所在地区必填）。
      </Typography.Paragraph>
      <Space wrap>
        <AutoComplete
          aria-label="数据来源"
          options={sources}
          value={source}
          onChange={setSource}
          style={{ width: 160 }}
          placeholder="数据来源"
        />
        <Typography.Text>底册现有居民 {data?.residents ?? '—'} 人</Typography.Text>
      </Space>
      <TableImport<ImportResult>
        url={(file) => `/api/v1/proactive/imports?${new URLSearchParams({ source, fileName: file.name })}`}
        label="导入底册"
        disabled={!source.trim()}
        kept={(r) => `已导入 ${r.accepted} 人`}
        onDone={() => void queryClient.invalidateQueries({ queryKey: ['proactive'] })}
      />
      <Table
        rowKey="id"
        size="small"
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        loading={data === undefined}
        dataSource={data?.items ?? []}
        locale={{ emptyText: '尚未导入底册' }}
        columns={[
          { title: '导入时间', dataIndex: 'createdAt', width: 130, render: shortTime },
          { title: '数据来源', dataIndex: 'source', width: 110 },
          { title: '文件', dataIndex: 'fileName', ellipsis: true, render: (n: string | null) => n ?? '—' },
          { title: '行数', dataIndex: 'rows', width: 80 },
          { title: '导入', dataIndex: 'accepted', width: 80 },
          { title: '未导入', dataIndex: 'refused', width: 80 },
          { title: '导入人', dataIndex: 'importedBy', width: 150 },
        ]}
      />
    </Space>
  );
}

/** 认定规则: each matter's rule; the proxy seats and admins change them. */
function Rules({ me }: { me: Me }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Rule>();
  const { data } = useQuery({ queryKey: ['proactive', 'rules'], queryFn: fetchRules });
  const save = useMutation({
    mutationFn: async ({
      rule,
      values,
    }: {
      rule: Rule;
      values: { rule: ProactiveRuleKind; threshold?: number | null; delivery: 'home' | 'postal'; active: boolean };
    }) => {
      const { data, error } = await api.PUT('/api/v1/proactive/rules/{matterId}', {
        params: { path: { matterId: rule.matterId } },
        body: { ...values, threshold: values.rule === 'hardship' ? null : (values.threshold ?? null) },
      });
      if (!data) throw new Error(errorText(error));
      return data;
    },
    onSuccess: (rule) => {
      setEditing(undefined);
      void message.success(`「${rule.matterName}」规则已保存`);
      void queryClient.invalidateQueries({ queryKey: ['proactive', 'rules'] });
    },
    onError: (error: Error) => void message.error(error.message),
  });
  const keeper = keepers.has(me.role);
  return (
    <>
      <Table
        rowKey="matterId"
        size="small"
        pagination={false}
        loading={data === undefined}
        dataSource={data ?? []}
        columns={[
          { title: '代办事项', dataIndex: 'matterName', width: 160 },
          { title: '认定条件', key: 'rule', render: (_: unknown, r) => ruleText(r.rule, r.threshold) },
          { title: '送达方式', dataIndex: 'delivery', width: 100, render: (d: 'home' | 'postal') => proactiveDeliveryLabels[d] },
          { title: '状态', dataIndex: 'active', width: 80, render: (a: boolean) => (a ? '启用' : '停用') },
          ...(keeper
            ? [
                {
                  title: '操作',
                  key: 'edit',
                  width: 80,
                  render: (_: unknown, r: Rule) => (
                    <Button size="small" onClick={() => setEditing(r)} aria-label={`修改「${r.matterName}」规则`}>
                      修改
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={editing !== undefined}
        title={`认定规则：${editing?.matterName ?? ''}`}
        footer={null}
        onCancel={() => setEditing(undefined)}
        destroyOnHidden
      >
        {editing && (
          <Form
            layout="vertical"
            initialValues={{ rule: editing.rule, threshold: editing.threshold, delivery: editing.delivery, active: editing.active }}
            onFinish={(values) => save.mutate({ rule: editing, values })}
          >
            <Form.Item label="认定依据" name="rule" rules={[{ required: true }]}>
              <Radio.Group options={proactiveRuleKinds.map((k) => ({ value: k, label: ruleKindLabels[k] }))} />
            </Form.Item>
            <Form.Item noStyle dependencies={['rule']}>
              {({ getFieldValue }) => {
                const label = thresholdLabels[getFieldValue('rule') as ProactiveRuleKind];
                return (
                  label && (
                    <Form.Item label={label} name="threshold" rules={[{ required: true, message: `请填写${label}` }]}>
                      <InputNumber min={0} max={150} aria-label={label} />
                    </Form.Item>
                  )
                );
              }}
            </Form.Item>
            <Form.Item label="送达方式" name="delivery">
              <Radio.Group options={Object.entries(proactiveDeliveryLabels).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
            <Form.Item label="启用" name="active" valuePropName="checked">
              <Switch aria-label="启用" />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={save.isPending}>
              保存
            </Button>
          </Form>
        )}
      </Modal>
    </>
  );
}

/** 办理统计: the month's proactive orders per matter and township; the keepers run the matching now. */
function Report({ keeper }: { keeper: boolean }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [month, setMonth] = useState<Dayjs>(beijing());
  const from = month.startOf('month').format('YYYY-MM-DD');
  const to = month.endOf('month').format('YYYY-MM-DD');
  const { data } = useQuery({
    queryKey: ['proactive', 'report', from],
    queryFn: async () => (await api.GET('/api/v1/proactive/report', { params: { query: { from, to } } })).data?.items,
  });
  const run = useMutation({
    mutationFn: async () => {
      const { data, error } = await api.POST('/api/v1/proactive/run', { body: {} });
      if (!data) throw new Error(errorText(error));
      return data;
    },
    onSuccess: (result) => {
      void message.success(
        result.busy ? '另一次匹配正在进行' : `匹配完成：新建主动代办 ${result.ordered} 件，已有申请 ${result.alreadyServed} 人`,
      );
      void queryClient.invalidateQueries({ queryKey: ['proactive'] });
    },
    onError: (error: Error) => void message.error(error.message),
  });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <DatePicker picker="month" value={month} onChange={(m) => m && setMonth(m)} allowClear={false} aria-label="月份" />
        {keeper && (
          <Button onClick={() => run.mutate()} loading={run.isPending}>
            立即匹配
          </Button>
        )}
        <a href={`/api/v1/proactive/report?from=${from}&to=${to}&format=xlsx`}>导出 Excel</a>
        <Typography.Text type="secondary">系统每小时按规则匹配底册，每人每个事项只办一次。</Typography.Text>
      </Space>
      <Table
        rowKey={(r) => `${r.matterId}-${r.townshipId ?? 0}`}
        size="small"
        pagination={false}
        loading={data === undefined}
        dataSource={data ?? []}
        locale={{ emptyText: '本月没有主动代办' }}
        columns={[
          { title: '代办事项', dataIndex: 'matter', width: 160 },
          { title: '乡镇（街道）', dataIndex: 'township', render: (t: string | null) => t ?? '（未定位）' },
          { title: '主动代办', dataIndex: 'ordered', width: 100 },
          { title: '已有申请', dataIndex: 'alreadyServed', width: 100 },
          { title: '已办结', dataIndex: 'done', width: 100 },
        ]}
      />
    </Space>
  );
}
