import { Button, Form, Input, List, Space, Tag, Typography } from 'antd';
import type { components } from '../../api/schema';
import { bundleMatterStatusLabels } from '../../labels';
import { tone } from '../../tone';

type Bundle = NonNullable<components['schemas']['ProxyOrderDetail']['bundle']>;
const statusColors = { pending: undefined, submitted: tone.info, approved: tone.good, refused: tone.bad } as const;

/**
 * 一件事一次办 on the runner's phone: each matter of the situation, submitted on its own with its acceptance number
 * (from the one set of materials), then its result; the order is delivered once every matter has one.
 */
export function BundleMatters({
  bundle,
  post,
}: {
  bundle: Bundle;
  post: (path: 'submit' | 'matter-result', body: Record<string, unknown>) => void;
}) {
  return (
    <List
      size="small"
      bordered
      header={<Typography.Text strong>{`${bundle.bundleName}：共 ${bundle.matters.length} 个事项，逐项递交、逐项办结`}</Typography.Text>}
      dataSource={bundle.matters}
      renderItem={(m) => (
        <List.Item aria-label={m.name}>
          <Space direction="vertical" style={{ width: '100%' }}>
            <Space wrap>
              <Typography.Text strong>{m.name}</Typography.Text>
              <Tag color={statusColors[m.status]}>{bundleMatterStatusLabels[m.status]}</Tag>
              {m.acceptanceNumber && <Typography.Text type="secondary">受理号 {m.acceptanceNumber}</Typography.Text>}
            </Space>
            {m.status === 'pending' && (
              <Form
                layout="inline"
                aria-label={`递交${m.name}`}
                onFinish={(v: { acceptanceNumber: string }) => post('submit', { matterId: m.matterId, ...v })}
              >
                <Form.Item name="acceptanceNumber" rules={[{ required: true, message: '请填写受理编号' }]}>
                  <Input placeholder="受理编号" aria-label={`${m.name}受理编号`} />
                </Form.Item>
                <Button htmlType="submit">已递交</Button>
              </Form>
            )}
            {m.status === 'submitted' && (
              <Space>
                <Button type="primary" onClick={() => post('matter-result', { matterId: m.matterId, outcome: 'approved' })}>
                  {`${m.name}已办结`}
                </Button>
                <Button danger onClick={() => post('matter-result', { matterId: m.matterId, outcome: 'refused' })}>
                  不予办理
                </Button>
              </Space>
            )}
          </Space>
        </List.Item>
      )}
    />
  );
}
