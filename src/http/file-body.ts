import type { Request } from 'express';
import { AppError } from '../shared/errors';

/**
 * A request's body as bytes, for uploads sent as the file itself (not JSON, not a form): a 413 as soon as it
 * passes maxBytes, before the rest is read. JSON bodies were parsed already and are refused here.
 */
export async function readFileBody(req: Request, maxBytes: number, tooLarge: () => AppError): Promise<Buffer> {
  if (req.is('application/json') || req.body !== undefined) throw new AppError('UNSUPPORTED_MEDIA_TYPE', '请直接上传文件本身，而不是 JSON');
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      req.unpipe();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
