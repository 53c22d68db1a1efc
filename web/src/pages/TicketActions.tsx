import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, DatePicker, Form, Input, Modal, Radio, Select, Space, TreeSelect } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { api, errorText, type TicketDetail } from '../api/client';
import { optionsOf, replyResultLabels, returnReasonLabels } from '../labels';
import { Deadline, plainDue, useNow } from './Deadline';
import { PhotoPicker } from './Media';
import { beijing } from '../time';
import { actionForms, contactMethods, type Allowed, type FieldSpec } from './action-forms';

/** Reference data a form may need, fetched when the form opens. */
function useChoices(kinds: Set<string>, ticket: TicketDetail) {
  const departments = useQuery({
    queryKey: ['departments'],
    staleTime: 10 * 60_000,
    enabled: kinds.has('department') || kinds.has('departments'),
    queryFn: async () => (await api.GET('/api/v1/departments', { params: { query: { active: 'true' } } })).data?.items ?? [],
  });
  const categories = useQuery({
    queryKey: ['categories'],
    staleTime: 10 * 60_000,
    enabled: kinds.has('category'),
    queryFn: async () => (await api.GET('/api/v1/categories')).data?.items ?? [],
  });
  const departmentId = ticket.leadDepartment?.id;
  const users = useQuery({
    queryKey: ['users', departmentId],
    enabled: kinds.has('user') && departmentId !== undefined,
    queryFn: async () => (await api.GET('/api/v1/users', { params: { query: { departmentId } } })).data?.items ?? [],
  });
  const leaders = useQuery({
    queryKey: ['hard-case-leaders'],
    staleTime: 10 * 60_000,
    enabled: kinds.has('leader'),
    queryFn: async () => (await api.GET('/api/v1/hard-cases/leaders')).data?.items ?? [],
  });
  const matters = useQuery({
    queryKey: ['proxy-matters'],
    staleTime: 10 * 60_000,
    enabled: kinds.has('matter'),
    queryFn: async () => (await api.GET('/api/v1/proxy/matters')).data?.items ?? [],
  });
  return {
    matters: (matters.data ?? []).filter((m) => m.active).map((m) => ({ value: m.name, label: m.name })),
    leaders: (leaders.data ?? []).map((u) => ({ value: u.id, label: u.displayName })),
    departments: (departments.data ?? []).map((d) => ({ value: d.id, label: d.name })),
    categories: (categories.data ?? []).map((c) => ({
      value: c.id,
      title: c.name,
      children: c.children.map((child) => ({ value: child.id, title: child.name })),
    })),
    users: (users.data ?? []).filter((u) => u.active).map((u) => ({ value: u.id, label: `${u.displayName}${u.onDuty ? '' : '（离岗）'}` })),
  };
}

/** 常用语: the department's canned replies; one picked fills the field, its placeholders from the ticket. */
function CannedReplies({ field, ticket }: { field: string; ticket: TicketDetail }) {
  const form = Form.useFormInstance();
  const { data } = useQuery({
    queryKey: ['canned-replies'],
    staleTime: 5 * 60_000,
    queryFn: async () => (await api.GET('/api/v1/canned-replies')).data?.items ?? [],
  });
  if (!data || data.length === 0) return null;
  const fill = (body: string) =>
    body
      .replaceAll('{工单号}', ticket.number)
      .replaceAll('{承办单位}', ticket.leadDepartment?.name ?? '')
      .replaceAll('{今天}', beijing().format('M月D日'));
  return (
    <Form.Item label="常用语">
      <Select
        aria-label="常用语"
        placeholder="选择常用语填入"
        options={data.map((r) => ({ value: r.id, label: r.title }))}
        onChange={(id: number) => form.setFieldValue(field, fill(data.find((r) => r.id === id)!.body))}
      />
    </Form.Item>
  );
}

function Field({ spec, choices, ticket }: { spec: FieldSpec; choices: ReturnType<typeof useChoices>; ticket: TicketDetail }) {
  const rules = spec.required ? [{ required: true, message: `请填写${spec.label}` }] : [];
  const search = { optionFilterProp: 'label' };
  switch (spec.kind) {
    case 'text':
      return (
        <>
          {spec.canned && <CannedReplies field={spec.name} ticket={ticket} />}
          <Form.Item label={spec.label} name={spec.name} rules={rules}>
            <Input.TextArea rows={4} />
          </Form.Item>
        </>
      );
    case 'replyResult':
      return (
        <Form.Item label={spec.label} name={spec.name} rules={rules}>
          <Radio.Group options={optionsOf(replyResultLabels)} />
        </Form.Item>
      );
    case 'photos':
      return (
        <Form.Item label={spec.label} name={spec.name}>
          <PhotoPicker ticketId={ticket.id} />
        </Form.Item>
      );
    case 'department':
      return (
        <Form.Item label={spec.label} name={spec.name} rules={rules}>
          <Select allowClear showSearch={search} options={choices.departments} aria-label={spec.label} />
        </Form.Item>
      );
    case 'departments':
      return (
        <Form.Item label={spec.label} name={spec.name} rules={rules}>
          <Select mode="multiple" allowClear showSearch={search} options={choices.departments} aria-label={spec.label} />
        </Form.Item>
      );
    case 'user':
      return (
        <Form.Item label={spec.label} name={spec.name} rules={rules}>
          <Select showSearch={search} options={choices.users} aria-label={spec.label} />
        </Form.Item>
      );
    case 'category':
      return (
        <Form.Item label={spec.label} name={spec.name} rules={rules}>
          <TreeSelect treeData={choices.categories} aria-label={spec.label} />
        </Form.Item>
      );
    case 'returnReason':
      return (
        <Form.Item label={spec.label} name={spec.name} rules={rules}>
          <Radio.Group options={optionsOf(returnReasonLabels)} />
        </Form.Item>
      );
    case 'contactMethod':
      return (
        <Form.Item label={spec.label} name={spec.name} rules={rules}>
          <Radio.Group options={contactMethods} />
        </Form.Item>
      );
    case 'decision':
      return (
        <Form.Item label={spec.label} name={spec.name} rules={rules}>
          <Radio.Group options={spec.choices} />
        </Form.Item>
      );
    case 'leader':
      return (
        <Form.Item label={spec.label} name={spec.name} rules={rules}>
          <Select options={choices.leaders} aria-label={spec.label} />
        </Form.Item>
      );
    case 'matter':
      return (
        <Form.Item label={spec.label} name={spec.name} rules={rules}>
          <Select showSearch={search} options={choices.matters} aria-label={spec.label} />
        </Form.Item>
      );
    case 'day':
      // A calendar day, sent as YYYY-MM-DD.
      return (
        <Form.Item
          label={spec.label}
          name={spec.name}
          rules={rules}
          normalize={(day: Dayjs | null) => day?.format('YYYY-MM-DD')}
          getValueProps={(day?: string) => ({ value: day ? dayjs(day) : undefined })}
        >
          <DatePicker format="YYYY-MM-DD" aria-label={spec.label} />
        </Form.Item>
      );
    case 'date':
      return (
        <Form.Item label={spec.label} name={spec.name} rules={rules}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" aria-label={spec.label} />
        </Form.Item>
      );
    case 'ticketNumber':
      return (
        <Form.Item label={spec.label} name={spec.name} rules={[...rules, { pattern: /^\d{8}-\d{5}$/, message: '工单号如 20261204-00001' }]}>
          <Input placeholder="20261204-00001" />
        </Form.Item>
      );
  }
}

/** The form's values as the action's API body: dates as ISO instants, a ticket number as its id, empty fields left out. */
async function bodyOf(values: Record<string, unknown>): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    if (key === 'intoTicketNumber') {
      const found = (await api.GET('/api/v1/tickets', { params: { query: { q: String(value), limit: 1 } } })).data?.items[0];
      if (!found || found.number !== value) throw new Error(`没有工单 ${String(value)}`);
      body.intoTicketId = found.id;
    } else body[key] = typeof (value as Dayjs).toISOString === 'function' ? (value as Dayjs).toISOString() : value;
  }
  return body;
}

/** 退单's window: how long the lead department may still return the ticket (the API refuses it after). */
function ReturnWindow({ ticket }: { ticket: TicketDetail }) {
  const now = useNow();
  const until = ticket.assignments.find((a) => a.returnableUntil !== null)?.returnableUntil ?? null;
  if (!until) return null;
  return (
    <Alert
      type={new Date(until).getTime() > now ? 'info' : 'error'}
      showIcon
      style={{ marginBottom: 16 }}
      title={
        <span>
          退单时限 <Deadline due={plainDue(until)} overdue={false} paused={false} now={now} />
          ；逾期请联系热线中心转派
        </span>
      }
    />
  );
}

/** The buttons of the actions this user may take on the ticket now, each with its form. */
export function TicketActions({ ticket }: { ticket: TicketDetail }) {
  const [open, setOpen] = useState<Allowed>();
  const [form] = Form.useForm<Record<string, unknown>>();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const fields = open ? (actionForms[open.action] ?? []) : [];
  const choices = useChoices(new Set(fields.map((f) => f.kind)), ticket);
  const perform = useMutation({
    mutationFn: async ({ action, values }: { action: Allowed; values: Record<string, unknown> }) => {
      const path = `/api/v1/tickets/{id}/${action.path}` as '/api/v1/tickets/{id}/note';
      const { data, error } = await api.POST(path, {
        params: { path: { id: ticket.id } },
        body: { ...(await bodyOf(values)), expectedVersion: ticket.version } as never,
      });
      if (!data) throw new Error(errorText(error));
      return data as unknown;
    },
    onSuccess: (answer, { action }) => {
      setOpen(undefined);
      form.resetFields();
      if (action.action === 'reveal_contact') {
        const contact = (answer as { contact?: { name: string | null; phone: string | null } }).contact;
        void message.info(`来电人：${contact?.name ?? ''} ${contact?.phone ?? ''}（已记录查看）`, 8);
      } else void message.success(`${action.label}：已完成`);
      void queryClient.invalidateQueries({ queryKey: ['ticket', ticket.id] });
      void queryClient.invalidateQueries({ queryKey: ['tickets'] });
    },
    onError: (error: Error) => void message.error(error.message),
  });

  const offered = ticket.allowedActions.filter((a) => actionForms[a.action] !== undefined);
  if (offered.length === 0) return null;
  return (
    <>
      <Space wrap style={{ marginBottom: 16 }}>
        {offered.map((a) => (
          <Button
            key={a.action}
            type={a.action === 'dispatch' || a.action === 'sign_for' || a.action === 'reply' ? 'primary' : 'default'}
            onClick={() => setOpen(a)}
          >
            {a.label}
          </Button>
        ))}
      </Space>
      <Modal
        open={open !== undefined}
        title={open?.label}
        okText="确定"
        cancelText="取消"
        confirmLoading={perform.isPending}
        onOk={() => form.submit()}
        onCancel={() => setOpen(undefined)}
        destroyOnHidden
      >
        {open?.action === 'return' && <ReturnWindow ticket={ticket} />}
        <Form form={form} layout="vertical" onFinish={(values) => open && perform.mutate({ action: open, values })} preserve={false}>
          {fields.map((spec) => (
            <Field key={spec.name} spec={spec} choices={choices} ticket={ticket} />
          ))}
        </Form>
      </Modal>
    </>
  );
}
