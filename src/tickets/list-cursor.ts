import { invalid } from '../shared/errors';

/** The ticket list's cursor: the last id of a page, opaque to clients. */
export function encodeCursor(id: number): string {
  return Buffer.from(`t:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const match = /^t:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw invalid('翻页游标无效');
  return Number(match[1]);
}
