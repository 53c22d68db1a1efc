import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Cascader, Checkbox, Form, Input, Radio, Select, Space, Typography, type InputRef } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, errorText, type NewTicket } from '../api/client';
import { optionsOf, requestTypeLabels, urgencyLabels } from '../labels';
import { clearDraft, loadDraft, saveDraft, useMe } from '../session';
import { MatterChecklist, ProxyFields, useServables } from './ProxyMatter';
import { CallerPanel, useCallerHistory } from './CallerPanel';
import { useRegions } from './regions';
import { KnowledgePanel } from './KnowledgePanel';
import { SimilarPanel } from './SimilarPanel';
import { SuggestionPanel, type Suggestion } from './SuggestionPanel';

/** What becomes of the call once logged: 派单, answered on the phone (直接办结), merged into an open ticket, or 待分拨. */
type Handling = 'dispatch' | 'resolve' | 'merge' | 'save';

interface CallForm {
  categoryId?: number;
  categoryName?: string;
  phone?: string;
  name?: string;
  anonymous?: boolean;
  confidential?: boolean;
  requestType: NewTicket['requestType'];
  /** 代办申请 (requestType proxy): the matter, its serving mode, where the applicant is. */
  matterCode?: string;
  serviceMode?: NonNullable<NewTicket['proxy']>['serviceMode'];
  applicantAddress?: string;
  urgency: NewTicket['urgency'];
  description: string;
  address?: string;
  region?: number[];
  handling: Handling;
  departmentId?: number;
  assistDepartmentIds?: number[];
  answer?: string;
  /** The knowledge article the answer comes from (知识库): the ticket cites it. */
  article?: { id: number; title: string };
  mergeInto?: { id: number; number: string };
}

const draftKey = 'seat-call';
const handlingLabels: Record<Handling, string> = { dispatch: '派单', resolve: '直接办结', merge: '并单', save: '保存至待分拨' };

/** What the seat does with the call at once (the creation's `then`: the API does it in the same request). */
function thenOf(values: CallForm): NewTicket['then'] {
  switch (values.handling) {
    case 'dispatch':
      return {
        action: 'dispatch',
        departmentId: values.departmentId,
        assistDepartmentIds: values.assistDepartmentIds?.length ? values.assistDepartmentIds : undefined,
      };
    case 'resolve':
      return { action: 'resolve_directly', answer: values.answer!, articleId: values.article?.id };
    case 'merge':
      return values.mergeInto ? { action: 'merge', intoTicketId: values.mergeInto.id, reason: '同一诉求，坐席受理时并单' } : undefined;
    case 'save':
      return undefined;
  }
}

/**
 * 受理: one screen, keyboard only. The fields in the order of a call (who, what, where, what then);
 * Ctrl+Enter submits from anywhere in the form. The draft survives a sign-in again.
 */
export function Seat() {
  const [form] = Form.useForm<CallForm>();
  const { me } = useMe();
  const proxySeat = me?.role === 'proxy_seat';
  const matters = useServables();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const regions = useRegions();
  const [error, setError] = useState<string>();
  const [suggested, setSuggested] = useState<{ regionId?: number; departmentName?: string }>({});
  const { data: departments } = useQuery({
    queryKey: ['departments'],
    staleTime: 10 * 60_000,
    queryFn: async () => (await api.GET('/api/v1/departments', { params: { query: { active: 'true' } } })).data?.items ?? [],
  });
  const create = useMutation({
    mutationFn: async (values: CallForm) => {
      const { data, error } = await api.POST('/api/v1/tickets', {
        body: {
          channel: 'phone',
          requestType: values.requestType,
          urgency: values.urgency,
          description: values.description,
          address: values.address || undefined,
          categoryId: values.categoryId,
          regionId: values.region?.at(-1),
          proxy:
            values.requestType === 'proxy'
              ? { matter: values.matterCode!, serviceMode: values.serviceMode!, applicantAddress: values.applicantAddress! }
              : undefined,
          caller: {
            phone: values.phone || undefined,
            name: values.name || undefined,
            anonymous: !!values.anonymous,
            confidential: !!values.confidential,
          },
          then: thenOf(values),
        },
      });
      if (!data) throw new Error(errorText(error));
      const problem =
        data.followUp && !data.followUp.done ? `已受理，但${handlingLabels[values.handling]}未完成：${data.followUp.error}` : undefined;
      return { ticket: data, problem };
    },
    onSuccess: ({ ticket, problem }) => {
      clearDraft(draftKey);
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: ['tickets'] });
      navigate(`/tickets/${ticket.id}`, { state: { created: ticket.number, problem } });
    },
    onError: (e: Error) => setError(e.message),
  });

  // Alt+N: a new call — the form cleared, the number field focused.
  const phoneField = useRef<InputRef>(null);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.key.toLowerCase() !== 'n') return;
      event.preventDefault();
      form.resetFields();
      clearDraft(draftKey);
      phoneField.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [form]);

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
  const categoryId = Form.useWatch('categoryId', form);
  const region = Form.useWatch('region', form);
  const handling = Form.useWatch('handling', form);
  const mergeInto = Form.useWatch('mergeInto', form);
  const article = Form.useWatch('article', form);
  const requestType = Form.useWatch('requestType', form);
  const matterCode = Form.useWatch('matterCode', form);
  const matter = matters?.find((m) => m.code === matterCode);
  const { data: caller } = useCallerHistory(phone);

  // Taking a suggestion sets the category (and, for the first, type and urgency); the operator may still change them.
  const take = (s: Suggestion) => {
    form.setFieldsValue({
      categoryId: s.categoryId,
      categoryName: s.categoryName,
      ...(s.requestType && (s.requestType !== 'proxy' || proxySeat) ? { requestType: s.requestType } : {}),
      ...(s.urgency ? { urgency: s.urgency } : {}),
    });
    saveDraft(draftKey, form.getFieldsValue());
  };
  // The place the classifier found in the address fills the region, until the operator picks one.
  useEffect(() => {
    if (suggested.regionId !== undefined && !form.isFieldTouched('region'))
      form.setFieldsValue({ region: regions.pathOf(suggested.regionId) });
  }, [suggested.regionId, form, regions]);

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
          initialValues={{ requestType: proxySeat ? 'proxy' : 'help', urgency: 'normal', handling: 'dispatch' }}
          onValuesChange={(_changed, all) => saveDraft(draftKey, all)}
          onFinish={(values) => create.mutate(values)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) form.submit();
          }}
        >
          <Space wrap align="start">
            <Form.Item label="来电号码" name="phone">
              <Input ref={phoneField} autoFocus inputMode="tel" style={{ width: 200 }} />
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
                .filter(([value]) => value !== 'proxy' || proxySeat)
                .map(([value, label]) => ({ value, label }))}
            />
          </Form.Item>
          <Form.Item label="紧急程度" name="urgency">
            <Radio.Group optionType="button" options={optionsOf(urgencyLabels)} />
          </Form.Item>
          {requestType === 'proxy' && <ProxyFields matter={matter} vulnerable={caller?.contact?.vulnerability} />}
          <Form.Item label="诉求内容" name="description" rules={[{ required: true, message: '请记录群众反映的问题' }]}>
            <Input.TextArea rows={5} maxLength={5000} showCount />
          </Form.Item>
          <Space wrap align="start">
            <Form.Item label="事发地址" name="address">
              <Input maxLength={200} style={{ width: 320 }} />
            </Form.Item>
            <Form.Item label="所属区域" name="region">
              <Cascader
                options={regions.options}
                changeOnSelect
                placeholder="区 / 街道 / 社区"
                style={{ width: 300 }}
                aria-label="所属区域"
              />
            </Form.Item>
          </Space>
          <Form.Item name="categoryId" hidden>
            <Input />
          </Form.Item>
          <Form.Item name="categoryName" hidden>
            <Input />
          </Form.Item>
          <Typography.Paragraph>
            分类：{categoryName ? <Typography.Text strong>{categoryName}</Typography.Text> : '未选（采用右侧建议，或由分拨确定）'}
          </Typography.Paragraph>
          <Form.Item label="处理方式" name="handling">
            <Radio.Group
              optionType="button"
              options={(Object.keys(handlingLabels) as Handling[]).map((value) => ({
                value,
                label: handlingLabels[value],
                disabled: value === 'merge' && !mergeInto,
              }))}
            />
          </Form.Item>
          {handling === 'dispatch' && (
            <Space wrap align="start">
              <Form.Item label="承办单位" name="departmentId">
                <Select
                  allowClear
                  showSearch={{ optionFilterProp: 'label' }}
                  style={{ width: 260 }}
                  placeholder={`按派单目录${suggested.departmentName ? `（建议：${suggested.departmentName}）` : ''}`}
                  options={(departments ?? []).map((d) => ({ value: d.id, label: d.name }))}
                />
              </Form.Item>
              <Form.Item label="协办单位" name="assistDepartmentIds">
                <Select
                  mode="multiple"
                  allowClear
                  showSearch={{ optionFilterProp: 'label' }}
                  style={{ width: 260 }}
                  options={(departments ?? []).map((d) => ({ value: d.id, label: d.name }))}
                />
              </Form.Item>
            </Space>
          )}
          {handling === 'resolve' && (
            <Form.Item
              label="答复内容"
              name="answer"
              rules={[{ required: true, message: '直接办结需填写答复内容' }]}
              extra={
                article && (
                  <Space size={4}>
                    <span>引用知识：{article.title}</span>
                    <Button type="link" size="small" onClick={() => form.setFieldsValue({ article: undefined })}>
                      不引用
                    </Button>
                  </Space>
                )
              }
            >
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
          )}
          <Form.Item name="article" hidden>
            <Input />
          </Form.Item>
          {handling === 'merge' && mergeInto && (
            <Typography.Paragraph>并入工单 {mergeInto.number}（本次来电记为同一诉求）</Typography.Paragraph>
          )}
          <Form.Item name="mergeInto" hidden>
            <Input />
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" loading={create.isPending}>
              提交受理（Ctrl+Enter）
            </Button>
            <Button
              onClick={() => {
                form.resetFields();
                clearDraft(draftKey);
                phoneField.current?.focus();
              }}
            >
              新来电（Alt+N）
            </Button>
          </Space>
        </Form>
      </Card>
      <Space direction="vertical" size="large">
        <SuggestionPanel
          text={description}
          address={address}
          onTake={take}
          onSuggest={(s) => setSuggested((was) => (was.regionId === s.regionId && was.departmentName === s.departmentName ? was : s))}
        />
        <KnowledgePanel
          text={description}
          regionId={region?.at(-1)}
          categoryId={categoryId}
          onAnswer={(a) => {
            form.setFieldsValue({ handling: 'resolve', answer: a.body.slice(0, 2000), article: { id: a.id, title: a.title } });
            saveDraft(draftKey, form.getFieldsValue());
          }}
        />
        {requestType === 'proxy' && <MatterChecklist matter={matter} />}
        <CallerPanel phone={phone} />
        <SimilarPanel
          phone={phone}
          description={description}
          address={address}
          categoryId={categoryId}
          regionId={region?.at(-1)}
          mergeInto={mergeInto?.id}
          onMerge={(ticket) => form.setFieldsValue({ mergeInto: ticket, handling: ticket ? 'merge' : 'dispatch' })}
        />
      </Space>
    </Space>
  );
}
