/**
 * Parse the header of one .safetensors file: 8 bytes little-endian u64 header length, then that many
 * bytes of JSON `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: {...} }`, then
 * the data. Offsets are relative to the start of the data. Only the header is read here.
 *
 * The layout rules, in this one place for every reader (compile, validation, downloads): each
 * tensor's byte range matches its shape and dtype; the ranges tile the data exactly, from its first
 * byte, with no overlap and no gap (as the reference implementation requires); and nothing follows
 * the last tensor. Only a file cut short may be reported instead of refused (allowTruncated).
 */
import { type FileHandle, open } from 'node:fs/promises';
import { NativeModelError } from '../errors';
import { DTYPE_BYTES, isSafetensorsDType, type SafetensorsDType } from './dtype';

export interface TensorEntry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  /** Absolute path of the file that holds the tensor. */
  file: string;
  /** Absolute byte offsets in that file: [begin, end). */
  begin: number;
  end: number;
}

export interface ParsedHeader {
  entries: TensorEntry[];
  metadata: Record<string, string>;
  dataStart: number;
  /** Size the file must have: the end of its last tensor's data. */
  expectedSize: number;
  /** Size it has. */
  fileSize: number;
}

export interface ReadHeaderOptions {
  /**
   * Report a file shorter than its header says (fileSize < expectedSize) instead of refusing it:
   * a download in progress, or a validation report that tells "cut short" from "damaged".
   */
  allowTruncated?: boolean;
}

/** A header larger than this is not a safetensors header (the real ones are < 10 MB). */
const MAX_HEADER_BYTES = 256 * 1024 * 1024;

function corrupt(file: string, what: string): NativeModelError {
  return new NativeModelError(
    'model_corrupt',
    `The model file ${file} is damaged or not a safetensors file: ${what}. Download or import the model again.`,
    { file },
  );
}

export async function readHeader(fh: FileHandle, file: string, options: ReadHeaderOptions = {}): Promise<ParsedHeader> {
  const fileSize = (await fh.stat()).size;
  if (fileSize < 8) throw corrupt(file, `it is only ${fileSize} bytes long (truncated)`);
  const lenBuf = Buffer.alloc(8);
  await fh.read(lenBuf, 0, 8, 0);
  const headerLen = lenBuf.readBigUInt64LE(0);
  if (headerLen > BigInt(MAX_HEADER_BYTES)) throw corrupt(file, `its header claims ${headerLen} bytes`);
  const n = Number(headerLen);
  if (8 + n > fileSize) {
    throw corrupt(file, `the header claims ${n} bytes but the file has only ${fileSize - 8} after the length (truncated)`);
  }
  const headerBuf = Buffer.alloc(n);
  await readFully(fh, headerBuf, 0, n, 8);
  let json: unknown;
  try {
    json = JSON.parse(headerBuf.toString('utf8'));
  } catch (e) {
    throw corrupt(file, `its header is not valid JSON (${(e as Error).message})`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw corrupt(file, 'its header is not a JSON object');
  const dataStart = 8 + n;
  const entries: TensorEntry[] = [];
  let metadata: Record<string, string> = {};
  let expectedSize = dataStart;
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (raw && typeof raw === 'object') metadata = raw as Record<string, string>;
      continue;
    }
    const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (!info || typeof info !== 'object') throw corrupt(file, `tensor "${name}" has no description`);
    if (!isSafetensorsDType(info.dtype)) {
      throw corrupt(file, `tensor "${name}" has dtype ${JSON.stringify(info.dtype)}, which Glimmer cannot read`);
    }
    const shape = info.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw corrupt(file, `tensor "${name}" has an invalid shape ${JSON.stringify(shape)}`);
    }
    const offs = info.data_offsets;
    if (
      !Array.isArray(offs) ||
      offs.length !== 2 ||
      !offs.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offs[1] < offs[0]
    ) {
      throw corrupt(file, `tensor "${name}" has invalid data_offsets ${JSON.stringify(offs)}`);
    }
    const numel = (shape as number[]).reduce((a, b) => a * b, 1);
    const want = numel * DTYPE_BYTES[info.dtype];
    if (offs[1] - offs[0] !== want) {
      throw corrupt(file, `tensor "${name}" (${info.dtype} ${JSON.stringify(shape)}) should take ${want} bytes, the header gives ${offs[1] - offs[0]}`);
    }
    const begin = dataStart + offs[0];
    const end = dataStart + offs[1];
    expectedSize = Math.max(expectedSize, end);
    if (end > fileSize && !options.allowTruncated) {
      throw corrupt(file, `tensor "${name}" ends at byte ${end} but the file has only ${fileSize} bytes (truncated)`);
    }
    entries.push({ name, dtype: info.dtype, shape: [...(shape as number[])], file, begin, end });
  }
  checkLayout(entries, dataStart, file);
  if (fileSize > expectedSize) {
    throw corrupt(file, `it has ${fileSize - expectedSize} bytes after its last tensor (the header accounts for ${expectedSize} of its ${fileSize} bytes)`);
  }
  return { entries, metadata, dataStart, expectedSize, fileSize };
}

/** The tensors' byte ranges tile the data from its start: no overlap, no gap. */
function checkLayout(entries: TensorEntry[], dataStart: number, file: string): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = dataStart;
  let previous = '(the start of the data)';
  for (const e of sorted) {
    if (e.begin < at) throw corrupt(file, `tensor "${e.name}" overlaps ${previous} (it starts at data byte ${e.begin - dataStart}, before ${at - dataStart})`);
    if (e.begin > at) throw corrupt(file, `there is a gap of ${e.begin - at} bytes before tensor "${e.name}" (after ${previous})`);
    at = e.end;
    previous = `tensor "${e.name}"`;
  }
}

/** readHeader for a path: opens, reads only the header, closes. */
export async function readHeaderOfFile(file: string, options: ReadHeaderOptions = {}): Promise<ParsedHeader> {
  const fh = await open(file, 'r');
  try {
    return await readHeader(fh, file, options);
  } finally {
    await fh.close();
  }
}

/** Positional read of exactly `length` bytes, in chunks (a single read is limited to ~2 GB). */
export async function readFully(
  fh: FileHandle,
  target: Uint8Array,
  targetOffset: number,
  length: number,
  position: number,
): Promise<void> {
  const CHUNK = 256 * 1024 * 1024;
  let done = 0;
  while (done < length) {
    const want = Math.min(CHUNK, length - done);
    const { bytesRead } = await fh.read(target, targetOffset + done, want, position + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
    done += bytesRead;
  }
}
