import { Card, Typography } from 'antd';
import type { ReactNode } from 'react';

/** A card beside the seat's call form (suggestion, knowledge, caller, similar tickets, materials): a region named by its heading, read out as it changes. */
export function SidePanel({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card
      title={
        <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
          {title}
        </Typography.Title>
      }
      style={{ width: 360 }}
      role="region"
      aria-label={title}
      aria-live="polite"
    >
      {children}
    </Card>
  );
}
