import { useQuery } from '@tanstack/react-query';
import { Alert, Descriptions, Form, Input, List, Radio, Select, Tag, Typography } from 'antd';
import { useEffect } from 'react';
import { api } from '../api/client';
import { materialFormLabels, serviceModeLabels, vulnerabilityLabels } from '../labels';
import { SidePanel } from './SidePanel';

export type ProxyMatter = NonNullable<Awaited<ReturnType<typeof fetchMatters>>>[number];

async function fetchMatters() {
  return (await api.GET('/api/v1/proxy/matters')).data?.items.filter((m) => m.active);
}

export function useMatters() {
  return useQuery({ queryKey: ['proxy-matters'], staleTime: 10 * 60_000, queryFn: fetchMatters });
}

/** What a 代办 request may name: a matter, or a bundle's situation (一件事一次办) with its one combined checklist. */
export interface Servable {
  code: string;
  name: string;
  legalDays: number;
  eligibility: string | null;
  tripsSaved: number;
  serviceModes: ReadonlyArray<keyof typeof serviceModeLabels>;
  materials: ReadonlyArray<{
    key: string;
    name: string;
    form: keyof typeof materialFormLabels;
    count: number;
    deferrable: boolean;
    matters?: string[];
  }>;
  bundle?: { name: string; matters: string[]; materialsSeparate: number; materialsCombined: number };
}

/** The matters and the bundles' situations, as the seat offers them. */
export function useServables() {
  const { data: matters } = useMatters();
  const { data: bundles } = useQuery({
    queryKey: ['proxy-bundles'],
    staleTime: 10 * 60_000,
    queryFn: async () => (await api.GET('/api/v1/proxy/bundles')).data?.items.filter((b) => b.active) ?? [],
  });
  if (!matters || !bundles) return undefined;
  const situations: Servable[] = bundles.flatMap((b) =>
    b.scenarios
      .filter((s) => s.active)
      .map((s) => ({
        code: s.code,
        name: s.name,
        legalDays: s.legalDays,
        eligibility: s.eligibility,
        tripsSaved: s.reduction.tripsSaved,
        serviceModes: s.serviceModes,
        materials: s.checklist,
        bundle: {
          name: b.name,
          matters: s.matterNames,
          materialsSeparate: s.reduction.materialsSeparate,
          materialsCombined: s.reduction.materialsCombined,
        },
      })),
  );
  return [...(matters as Servable[]), ...situations];
}

/**
 * 代办申请: the matter (事项), how it is to be served, where the applicant is; the serving modes are the matter's own.
 * A caller flagged 特殊群体 is offered home assistance first: chosen for them (the seat may still change it).
 */
export function ProxyFields({ matter, vulnerable = [] }: { matter: Servable | undefined; vulnerable?: readonly string[] }) {
  const servables = useServables();
  const form = Form.useFormInstance();
  const home = matter?.serviceModes.includes('home_assistance')
    ? 'home_assistance'
    : matter?.serviceModes.includes('full_proxy')
      ? 'full_proxy'
      : undefined;
  useEffect(() => {
    if (vulnerable.length > 0 && home && !form.isFieldTouched('serviceMode')) form.setFieldValue('serviceMode', home);
  }, [vulnerable.length, home, form]);
  return (
    <>
      {vulnerable.length > 0 && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={`来电人为特殊群体（${vulnerable.map((v) => vulnerabilityLabels[v as keyof typeof vulnerabilityLabels] ?? v).join('、')}），优先提供上门服务`}
        />
      )}
      <Form.Item label="代办事项" name="matterCode" rules={[{ required: true, message: '请选择代办事项' }]}>
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          aria-label="代办事项"
          placeholder="输入事项名称查找"
          options={[
            { label: '单项事项', options: (servables ?? []).filter((m) => !m.bundle).map((m) => ({ value: m.code, label: m.name })) },
            { label: '一件事一次办', options: (servables ?? []).filter((m) => m.bundle).map((m) => ({ value: m.code, label: m.name })) },
          ]}
        />
      </Form.Item>
      <Form.Item label="服务方式" name="serviceMode" rules={[{ required: true, message: '请选择服务方式' }]}>
        <Radio.Group
          optionType="button"
          options={(Object.keys(serviceModeLabels) as Array<keyof typeof serviceModeLabels>).map((value) => ({
            value,
            label: serviceModeLabels[value],
            disabled: matter !== undefined && !matter.serviceModes.includes(value),
          }))}
        />
      </Form.Item>
      <Form.Item label="申请人地址" name="applicantAddress" rules={[{ required: true, message: '请填写申请人地址' }]}>
        <Input maxLength={200} />
      </Form.Item>
    </>
  );
}

/** The chosen matter's checklist: what the applicant must provide (in what form, how many; 容缺 may follow later), its time limit, who may apply. */
export function MatterChecklist({ matter }: { matter: Servable | undefined }) {
  return (
    <SidePanel title="材料清单">
      {!matter ? (
        <Typography.Text type="secondary">选择代办事项后显示所需材料</Typography.Text>
      ) : (
        <>
          <Descriptions column={1} size="small">
            <Descriptions.Item label="事项">{matter.name}</Descriptions.Item>
            {matter.bundle && (
              <Descriptions.Item label="一件事一次办">
                {matter.bundle.matters.join('、')}：一张告知单、一套材料（{matter.bundle.materialsSeparate} 项精简为{' '}
                {matter.bundle.materialsCombined} 项）
              </Descriptions.Item>
            )}
            <Descriptions.Item label={matter.bundle ? '承诺时限' : '法定时限'}>{matter.legalDays} 个工作日</Descriptions.Item>
            {matter.eligibility && <Descriptions.Item label="申请条件">{matter.eligibility}</Descriptions.Item>}
            <Descriptions.Item label="可少跑">{matter.tripsSaved} 趟</Descriptions.Item>
          </Descriptions>
          <List
            size="small"
            dataSource={matter.materials}
            renderItem={(m) => (
              <List.Item>
                {m.name}（{materialFormLabels[m.form]} {m.count} 份）{m.deferrable && <Tag style={{ marginLeft: 6 }}>可容缺</Tag>}
                {m.matters && m.matters.length > 1 && <Tag style={{ marginLeft: 6 }}>{`${m.matters.length} 个事项共用`}</Tag>}
              </List.Item>
            )}
          />
        </>
      )}
    </SidePanel>
  );
}
