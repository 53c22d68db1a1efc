import { Typography } from 'antd';

/** A field's value in words: lists joined, empty as —. */
function plain(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map(plain).join('、');
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * What a change did, field by field: 字段：旧 → 新. The audit log and the catalog's versions both
 * keep before and after; fields that did not change are not shown.
 */
export function ChangeDiff({
  before,
  after,
  labels = {},
  format = {},
}: {
  before: unknown;
  after: unknown;
  labels?: Record<string, string>;
  format?: Record<string, (value: unknown) => string | undefined>;
}) {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter(
    (key) => !['id', 'createdAt', 'updatedAt', 'catalogVersion'].includes(key) && JSON.stringify(b[key]) !== JSON.stringify(a[key]),
  );
  if (keys.length === 0) return <Typography.Text type="secondary">无字段变化</Typography.Text>;
  const show = (key: string, value: unknown) => format[key]?.(value) ?? plain(value);
  return (
    <ul style={{ margin: 0, paddingInlineStart: 18 }}>
      {keys.map((key) => (
        <li key={key}>
          <Typography.Text strong>{labels[key] ?? key}</Typography.Text>：
          {before == null ? (
            show(key, a[key])
          ) : after == null ? (
            <Typography.Text delete>{show(key, b[key])}</Typography.Text>
          ) : (
            <>
              <Typography.Text delete type="secondary">
                {show(key, b[key])}
              </Typography.Text>
              {' → '}
              {show(key, a[key])}
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
