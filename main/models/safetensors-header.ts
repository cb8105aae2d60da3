/**
 * Reads only the header of a .safetensors file (8-byte little-endian length + JSON), enough to check that a
 * weight file is whole (its size matches the tensors it declares) and to say which tensors and dtypes it holds.
 */
import { readHeaderOfFile } from '../../native-models/safetensors';

export interface SafetensorsHeader {
  tensors: Map<string, { dtype: string; shape: number[]; begin: number; end: number }>;
  /** Size the file must have: 8 + header length + end of the last tensor's data. */
  expectedSize: number;
  actualSize: number;
  dtypes: Set<string>;
}

/**
 * The header as native-models reads it (one reader for the app), tolerating a file cut short so the
 * report can say "cut short" (resumable) rather than "damaged". Throws when the header itself is bad.
 */
export async function readSafetensorsHeader(file: string): Promise<SafetensorsHeader> {
  const parsed = await readHeaderOfFile(file, { allowTruncated: true });
  const tensors: SafetensorsHeader['tensors'] = new Map();
  const dtypes = new Set<string>();
  for (const e of parsed.entries) {
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, begin: e.begin - parsed.dataStart, end: e.end - parsed.dataStart });
    dtypes.add(e.dtype);
  }
  return { tensors, expectedSize: parsed.expectedSize, actualSize: parsed.fileSize, dtypes };
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
