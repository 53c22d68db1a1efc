import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Checkbox, DatePicker, Drawer, Form, Input, Select, Space, TreeSelect } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { api, errorText } from '../../api/client';
import { isCenterRole } from '../../../../src/shared/roles';
import { useMe } from '../../session';
import { useCategories, useDepartments } from '../reference';
import { regionTree, useRegions } from '../regions';
import type { Article } from './Knowledge';

interface FormValues {
  title: string;
  body: string;
  categoryId?: number | null;
  regionIds?: number[];
  departmentId?: number | null;
  dates?: [Dayjs | null, Dayjs | null];
  source?: string;
  note?: string;
  submit?: boolean;
}

const day = (d: Dayjs | null | undefined) => (d ? d.format('YYYY-MM-DD') : null);

/**
 * Writing or changing an article. A department's author writes for their own department (the API sees
 * to it); the owner's change to a published article becomes a proposal for the center to review.
 */
export function ArticleEditor({ article, onClose }: { article: Article | 'new' | undefined; onClose: () => void }) {
  const [form] = Form.useForm<FormValues>();
  const [refusal, setRefusal] = useState<string>();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const { me } = useMe();
  const categories = useCategories();
  const departments = useDepartments();
  const regions = useRegions();
  const isNew = article === 'new';
  useEffect(() => {
    setRefusal(undefined);
    if (!article) return;
    form.resetFields();
    if (article !== 'new')
      form.setFieldsValue({
        ...article,
        source: article.source ?? undefined,
        dates: [article.effectiveFrom ? dayjs(article.effectiveFrom) : null, article.expiresOn ? dayjs(article.expiresOn) : null],
      });
  }, [article, form]);

  async function save(v: FormValues) {
    const fields = {
      title: v.title,
      body: v.body,
      categoryId: v.categoryId ?? null,
      regionIds: v.regionIds ?? [],
      departmentId: v.departmentId ?? null,
      effectiveFrom: day(v.dates?.[0]),
      expiresOn: day(v.dates?.[1]),
      source: v.source?.trim() || null,
    };
    const { data, error } = isNew
      ? await api.POST('/api/v1/knowledge/articles', { body: { ...fields, submit: !!v.submit } })
      : await api.PATCH('/api/v1/knowledge/articles/{id}', {
          params: { path: { id: (article as Article).id } },
          body: { ...fields, expectedVersion: (article as Article).version, note: v.note?.trim() || undefined },
        });
    if (error || !data) return setRefusal(errorText(error));
    void message.success(data.proposal ? '修改已提交，等待热线中心审核' : `已保存「${data.title}」`);
    void queryClient.invalidateQueries({ queryKey: ['knowledge'] });
    onClose();
  }
  return (
    <Drawer
      open={article !== undefined}
      onClose={onClose}
      title={isNew ? '新建知识' : `编辑「${article?.title ?? ''}」`}
      width={640}
      destroyOnHidden
      extra={
        <Button type="primary" onClick={() => form.submit()}>
          保存
        </Button>
      }
    >
      {refusal && <Alert type="error" showIcon message="未保存" description={refusal} style={{ marginBottom: 16 }} role="alert" />}
      <Form
        form={form}
        name="article"
        layout="vertical"
        onFinish={save}
        initialValues={{ departmentId: isCenterRole(me?.role ?? 'operator') ? null : me?.departmentId }}
      >
        <Form.Item name="title" label="标题（群众会怎么问）" rules={[{ required: true, whitespace: true, min: 2, max: 200 }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="body" label="答复口径" rules={[{ required: true, whitespace: true, max: 20_000 }]}>
          <Input.TextArea rows={10} maxLength={20_000} showCount />
        </Form.Item>
        <Space.Compact block>
          <Form.Item name="categoryId" label="分类" style={{ flex: 1 }}>
            <TreeSelect allowClear treeData={categories.tree} showSearch treeNodeFilterProp="title" aria-label="分类" />
          </Form.Item>
          <Form.Item name="departmentId" label="负责单位" style={{ flex: 1 }}>
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              options={departments.options}
              aria-label="负责单位"
              placeholder="热线中心"
              disabled={!isCenterRole(me?.role ?? 'operator')}
            />
          </Form.Item>
        </Space.Compact>
        <Form.Item name="regionIds" label="适用地区（不选为全市）">
          <TreeSelect multiple treeData={regionTree(regions.options)} showSearch treeNodeFilterProp="title" aria-label="适用地区" />
        </Form.Item>
        <Form.Item name="dates" label="生效日期 至 有效期">
          <DatePicker.RangePicker allowEmpty={[true, true]} style={{ width: '100%' }} aria-label="有效期" />
        </Form.Item>
        <Form.Item name="source" label="依据（文件名、文号或链接）">
          <Input maxLength={500} />
        </Form.Item>
        {isNew ? (
          <Form.Item name="submit" valuePropName="checked">
            <Checkbox>保存后提交审核</Checkbox>
          </Form.Item>
        ) : (
          <Form.Item name="note" label="修改说明">
            <Input maxLength={500} />
          </Form.Item>
        )}
      </Form>
    </Drawer>
  );
}
