/**
 * Reads only the header of a .safetensors file (8-byte little-endian length + JSON), enough to check that a
 * weight file is whole (its size matches the tensors it declares) and to say which tensors and dtypes it holds.
 */
import { open } from 'node:fs/promises';

export interface SafetensorsHeader {
  tensors: Map<string, { dtype: string; shape: number[]; begin: number; end: number }>;
  /** Size the file must have: 8 + header length + end of the last tensor's data. */
  expectedSize: number;
  actualSize: number;
  dtypes: Set<string>;
}

const MAX_HEADER = 100 * 1024 * 1024;

/** Throws an Error with a readable message when the file is not a safetensors file. */
export async function readSafetensorsHeader(file: string): Promise<SafetensorsHeader> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    if (size < 8) throw new Error('the file is too short to be a safetensors file');
    const lenBuf = Buffer.alloc(8);
    await fh.read(lenBuf, 0, 8, 0);
    const headerLen = Number(lenBuf.readBigUInt64LE(0));
    if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
      throw new Error('the safetensors header is damaged (bad length)');
    }
    const json = Buffer.alloc(headerLen);
    await fh.read(json, 0, headerLen, 8);
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(json.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new Error('the safetensors header is not valid JSON');
    }
    const tensors: SafetensorsHeader['tensors'] = new Map();
    const dtypes = new Set<string>();
    let dataEnd = 0;
    for (const [name, value] of Object.entries(parsed)) {
      if (name === '__metadata__') continue;
      const v = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      const offsets = v.data_offsets;
      if (
        typeof v.dtype !== 'string' ||
        !Array.isArray(v.shape) ||
        !Array.isArray(offsets) ||
        offsets.length !== 2 ||
        typeof offsets[0] !== 'number' ||
        typeof offsets[1] !== 'number'
      ) {
        throw new Error(`the safetensors header entry for "${name}" is damaged`);
      }
      tensors.set(name, { dtype: v.dtype, shape: v.shape as number[], begin: offsets[0], end: offsets[1] });
      dtypes.add(v.dtype);
      dataEnd = Math.max(dataEnd, offsets[1]);
    }
    return { tensors, expectedSize: 8 + headerLen + dataEnd, actualSize: size, dtypes };
  } finally {
    await fh.close();
  }
}

/** safetensors dtype tag → the precision name users see. */
export function precisionName(dtype: string): string {
  const map: Record<string, string> = {
    F64: 'fp64',
    F32: 'fp32',
    F16: 'fp16',
    BF16: 'bf16',
    F8_E4M3: 'fp8',
    F8_E5M2: 'fp8',
    I64: 'int64',
    I32: 'int32',
    I16: 'int16',
    I8: 'int8',
    U8: 'uint8',
    BOOL: 'bool',
  };
  return map[dtype] ?? dtype.toLowerCase();
}
