import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, InputNumber, Modal, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { tone } from '../../tone';
import { api, errorText, type Me } from '../../api/client';
import { companionLabels, projectStageLabels } from '../../labels';
import { useMe } from '../../session';
import { useDepartments } from '../reference';

/** The center opens ledgers and names the companions; companions see their projects. */
export const projectManagers = new Set(['supervisor', 'director', 'admin']);

/** Active staff to name as companions (三员). */
export function useStaff(enabled: boolean) {
  return useQuery({
    queryKey: ['users', 'staff'],
    enabled,
    staleTime: 5 * 60_000,
    queryFn: async () => ((await api.GET('/api/v1/users')).data?.items ?? []).filter((u) => u.active && u.role !== 'county_leader'),
  });
}

/** 项目帮办: the project ledgers — stage, the A/B pair (who is on duty), approvals open and overdue, problems open. */
export function Projects() {
  const { me } = useMe();
  const navigate = useNavigate();
  const { data } = useQuery({
    queryKey: ['projects'],
    queryFn: async () => (await api.GET('/api/v1/projects', { params: { query: { status: 'active' } } })).data?.items ?? [],
  });
  const [opening, setOpening] = useState(false);
  if (!me) return null;
  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          项目帮办（项目台账）
        </Typography.Title>
      }
      extra={
        projectManagers.has(me.role) && (
          <Button type="primary" onClick={() => setOpening(true)}>
            新建项目台账
          </Button>
        )
      }
    >
      <Table
        rowKey="id"
        size="small"
        dataSource={data ?? []}
        pagination={false}
        locale={{ emptyText: <Typography.Text type="secondary">暂无项目</Typography.Text> }}
        columns={[
          { title: '项目', dataIndex: 'name', render: (name: string, p) => <Link to={`/projects/${p.id}`}>{name}</Link> },
          { title: '企业', dataIndex: 'enterpriseName' },
          { title: '阶段', dataIndex: 'stage', render: (s: keyof typeof projectStageLabels) => projectStageLabels[s] },
          {
            title: '待办审批',
            render: (_, p) => (
              <>
                {p.approvalsOpen}
                {p.approvalsOverdue > 0 && (
                  <Tag color={tone.bad} style={{ marginLeft: 8 }}>
                    超期 {p.approvalsOverdue}
                  </Tag>
                )}
              </>
            ),
          },
          { title: '未解决问题', dataIndex: 'problemsOpen' },
          {
            title: '全程代办员在岗',
            render: (_, p) => (p.onDutyAgentUserId === p.agentAUserId ? 'A岗' : <Tag color={tone.warn}>A岗不在岗，B岗接办</Tag>),
          },
        ]}
      />
      {opening && <OpenProject me={me} onClose={() => setOpening(false)} onOpened={(id) => navigate(`/projects/${id}`)} />}
    </Card>
  );
}

interface OpenValues {
  name: string;
  enterpriseName: string;
  creditCode?: string;
  contactName?: string;
  contactPhone?: string;
  investmentWan?: number;
  departmentId?: number;
  liaisonUserId?: number;
  agentAUserId: number;
  agentBUserId: number;
  residentUserId?: number;
}

function OpenProject({ me, onClose, onOpened }: { me: Me; onClose: () => void; onOpened: (id: number) => void }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<OpenValues>();
  const { data: staff } = useStaff(projectManagers.has(me.role));
  const { options: departments } = useDepartments();
  const people = (staff ?? []).map((u) => ({ value: u.id, label: u.displayName }));
  const open = useMutation({
    mutationFn: async (v: OpenValues) => {
      const { data, error } = await api.POST('/api/v1/projects', {
        body: {
          ...v,
          creditCode: v.creditCode || null,
          contactName: v.contactName || null,
          contactPhone: v.contactPhone || null,
          investmentWan: v.investmentWan ?? null,
          departmentId: v.departmentId ?? null,
          liaisonUserId: v.liaisonUserId ?? null,
          residentUserId: v.residentUserId ?? null,
        },
      });
      if (!data) throw new Error(errorText(error));
      return data;
    },
    onSuccess: (project) => {
      void message.success('项目台账已建立，三员已收到通知');
      void queryClient.invalidateQueries({ queryKey: ['projects'] });
      onOpened(project.id);
    },
    onError: (error: Error) => void message.error(error.message),
  });
  const person = (name: keyof OpenValues, label: string, required = false) => (
    <Form.Item label={label} name={name} rules={required ? [{ required: true, message: `请选择${label}` }] : []}>
      <Select showSearch={{ optionFilterProp: 'label' }} allowClear={!required} options={people} aria-label={label} />
    </Form.Item>
  );
  return (
    <Modal
      open
      title="新建项目台账"
      okText="建立"
      onOk={() => form.submit()}
      confirmLoading={open.isPending}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(v) => open.mutate(v)}>
        <Form.Item label="项目名称" name="name" rules={[{ required: true, message: '请填写项目名称' }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item label="企业名称" name="enterpriseName" rules={[{ required: true, message: '请填写企业名称' }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item label="统一社会信用代码" name="creditCode" rules={[{ pattern: /^[0-9A-Z]{18}$/, message: '18 位数字或大写字母' }]}>
          <Input maxLength={18} />
        </Form.Item>
        <Form.Item label="企业联系人" name="contactName">
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item label="联系电话" name="contactPhone">
          <Input maxLength={20} />
        </Form.Item>
        <Form.Item label="投资额（万元）" name="investmentWan">
          <InputNumber min={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item label="联点部门" name="departmentId">
          <Select showSearch={{ optionFilterProp: 'label' }} allowClear aria-label="联点部门" options={departments} />
        </Form.Item>
        {person('liaisonUserId', companionLabels.liaison)}
        {person('agentAUserId', companionLabels.agentA, true)}
        {person('agentBUserId', companionLabels.agentB, true)}
        {person('residentUserId', companionLabels.resident)}
      </Form>
    </Modal>
  );
}
