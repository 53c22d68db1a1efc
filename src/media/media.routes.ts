import { z } from 'zod';
import { type ApiRouter, idParams } from '../http/api-router';
import { readFileBody } from '../http/file-body';
import { instant } from '../http/validate';
import { acceptedContentTypes } from './media-kinds';
import { tooLarge, type MediaService } from './media.service';

const mediaItem = z
  .object({
    id: z.number().int(),
    kind: z.enum(['image', 'audio', 'video', 'document']),
    contentType: z.string(),
    byteSize: z.number().int(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    fileName: z.string().nullable(),
    source: z.enum(['citizen', 'staff', 'runner']),
    uploadedBy: z.string().nullable(),
    createdAt: instant,
    hasThumbnail: z.boolean(),
  })
  .meta({ id: 'Media' });

/** Photos, recordings and files of a ticket: uploaded as the file itself, read back only through here. */
export function registerMediaRoutes(api: ApiRouter, media: MediaService): void {
  api.route({
    method: 'get',
    path: '/tickets/:id/media',
    tag: 'tickets',
    summary: 'A ticket’s photos, recordings and files (the citizen’s and the departments’)',
    access: 'staff',
    params: idParams,
    response: z.object({ items: z.array(mediaItem) }),
    handler: async ({ actor, params }) => ({ items: await media.list(actor, params.id) }),
  });
  api.route({
    method: 'post',
    path: '/tickets/:id/media',
    tag: 'tickets',
    summary: 'Add a photo or file to a ticket (the bytes as the body)',
    description:
      `Kept types, checked by content whatever the name or Content-Type: ${acceptedContentTypes.join(', ')}. ` +
      `At most MEDIA_MAX_MB (413 past it); 415 for anything else. Department staff: their department's tickets.`,
    access: 'staff',
    params: idParams,
    query: z.strictObject({ name: z.string().trim().min(1).max(200).optional() }),
    fileBody: true,
    successStatus: 201,
    response: mediaItem,
    handler: async ({ actor, params, query, req }) => {
      const bytes = await readFileBody(req, media.maxBytes, () => tooLarge(media.maxBytes));
      return media.upload(actor, params.id, bytes, query.name);
    },
  });
  for (const variant of ['original', 'thumbnail'] as const) {
    api.route({
      method: 'get',
      path: variant === 'original' ? '/media/:id' : '/media/:id/thumbnail',
      tag: 'tickets',
      summary: variant === 'original' ? 'A photo’s, recording’s or file’s bytes' : 'An image’s thumbnail (JPEG, 320 px at most)',
      description: 'For whoever may see the ticket it belongs to; 404 for anyone else.',
      access: 'staff',
      params: idParams,
      fileResponse: true,
      handler: async ({ actor, params, res }) => {
        const file = await media.read(actor, params.id, variant);
        const inline =
          file.contentType.startsWith('image/') || file.contentType.startsWith('audio/') || file.contentType.startsWith('video/');
        res.set({
          'content-type': file.contentType,
          'content-length': String(file.bytes.length),
          // Personal data: kept by the browser for this user only, never by a shared cache.
          'cache-control': 'private, max-age=3600',
          'content-disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(file.fileName ?? `media-${params.id}`)}`,
          'content-security-policy': "default-src 'none'; sandbox",
        });
        res.status(200).end(file.bytes);
        return undefined;
      },
    });
  }
}
