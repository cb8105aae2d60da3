/**
 * Golden access for the AR parity tests: the case's request (json) and its tensors (safetensors),
 * read through the project's safetensors reader.
 */
import path from 'node:path';
import { SafetensorsCheckpoint } from '../../native-models/safetensors';
import { caseTensorsPath, checkpointDir, readCaseMeta } from '../helpers/fixtures';

export interface CaseRequest {
  name: string;
  prompt: string;
  height: number;
  width: number;
  /** i2i: original reference image size [height, width]. */
  ref?: [number, number];
}

export function caseRequest(caseName: string): CaseRequest {
  return readCaseMeta(caseName) as unknown as CaseRequest;
}

export async function withGolden<T>(caseName: string, fn: (g: SafetensorsCheckpoint) => Promise<T>): Promise<T> {
  const g = await SafetensorsCheckpoint.open(caseTensorsPath(caseName));
  try {
    return await fn(g);
  } finally {
    await g.close();
  }
}

export async function goldenInts(g: SafetensorsCheckpoint, name: string): Promise<number[]> {
  return Array.from(await g.readInt64(name), (v) => Number(v));
}

export function processorDir(): string {
  return path.join(checkpointDir(), 'processor');
}

export function arComponentDir(): string {
  return path.join(checkpointDir(), 'vision_language_encoder');
}

/** Index of the last DiT call recorded in a case (its prior_token_id is the target grid's, upsampled). */
export function lastDitCall(g: SafetensorsCheckpoint): number {
  let last = -1;
  for (const n of g.names()) {
    const m = /^dit\.(\d+)\.prior_token_id$/.exec(n);
    if (m) last = Math.max(last, Number(m[1]));
  }
  return last;
}
