import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Checkbox, DatePicker, Descriptions, Form, Input, InputNumber, Radio, Space, Steps, Typography } from 'antd';
import { useParams } from 'react-router';
import { api, errorText } from '../../api/client';
import {
  materialFormLabels,
  optionsOf,
  orderOriginLabels,
  orderStatusLabels,
  vulnerabilityLabels,
  serviceModeLabels,
  type ProxyStep,
} from '../../labels';
import { mapUrl } from '../../maps';
import { beijing, shortTime } from '../../time';
import { PhotoPicker } from '../Media';
import { BundleMatters } from './BundleMatters';

const stepOrder: ProxyStep[] = ['consult', 'mandate', 'collect', 'coordinate', 'feedback', 'archive'];
const scopeLabels = { collect_materials: '收取材料', submit: '递交申请', receive_result: '领取结果', pay_fees: '代缴费用' };
const mandateMethods = [
  { value: 'paper', label: '纸质签字' },
  { value: 'sms', label: '短信确认' },
  { value: 'miniprogram', label: '小程序确认' },
  { value: 'phone_recording', label: '电话录音' },
];

type Path = 'consult' | 'mandate' | 'materials' | 'defer' | 'submit' | 'matter-result' | 'progress' | 'deliver';

/** One 代办 order on the runner's phone: the applicant's place, its team's steps (六步法, 五步走) as a stepper, the current step's form. */
export function RunnerOrder() {
  const id = Number(useParams().id);
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const { data: order } = useQuery({
    queryKey: ['proxy-orders', id],
    queryFn: async () => (await api.GET('/api/v1/proxy/orders/{id}', { params: { path: { id } } })).data,
  });
  const { data: matters } = useQuery({
    queryKey: ['proxy-matters'],
    staleTime: 10 * 60_000,
    queryFn: async () => (await api.GET('/api/v1/proxy/matters')).data?.items ?? [],
  });
  const step = useMutation({
    mutationFn: async ({ path, body }: { path: Path; body: Record<string, unknown> }) => {
      const { data, error } = await api.POST(`/api/v1/proxy/orders/{id}/${path}` as '/api/v1/proxy/orders/{id}/consult', {
        params: { path: { id } },
        body: body as never,
      });
      if (!data) throw new Error(errorText(error));
    },
    onSuccess: () => {
      void message.success('已记录');
      void queryClient.invalidateQueries({ queryKey: ['proxy-orders'] });
    },
    onError: (error: Error) => void message.error(error.message),
  });
  if (!order) return null;
  const post = (path: Path, body: Record<string, unknown> = {}) => step.mutate({ path, body });
  const done = new Set(order.steps.map((s) => s.step));
  // A bundled order (一件事一次办) collects its one combined checklist: an item several matters need, once.
  const materials = (order.bundle?.checklist ?? matters?.find((m) => m.id === order.matterId)?.materials ?? []) as Array<{
    key: string;
    name: string;
    form: keyof typeof materialFormLabels;
    count: number;
    deferrable: boolean;
    matters?: string[];
  }>;
  const bundleOpen = order.bundle?.matters.some((m) => m.status === 'pending' || m.status === 'submitted') ?? false;
  // Materials stay the current step until none is missing, a bundle's submission until every matter has its result;
  // each other step is done once recorded.
  const current = stepOrder.findIndex((s) =>
    s === 'collect' ? !done.has(s) || order.missing.length > 0 : s === 'coordinate' ? !done.has(s) || bundleOpen : !done.has(s),
  );
  // The team's template (六步法, 五步走) names and groups the steps; the form is the record's next step's.
  const next = current < 0 ? undefined : stepOrder[current];
  const planned = order.template.steps;
  const currentStep = next === undefined ? -1 : planned.findIndex((p) => (p.covers as string[]).includes(next));
  const active = order.status === 'accepted' || order.status === 'submitted' || order.status === 'delivering';
  const held = (key: string) => order.materials.filter((m) => m.itemKey === key && m.direction === 'received');
  const deferred = (key: string) => order.materials.find((m) => m.itemKey === key && m.promisedBy !== null);

  const forms: Record<ProxyStep, React.ReactNode> = {
    consult: (
      <Button type="primary" onClick={() => post('consult')}>
        发送一次性告知单（短信）
      </Button>
    ),
    mandate: (
      <Form
        layout="vertical"
        onFinish={(v: { consent: boolean; scope: string[]; validUntil: { format(f: string): string }; signedBy: string; method: string }) =>
          post('mandate', { ...v, validUntil: v.validUntil.format('YYYY-MM-DD') })
        }
      >
        <Form.Item
          name="consent"
          valuePropName="checked"
          rules={[{ validator: (_, v) => (v ? Promise.resolve() : Promise.reject(new Error('须经申请人同意'))) }]}
        >
          <Checkbox>申请人已同意委托</Checkbox>
        </Form.Item>
        <Form.Item label="委托范围" name="scope" rules={[{ required: true, message: '请选择委托范围' }]}>
          <Checkbox.Group options={optionsOf(scopeLabels)} />
        </Form.Item>
        <Form.Item label="有效期至" name="validUntil" rules={[{ required: true, message: '请选择有效期' }]}>
          <DatePicker aria-label="有效期至" inputReadOnly style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item label="委托人签名" name="signedBy" rules={[{ required: true, message: '请填写委托人' }]}>
          <Input />
        </Form.Item>
        <Form.Item label="确认方式" name="method" rules={[{ required: true, message: '请选择确认方式' }]}>
          <Radio.Group options={mandateMethods} />
        </Form.Item>
        <Button type="primary" htmlType="submit" block>
          记录委托
        </Button>
      </Form>
    ),
    collect: (
      <Space direction="vertical" style={{ width: '100%' }}>
        {materials.map((item) => {
          const promise = deferred(item.key);
          const inHand = held(item.key).reduce((n, m) => n + m.count, 0);
          return (
            <Card key={item.key} size="small" title={`${item.name}（${materialFormLabels[item.form]} ${item.count} 份）`}>
              {item.matters && item.matters.length > 1 && (
                <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>
                  {`${item.matters.join('、')}共用，只收一次`}
                </Typography.Paragraph>
              )}
              <Typography.Paragraph style={{ marginBottom: 8 }}>
                已收 {inHand} 份{promise ? `・容缺，承诺 ${promise.promisedBy} 前补齐` : ''}
              </Typography.Paragraph>
              <Form
                layout="inline"
                initialValues={{ form: item.form === 'either' ? 'original' : item.form, count: item.count }}
                onFinish={(v: { form: string; count: number }) => post('materials', { itemKey: item.key, direction: 'received', ...v })}
                aria-label={`收取${item.name}`}
              >
                <Form.Item name="form">
                  <Radio.Group
                    options={[
                      { value: 'original', label: '原件' },
                      { value: 'copy', label: '复印件' },
                    ]}
                  />
                </Form.Item>
                <Form.Item name="count" label="份数">
                  <InputNumber min={1} max={50} style={{ width: 64 }} />
                </Form.Item>
                <Button htmlType="submit">收取</Button>
              </Form>
              {item.deferrable && !promise && (
                <Form
                  layout="inline"
                  style={{ marginTop: 8 }}
                  onFinish={(v: { promisedBy: { format(f: string): string } }) =>
                    post('defer', { itemKey: item.key, promisedBy: v.promisedBy.format('YYYY-MM-DD') })
                  }
                  aria-label={`容缺${item.name}`}
                >
                  <Form.Item name="promisedBy" label="容缺，承诺补齐日期" rules={[{ required: true, message: '请选择日期' }]}>
                    <DatePicker aria-label={`${item.name}承诺补齐日期`} inputReadOnly />
                  </Form.Item>
                  <Button htmlType="submit">容缺受理</Button>
                </Form>
              )}
            </Card>
          );
        })}
        <Typography.Text>材料照片（可选）</Typography.Text>
        <PhotoPicker ticketId={order.ticketId} />
      </Space>
    ),
    coordinate: order.bundle ? (
      <BundleMatters bundle={order.bundle} post={post} />
    ) : (
      <Form layout="vertical" onFinish={(v: { acceptanceNumber: string }) => post('submit', v)}>
        <Form.Item label="受理编号" name="acceptanceNumber" rules={[{ required: true, message: '请填写办理部门的受理编号' }]}>
          <Input />
        </Form.Item>
        <Button type="primary" htmlType="submit" block>
          已递交
        </Button>
      </Form>
    ),
    feedback: (
      <Form layout="vertical" onFinish={(v: { text: string }) => post('progress', v)}>
        <Form.Item label="办理进度（发给申请人）" name="text" rules={[{ required: true, message: '请填写进度' }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
        <Button type="primary" htmlType="submit" block>
          反馈进度
        </Button>
      </Form>
    ),
    archive: (
      <Form
        layout="vertical"
        initialValues={{ method: 'window' }}
        onFinish={(v: { method: string; trackingNumber?: string }) => post('deliver', v)}
      >
        <Form.Item label="送达方式" name="method">
          <Radio.Group
            options={[
              { value: 'window', label: '窗口领取/当面交付' },
              { value: 'postal', label: '免费邮寄' },
            ]}
          />
        </Form.Item>
        <Form.Item noStyle shouldUpdate>
          {({ getFieldValue }) =>
            getFieldValue('method') === 'postal' && (
              <Form.Item label="邮件单号" name="trackingNumber" rules={[{ required: true, message: '请填写邮件单号' }]}>
                <Input />
              </Form.Item>
            )
          }
        </Form.Item>
        <Button type="primary" htmlType="submit" block>
          送达结果
        </Button>
      </Form>
    ),
  };

  return (
    <Card
      size="small"
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          {order.bundle?.scenario.name ?? order.matter?.name ?? '代办'}・{orderStatusLabels[order.status] ?? order.status}
          {order.origin !== 'request' && (
            <Typography.Text type="secondary" style={{ fontSize: 14, fontWeight: 'normal' }}>
              {' '}
              （{orderOriginLabels[order.origin]}）
            </Typography.Text>
          )}
        </Typography.Title>
      }
    >
      <Descriptions column={1} size="small" style={{ marginBottom: 16 }}>
        {order.bundle && (
          <Descriptions.Item label="一件事一次办">
            {order.bundle.bundleName}：{order.bundle.matters.map((m) => m.name).join('、')}（材料 {order.bundle.reduction.materialsSeparate}{' '}
            项精简为 {order.bundle.reduction.materialsCombined} 项）
          </Descriptions.Item>
        )}
        <Descriptions.Item label="服务方式">{serviceModeLabels[order.serviceMode]}</Descriptions.Item>
        {order.visits
          .filter((v) => v.status === 'booked')
          .map((v) => (
            <Descriptions.Item key={v.id} label="上门预约">
              {shortTime(v.startsAt)}–{beijing(v.endsAt).format('HH:mm')}
              {v.address ? `，${v.address}` : ''}
            </Descriptions.Item>
          ))}
        {order.applicant.vulnerability.length > 0 && (
          <Descriptions.Item label="特殊群体">
            {order.applicant.vulnerability.map((v) => vulnerabilityLabels[v]).join('、')}（优先上门服务）
          </Descriptions.Item>
        )}
        <Descriptions.Item label="申请人地址">
          {order.applicantAddress ? (
            <a href={mapUrl(order.applicantAddress)} target="_blank" rel="noreferrer">
              {order.applicantAddress}（在地图中打开）
            </a>
          ) : (
            '—'
          )}
        </Descriptions.Item>
        {order.acceptanceNumber && !order.bundle && <Descriptions.Item label="受理编号">{order.acceptanceNumber}</Descriptions.Item>}
        {order.missing.length > 0 && <Descriptions.Item label="尚缺材料">{order.missing.join('、')}</Descriptions.Item>}
      </Descriptions>
      <Steps
        direction="vertical"
        size="small"
        current={currentStep < 0 ? planned.length : currentStep}
        items={planned.map((p, i) => ({
          title: p.label,
          status: i === currentStep ? 'process' : p.done && (currentStep < 0 || i < currentStep) ? 'finish' : 'wait',
          description: active && i === currentStep && next ? <div style={{ paddingTop: 8 }}>{forms[next]}</div> : undefined,
        }))}
      />
    </Card>
  );
}
