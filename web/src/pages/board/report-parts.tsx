import { Button, Drawer, List, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router';

/** A report's period: Beijing days, inclusive. */
export interface Period {
  from: string;
  to: string;
}

export const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);

/** A report's grouping on the left, its downloads on the right (the API's CSV and Excel of the same query). */
export function ReportBar({ grouping, file }: { grouping: ReactNode; file: string }) {
  const csv = `${file}&format=csv`;
  return (
    <Space wrap style={{ marginBottom: 16, width: '100%', justifyContent: 'space-between' }}>
      {grouping}
      <Space>
        <Button href={csv} download>
          导出 CSV
        </Button>
        <Button href={csv.replace('format=csv', 'format=xlsx')} download>
          导出 Excel
        </Button>
      </Space>
    </Space>
  );
}

/** A figure that opens the tickets behind it. */
export function Figure({ onClick, label, children }: { onClick: () => void; label: string; children: ReactNode }) {
  return (
    <Button type="link" size="small" style={{ padding: 0 }} onClick={onClick} aria-label={label}>
      {children}
    </Button>
  );
}

/** The tickets behind a figure, each a link to its page. */
export function Behind({
  title,
  items,
  loading,
  onClose,
}: {
  title: string | undefined;
  items: Array<{ ticketId: number; number: string; title: string }> | undefined;
  loading: boolean;
  onClose: () => void;
}) {
  return (
    <Drawer open={title !== undefined} onClose={onClose} title={title} width={480}>
      <List
        loading={loading}
        dataSource={items ?? []}
        locale={{ emptyText: <Typography.Text type="secondary">没有工单</Typography.Text> }}
        renderItem={(item) => (
          <List.Item key={item.ticketId}>
            <Space direction="vertical" size={0}>
              <Link to={`/tickets/${item.ticketId}`} onClick={onClose}>
                {item.number}
              </Link>
              <Typography.Text type="secondary">{item.title}</Typography.Text>
            </Space>
          </List.Item>
        )}
      />
    </Drawer>
  );
}
