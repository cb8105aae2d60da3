/** Keyset pagination: the cursor is the id of the last row of the page (opaque to callers). */
import { GlimmerError } from '../contract';

export function encodeCursor(id: number): string {
  return Buffer.from(`g:${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^g:(\d{1,15})$/.exec(text);
  if (!m) throw new GlimmerError('bad_request', 'That page cursor is not valid; start again from the first page.');
  return Number(m[1]);
}
