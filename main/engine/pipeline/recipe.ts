/**
 * The AR tokens in a recipe (contract Recipe: the one schema): their hash, their encoding for
 * "vary details", and reading them back.
 */
import { createHash } from 'node:crypto';
import type { Recipe } from '../../contract';

export function int32Bytes(ids: Int32Array): Buffer {
  const b = Buffer.alloc(ids.length * 4);
  ids.forEach((v, i) => b.writeInt32LE(v, i * 4));
  return b;
}

export function tokensHash(ids: Int32Array): string {
  return createHash('sha256').update(int32Bytes(ids)).digest('hex');
}

export function encodeTokens(ids: Int32Array, rows: number, cols: number): Recipe['arTokens'] {
  return { rows, cols, data: int32Bytes(ids).toString('base64') };
}

/** Target-grid ids back from a recipe (reuse for "vary details"); null when absent or malformed. */
export function decodeTokens(recipe: unknown): { ids: Int32Array; rows: number; cols: number } | null {
  const t = (recipe as { arTokens?: { rows?: unknown; cols?: unknown; data?: unknown } } | null)?.arTokens;
  if (!t || typeof t.data !== 'string' || !Number.isInteger(t.rows) || !Number.isInteger(t.cols)) return null;
  const b = Buffer.from(t.data, 'base64');
  const rows = t.rows as number;
  const cols = t.cols as number;
  if (b.length !== rows * cols * 4) return null;
  const ids = new Int32Array(rows * cols);
  for (let i = 0; i < ids.length; i++) ids[i] = b.readInt32LE(i * 4);
  return { ids, rows, cols };
}
