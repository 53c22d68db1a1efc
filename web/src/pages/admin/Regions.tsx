import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Empty, Flex, Form, Input, Modal, Popconfirm, Space, Tree, Typography } from 'antd';
import { type Key, useEffect, useMemo, useState } from 'react';
import { api, errorText } from '../../api/client';
import type { paths } from '../../api/schema';
import { regionLevelLabels } from '../../labels';
import { type Region, useRegionList } from '../regions';

type Outline = NonNullable<
  NonNullable<paths['/api/v1/regions/{id}/outline']['put']['requestBody']>['content']['application/json']['outline']
>;
type Level = Region['level'];
type MappedLevel = Exclude<Level, 'city'>;

/** The level a region's children are at: 市 → 区县 → 街道/乡镇 → 社区/村 → 网格. */
const childLevel: Partial<Record<Level, MappedLevel>> = { city: 'district', district: 'township', township: 'village', village: 'grid' };

interface TreeNode {
  key: number;
  title: string;
  children: TreeNode[];
}

/**
 * 区域与网格: the city's regions as a tree down to the grids (网格) that runners and grid workers
 * cover; each renamed, recoded, given children or deleted while unused, and its outline (the board's
 * map) pasted as GeoJSON and previewed among its neighbours.
 */
export function Regions() {
  const { data: regions = [] } = useRegionList();
  const [selected, setSelected] = useState<number>();
  const [expanded, setExpanded] = useState<Key[]>();
  useEffect(() => {
    document.title = '区域与网格 - 12345';
  }, []);
  const tree = useMemo(() => {
    const nodes = new Map(
      regions.map((r) => [r.id, { key: r.id, title: `${r.name}（${regionLevelLabels[r.level]}）`, children: [] } as TreeNode]),
    );
    const roots: TreeNode[] = [];
    for (const r of regions) {
      const parent = r.parentId === null ? undefined : nodes.get(r.parentId);
      (parent ? parent.children : roots).push(nodes.get(r.id)!);
    }
    return roots;
  }, [regions]);
  const opened = useMemo(() => regions.filter((r) => r.level === 'city' || r.level === 'district').map((r) => r.id), [regions]);
  const region = regions.find((r) => r.id === selected);
  const counts = useMemo(() => {
    const byLevel = new Map<Level, number>();
    for (const r of regions) byLevel.set(r.level, (byLevel.get(r.level) ?? 0) + 1);
    return (Object.keys(regionLevelLabels) as Level[]).map((level) => `${regionLevelLabels[level]} ${byLevel.get(level) ?? 0}`).join(' · ');
  }, [regions]);

  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
          区域与网格
        </Typography.Title>
      }
      extra={<Typography.Text type="secondary">{counts}</Typography.Text>}
    >
      <Flex gap={24} wrap>
        <nav aria-label="区域树" style={{ flex: '0 0 300px', maxHeight: 640, overflow: 'auto' }}>
          {tree.length > 0 && (
            <Tree<TreeNode>
              showLine
              blockNode
              expandedKeys={expanded ?? opened}
              onExpand={setExpanded}
              treeData={tree}
              selectedKeys={selected === undefined ? [] : [selected]}
              onSelect={(keys) => setSelected(keys[0] as number | undefined)}
            />
          )}
        </nav>
        <div style={{ flex: 1, minWidth: 320 }}>
          {region ? (
            <RegionPanel
              key={region.id}
              region={region}
              onGone={() => setSelected(region.parentId ?? undefined)}
              onAdded={(id) => {
                // The new region shows under its parent, opened.
                setExpanded((keys) => [...(keys ?? opened), region.id]);
                setSelected(id);
              }}
            />
          ) : (
            <Empty description={<Typography.Text type="secondary">在左侧选择一个区域</Typography.Text>} />
          )}
        </div>
      </Flex>
    </Card>
  );
}

function RegionPanel({ region, onGone, onAdded }: { region: Region; onGone: () => void; onAdded: (id: number) => void }) {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ code: string; name: string }>();
  const [refusal, setRefusal] = useState<string>();
  const [adding, setAdding] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['regions'] });

  async function save(v: { code: string; name: string }) {
    const { error } = await api.PATCH('/api/v1/regions/{id}', { params: { path: { id: region.id } }, body: v });
    if (error) return setRefusal(errorText(error));
    setRefusal(undefined);
    void message.success(`已保存 ${v.name}`);
    void refresh();
  }
  async function remove() {
    const { error } = await api.DELETE('/api/v1/regions/{id}', { params: { path: { id: region.id } } });
    if (error) return setRefusal(errorText(error));
    void message.success(`已删除 ${region.name}`);
    onGone();
    void refresh();
  }
  const below = childLevel[region.level];
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
        {region.name}
      </Typography.Title>
      <Descriptions size="small" column={2}>
        <Descriptions.Item label="层级">{regionLevelLabels[region.level]}</Descriptions.Item>
        <Descriptions.Item label="编号">{region.id}</Descriptions.Item>
      </Descriptions>
      {refusal && <Alert type="error" showIcon message="未保存" description={refusal} role="alert" />}
      <Form form={form} name="region" layout="inline" initialValues={{ code: region.code, name: region.name }} onFinish={save}>
        <Form.Item name="code" label="编码" rules={[{ required: true }]}>
          <Input style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="name" label="名称" rules={[{ required: true, whitespace: true }]}>
          <Input style={{ width: 200 }} />
        </Form.Item>
        <Button htmlType="submit">保存</Button>
      </Form>
      <Space>
        {below && (
          <Button type="primary" onClick={() => setAdding(true)}>
            新增{regionLevelLabels[below]}
          </Button>
        )}
        {region.level !== 'city' && (
          <Popconfirm
            title={`删除 ${region.name}？`}
            description="仅能删除没有下级、工单和部门的区域。"
            okText="删除"
            cancelText="取消"
            onConfirm={remove}
          >
            <Button danger>删除</Button>
          </Popconfirm>
        )}
      </Space>
      {region.level !== 'city' && <OutlineEditor region={region as Region & { level: MappedLevel }} />}
      {below && (
        <NewRegion
          open={adding}
          parent={region}
          level={below}
          onClose={() => setAdding(false)}
          onAdded={(added) => {
            setAdding(false);
            void message.success(`已新增 ${added.name}`);
            void refresh().then(() => onAdded(added.id));
          }}
        />
      )}
    </Space>
  );
}

function NewRegion({
  open,
  parent,
  level,
  onClose,
  onAdded,
}: {
  open: boolean;
  parent: Region;
  level: MappedLevel;
  onClose: () => void;
  onAdded: (region: Region) => void;
}) {
  const [form] = Form.useForm<{ code: string; name: string }>();
  const [refusal, setRefusal] = useState<string>();
  async function add(v: { code: string; name: string }) {
    const { data, error } = await api.POST('/api/v1/regions', { body: { ...v, level, parentId: parent.id } });
    if (error || !data) return setRefusal(errorText(error));
    form.resetFields();
    setRefusal(undefined);
    onAdded(data);
  }
  return (
    <Modal
      open={open}
      title={`在 ${parent.name} 下新增${regionLevelLabels[level]}`}
      okText="新增"
      cancelText="取消"
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {refusal && <Alert type="error" showIcon message="未新增" description={refusal} role="alert" style={{ marginBottom: 16 }} />}
      <Form form={form} name="new-region" layout="vertical" onFinish={add}>
        <Form.Item name="code" label="编码" rules={[{ required: true }]} extra="2–24 位字母、数字、_ 或 -，全市唯一">
          <Input />
        </Form.Item>
        <Form.Item name="name" label="名称" rules={[{ required: true, whitespace: true }]}>
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The region's outline as GeoJSON text, checked by the API, with a preview among the level's other outlines. */
function OutlineEditor({ region }: { region: Region & { level: MappedLevel } }) {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const { data: outlines } = useQuery({
    queryKey: ['region-outlines', region.level],
    queryFn: async () => (await api.GET('/api/v1/regions/outlines', { params: { query: { level: region.level } } })).data?.items ?? [],
  });
  const saved = (outlines?.find((o) => o.id === region.id)?.outline as Outline | undefined) ?? null;
  const [text, setText] = useState<string>();
  const [refusal, setRefusal] = useState<string>();
  const shown = text ?? (saved ? JSON.stringify(saved) : '');
  const parsed = useMemo(() => parseOutline(shown), [shown]);

  async function put(outline: Outline | null) {
    const { error } = await api.PUT('/api/v1/regions/{id}/outline', { params: { path: { id: region.id } }, body: { outline } });
    if (error) return setRefusal(errorText(error));
    setRefusal(undefined);
    setText(undefined);
    void message.success(outline ? '轮廓已保存' : '轮廓已清除');
    void queryClient.invalidateQueries({ queryKey: ['region-outlines'] });
  }
  const neighbours = (outlines ?? []).filter((o) => o.id !== region.id).map((o) => o.outline as Outline);
  return (
    <section aria-labelledby="outline-title">
      <Typography.Title level={3} id="outline-title" style={{ fontSize: 15 }}>
        轮廓（用于监督大屏地图）
      </Typography.Title>
      <Flex gap={16} wrap>
        <Space direction="vertical" style={{ flex: 1, minWidth: 280 }}>
          <Input.TextArea
            aria-label="轮廓 GeoJSON"
            rows={8}
            value={shown}
            onChange={(e) => setText(e.target.value)}
            placeholder='GeoJSON Polygon 或 MultiPolygon，经度在前：{"type":"Polygon","coordinates":[[[116.3,39.9],…]]}'
            style={{ fontFamily: 'monospace', fontSize: 12 }}
          />
          {typeof parsed === 'string' && <Typography.Text type="danger">{parsed}</Typography.Text>}
          {refusal && <Alert type="error" showIcon message="未保存" description={refusal} role="alert" />}
          <Space>
            <Button
              type="primary"
              disabled={typeof parsed === 'string' || !parsed || text === undefined}
              onClick={() => put(parsed as Outline)}
            >
              保存轮廓
            </Button>
            <Button disabled={!saved} onClick={() => put(null)}>
              清除轮廓
            </Button>
          </Space>
        </Space>
        <OutlinePreview outline={typeof parsed === 'string' ? null : parsed} neighbours={neighbours} />
      </Flex>
    </section>
  );
}

/** The text as an outline the preview can draw, or what is wrong with it (the API checks it in full). */
function parseOutline(text: string): Outline | string | null {
  if (!text.trim()) return null;
  try {
    const value = JSON.parse(text) as Outline;
    if (value?.type !== 'Polygon' && value?.type !== 'MultiPolygon') return '应为 GeoJSON 的 Polygon 或 MultiPolygon';
    if (!Array.isArray(value.coordinates)) return '缺少 coordinates';
    return value;
  } catch {
    return '不是有效的 JSON';
  }
}

function ringsOf(outline: Outline): number[][][] {
  return (outline.type === 'Polygon' ? [outline.coordinates] : outline.coordinates).flat() as number[][][];
}

/** An SVG sketch (equirectangular, north up) of the outline in blue among its neighbours in grey. */
function OutlinePreview({ outline, neighbours }: { outline: Outline | null; neighbours: Outline[] }) {
  const size = 240;
  const rings = outline ? ringsOf(outline).filter((r) => Array.isArray(r) && r.every((p) => Array.isArray(p) && p.length >= 2)) : [];
  const others = neighbours.flatMap(ringsOf);
  const all = [...rings, ...others].flat();
  if (all.length === 0)
    return (
      <div style={{ width: size, height: size, display: 'grid', placeItems: 'center', border: '1px dashed #d9d9d9', borderRadius: 8 }}>
        <Typography.Text type="secondary">暂无轮廓</Typography.Text>
      </div>
    );
  const xs = all.map((p) => p[0]!);
  const ys = all.map((p) => p[1]!);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const squeeze = Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
  const scale = (size - 16) / Math.max((maxX - minX) * squeeze, maxY - minY, 1e-9);
  const path = (ring: number[][]) =>
    ring
      .map((p, i) => `${i ? 'L' : 'M'}${(8 + (p[0]! - minX) * squeeze * scale).toFixed(1)},${(8 + (maxY - p[1]!) * scale).toFixed(1)}`)
      .join('') + 'Z';
  return (
    <svg
      width={size}
      height={size}
      role="img"
      aria-label="轮廓预览"
      style={{ border: '1px solid #f0f0f0', borderRadius: 8, background: '#fafafa' }}
    >
      {others.map((ring, i) => (
        <path key={`n${i}`} d={path(ring)} fill="#f0f0f0" stroke="#bfbfbf" strokeWidth={1} />
      ))}
      {rings.map((ring, i) => (
        <path key={`r${i}`} d={path(ring)} fill="rgba(9, 88, 217, 0.25)" stroke="#0958d9" strokeWidth={2} />
      ))}
    </svg>
  );
}
