import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Badge, Button, Card, Descriptions, Drawer, Input, Space, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, errorText } from '../../api/client';
import type { paths } from '../../api/schema';
import { useMe } from '../../session';
import { shortTime } from '../../time';
import { useCategories, useDepartments } from '../reference';
import { useRegions } from '../regions';
import { ArticleEditor } from './ArticleEditor';
import { ImportArticles, Synonyms, Usage } from './KnowledgeAdmin';

export type Article = paths['/api/v1/knowledge/articles/{id}']['get']['responses'][200]['content']['application/json'];
type Status = Article['status'];
type Action = Article['allowedActions'][number];

export const articleStatusLabels: Record<Status, string> = { published: '已发布', review: '待审核', draft: '草稿', archived: '已归档' };
const statusBadges: Record<Status, 'success' | 'processing' | 'default' | 'warning'> = {
  published: 'success',
  review: 'processing',
  draft: 'default',
  archived: 'warning',
};
const versionLabels: Record<string, string> = { ...articleStatusLabels, proposed: '提出修改', rejected: '修改被退回' };
/** The actions' words; which of them show is the API's answer (allowedActions). */
const actionLabels: Record<Exclude<Action, 'edit'>, string> = { submit: '提交审核', publish: '发布', 'send-back': '退回', archive: '归档' };

const writers = new Set(['supervisor', 'director', 'admin', 'dept_head', 'agent']);
const reviewers = new Set(['supervisor', 'director', 'admin']);

/**
 * 知识库: the articles the seats answer from — by status, each with its text, owner, places, dates and
 * versions; written by the center or a department for its own matters, reviewed and published by the
 * center. Reviewers also see what the knowledge is used for and lacks; admins keep the synonyms.
 */
export function Knowledge() {
  const { me } = useMe();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'published';
  const [editing, setEditing] = useState<Article | 'new'>();
  const [importing, setImporting] = useState(false);
  useEffect(() => {
    document.title = '知识库 - 12345';
  }, []);
  const tabs = [
    ...(['published', 'review', 'draft', 'archived'] as const).map((status) => ({
      key: status,
      label: articleStatusLabels[status],
      children: <Articles status={status} onEdit={setEditing} />,
    })),
    ...(me && reviewers.has(me.role) ? [{ key: 'usage', label: '使用情况', children: <Usage /> }] : []),
    ...(me?.role === 'admin' ? [{ key: 'synonyms', label: '同义词', children: <Synonyms /> }] : []),
  ];
  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          知识库
        </Typography.Title>
      }
      extra={
        me &&
        writers.has(me.role) && (
          <Space>
            <Button onClick={() => setImporting(true)}>导入</Button>
            <Button type="primary" onClick={() => setEditing('new')}>
              新建知识
            </Button>
          </Space>
        )
      }
    >
      <Tabs activeKey={tab} onChange={(key) => setParams(key === 'published' ? {} : { tab: key })} items={tabs} destroyOnHidden />
      <ArticleEditor article={editing} onClose={() => setEditing(undefined)} />
      <ImportArticles open={importing} canPublish={!!me && reviewers.has(me.role)} onClose={() => setImporting(false)} />
    </Card>
  );
}

function Articles({ status, onEdit }: { status: Status; onEdit: (article: Article) => void }) {
  const [q, setQ] = useState<string>();
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<number>();
  const categories = useCategories();
  const departments = useDepartments();
  const pageSize = 20;
  const { data } = useQuery({
    queryKey: ['knowledge', 'articles', status, q, page],
    queryFn: async () =>
      (await api.GET('/api/v1/knowledge/articles', { params: { query: { status, q, limit: pageSize, offset: (page - 1) * pageSize } } }))
        .data,
  });
  return (
    <>
      <Input.Search
        aria-label="按标题查找"
        placeholder="按标题查找"
        allowClear
        style={{ width: 320, marginBottom: 12 }}
        onSearch={(value) => {
          setQ(value.trim() || undefined);
          setPage(1);
        }}
      />
      <Table<Article>
        rowKey="id"
        size="small"
        loading={data === undefined}
        dataSource={data?.items ?? []}
        pagination={{ current: page, pageSize, total: data?.total ?? 0, onChange: setPage, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: <Typography.Text type="secondary">没有{articleStatusLabels[status]}的知识</Typography.Text> }}
        columns={[
          {
            title: '标题',
            dataIndex: 'title',
            render: (title: string, a) => (
              <Button
                type="link"
                style={{ padding: 0, height: 'auto', whiteSpace: 'normal', textAlign: 'left' }}
                onClick={() => setOpen(a.id)}
              >
                {title}
              </Button>
            ),
          },
          { title: '分类', dataIndex: 'categoryId', width: 140, render: (id: number | null) => categories.nameOf(id) ?? '—' },
          { title: '负责单位', dataIndex: 'departmentId', width: 170, render: (id: number | null) => departments.nameOf(id) ?? '热线中心' },
          { title: '有效期至', dataIndex: 'expiresOn', width: 110, render: (d: string | null) => d ?? '长期' },
          { title: '版本', dataIndex: 'version', width: 60 },
          { title: '更新', dataIndex: 'updatedAt', width: 110, render: shortTime },
        ]}
      />
      <ArticleDrawer id={open} onClose={() => setOpen(undefined)} onEdit={onEdit} />
    </>
  );
}

/** One article: its text and facts, a proposed change if one waits, its versions, and the actions the API allows the viewer. */
function ArticleDrawer({ id, onClose, onEdit }: { id: number | undefined; onClose: () => void; onEdit: (article: Article) => void }) {
  const queryClient = useQueryClient();
  const { message, modal } = App.useApp();
  const categories = useCategories();
  const departments = useDepartments();
  const regions = useRegions();
  const { data: article } = useQuery({
    queryKey: ['knowledge', 'article', id],
    enabled: id !== undefined,
    queryFn: async () => (await api.GET('/api/v1/knowledge/articles/{id}', { params: { path: { id: id! } } })).data,
  });
  const { data: versions } = useQuery({
    queryKey: ['knowledge', 'versions', id, article?.version, article?.status],
    enabled: id !== undefined,
    queryFn: async () => (await api.GET('/api/v1/knowledge/articles/{id}/versions', { params: { path: { id: id! } } })).data?.items ?? [],
  });
  async function act(action: Exclude<Action, 'edit'>, note?: string) {
    const { error } = await api.POST(`/api/v1/knowledge/articles/{id}/${action}` as '/api/v1/knowledge/articles/{id}/publish', {
      params: { path: { id: id! } },
      body: note ? { note } : {},
    });
    if (error) throw new Error(errorText(error));
    void message.success(`已${actionLabels[action]}`);
    void queryClient.invalidateQueries({ queryKey: ['knowledge'] });
  }
  function confirm(action: Exclude<Action, 'edit'>) {
    if (action !== 'send-back') return void act(action).catch((e: Error) => message.error(e.message));
    let note = '';
    modal.confirm({
      title: '退回给作者',
      content: <Input.TextArea aria-label="退回原因" rows={3} maxLength={500} onChange={(e) => (note = e.target.value)} />,
      okText: '退回',
      cancelText: '取消',
      onOk: () => act('send-back', note.trim()).catch((e: Error) => void message.error(e.message)),
    });
  }
  return (
    <Drawer open={id !== undefined} onClose={onClose} width={640} title={article?.title}>
      {article && (
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <Space wrap>
            <Badge status={statusBadges[article.status]} text={articleStatusLabels[article.status]} />
            <Tag>第 {article.version} 版</Tag>
            {article.allowedActions.includes('edit') && (
              <Button size="small" onClick={() => onEdit(article)}>
                编辑
              </Button>
            )}
            {article.allowedActions
              .filter((a): a is Exclude<Action, 'edit'> => a !== 'edit')
              .map((a) => (
                <Button
                  key={a}
                  size="small"
                  type={a === 'publish' ? 'primary' : 'default'}
                  danger={a === 'archive'}
                  onClick={() => confirm(a)}
                >
                  {article.proposal && a === 'publish' ? '发布修改' : article.proposal && a === 'send-back' ? '退回修改' : actionLabels[a]}
                </Button>
              ))}
          </Space>
          {article.proposal && (
            <Card size="small" title={`待审核的修改（第 ${article.proposal.version} 版）`} style={{ borderColor: '#91caff' }}>
              {article.proposal.note && <Typography.Paragraph type="secondary">说明：{article.proposal.note}</Typography.Paragraph>}
              <Typography.Paragraph strong>{article.proposal.title}</Typography.Paragraph>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{article.proposal.body}</Typography.Paragraph>
            </Card>
          )}
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{article.body}</Typography.Paragraph>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label="分类">{categories.nameOf(article.categoryId) ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="负责单位">{departments.nameOf(article.departmentId) ?? '热线中心'}</Descriptions.Item>
            <Descriptions.Item label="适用地区" span={2}>
              {article.regionIds.length === 0 ? '全市' : article.regionIds.map((r) => regions.nameOf(r) ?? `#${r}`).join('、')}
            </Descriptions.Item>
            <Descriptions.Item label="生效日期">{article.effectiveFrom ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="有效期至">{article.expiresOn ?? '长期'}</Descriptions.Item>
            <Descriptions.Item label="依据" span={2}>
              {article.source ?? '—'}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={2} style={{ fontSize: 15 }}>
            版本记录
          </Typography.Title>
          <Timeline
            items={(versions ?? []).map((v) => ({
              children: (
                <span>
                  {shortTime(v.at)} 第 {v.version} 版 · {versionLabels[v.status] ?? v.status} · {v.changedBy ?? '—'}
                  {v.note && <Typography.Text type="secondary">（{v.note}）</Typography.Text>}
                </span>
              ),
            }))}
          />
        </Space>
      )}
    </Drawer>
  );
}
