/**
 * The recipe of one image: everything needed to make it again (model id and hashes, precision,
 * provider, every parameter, the seed of each random stream, the AR tokens and their hash). It is
 * returned with the image, stored in the library and written into the PNG.
 */
import { createHash } from 'node:crypto';
import type { GenerateRequest } from '../../api/contract';

export const RECIPE_VERSION = 1;

export interface EngineRecipe {
  version: number;
  app: string;
  mode: GenerateRequest['mode'];
  prompt: string;
  model: string;
  modelName: string;
  modelHashes: Record<string, string>;
  precision: string;
  provider: string;
  /** Modules that ran on the CPU because the provider could not start them, with why. */
  providerFallbacks?: Record<string, string>;
  memoryProfile: string;
  width: number;
  height: number;
  steps: number;
  guidance: number;
  seed: number;
  /** Named PRNG streams of main/engine/random, all from `seed`. */
  seeds: { ar: number; noise: number };
  rng: string;
  sampling: { temperature: number; topP: number };
  /** Where the AR tokens came from: sampled now, reused from another generation, or given. */
  tokensFrom: 'sampled' | 'reused' | 'injected';
  noiseFrom: 'seeded' | 'injected';
  /** sha256 of the target-grid ids (int32 little-endian). */
  arTokensHash: string;
  /** The target-grid ids: rows×cols and base64 of int32 LE (for "vary details"). */
  arTokens: { rows: number; cols: number; data: string };
  /** sha256 of the reference images (as given), in order. */
  references?: string[];
  mask?: string;
  reuseTokensOf?: string;
  parentId?: string;
}

export function int32Bytes(ids: Int32Array): Buffer {
  const b = Buffer.alloc(ids.length * 4);
  ids.forEach((v, i) => b.writeInt32LE(v, i * 4));
  return b;
}

export function tokensHash(ids: Int32Array): string {
  return createHash('sha256').update(int32Bytes(ids)).digest('hex');
}

export function encodeTokens(ids: Int32Array, rows: number, cols: number): EngineRecipe['arTokens'] {
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
