import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, DatePicker, Descriptions, Form, Input, Modal, Select, Space, Table, Tabs, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, errorText, type Me } from '../../api/client';
import { useMe } from '../../session';
import { beijing, shortTime } from '../../time';
import { Pill } from '../Deadline';
import {
  accountabilityOutcomeLabels,
  candidateReasonLabels,
  hardCaseKindLabels,
  hardCaseKinds,
  hardCaseLevelLabels,
  hardCaseSourceLabels,
} from '../../../../src/tickets/hard-case-labels';
import { stageLabels, type Stage } from '../../../../src/sla/stages';
import { orderStatusLabels } from '../../labels';

type Candidate = NonNullable<Awaited<ReturnType<typeof fetchCandidates>>>[number];
const fetchCandidates = async () => (await api.GET('/api/v1/hard-cases/candidates')).data?.items;
const kindOptions = hardCaseKinds.map((k) => ({ value: k, label: hardCaseKindLabels[k] }));
const chiefs = new Set(['supervisor', 'director', 'admin']);

/**
 * 办不成事: the cases on the window's ladder, the candidates the hub found for the duty staff, the duty roster
 * and the month's 通报. What a person may do with a case is the ticket page's (the API's allowed actions).
 */
export function HardCases() {
  const { me } = useMe();
  if (!me) return null;
  const leader = me.role === 'county_leader';
  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          {leader ? '报请联办的办不成事' : '办不成事反映窗口'}
        </Typography.Title>
      }
    >
      <Tabs
        items={[
          { key: 'open', label: '在办案件', children: <Cases state="open" /> },
          ...(leader ? [] : [{ key: 'candidates', label: '待确认线索', children: <Candidates /> }]),
          { key: 'answered', label: '已答复', children: <Cases state="answered" /> },
          { key: 'roster', label: '值班表', children: <Roster me={me} /> },
          { key: 'report', label: '月度通报', children: <MonthReport /> },
        ]}
      />
    </Card>
  );
}

function Cases({ state }: { state: 'open' | 'answered' }) {
  const { data } = useQuery({
    queryKey: ['tickets', 'hard-cases', state],
    queryFn: async () => (await api.GET('/api/v1/hard-cases', { params: { query: { state } } })).data?.items,
    refetchInterval: 30_000,
  });
  return (
    <Table
      rowKey="ticketId"
      size="small"
      pagination={{ pageSize: 50, hideOnSinglePage: true }}
      dataSource={data ?? []}
      loading={data === undefined}
      columns={[
        { title: '工单号', dataIndex: 'number', width: 150, render: (n: string, c) => <Link to={`/tickets/${c.ticketId}`}>{n}</Link> },
        { title: '标题', dataIndex: 'title', ellipsis: true },
        {
          title: '类别',
          dataIndex: 'kind',
          width: 120,
          render: (k: keyof typeof hardCaseKindLabels | null) =>
            k ? <Pill tone={k === 'refused' ? 'red' : 'orange'}>{hardCaseKindLabels[k]}</Pill> : '未分类',
        },
        { title: '发现途径', dataIndex: 'source', width: 90, render: (s: keyof typeof hardCaseSourceLabels) => hardCaseSourceLabels[s] },
        {
          title: '层级',
          key: 'level',
          width: 170,
          render: (_: unknown, c) => (
            <span>
              {hardCaseLevelLabels[c.level]}
              {c.leaderName ? `（${c.leaderName}）` : ''}
            </span>
          ),
        },
        { title: '牵头单位', dataIndex: 'leadDepartmentName', width: 140, render: (n: string | null) => n ?? '—' },
        {
          title: state === 'open' ? '下一时限' : '答复时间',
          key: 'due',
          width: 200,
          render: (_: unknown, c) =>
            state === 'answered' ? (
              shortTime(c.answeredAt!)
            ) : c.nextDueAt ? (
              <span>
                {stageLabels[c.nextStage as Stage]} {shortTime(c.nextDueAt)}{' '}
                {dayjs(c.nextDueAt).isBefore(dayjs()) && <Pill tone="red">已超时</Pill>}
              </span>
            ) : (
              '—'
            ),
        },
        {
          title: '帮代办',
          key: 'followUp',
          width: 150,
          render: (_: unknown, c) =>
            c.followUp && (
              <Link to={`/runner/orders/${c.followUp.orderId}`}>
                {c.followUp.representativeName} · {orderStatusLabels[c.followUp.orderStatus]}
              </Link>
            ),
        },
        { title: '问责', dataIndex: 'accountability', width: 60, render: (n: number) => (n > 0 ? n : '') },
      ]}
    />
  );
}

function Candidates() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [taking, setTaking] = useState<Candidate>();
  const [dismissing, setDismissing] = useState<Candidate>();
  const { data } = useQuery({ queryKey: ['tickets', 'hard-case-candidates'], queryFn: fetchCandidates, refetchInterval: 60_000 });
  const done = (text: string) => {
    setTaking(undefined);
    setDismissing(undefined);
    void message.success(text);
    void queryClient.invalidateQueries({ queryKey: ['tickets'] });
  };
  const accept = useMutation({
    mutationFn: async ({ candidate, kind, reason }: { candidate: Candidate; kind: (typeof hardCaseKinds)[number]; reason: string }) => {
      const { data: ok, error } = await api.POST('/api/v1/hard-cases/candidates/{id}/accept', {
        params: { path: { id: candidate.id } },
        body: { kind, reason },
      });
      if (!ok) throw new Error(errorText(error));
    },
    onSuccess: (_, { candidate }) => done(`工单 ${candidate.number} 已转办不成事`),
    onError: (error: Error) => void message.error(error.message),
  });
  const dismiss = useMutation({
    mutationFn: async ({ candidate, note }: { candidate: Candidate; note: string }) => {
      const { response, error } = await api.POST('/api/v1/hard-cases/candidates/{id}/dismiss', {
        params: { path: { id: candidate.id } },
        body: { note },
      });
      if (!response.ok) throw new Error(errorText(error));
    },
    onSuccess: (_, { candidate }) => done(`工单 ${candidate.number} 的线索已排除`),
    onError: (error: Error) => void message.error(error.message),
  });
  const discover = useMutation({
    mutationFn: async () => {
      const { data, error } = await api.POST('/api/v1/hard-cases/candidates/discover', { body: {} });
      if (!data) throw new Error(errorText(error));
      return data.raised;
    },
    onSuccess: (raised) => {
      void message.success(raised > 0 ? `发现 ${raised} 条新线索` : '没有新线索');
      void queryClient.invalidateQueries({ queryKey: ['tickets', 'hard-case-candidates'] });
    },
    onError: (error: Error) => void message.error(error.message),
  });
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">系统每 10 分钟排查超期未办结的代办、超时未受理或未答复的工单和回访不满意的工单。</Typography.Text>
        <Button onClick={() => discover.mutate()} loading={discover.isPending}>
          立即排查
        </Button>
      </Space>
      <Table
        rowKey="id"
        size="small"
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        dataSource={data ?? []}
        loading={data === undefined}
        locale={{ emptyText: '暂无待确认线索' }}
        columns={[
          { title: '发现时间', dataIndex: 'createdAt', width: 110, render: shortTime },
          {
            title: '线索',
            dataIndex: 'reason',
            width: 130,
            render: (r: keyof typeof candidateReasonLabels) => <Pill tone="orange">{candidateReasonLabels[r]}</Pill>,
          },
          { title: '工单号', dataIndex: 'number', width: 150, render: (n: string, c) => <Link to={`/tickets/${c.ticketId}`}>{n}</Link> },
          { title: '标题', dataIndex: 'title', ellipsis: true },
          { title: '情况', dataIndex: 'detail', ellipsis: true },
          { title: '承办单位', dataIndex: 'leadDepartmentName', width: 140, render: (n: string | null) => n ?? '—' },
          {
            title: '操作',
            key: 'actions',
            width: 170,
            render: (_: unknown, c) => (
              <Space size={4}>
                <Button size="small" type="primary" onClick={() => setTaking(c)}>
                  转办不成事
                </Button>
                <Button size="small" onClick={() => setDismissing(c)}>
                  排除
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={taking !== undefined}
        title={`转办不成事：工单 ${taking?.number ?? ''}`}
        footer={null}
        onCancel={() => setTaking(undefined)}
        destroyOnHidden
      >
        <Form
          layout="vertical"
          initialValues={{ reason: taking?.detail }}
          onFinish={(v: { kind: (typeof hardCaseKinds)[number]; reason: string }) => taking && accept.mutate({ candidate: taking, ...v })}
        >
          <Form.Item label="类别（分类别处理）" name="kind" rules={[{ required: true, message: '请选择类别' }]}>
            <Select options={kindOptions} aria-label="类别" />
          </Form.Item>
          <Form.Item label="原因" name="reason" rules={[{ required: true, message: '请填写原因' }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={accept.isPending}>
            转办不成事
          </Button>
        </Form>
      </Modal>
      <Modal
        open={dismissing !== undefined}
        title={`排除线索：工单 ${dismissing?.number ?? ''}`}
        footer={null}
        onCancel={() => setDismissing(undefined)}
        destroyOnHidden
      >
        <Form layout="vertical" onFinish={(v: { note: string }) => dismissing && dismiss.mutate({ candidate: dismissing, note: v.note })}>
          <Form.Item label="排除理由" name="note" rules={[{ required: true, message: '请填写排除理由' }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={dismiss.isPending}>
            排除
          </Button>
        </Form>
      </Modal>
    </>
  );
}

type DutyDay = NonNullable<Awaited<ReturnType<typeof fetchRoster>>>[number];
const fetchRoster = async (from: string, to: string) =>
  (await api.GET('/api/v1/duty-roster', { params: { query: { from, to } } })).data?.items;

/** 值班表: this week and next (Monday first); the chiefs set a day's duty leader and staff. */
function Roster({ me }: { me: Me }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<string>();
  // The hotline's days are Beijing's, wherever the browser is.
  const now = beijing();
  const monday = now.subtract((now.day() + 6) % 7, 'day');
  const days = Array.from({ length: 14 }, (_, i) => monday.add(i, 'day').format('YYYY-MM-DD'));
  const { data } = useQuery({ queryKey: ['duty-roster', days[0]], queryFn: () => fetchRoster(days[0]!, days.at(-1)!) });
  const { data: people } = useQuery({
    queryKey: ['users', 'center'],
    enabled: chiefs.has(me.role),
    queryFn: async () => (await api.GET('/api/v1/users')).data?.items ?? [],
  });
  const byDay = new Map((data ?? []).map((d) => [d.day, d]));
  const save = useMutation({
    mutationFn: async ({ day, leaderUserId, staffUserIds }: { day: string; leaderUserId: number; staffUserIds: number[] }) => {
      const { data: saved, error } = await api.PUT('/api/v1/duty-roster/{day}', {
        params: { path: { day } },
        body: { leaderUserId, staffUserIds },
      });
      if (!saved) throw new Error(errorText(error));
    },
    onSuccess: (_, { day }) => {
      setEditing(undefined);
      void message.success(`${day} 值班已安排`);
      void queryClient.invalidateQueries({ queryKey: ['duty-roster'] });
    },
    onError: (error: Error) => void message.error(error.message),
  });
  const option = (u: { id: number; displayName: string }) => ({ value: u.id, label: u.displayName });
  const leaders = (people ?? []).filter((u) => u.active && ['supervisor', 'director'].includes(u.role)).map(option);
  const staff = (people ?? []).filter((u) => u.active && ['operator', 'proxy_seat', 'supervisor', 'director'].includes(u.role)).map(option);
  const today = now.format('YYYY-MM-DD');
  const current = editing ? byDay.get(editing) : undefined;
  return (
    <>
      <Table<{ day: string; entry: DutyDay | undefined }>
        rowKey="day"
        size="small"
        pagination={false}
        loading={data === undefined}
        dataSource={days.map((day) => ({ day, entry: byDay.get(day) }))}
        rowClassName={(r) => (r.day === today ? 'ant-table-row-selected' : '')}
        columns={[
          {
            title: '日期',
            dataIndex: 'day',
            width: 150,
            render: (d: string) => `${d} 周${'日一二三四五六'[dayjs(d).day()]}${d === today ? '（今天）' : ''}`,
          },
          {
            title: '值班领导',
            key: 'leader',
            width: 200,
            render: (_: unknown, r) => r.entry?.leader?.displayName ?? <Typography.Text type="secondary">未安排</Typography.Text>,
          },
          { title: '值班人员', key: 'staff', render: (_: unknown, r) => r.entry?.staff.map((s) => s.displayName).join('、') || '—' },
          ...(chiefs.has(me.role)
            ? [
                {
                  title: '操作',
                  key: 'edit',
                  width: 90,
                  render: (_: unknown, r: { day: string }) => (
                    <Button size="small" onClick={() => setEditing(r.day)} aria-label={`安排 ${r.day} 值班`}>
                      安排
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={editing !== undefined}
        title={`安排值班：${editing ?? ''}`}
        footer={null}
        onCancel={() => setEditing(undefined)}
        destroyOnHidden
      >
        <Form
          layout="vertical"
          initialValues={{ leaderUserId: current?.leader?.userId, staffUserIds: current?.staff.map((s) => s.userId) ?? [] }}
          onFinish={(v: { leaderUserId: number; staffUserIds?: number[] }) =>
            editing && save.mutate({ day: editing, leaderUserId: v.leaderUserId, staffUserIds: v.staffUserIds ?? [] })
          }
        >
          <Form.Item label="值班领导" name="leaderUserId" rules={[{ required: true, message: '请选择值班领导' }]}>
            <Select options={leaders} aria-label="值班领导" />
          </Form.Item>
          <Form.Item label="值班人员" name="staffUserIds">
            <Select mode="multiple" options={staff} aria-label="值班人员" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={save.isPending}>
            保存
          </Button>
        </Form>
      </Modal>
    </>
  );
}

/** 月度通报: a month by kind, source, level, the hub's candidates, and 问责 per department. */
function MonthReport() {
  const [month, setMonth] = useState<Dayjs>(beijing());
  const key = month.format('YYYY-MM');
  const { data } = useQuery({
    queryKey: ['hard-case-report', key],
    queryFn: async () => (await api.GET('/api/v1/hard-cases/report', { params: { query: { month: key } } })).data,
  });
  const kindName = (k: string) => (k in hardCaseKindLabels ? hardCaseKindLabels[k as keyof typeof hardCaseKindLabels] : '未分类');
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <DatePicker picker="month" value={month} onChange={(m) => m && setMonth(m)} allowClear={false} aria-label="月份" />
      <Table
        rowKey="kind"
        size="small"
        pagination={false}
        loading={data === undefined}
        dataSource={data?.kinds ?? []}
        title={() => '分类别办理情况'}
        columns={[
          { title: '类别', dataIndex: 'kind', render: kindName },
          { title: '本月受理', dataIndex: 'opened' },
          { title: '本月答复', dataIndex: 'answered' },
          { title: '按时答复', dataIndex: 'answered_on_time' },
          { title: '月末在办', dataIndex: 'open_at_end' },
        ]}
      />
      <Descriptions
        size="small"
        bordered
        column={1}
        items={[
          {
            key: 'sources',
            label: '发现途径',
            children: (data?.sources ?? []).map((s) => `${hardCaseSourceLabels[s.source]} ${s.n}`).join('；') || '—',
          },
          {
            key: 'levels',
            label: '解决层级',
            children: (data?.levels ?? []).map((l) => `${hardCaseLevelLabels[l.level]} ${l.n}`).join('；') || '—',
          },
          {
            key: 'candidates',
            label: '系统线索',
            children:
              (data?.candidates ?? [])
                .map((c) => `${candidateReasonLabels[c.reason]}：发现 ${c.raised}，转办 ${c.accepted}，排除 ${c.dismissed}`)
                .join('；') || '—',
          },
        ]}
      />
      <Table
        rowKey="departmentId"
        size="small"
        pagination={false}
        dataSource={data?.accountability ?? []}
        title={() => '问责情况（按单位）'}
        locale={{ emptyText: '本月无问责' }}
        columns={[
          { title: '单位', dataIndex: 'departmentName' },
          { title: '问责次数', dataIndex: 'records', width: 100 },
          {
            title: '处理结果',
            dataIndex: 'outcomes',
            render: (o: Record<string, number>) =>
              Object.entries(o)
                .map(([k, n]) => `${accountabilityOutcomeLabels[k as keyof typeof accountabilityOutcomeLabels] ?? k} ${n}`)
                .join('；'),
          },
        ]}
      />
    </Space>
  );
}
