import { returningAs, type Queryable } from '../db/db';

export type MediaSource = 'citizen' | 'staff' | 'runner';

export interface MediaRecord {
  id: number;
  ticketId: number | null;
  messageId: number | null;
  source: MediaSource;
  objectKey: string;
  thumbnailKey: string | null;
  contentType: string;
  byteSize: number;
  width: number | null;
  height: number | null;
  fileName: string | null;
  uploadedBy: number | null;
  uploaderName: string | null;
  createdAt: Date;
}

export type NewMedia = Omit<MediaRecord, 'id' | 'createdAt' | 'uploaderName'> & { sha256: string; providerKey: string | null };

const columns = {
  id: 'media.id',
  ticketId: 'media.ticket_id',
  messageId: 'media.message_id',
  source: 'media.source',
  objectKey: 'media.object_key',
  thumbnailKey: 'media.thumbnail_key',
  contentType: 'media.content_type',
  byteSize: 'media.byte_size',
  width: 'media.width',
  height: 'media.height',
  fileName: 'media.file_name',
  uploadedBy: 'media.uploaded_by',
  createdAt: 'media.created_at',
};

const select = (db: Queryable) =>
  db('media')
    .leftJoin('users', 'users.id', 'media.uploaded_by')
    .select({ ...columns, uploaderName: 'users.display_name' });

/** Stored once per provider key: a second insert for the same provider media returns nothing. */
export async function insertMedia(db: Queryable, media: NewMedia): Promise<number | undefined> {
  const query = db('media').insert({
    ticket_id: media.ticketId,
    message_id: media.messageId,
    source: media.source,
    provider_key: media.providerKey,
    object_key: media.objectKey,
    thumbnail_key: media.thumbnailKey,
    content_type: media.contentType,
    byte_size: media.byteSize,
    sha256: media.sha256,
    width: media.width,
    height: media.height,
    file_name: media.fileName,
    uploaded_by: media.uploadedBy,
  });
  const [row] = await (media.providerKey ? query.onConflict('provider_key').ignore() : query).returning(returningAs({ id: 'id' }));
  return (row as { id: number } | undefined)?.id;
}

export function findMedia(db: Queryable, id: number): Promise<(MediaRecord & { viaTicketId: number | null }) | undefined> {
  return select(db)
    .leftJoin('inbound_messages', 'inbound_messages.id', 'media.message_id')
    .select({ viaTicketId: db.raw('coalesce(media.ticket_id, inbound_messages.ticket_id)') })
    .where('media.id', id)
    .first();
}

/** A ticket's media: its own, and those of the citizen's messages that opened or followed it. */
export function listTicketMedia(db: Queryable, ticketId: number): Promise<MediaRecord[]> {
  return select(db)
    .where('media.ticket_id', ticketId)
    .orWhereIn('media.message_id', db('inbound_messages').select('id').where({ ticket_id: ticketId }))
    .orderBy('media.id');
}

export function providerKeysStored(db: Queryable, keys: readonly string[]): Promise<Array<{ providerKey: string }>> {
  return db('media').select({ providerKey: 'provider_key' }).whereIn('provider_key', keys);
}

/** The URLs of a citizen message's media, as the provider sent them. */
export async function messageMediaUrls(db: Queryable, messageId: number): Promise<string[]> {
  const row: { media: Array<{ url: string }> } | undefined = await db('inbound_messages').select('media').where({ id: messageId }).first();
  return (row?.media ?? []).map((m) => m.url);
}
