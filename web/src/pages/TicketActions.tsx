import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Checkbox, Form, Input, Modal, Space } from 'antd';
import { useState } from 'react';
import { api, errorText, type TicketDetail } from '../api/client';

type Allowed = TicketDetail['allowedActions'][number];
type Field = 'note' | 'reason' | 'text' | 'answer' | 'purpose';

/**
 * The form each action needs: which text it takes and whether it must be given. Which actions a
 * user may take is the API's answer (allowedActions), never decided here; an action whose form is
 * not here yet (派单 to a chosen department, 退单 with its reason code, 延期, 并单 …) is not offered.
 */
const forms: Partial<Record<Allowed['action'], { field?: Field; required?: boolean; solved?: true }>> = {
  dispatch: {},
  sign_for: { field: 'note' },
  assist_sign_for: { field: 'note' },
  assist_report: { field: 'text', required: true },
  reply: { field: 'text', required: true, solved: true },
  pause_clocks: { field: 'reason', required: true },
  resume_clocks: { field: 'note' },
  urge: { field: 'note', required: true },
  supervise: { field: 'note', required: true },
  answer_supervision: { field: 'text', required: true },
  resolve_directly: { field: 'answer', required: true },
  close: { field: 'note' },
  cancel: { field: 'reason', required: true },
  reopen: { field: 'reason', required: true },
  note: { field: 'text', required: true },
  reveal_contact: { field: 'purpose', required: true },
  flag_hard_case: { field: 'reason', required: true },
  hard_case_rep_onsite: { field: 'note', required: true },
  hard_case_head_onsite: { field: 'note', required: true },
  hard_case_answer: { field: 'text', required: true },
};

const fieldLabels: Record<Field, string> = { note: '说明', reason: '原因', text: '内容', answer: '答复内容', purpose: '查看事由' };

/** The buttons of the actions this user may take on the ticket now, each with its form. */
export function TicketActions({ ticket }: { ticket: TicketDetail }) {
  const [open, setOpen] = useState<Allowed>();
  const [form] = Form.useForm<Record<string, unknown>>();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const perform = useMutation({
    mutationFn: async ({ action, body }: { action: Allowed; body: Record<string, unknown> }) => {
      const path = `/api/v1/tickets/{id}/${action.path}` as '/api/v1/tickets/{id}/note';
      const { data, error } = await api.POST(path, {
        params: { path: { id: ticket.id } },
        body: { ...body, expectedVersion: ticket.version } as never,
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

  const offered = ticket.allowedActions.filter((a) => forms[a.action] !== undefined);
  if (offered.length === 0) return null;
  const spec = open ? forms[open.action]! : undefined;
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
        {open?.action === 'dispatch' && <p>按派单目录派至建议的承办单位。</p>}
        <Form form={form} layout="vertical" onFinish={(values) => open && perform.mutate({ action: open, body: values })} preserve={false}>
          {spec?.field && (
            <Form.Item
              label={fieldLabels[spec.field]}
              name={spec.field}
              rules={spec.required ? [{ required: true, message: `请填写${fieldLabels[spec.field]}` }] : []}
            >
              <Input.TextArea rows={4} autoFocus />
            </Form.Item>
          )}
          {spec?.solved && (
            <Form.Item name="solved" valuePropName="checked" initialValue={true}>
              <Checkbox>问题已解决</Checkbox>
            </Form.Item>
          )}
        </Form>
      </Modal>
    </>
  );
}
