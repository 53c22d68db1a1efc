import { filetypeinfo } from 'magic-bytes.js';
import sharp from 'sharp';

/** What the hub keeps, by the type its bytes show (never by the name or the type the sender claims). */
const accepted = {
  jpg: { contentType: 'image/jpeg', kind: 'image' },
  png: { contentType: 'image/png', kind: 'image' },
  gif: { contentType: 'image/gif', kind: 'image' },
  webp: { contentType: 'image/webp', kind: 'image' },
  heif: { contentType: 'image/heic', kind: 'image' },
  wav: { contentType: 'audio/wav', kind: 'audio' },
  mp3: { contentType: 'audio/mpeg', kind: 'audio' },
  amr: { contentType: 'audio/amr', kind: 'audio' },
  ogx: { contentType: 'audio/ogg', kind: 'audio' },
  mp4: { contentType: 'video/mp4', kind: 'video' },
  pdf: { contentType: 'application/pdf', kind: 'document' },
} as const;

export type MediaKind = (typeof accepted)[keyof typeof accepted]['kind'];
export const acceptedContentTypes = Object.values(accepted).map((a) => a.contentType);

/** The type the bytes show, if the hub keeps that type. */
export function sniff(bytes: Buffer): { contentType: string; kind: MediaKind } | undefined {
  // AMR (phone and WeChat voice) has a plain-text magic the library does not list.
  if (bytes.subarray(0, 6).toString('latin1') === '#!AMR\n') return accepted.amr;
  for (const { typename } of filetypeinfo(bytes.subarray(0, 64))) {
    if (typename in accepted) return accepted[typename as keyof typeof accepted];
  }
  return undefined;
}

export const kindOf = (contentType: string): MediaKind =>
  Object.values(accepted).find((a) => a.contentType === contentType)?.kind ?? 'document';

/** Thumbnails fit in this square: big enough for a list and a ticket's gallery, small enough to load forty at once. */
const thumbnailEdge = 320;

/**
 * An image's size and its JPEG thumbnail (orientation from EXIF applied, metadata stripped), or undefined
 * when the bytes only look like an image: a file that does not decode is refused with the rest.
 */
export async function imageFacts(bytes: Buffer): Promise<{ width: number; height: number; thumbnail: Buffer | undefined } | undefined> {
  try {
    const image = sharp(bytes, { limitInputPixels: 100_000_000, failOn: 'error' });
    const meta = await image.metadata();
    if (!meta.width || !meta.height) return undefined;
    // HEIC decodes only with a libvips built for it; without one the photo is kept and shown as a file.
    const thumbnail = await image
      .rotate()
      .resize(thumbnailEdge, thumbnailEdge, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 75 })
      .toBuffer()
      .catch(() => undefined);
    return { width: meta.autoOrient?.width ?? meta.width, height: meta.autoOrient?.height ?? meta.height, thumbnail };
  } catch {
    return undefined;
  }
}
