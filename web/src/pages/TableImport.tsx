import { Alert, Button, List, Space, Upload } from 'antd';
import { useState } from 'react';
import { errorText } from '../api/client';

type Refused = Array<{ row: number; reason: string }>;

/**
 * A table (CSV in UTF-8, or Excel) sent to the API as the file itself: the button, then what came of it — how many
 * rows were kept (`kept` says it in words) and each refused row with why, or why the file was refused whole.
 */
export function TableImport<R extends { refused: Refused }>({
  url,
  label,
  kept,
  disabled,
  onDone,
}: {
  /** Where the file goes (its name may be part of it). */
  url: (file: File) => string;
  label: string;
  kept: (result: R) => string;
  disabled?: boolean;
  onDone?: (result: R) => void;
}) {
  const [result, setResult] = useState<R>();
  const [error, setError] = useState<string>();
  const [sending, setSending] = useState(false);
  async function send(file: File) {
    setSending(true);
    setError(undefined);
    setResult(undefined);
    try {
      const res = await fetch(url(file), {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': file.type || 'application/octet-stream' },
        body: file,
      });
      const body = (await res.json().catch(() => undefined)) as R | undefined;
      if (!res.ok || !body) throw new Error(errorText(body));
      setResult(body);
      onDone?.(body);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSending(false);
    }
  }
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Upload
        accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        showUploadList={false}
        disabled={disabled}
        beforeUpload={(file) => {
          void send(file);
          return false;
        }}
      >
        <Button loading={sending} disabled={disabled}>
          {label}
        </Button>
      </Upload>
      {error && <Alert type="error" showIcon message="未导入" description={error} role="alert" />}
      {result && (
        <Alert
          type={result.refused.length > 0 ? 'warning' : 'success'}
          showIcon
          role="status"
          message={`${kept(result)}${result.refused.length > 0 ? `，${result.refused.length} 行未导入` : ''}`}
          description={
            result.refused.length > 0 && (
              <List
                size="small"
                dataSource={result.refused}
                renderItem={(r) => (
                  <List.Item key={r.row}>
                    第 {r.row} 行：{r.reason}
                  </List.Item>
                )}
              />
            )
          }
        />
      )}
    </Space>
  );
}
