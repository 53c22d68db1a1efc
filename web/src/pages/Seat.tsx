import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Form, Input, Radio, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, errorText, type NewTicket } from '../api/client';
import { requestTypeLabels, urgencyLabels } from '../labels';
import { clearDraft, loadDraft, saveDraft } from '../session';
import { CallerPanel } from './CallerPanel';
import { SuggestionPanel, type Suggestion } from './SuggestionPanel';

interface CallForm {
  categoryId?: number;
  categoryName?: string;
  phone?: string;
  name?: string;
  anonymous?: boolean;
  confidential?: boolean;
  requestType: Exclude<NewTicket['requestType'], 'proxy'>;
  urgency: NewTicket['urgency'];
  description: string;
  address?: string;
}

const draftKey = 'seat-call';

/**
 * 受理: one screen, keyboard only. The fields in the order of a call (who, what, where); Ctrl+Enter
 * submits from anywhere in the form. The draft survives a sign-in again.
 */
export function Seat() {
  const [form] = Form.useForm<CallForm>();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string>();
  const create = useMutation({
    mutationFn: async (values: CallForm) => {
      const caller = {
        phone: values.phone || undefined,
        name: values.name || undefined,
        anonymous: !!values.anonymous,
        confidential: !!values.confidential,
      };
      const { data, error } = await api.POST('/api/v1/tickets', {
        body: {
          channel: 'phone',
          requestType: values.requestType,
          urgency: values.urgency,
          description: values.description,
          address: values.address || undefined,
          categoryId: values.categoryId,
          caller,
        },
      });
      if (!data) throw new Error(errorText(error));
      return data;
    },
    onSuccess: (ticket) => {
      clearDraft(draftKey);
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: ['tickets'] });
      navigate(`/tickets/${ticket.id}`, { state: { created: ticket.number } });
    },
    onError: (e: Error) => setError(e.message),
  });

  // A call taken from the pop-up (/seat?phone=…) starts a new form with the caller's number.
  const [params, setParams] = useSearchParams();
  const calling = params.get('phone');
  useEffect(() => {
    if (calling !== null) {
      form.resetFields();
      form.setFieldsValue({ phone: calling });
      saveDraft(draftKey, form.getFieldsValue());
      setParams({}, { replace: true });
      return;
    }
    const draft = loadDraft<CallForm>(draftKey);
    if (draft) form.setFieldsValue(draft);
  }, [form, calling, setParams]);
  const phone = Form.useWatch('phone', form);
  const description = Form.useWatch('description', form);
  const address = Form.useWatch('address', form);
  const categoryName = Form.useWatch('categoryName', form);
  // Taking a suggestion sets the category (and, for the first, type and urgency); the operator may still change them.
  const take = (s: Suggestion) => {
    form.setFieldsValue({
      categoryId: s.categoryId,
      categoryName: s.categoryName,
      ...(s.requestType && s.requestType !== 'proxy' ? { requestType: s.requestType } : {}),
      ...(s.urgency ? { urgency: s.urgency } : {}),
    });
    saveDraft(draftKey, form.getFieldsValue());
  };

  return (
    <Space align="start" wrap size="large">
      <Card
        title={
          <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
            来电受理
          </Typography.Title>
        }
        style={{ maxWidth: 760 }}
      >
        {error && <Alert type="error" title={error} showIcon closable style={{ marginBottom: 16 }} onClose={() => setError(undefined)} />}
        <Form
          form={form}
          layout="vertical"
          initialValues={{ requestType: 'help', urgency: 'normal' }}
          onValuesChange={(_changed, all) => saveDraft(draftKey, all)}
          onFinish={(values) => create.mutate(values)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) form.submit();
          }}
        >
          <Space wrap align="start">
            <Form.Item label="来电号码" name="phone">
              <Input autoFocus inputMode="tel" style={{ width: 200 }} />
            </Form.Item>
            <Form.Item label="姓名" name="name">
              <Input style={{ width: 160 }} />
            </Form.Item>
            <Form.Item label="隐私" style={{ marginBottom: 0 }}>
              <Space>
                <Form.Item name="confidential" valuePropName="checked" noStyle>
                  <Checkbox>保密</Checkbox>
                </Form.Item>
                <Form.Item name="anonymous" valuePropName="checked" noStyle>
                  <Checkbox>匿名</Checkbox>
                </Form.Item>
              </Space>
            </Form.Item>
          </Space>
          <Form.Item label="诉求类型" name="requestType">
            <Radio.Group
              optionType="button"
              options={Object.entries(requestTypeLabels)
                .filter(([value]) => value !== 'proxy')
                .map(([value, label]) => ({ value, label }))}
            />
          </Form.Item>
          <Form.Item label="紧急程度" name="urgency">
            <Radio.Group optionType="button" options={Object.entries(urgencyLabels).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          <Form.Item label="诉求内容" name="description" rules={[{ required: true, message: '请记录群众反映的问题' }]}>
            <Input.TextArea rows={5} maxLength={5000} showCount />
          </Form.Item>
          <Form.Item label="事发地址" name="address">
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="categoryId" hidden>
            <Input />
          </Form.Item>
          <Form.Item name="categoryName" hidden>
            <Input />
          </Form.Item>
          <Typography.Paragraph>
            分类：{categoryName ? <Typography.Text strong>{categoryName}</Typography.Text> : '未选（采用右侧建议，或由分拨确定）'}
          </Typography.Paragraph>
          <Space>
            <Button type="primary" htmlType="submit" loading={create.isPending}>
              提交受理（Ctrl+Enter）
            </Button>
            <Button
              onClick={() => {
                form.resetFields();
                clearDraft(draftKey);
              }}
            >
              清空
            </Button>
          </Space>
        </Form>
      </Card>
      <Space direction="vertical" size="large">
        <SuggestionPanel text={description} address={address} onTake={take} />
        <CallerPanel phone={phone} />
      </Space>
    </Space>
  );
}
