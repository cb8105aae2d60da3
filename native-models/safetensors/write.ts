/**
 * Write a .safetensors file (and optionally a sharded set with its index). Used by tests to make
 * checkpoints, and by tools that save tensors; not needed to read a model.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DTYPE_BYTES, type SafetensorsDType } from './dtype';
import { writeFileAtomic } from '../atomic-write';

export interface TensorToWrite {
  dtype: SafetensorsDType;
  shape: number[];
  /** Raw little-endian bytes, exactly numel * dtype size long. */
  data: ArrayBufferView;
}

function bytesOf(v: ArrayBufferView): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** Serialise tensors to safetensors bytes (header padded with spaces to 8 bytes, as the reference does). */
export function encodeSafetensors(tensors: Record<string, TensorToWrite>, metadata?: Record<string, string>): Buffer {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  const parts: Buffer[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    const numel = t.shape.reduce((a, b) => a * b, 1);
    const n = numel * DTYPE_BYTES[t.dtype];
    if (t.data.byteLength !== n) throw new Error(`tensor ${name}: ${t.data.byteLength} bytes given, ${n} expected`);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + n] };
    parts.push(bytesOf(t.data));
    offset += n;
  }
  let json = JSON.stringify(header);
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += ' ';
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([len, Buffer.from(json, 'utf8'), ...parts]);
}

export async function writeSafetensors(
  file: string,
  tensors: Record<string, TensorToWrite>,
  metadata?: Record<string, string>,
): Promise<void> {
  await writeFileAtomic(file, encodeSafetensors(tensors, metadata));
}

/**
 * Write tensors as shards `<base>-0000i-of-0000n.safetensors` plus `<base>.safetensors.index.json`
 * in `dir`; `shards` lists the tensor names of each shard.
 */
export async function writeShardedSafetensors(
  dir: string,
  base: string,
  tensors: Record<string, TensorToWrite>,
  shards: string[][],
): Promise<string> {
  const n = shards.length;
  const weightMap: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const fname = `${base}-${String(i + 1).padStart(5, '0')}-of-${String(n).padStart(5, '0')}.safetensors`;
    const part: Record<string, TensorToWrite> = {};
    for (const name of shards[i]) {
      part[name] = tensors[name];
      weightMap[name] = fname;
    }
    await writeSafetensors(path.join(dir, fname), part, { format: 'pt' });
  }
  const index = path.join(dir, `${base}.safetensors.index.json`);
  await writeFile(index, JSON.stringify({ metadata: {}, weight_map: weightMap }, null, 2));
  return index;
}
