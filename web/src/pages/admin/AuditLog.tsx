import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Button, Card, DatePicker, Select, Space, Table, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { paths } from '../../api/schema';
import { auditActionLabels, settingLabels, targetLabel } from '../../../../src/shared/audit-labels';
import { beijing, beijingDayStart } from '../../time';
import { entryFieldLabels } from './Catalog';
import { ChangeDiff } from './ChangeDiff';
import { optionsOf } from '../../labels';

type Query = NonNullable<paths['/api/v1/audit-log']['get']['parameters']['query']>;
type Entry = paths['/api/v1/audit-log']['get']['responses'][200]['content']['application/json']['items'][number];

/** Settings' fields in words, whatever the setting (a field means the same everywhere it appears). */
const fieldLabels: Record<string, string> = {
  ...entryFieldLabels,
  active: '启用',
  role: '角色',
  displayName: '姓名',
  departmentId: '部门',
  phone: '电话',
  capacity: '接单上限',
  skills: '技能',
  onDuty: '在岗',
  slackUserId: 'Slack 账号',
  workChat: '工作群账号',
  kind: '类型',
  note: '说明',
  date: '日期',
  stage: '阶段',
  amount: '时限',
  unit: '单位',
  urgency: '紧急程度',
  weekHours: '作息时间',
  makeUpDayHours: '调休日作息',
  overrides: '自定日期',
  dutyPhone: '值班电话',
  slackChannelId: 'Slack 频道',
  assignmentStrategy: '派单方式',
  items: '级别',
  code: '编码',
  level: '层级',
  parentId: '上级',
  title: '标题',
  body: '内容',
};

const pageSize = 100;

/** 审计日志: who did what, when, from where; a settings change with what it changed. Filters, and the same as CSV. */
export function AuditLog() {
  const [action, setAction] = useState<Query['action']>();
  const [what, setWhat] = useState<string>();
  const [userId, setUserId] = useState<number>();
  const [range, setRange] = useState<[Dayjs, Dayjs] | null>(null);
  useEffect(() => {
    document.title = '审计日志 - 12345';
  }, []);
  const { data: users } = useQuery({ queryKey: ['users'], queryFn: async () => (await api.GET('/api/v1/users')).data?.items ?? [] });
  const filter: Query = {
    ...(action ? { action } : {}),
    ...(what ? { target: what } : {}),
    ...(userId ? { userId } : {}),
    ...(range ? { from: beijingDayStart(range[0]).toISOString(), to: beijingDayStart(range[1]).add(1, 'day').toISOString() } : {}),
  };
  const pages = useInfiniteQuery({
    queryKey: ['audit-log', filter],
    initialPageParam: undefined as number | undefined,
    queryFn: async ({ pageParam }) =>
      (
        await api.GET('/api/v1/audit-log', {
          params: { query: { ...filter, limit: pageSize, ...(pageParam ? { beforeId: pageParam } : {}) } },
        })
      ).data?.items ?? [],
    getNextPageParam: (last) => (last.length === pageSize ? last.at(-1)!.id : undefined),
  });
  const rows = pages.data?.pages.flat() ?? [];
  const csv = `/api/v1/audit-log?${new URLSearchParams({ ...(filter as Record<string, string>), format: 'csv' })}`;

  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          审计日志
        </Typography.Title>
      }
      extra={<Button href={csv}>导出 CSV</Button>}
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Select
          aria-label="操作"
          placeholder="全部操作"
          allowClear
          style={{ width: 160 }}
          value={action}
          onChange={setAction}
          options={optionsOf(auditActionLabels)}
        />
        <Select
          aria-label="设置项"
          placeholder="全部对象"
          allowClear
          style={{ width: 150 }}
          value={what}
          onChange={setWhat}
          options={optionsOf(settingLabels)}
        />
        <Select
          aria-label="人员"
          placeholder="全部人员"
          allowClear
          showSearch
          optionFilterProp="label"
          style={{ width: 160 }}
          value={userId}
          onChange={setUserId}
          options={(users ?? []).map((u) => ({ value: u.id, label: u.displayName }))}
        />
        <DatePicker.RangePicker
          aria-label="时间范围"
          value={range}
          onChange={(value) => setRange(value?.[0] && value[1] ? [value[0], value[1]] : null)}
        />
      </Space>
      <Table<Entry>
        rowKey="id"
        size="small"
        loading={pages.isLoading}
        dataSource={rows}
        pagination={false}
        columns={[
          { title: '时间', dataIndex: 'at', width: 150, render: (at: string) => beijing(at).format('YYYY-MM-DD HH:mm:ss') },
          { title: '操作', dataIndex: 'action', width: 110, render: (a: string) => auditActionLabels[a] ?? a },
          { title: '操作人', dataIndex: 'actorName', width: 110, render: (name: string | null) => name ?? '—' },
          { title: '对象', dataIndex: 'target', width: 160, render: (target: string | null) => targetLabel(target) || '—' },
          {
            title: '内容',
            key: 'details',
            render: (_, e) =>
              e.action.startsWith('settings.') ? (
                <ChangeDiff before={e.details.before} after={e.details.after} labels={fieldLabels} />
              ) : (
                <Typography.Text type="secondary">
                  {Object.entries(e.details)
                    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
                    .join('；')}
                </Typography.Text>
              ),
          },
          { title: 'IP', dataIndex: 'ip', width: 120, render: (ip: string | null) => ip ?? '—' },
        ]}
      />
      {pages.hasNextPage && (
        <Button block style={{ marginTop: 12 }} loading={pages.isFetchingNextPage} onClick={() => pages.fetchNextPage()}>
          加载更早的记录
        </Button>
      )}
    </Card>
  );
}
