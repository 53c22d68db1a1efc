import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Checkbox, Col, List, Modal, Popconfirm, Row, Segmented, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { api, errorText } from '../../api/client';
import { TableImport } from '../TableImport';

/**
 * 使用情况: the articles that answered most calls (直接办结 citing them; how many of those the system answered
 * by itself, 智能答复, and how many citizens then asked for a person) and the searches that found nothing: what to write next.
 */
export function Usage() {
  const [days, setDays] = useState(30);
  const { data } = useQuery({
    queryKey: ['knowledge', 'usage', days],
    queryFn: async () => (await api.GET('/api/v1/knowledge/usage', { params: { query: { days, limit: 20 } } })).data,
  });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Segmented
        aria-label="统计期间"
        value={days}
        onChange={(v) => setDays(Number(v))}
        options={[
          { value: 7, label: '近 7 天' },
          { value: 30, label: '近 30 天' },
          { value: 90, label: '近 90 天' },
        ]}
      />
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Card
            size="small"
            title={
              <Typography.Title level={2} style={{ fontSize: 15, margin: 0 }}>
                答复最多的知识
              </Typography.Title>
            }
          >
            <List
              size="small"
              dataSource={data?.cited ?? []}
              locale={{ emptyText: <Typography.Text type="secondary">还没有引用知识的直接办结</Typography.Text> }}
              renderItem={(item, i) => (
                <List.Item
                  key={item.articleId}
                  extra={
                    <Space size={4} wrap>
                      <span>{item.tickets} 件</span>
                      {item.automatic > 0 && (
                        <Typography.Text type="secondary">
                          智能答复 {item.automatic} 次{item.handedBack > 0 ? `，转人工 ${item.handedBack} 次` : ''}
                        </Typography.Text>
                      )}
                    </Space>
                  }
                >
                  {i + 1}. {item.title}
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card
            size="small"
            title={
              <Typography.Title level={2} style={{ fontSize: 15, margin: 0 }}>
                没有找到答案的搜索
              </Typography.Title>
            }
          >
            <List
              size="small"
              dataSource={data?.unanswered ?? []}
              locale={{ emptyText: <Typography.Text type="secondary">每次搜索都有结果</Typography.Text> }}
              renderItem={(item) => (
                <List.Item key={item.query} extra={`${item.searches} 次`}>
                  {item.query}
                </List.Item>
              )}
            />
          </Card>
        </Col>
      </Row>
    </Space>
  );
}

/** 同义词: groups of words the search treats as one (公积金 / 住房公积金); each change is audited. */
export function Synonyms() {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [adding, setAdding] = useState<string[]>([]);
  const { data } = useQuery({
    queryKey: ['knowledge', 'synonyms'],
    queryFn: async () => (await api.GET('/api/v1/knowledge/synonyms')).data?.items ?? [],
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['knowledge', 'synonyms'] });
  async function save(id: number | undefined, terms: string[]) {
    const { error } = id
      ? await api.PUT('/api/v1/knowledge/synonyms/{id}', { params: { path: { id } }, body: { terms } })
      : await api.POST('/api/v1/knowledge/synonyms', { body: { terms } });
    if (error) return void message.error(errorText(error));
    void message.success('同义词已保存');
    if (!id) setAdding([]);
    void refresh();
  }
  async function remove(id: number) {
    const { error } = await api.DELETE('/api/v1/knowledge/synonyms/{id}', { params: { path: { id } } });
    if (error) return void message.error(errorText(error));
    void refresh();
  }
  const tags = (value: string[], onChange: (terms: string[]) => void, label: string) => (
    <Select
      mode="tags"
      value={value}
      onChange={onChange}
      open={false}
      suffixIcon={null}
      tokenSeparators={[',', '，', '/', ' ']}
      aria-label={label}
      style={{ minWidth: 360 }}
    />
  );
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Text type="secondary">一组中的任一词都能搜到含其他词的知识。输入后按回车或逗号分隔。</Typography.Text>
      <Space>
        {tags(adding, setAdding, '新同义词组')}
        <Button type="primary" disabled={adding.length < 2} onClick={() => save(undefined, adding)}>
          添加
        </Button>
      </Space>
      <List
        dataSource={data ?? []}
        locale={{ emptyText: <Typography.Text type="secondary">还没有同义词</Typography.Text> }}
        renderItem={(group) => <SynonymRow key={group.id} group={group} tags={tags} onSave={save} onDelete={remove} />}
      />
    </Space>
  );
}

function SynonymRow({
  group,
  tags,
  onSave,
  onDelete,
}: {
  group: { id: number; terms: string[] };
  tags: (value: string[], onChange: (terms: string[]) => void, label: string) => React.ReactNode;
  onSave: (id: number, terms: string[]) => Promise<void>;
  onDelete: (id: number) => Promise<void>;
}) {
  const [terms, setTerms] = useState(group.terms);
  const changed = terms.join('\u0000') !== group.terms.join('\u0000');
  return (
    <List.Item>
      <Space wrap>
        {tags(terms, setTerms, `同义词组：${group.terms.join('、')}`)}
        <Button disabled={!changed || terms.length < 2} onClick={() => onSave(group.id, terms)}>
          保存
        </Button>
        <Popconfirm title="删除这组同义词？" okText="删除" cancelText="取消" onConfirm={() => onDelete(group.id)}>
          <Button danger type="link">
            删除
          </Button>
        </Popconfirm>
      </Space>
    </List.Item>
  );
}

type ImportResult = { created: number; refused: Array<{ row: number; reason: string }> };

/**
 * 导入: a table of existing knowledge (CSV in UTF-8, or Excel), one article a row, sent as the file itself;
 * the API writes the valid rows (published when a reviewer asks) and lists each refused row with why.
 */
export function ImportArticles({ open, canPublish, onClose }: { open: boolean; canPublish: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [publish, setPublish] = useState(canPublish);
  return (
    <Modal open={open} title="导入知识" onCancel={onClose} footer={<Button onClick={onClose}>关闭</Button>} destroyOnHidden>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary">
          CSV（UTF-8）或 Excel
          文件，每行一条知识，首行为列名：标题、内容、分类、适用地区、负责单位、生效日期、有效期至、依据（标题和内容必填；分类、地区、单位填名称或编码，多个地区用“、”分隔）。
        </Typography.Paragraph>
        {canPublish && (
          <Checkbox checked={publish} onChange={(e) => setPublish(e.target.checked)}>
            导入后直接发布
          </Checkbox>
        )}
        <TableImport<ImportResult>
          url={() => `/api/v1/knowledge/import?publish=${publish && canPublish}`}
          label="选择文件"
          kept={(r) => `已导入 ${r.created} 条`}
          onDone={() => void queryClient.invalidateQueries({ queryKey: ['knowledge'] })}
        />
      </Space>
    </Modal>
  );
}
