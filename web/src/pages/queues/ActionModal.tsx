import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { App, Form, Modal, type FormInstance } from 'antd';
import type { ReactNode } from 'react';
import { errorText } from '../../api/client';

/**
 * A queue row's action as a form in a modal: the API's refusal is shown and the form stays; done, it
 * closes, and the queue (`stale`) and the queues' counts reload.
 */
export function ActionModal<T extends object>({
  form,
  title,
  open,
  onClose,
  submit,
  stale,
  initialValues,
  children,
}: {
  form: FormInstance<T>;
  title: string;
  open: boolean;
  onClose: () => void;
  submit: (values: T) => Promise<{ error?: unknown }>;
  stale: QueryKey;
  initialValues?: Partial<T>;
  children: ReactNode;
}) {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const finish = async (values: T) => {
    const { error } = await submit(values);
    if (error) return void message.error(errorText(error));
    onClose();
    form.resetFields();
    void queryClient.invalidateQueries({ queryKey: stale });
    void queryClient.invalidateQueries({ queryKey: ['queues'] });
  };
  return (
    <Modal open={open} title={title} okText="确定" onOk={() => form.submit()} onCancel={onClose} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={initialValues} onFinish={finish}>
        {children}
      </Form>
    </Modal>
  );
}
