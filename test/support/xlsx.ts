import { strFromU8, unzipSync } from 'fflate';
import type { Response } from 'superagent';

/** The text of a workbook's first sheet and its shared strings: what a test reads an Excel download by. */
export function xlsxText(file: Buffer): string {
  const parts = unzipSync(new Uint8Array(file));
  return ['xl/worksheets/sheet1.xml', 'xl/sharedStrings.xml']
    .filter((name) => parts[name])
    .map((name) => strFromU8(parts[name]!))
    .join('\n');
}

/** Supertest's parser for a binary answer (a workbook). */
export function binary(res: Response, done: (err: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}
