import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Form,
  Input,
  InputNumber,
  List,
  Row,
  Select,
  Space,
  Steps,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useParams } from 'react-router';
import { tone } from '../../tone';
import { api, errorText } from '../../api/client';
import type { components } from '../../api/schema';
import { approvalStatusLabels, companionLabels, projectStageLabels } from '../../labels';
import { useMe } from '../../session';
import { beijing, shortTime } from '../../time';
import { useDepartments } from '../reference';

type Project = components['schemas']['Project'];
type Person = Project['companions']['agentA'];
const stages = ['attraction', 'construction', 'operation'] as const;
const stageCompanion = { attraction: 'liaison', construction: 'agentA', operation: 'resident' } as const;
const approvalColors = { pending: undefined, in_progress: tone.info, approved: tone.good, refused: tone.bad } as const;

/**
 * One project on one page: its three stages and companions (who is away, who of the A/B pair is on duty), the
 * approvals with their deadlines, problems raised and solved, appointments (outside office hours marked), its record.
 */
export function ProjectPage() {
  const id = Number(useParams().id);
  const { me } = useMe();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const { data: project } = useQuery({
    queryKey: ['projects', id],
    queryFn: async () => (await api.GET('/api/v1/projects/{id}', { params: { path: { id } } })).data,
  });
  const change = useMutation({
    mutationFn: async (run: () => Promise<{ data?: unknown; error?: unknown }>) => {
      const { data, error } = await run();
      if (data === undefined) throw new Error(errorText(error));
    },
    onSuccess: () => {
      void message.success('已记录');
      void queryClient.invalidateQueries({ queryKey: ['projects'] });
    },
    onError: (error: Error) => void message.error(error.message),
  });
  if (!project || !me) return null;
  const path = { params: { path: { id } } };
  const may = project.may.act;
  const stageIndex = stages.indexOf(project.stage);
  const person = (p: Person | null) =>
    p ? (
      <Space size={4}>
        {p.displayName}
        {p.awayUntil && <Tag color={tone.warn}>不在岗至 {shortTime(p.awayUntil)}</Tag>}
      </Space>
    ) : (
      '—'
    );
  const away = (userId: number, until: Dayjs | null) =>
    change.mutate(() =>
      until
        ? api.PUT('/api/v1/projects/absences/{id}', {
            params: { path: { id: userId } },
            body: { until: until.endOf('day').toISOString(), note: null },
          })
        : api
            .DELETE('/api/v1/projects/absences/{id}', { params: { path: { id: userId } } })
            .then((r) => ({ ...r, data: r.response.ok ? {} : undefined })),
    );
  const pair = [
    { key: 'A', p: project.companions.agentA },
    { key: 'B', p: project.companions.agentB },
  ];

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={
          <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
            {project.name}
          </Typography.Title>
        }
        extra={
          may &&
          stageIndex < stages.length - 1 && (
            <Button
              onClick={() => change.mutate(() => api.PATCH('/api/v1/projects/{id}', { ...path, body: { stage: stages[stageIndex + 1] } }))}
            >
              {`进入${projectStageLabels[stages[stageIndex + 1]!]}阶段`}
            </Button>
          )
        }
      >
        <Descriptions size="small" column={{ xs: 1, md: 3 }} style={{ marginBottom: 16 }}>
          <Descriptions.Item label="企业">{project.enterpriseName}</Descriptions.Item>
          <Descriptions.Item label="统一社会信用代码">{project.creditCode ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="投资额">{project.investmentWan === null ? '—' : `${project.investmentWan} 万元`}</Descriptions.Item>
          <Descriptions.Item label="企业联系人">{project.contactName ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="联系电话">{project.contactPhone ?? '—'}</Descriptions.Item>
        </Descriptions>
        <Steps
          current={stageIndex}
          items={stages.map((stage) => {
            const who = stageCompanion[stage];
            return {
              title: projectStageLabels[stage],
              description:
                who === 'agentA' ? (
                  <Space direction="vertical" size={0}>
                    {pair.map(({ key, p }) => (
                      <span key={key}>
                        {`${key}岗：`}
                        {person(p)}
                        {project.onDutyAgentUserId === p.userId && <Tag color={tone.good}>在岗</Tag>}
                      </span>
                    ))}
                  </Space>
                ) : (
                  <span>
                    {companionLabels[who]}：{person(project.companions[who])}
                  </span>
                ),
            };
          })}
        />
        {pair.some(({ p }) => p.userId === me.userId || project.may.manage) && (
          <Space wrap style={{ marginTop: 16 }}>
            {pair
              .filter(({ p }) => p.userId === me.userId || project.may.manage)
              .map(({ key, p }) =>
                p.awayUntil ? (
                  <Button key={key} onClick={() => away(p.userId, null)}>{`${p.displayName} 返岗`}</Button>
                ) : (
                  <DatePicker
                    key={key}
                    aria-label={`${p.displayName} 不在岗至`}
                    placeholder={`${key}岗 ${p.displayName} 不在岗至`}
                    inputReadOnly
                    disabledDate={(d) => d.isBefore(beijing(), 'day')}
                    onChange={(d) => d && away(p.userId, d)}
                    style={{ width: 240 }}
                  />
                ),
              )}
          </Space>
        )}
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Approvals project={project} may={may} change={change.mutate} />
        </Col>
        <Col xs={24} lg={10}>
          <Problems project={project} may={may} change={change.mutate} />
        </Col>
        <Col xs={24} lg={14}>
          <Meetings project={project} may={may} change={change.mutate} />
        </Col>
        <Col xs={24} lg={10}>
          <Section title="项目记录">
            <Timeline
              items={project.events.map((e) => ({
                color: e.kind === 'overdue' ? 'red' : e.kind === 'takeover' ? 'orange' : 'blue',
                children: (
                  <>
                    <Typography.Text type="secondary">{`${shortTime(e.at)} ${e.actorName}`}</Typography.Text>
                    <div>{e.text}</div>
                  </>
                ),
              }))}
            />
          </Section>
        </Col>
      </Row>
    </Space>
  );
}

type Change = (run: () => Promise<{ data?: unknown; error?: unknown }>) => void;
interface PartProps {
  project: Project;
  may: boolean;
  change: Change;
}

function Approvals({ project, may, change }: PartProps) {
  const { options: departments } = useDepartments();
  const [form] = Form.useForm<{ name: string; departmentId?: number; workingDays: number }>();
  const path = { params: { path: { id: project.id } } };
  const set = (approvalId: number, status: 'in_progress' | 'approved' | 'refused') =>
    change(() =>
      api.PATCH('/api/v1/projects/{id}/approvals/{approvalId}', { params: { path: { id: project.id, approvalId } }, body: { status } }),
    );
  return (
    <Section title="审批事项">
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={project.approvals}
        locale={{ emptyText: <Typography.Text type="secondary">暂无审批事项</Typography.Text> }}
        columns={[
          { title: '事项', dataIndex: 'name' },
          { title: '部门', dataIndex: 'departmentName', render: (d: string | null) => d ?? '—' },
          {
            title: '时限',
            dataIndex: 'dueOn',
            render: (d: string, a) => (
              <>
                {d}
                {a.overdue && (
                  <Tag color={tone.bad} style={{ marginLeft: 6 }}>
                    超期
                  </Tag>
                )}
              </>
            ),
          },
          {
            title: '状态',
            dataIndex: 'status',
            render: (s: keyof typeof approvalColors) => <Tag color={approvalColors[s]}>{approvalStatusLabels[s]}</Tag>,
          },
          ...(may
            ? [
                {
                  title: '操作',
                  render: (_: unknown, a: Project['approvals'][number]) =>
                    a.status === 'approved' || a.status === 'refused' ? null : (
                      <Space size={4} wrap>
                        {a.status === 'pending' && (
                          <Button size="small" onClick={() => set(a.id, 'in_progress')}>
                            开始办理
                          </Button>
                        )}
                        <Button size="small" type="primary" onClick={() => set(a.id, 'approved')}>
                          {`${a.name}办结`}
                        </Button>
                      </Space>
                    ),
                },
              ]
            : []),
        ]}
      />
      {may && (
        <Form
          form={form}
          layout="inline"
          style={{ marginTop: 12, rowGap: 8 }}
          aria-label="新增审批事项"
          initialValues={{ workingDays: 5 }}
          onFinish={(v) => {
            change(() =>
              api.POST('/api/v1/projects/{id}/approvals', {
                ...path,
                body: { name: v.name, departmentId: v.departmentId ?? null, workingDays: v.workingDays },
              }),
            );
            form.resetFields();
          }}
        >
          <Form.Item name="name" rules={[{ required: true, message: '请填写审批事项' }]}>
            <Input placeholder="审批事项" aria-label="审批事项" style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="departmentId">
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder="审批部门"
              aria-label="审批部门"
              options={departments}
              style={{ width: 180 }}
            />
          </Form.Item>
          <Form.Item name="workingDays" label="时限（工作日）">
            <InputNumber min={1} max={365} style={{ width: 72 }} />
          </Form.Item>
          <Button htmlType="submit">新增</Button>
        </Form>
      )}
    </Section>
  );
}

function Problems({ project, may, change }: PartProps) {
  const [form] = Form.useForm<{ description: string }>();
  return (
    <Section title="问题清单">
      <List
        size="small"
        dataSource={project.problems}
        locale={{ emptyText: <Typography.Text type="secondary">暂无问题</Typography.Text> }}
        renderItem={(q) => (
          <List.Item aria-label={q.description}>
            <Space direction="vertical" size={2} style={{ width: '100%' }}>
              <span>
                {q.description}
                {q.solvedAt ? (
                  <Tag color={tone.good} style={{ marginLeft: 6 }}>
                    已解决
                  </Tag>
                ) : (
                  <Tag color={tone.warn} style={{ marginLeft: 6 }}>
                    待解决
                  </Tag>
                )}
              </span>
              <Typography.Text type="secondary">{`${q.raisedBy ?? ''} ${shortTime(q.raisedAt)}${q.solution ? `・${q.solution}` : ''}`}</Typography.Text>
              {may && !q.solvedAt && (
                <Input.Search
                  aria-label={`解决办法：${q.description}`}
                  placeholder="解决办法"
                  enterButton="已解决"
                  onSearch={(solution) =>
                    solution.trim().length >= 2 &&
                    change(() =>
                      api.POST('/api/v1/projects/{id}/problems/{problemId}/solve', {
                        params: { path: { id: project.id, problemId: q.id } },
                        body: { solution },
                      }),
                    )
                  }
                />
              )}
            </Space>
          </List.Item>
        )}
      />
      {may && (
        <Form
          form={form}
          style={{ marginTop: 12 }}
          onFinish={(v) => {
            change(() =>
              api.POST('/api/v1/projects/{id}/problems', {
                params: { path: { id: project.id } },
                body: { description: v.description, departmentId: null },
              }),
            );
            form.resetFields();
          }}
        >
          <Form.Item name="description" rules={[{ required: true, min: 2, message: '请填写企业反映的问题' }]} style={{ marginBottom: 8 }}>
            <Input.TextArea rows={2} placeholder="企业反映的问题" aria-label="企业反映的问题" />
          </Form.Item>
          <Button htmlType="submit">记录问题</Button>
        </Form>
      )}
    </Section>
  );
}

function Meetings({ project, may, change }: PartProps) {
  const [form] = Form.useForm<{ range: [Dayjs, Dayjs]; place: string; purpose: string }>();
  return (
    <Section title="预约服务">
      <List
        size="small"
        dataSource={project.meetings}
        locale={{ emptyText: <Typography.Text type="secondary">暂无预约</Typography.Text> }}
        renderItem={(m) => (
          <List.Item>
            {`${shortTime(m.startsAt)}–${beijing(m.endsAt).format('HH:mm')} ${m.place}：${m.purpose}`}
            {m.outOfHours && (
              <Tag color={tone.special} style={{ marginLeft: 6 }}>
                非工作时间
              </Tag>
            )}
          </List.Item>
        )}
      />
      {may && (
        <Form
          form={form}
          layout="inline"
          style={{ marginTop: 12, rowGap: 8 }}
          aria-label="新增预约"
          onFinish={(v) => {
            change(() =>
              api.POST('/api/v1/projects/{id}/meetings', {
                params: { path: { id: project.id } },
                body: { startsAt: v.range[0].toISOString(), endsAt: v.range[1].toISOString(), place: v.place, purpose: v.purpose },
              }),
            );
            form.resetFields();
          }}
        >
          <Form.Item name="range" rules={[{ required: true, message: '请选择时间' }]}>
            <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="MM-DD HH:mm" aria-label="预约时间" inputReadOnly />
          </Form.Item>
          <Form.Item name="place" rules={[{ required: true, min: 2, message: '请填写地点' }]}>
            <Input placeholder="地点" aria-label="地点" style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="purpose" rules={[{ required: true, min: 2, message: '请填写事由' }]}>
            <Input placeholder="事由" aria-label="事由" style={{ width: 180 }} />
          </Form.Item>
          <Button htmlType="submit">预约</Button>
        </Form>
      )}
    </Section>
  );
}

/** A part of the project's page: a small card under its heading. */
function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Card
      size="small"
      title={
        <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
          {title}
        </Typography.Title>
      }
    >
      {children}
    </Card>
  );
}
