import { createHash } from 'node:crypto';
import type { Db } from '../db/db';
import type { JobOutcome } from '../jobs/queue';
import { AppError, notFound } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { Actor, UserActor } from '../shared/roles';
import type { TicketsService } from '../tickets/tickets.service';
import { acceptedContentTypes, imageFacts, kindOf, sniff, type MediaKind } from './media-kinds';
import * as repo from './media.repository';
import { MediaTooLarge, type MediaFetcher, type ObjectStore } from './ports';

/** A photo, recording or file as the API shows it: its bytes only through /media/{id}, for those who may see the ticket. */
export interface MediaItem {
  id: number;
  kind: MediaKind;
  contentType: string;
  byteSize: number;
  width: number | null;
  height: number | null;
  fileName: string | null;
  source: repo.MediaSource;
  uploadedBy: string | null;
  createdAt: Date;
  hasThumbnail: boolean;
}

const present = (m: repo.MediaRecord): MediaItem => ({
  id: m.id,
  kind: kindOf(m.contentType),
  contentType: m.contentType,
  byteSize: m.byteSize,
  width: m.width,
  height: m.height,
  fileName: m.fileName,
  source: m.source,
  uploadedBy: m.uploaderName,
  createdAt: m.createdAt,
  hasThumbnail: m.thumbnailKey !== null,
});

export const tooLarge = (maxBytes: number) => new AppError('PAYLOAD_TOO_LARGE', `文件不能超过 ${Math.round(maxBytes / 1024 / 1024)} MB`);

/**
 * The hub's photos, recordings and files. Bytes are checked by what they are (a renamed program is
 * refused), kept once under their SHA-256 in the object store, images get a thumbnail; the rows say
 * whose ticket they belong to, and only those who may see that ticket get them back.
 */
export class MediaService {
  constructor(
    private readonly db: Db,
    private readonly store: ObjectStore,
    private readonly tickets: TicketsService,
    private readonly fetcher: MediaFetcher | undefined,
    private readonly logger: Logger,
    readonly maxBytes: number,
  ) {}

  /** A staff member's or runner's photo or file for a ticket they may see. */
  async upload(actor: UserActor, ticketId: number, bytes: Buffer, fileName: string | undefined): Promise<MediaItem> {
    await this.tickets.assertVisible(actor, ticketId);
    const id = await this.keep(bytes, {
      ticketId,
      messageId: null,
      source: actor.role === 'runner' ? 'runner' : 'staff',
      providerKey: null,
      fileName: fileName ?? null,
      uploadedBy: actor.userId,
    });
    return present((await repo.findMedia(this.db, id!))!);
  }

  async list(actor: Actor, ticketId: number): Promise<MediaItem[]> {
    await this.tickets.assertVisible(actor, ticketId);
    return (await repo.listTicketMedia(this.db, ticketId)).map(present);
  }

  /** The bytes (or the thumbnail's), for someone who may see the ticket; 404 alike for missing and not theirs. */
  async read(
    actor: Actor,
    id: number,
    variant: 'original' | 'thumbnail',
  ): Promise<{ bytes: Buffer; contentType: string; fileName: string | null }> {
    const media = await repo.findMedia(this.db, id);
    if (!media || media.viaTicketId === null) throw notFound('附件');
    await this.tickets.assertVisible(actor, media.viaTicketId).catch(() => {
      throw notFound('附件');
    });
    const key = variant === 'thumbnail' ? media.thumbnailKey : media.objectKey;
    const bytes = key ? await this.store.get(key) : undefined;
    if (!bytes) throw notFound(variant === 'thumbnail' ? '缩略图' : '附件');
    return { bytes, contentType: variant === 'thumbnail' ? 'image/jpeg' : media.contentType, fileName: media.fileName };
  }

  /**
   * Job: keep a citizen message's media (MMS photos, a voicemail) in the hub, fetched once each from the
   * provider. Media the hub may not fetch, or refuses (type, size), stays a reference and is logged;
   * a provider error fails the job, and it is retried.
   */
  async fetchForMessage(messageId: number): Promise<JobOutcome> {
    const urls = (await repo.messageMediaUrls(this.db, messageId)).filter((url) => this.fetcher?.allows(url));
    if (urls.length === 0) return 'skipped';
    const stored = new Set((await repo.providerKeysStored(this.db, urls)).map((r) => r.providerKey));
    for (const url of urls.filter((u) => !stored.has(u))) {
      let bytes: Buffer;
      try {
        bytes = await this.fetcher!.fetch(url, this.maxBytes);
      } catch (err) {
        if (!(err instanceof MediaTooLarge)) throw err;
        this.logger.warn({ messageId, err: err.message }, 'citizen media not kept: too large');
        continue;
      }
      await this.keep(bytes, { ticketId: null, messageId, source: 'citizen', providerKey: url, fileName: null, uploadedBy: null }).catch(
        (err: unknown) => {
          if (!(err instanceof AppError)) throw err;
          this.logger.warn({ messageId, err: err.message }, 'citizen media not kept');
        },
      );
    }
    return 'done';
  }

  /** Checks and stores the bytes once; the row's id (undefined when the provider's media was already kept). */
  private async keep(
    bytes: Buffer,
    row: Pick<repo.NewMedia, 'ticketId' | 'messageId' | 'source' | 'providerKey' | 'fileName' | 'uploadedBy'>,
  ): Promise<number | undefined> {
    if (bytes.length === 0) throw new AppError('VALIDATION_FAILED', '文件为空');
    if (bytes.length > this.maxBytes) throw tooLarge(this.maxBytes);
    const type = sniff(bytes);
    if (!type) throw new AppError('UNSUPPORTED_MEDIA_TYPE', `文件内容不是允许的类型（${acceptedContentTypes.join('、')}），与文件名无关`);
    const image = type.kind === 'image' ? await imageFacts(bytes) : undefined;
    if (type.kind === 'image' && !image && type.contentType !== 'image/heic')
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', '图片无法解码（已损坏，或与文件头不符）');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const objectKey = `media/${sha256.slice(0, 2)}/${sha256}`;
    const thumbnailKey = image?.thumbnail ? `thumbnails/${sha256.slice(0, 2)}/${sha256}.jpg` : null;
    // Content-addressed: the same bytes twice are one object, written again harmlessly.
    await this.store.put(objectKey, bytes, type.contentType);
    if (image?.thumbnail && thumbnailKey) await this.store.put(thumbnailKey, image.thumbnail, 'image/jpeg');
    return repo.insertMedia(this.db, {
      ...row,
      fileName: row.fileName?.slice(0, 200) ?? null,
      objectKey,
      thumbnailKey,
      contentType: type.contentType,
      byteSize: bytes.length,
      sha256,
      width: image?.width ?? null,
      height: image?.height ?? null,
    });
  }
}
