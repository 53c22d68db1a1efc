import { PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Empty, Image, Space, Typography, Upload, type UploadFile } from 'antd';
import { useState } from 'react';
import { api, errorText } from '../api/client';
import { mediaSourceLabels } from '../labels';
import { shortTime } from '../time';

const mediaUrl = (id: number, thumbnail = false) => `/api/v1/media/${id}${thumbnail ? '/thumbnail' : ''}`;

export function useTicketMedia(ticketId: number) {
  return useQuery({
    queryKey: ['ticket', ticketId, 'media'],
    queryFn: async () => (await api.GET('/api/v1/tickets/{id}/media', { params: { path: { id: ticketId } } })).data?.items ?? [],
  });
}

/** Sends one file to the ticket as the request body (the API checks its type by content); the stored item's id. */
export async function uploadToTicket(ticketId: number, file: File): Promise<number> {
  const res = await fetch(`/api/v1/tickets/${ticketId}/media?name=${encodeURIComponent(file.name)}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': file.type || 'application/octet-stream' },
    body: file,
  });
  const body = (await res.json().catch(() => undefined)) as { id?: number } | undefined;
  if (!res.ok || body?.id === undefined) throw new Error(errorText(body));
  return body.id;
}

/** The ticket's photos (thumbnails, opened full size), recordings (played here) and files, with who sent each. */
export function MediaGallery({ ticketId }: { ticketId: number }) {
  const { data } = useTicketMedia(ticketId);
  if (!data) return null;
  if (data.length === 0) return <Empty description="暂无照片、录音或文件" />;
  const caption = (m: (typeof data)[number]) =>
    `${mediaSourceLabels[m.source] ?? m.source}${m.uploadedBy ? `・${m.uploadedBy}` : ''} ${shortTime(m.createdAt)}`;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Image.PreviewGroup>
        <Space wrap size="middle">
          {data
            .filter((m) => m.kind === 'image')
            .map((m) => (
              <figure key={m.id} style={{ margin: 0 }}>
                <Image
                  width={120}
                  height={90}
                  style={{ objectFit: 'cover' }}
                  src={m.hasThumbnail ? mediaUrl(m.id, true) : mediaUrl(m.id)}
                  preview={{ src: mediaUrl(m.id) }}
                  alt={`照片：${caption(m)}`}
                />
                <figcaption>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {caption(m)}
                  </Typography.Text>
                </figcaption>
              </figure>
            ))}
        </Space>
      </Image.PreviewGroup>
      {data
        .filter((m) => m.kind !== 'image')
        .map((m) => (
          <div key={m.id}>
            {m.kind === 'audio' ? (
              <audio controls preload="none" src={mediaUrl(m.id)} aria-label={`录音：${caption(m)}`} />
            ) : (
              <a href={mediaUrl(m.id)} target="_blank" rel="noreferrer">
                {m.fileName ?? `文件 ${m.id}`}
              </a>
            )}{' '}
            <Typography.Text type="secondary">{caption(m)}</Typography.Text>
          </div>
        ))}
    </Space>
  );
}

/**
 * Photos for a form (答复's photos of what was done, a runner's documents): each is uploaded to the ticket
 * as it is picked; the field's value is the stored ids, which the action's body names.
 */
export function PhotoPicker({
  ticketId,
  value = [],
  onChange,
}: {
  ticketId: number;
  value?: number[];
  onChange?: (ids: number[]) => void;
}) {
  const [files, setFiles] = useState<UploadFile[]>([]);
  const queryClient = useQueryClient();
  return (
    <Upload
      listType="picture-card"
      accept="image/*"
      multiple
      fileList={files}
      onChange={({ fileList }) => {
        setFiles(fileList);
        onChange?.(fileList.filter((f) => f.status === 'done').map((f) => f.response as number));
      }}
      customRequest={({ file, onSuccess, onError }) => {
        uploadToTicket(ticketId, file as File).then(
          (id) => {
            onSuccess?.(id);
            void queryClient.invalidateQueries({ queryKey: ['ticket', ticketId, 'media'] });
          },
          (err: Error) => onError?.(err),
        );
      }}
    >
      {value.length + files.filter((f) => f.status !== 'done').length < 9 && (
        <button type="button" style={{ border: 0, background: 'none', cursor: 'pointer' }}>
          <PlusOutlined />
          <div style={{ marginTop: 8 }}>添加照片</div>
        </button>
      )}
    </Upload>
  );
}
