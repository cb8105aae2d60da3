/**
 * A lazily read safetensors checkpoint: one file, a sharded set (`*.safetensors.index.json`), or a
 * component folder holding either. Only headers are read on open; each tensor is read on demand by
 * its file offsets, so a 36 GB checkpoint costs no more memory than the tensors asked for.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { NativeModelError } from '../errors';
import { fromBFloat16, fromFloat16 } from '../float16';
import { DTYPE_BYTES } from './dtype';
import { readFully, readHeader, type TensorEntry } from './header';

const readListeners = new Set<(e: TensorEntry) => void>();

export class SafetensorsCheckpoint {
  private readonly entries: Map<string, TensorEntry>;
  private readonly handles: Map<string, FileHandle>;
  /** Where it was opened from (file, index or folder), for messages. */
  readonly source: string;
  readonly metadata: Record<string, string>;
  private closed = false;

  private constructor(
    source: string,
    entries: Map<string, TensorEntry>,
    handles: Map<string, FileHandle>,
    metadata: Record<string, string>,
  ) {
    this.source = source;
    this.entries = entries;
    this.handles = handles;
    this.metadata = metadata;
  }

  /** Open a .safetensors file, a *.safetensors.index.json, or a folder holding one of them. */
  static async open(pathOrDir: string): Promise<SafetensorsCheckpoint> {
    const p = path.resolve(pathOrDir);
    if (!existsSync(p)) {
      throw new NativeModelError('model_missing', `The model file or folder ${p} does not exist. Download or import the model again.`, { file: p });
    }
    let files: string[];
    let weightMap: Map<string, string> | undefined;
    let indexFile: string | undefined;
    if (statSync(p).isDirectory()) {
      const chosen = chooseInFolder(p);
      if (chosen.index) indexFile = chosen.index;
      files = chosen.files;
    } else if (p.endsWith('.index.json')) {
      indexFile = p;
      files = [];
    } else {
      files = [p];
    }
    if (indexFile) {
      weightMap = readIndex(indexFile);
      const dir = path.dirname(indexFile);
      files = [...new Set(weightMap.values())].sort().map((f) => path.join(dir, f));
      for (const f of files) {
        if (!existsSync(f)) {
          throw new NativeModelError(
            'model_missing',
            `The model shard ${f} listed in ${indexFile} is missing. Download or import the model again.`,
            { file: f, index: indexFile },
          );
        }
      }
    }

    const handles = new Map<string, FileHandle>();
    const entries = new Map<string, TensorEntry>();
    let metadata: Record<string, string> = {};
    try {
      for (const f of files) {
        const fh = await open(f, 'r');
        handles.set(f, fh);
        const header = await readHeader(fh, f);
        if (files.length === 1) metadata = header.metadata;
        for (const e of header.entries) {
          if (weightMap && weightMap.get(e.name) !== path.basename(f)) continue; // not this shard's (per the index)
          const prev = entries.get(e.name);
          if (prev) {
            throw new NativeModelError(
              'model_corrupt',
              `The tensor "${e.name}" is stored twice, in ${prev.file} and ${f}. Remove the extra file or download the model again.`,
              { file: f },
            );
          }
          entries.set(e.name, e);
        }
      }
      if (weightMap) {
        for (const [name, shard] of weightMap) {
          if (!entries.has(name)) {
            throw new NativeModelError(
              'model_corrupt',
              `The index ${indexFile} says tensor "${name}" is in ${shard}, but that file does not hold it. Download the model again.`,
              { file: path.join(path.dirname(indexFile!), shard), index: indexFile },
            );
          }
        }
      }
    } catch (e) {
      await Promise.all([...handles.values()].map((h) => h.close().catch(() => undefined)));
      throw e;
    }
    return new SafetensorsCheckpoint(indexFile ?? p, entries, handles, metadata);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  entry(name: string): TensorEntry {
    const e = this.entries.get(name);
    if (!e) {
      throw new NativeModelError(
        'model_corrupt',
        `The checkpoint ${this.source} has no tensor "${name}". It may be a different model or an incomplete download.`,
        { file: this.source, tensor: name },
      );
    }
    return e;
  }

  /** The tensor's bytes as stored (little-endian), in a fresh 8-byte-aligned buffer. */
  async readRaw(name: string): Promise<Buffer> {
    const e = this.entry(name);
    const n = e.end - e.begin;
    const ab = new ArrayBuffer(Math.ceil(n / 8) * 8);
    const buf = Buffer.from(ab, 0, n);
    await this.readInto(e, buf);
    return buf;
  }

  /** F32 / F16 / BF16 / F64 → Float32Array. */
  async readFloat32(name: string): Promise<Float32Array> {
    const e = this.entry(name);
    const numel = (e.end - e.begin) / DTYPE_BYTES[e.dtype];
    switch (e.dtype) {
      case 'F32': {
        const out = new Float32Array(numel);
        await this.readInto(e, new Uint8Array(out.buffer));
        return out;
      }
      case 'F16':
      case 'BF16': {
        const bits = new Uint16Array(numel);
        await this.readInto(e, new Uint8Array(bits.buffer));
        return e.dtype === 'F16' ? fromFloat16(bits) : fromBFloat16(bits);
      }
      case 'F64': {
        const wide = new Float64Array(numel);
        await this.readInto(e, new Uint8Array(wide.buffer));
        return Float32Array.from(wide);
      }
      default:
        throw this.wrongType(e, 'a floating-point tensor');
    }
  }

  /** I64 → BigInt64Array; narrower integer and BOOL tensors are widened. */
  async readInt64(name: string): Promise<BigInt64Array> {
    const e = this.entry(name);
    const numel = (e.end - e.begin) / DTYPE_BYTES[e.dtype];
    if (e.dtype === 'I64') {
      const out = new BigInt64Array(numel);
      await this.readInto(e, new Uint8Array(out.buffer));
      return out;
    }
    let narrow: Int32Array | Int16Array | Int8Array | Uint8Array;
    switch (e.dtype) {
      case 'I32':
        narrow = new Int32Array(numel);
        break;
      case 'I16':
        narrow = new Int16Array(numel);
        break;
      case 'I8':
        narrow = new Int8Array(numel);
        break;
      case 'U8':
      case 'BOOL':
        narrow = new Uint8Array(numel);
        break;
      default:
        throw this.wrongType(e, 'an integer tensor');
    }
    await this.readInto(e, new Uint8Array(narrow.buffer));
    const out = new BigInt64Array(numel);
    for (let i = 0; i < numel; i++) out[i] = BigInt(narrow[i]);
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.handles.values()].map((h) => h.close()));
  }

  /** Observe every tensor read by any checkpoint (compile progress per tensor). Returns the unsubscribe. */
  static onTensorRead(listener: (e: TensorEntry) => void): () => void {
    readListeners.add(listener);
    return () => readListeners.delete(listener);
  }

  private async readInto(e: TensorEntry, target: Uint8Array): Promise<void> {
    if (this.closed) throw new NativeModelError('internal', `The checkpoint ${this.source} was already closed.`);
    const fh = this.handles.get(e.file)!;
    try {
      await readFully(fh, target, 0, e.end - e.begin, e.begin);
    } catch (err) {
      throw new NativeModelError(
        'model_corrupt',
        `Could not read tensor "${e.name}" from ${e.file}: ${(err as Error).message}. Download or import the model again.`,
        { file: e.file, tensor: e.name },
      );
    }
    for (const l of readListeners) {
      try {
        l(e);
      } catch {
        // an observer never breaks a read
      }
    }
  }

  private wrongType(e: TensorEntry, wanted: string): NativeModelError {
    return new NativeModelError(
      'model_corrupt',
      `Tensor "${e.name}" in ${e.file} is ${e.dtype}, but ${wanted} was expected. The checkpoint may be a different model.`,
      { file: e.file, tensor: e.name },
    );
  }
}

/**
 * In a folder: a *.safetensors.index.json if there is one (preferring the plain name over variants
 * such as model.fp16.safetensors.index.json), else the single plain *.safetensors, else all of them.
 */
function chooseInFolder(dir: string): { index?: string; files: string[] } {
  const all = readdirSync(dir).sort();
  const plain = (f: string, suffix: string) => !f.slice(0, -suffix.length).includes('.');
  const indexes = all.filter((f) => f.endsWith('.safetensors.index.json'));
  if (indexes.length > 0) {
    const pick = indexes.find((f) => plain(f, '.safetensors.index.json')) ?? indexes[0];
    return { index: path.join(dir, pick), files: [] };
  }
  const st = all.filter((f) => f.endsWith('.safetensors'));
  if (st.length === 0) {
    throw new NativeModelError(
      'model_missing',
      `The folder ${dir} holds no .safetensors weights. Download or import the model again.`,
      { file: dir },
    );
  }
  const plainFiles = st.filter((f) => plain(f, '.safetensors'));
  if (plainFiles.length === 1) return { files: [path.join(dir, plainFiles[0])] };
  return { files: (plainFiles.length > 0 ? plainFiles : st).map((f) => path.join(dir, f)) };
}

/**
 * Whether a shard name from an index is a plain file name in the index's own folder: a
 * `.safetensors` name with no separator, no NUL and no leading dot (so never `..`, an absolute path
 * or a hidden file). The one rule for every reader of an index (compile, validation).
 */
export function isShardFileName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length > '.safetensors'.length &&
    name.length <= 255 &&
    name.endsWith('.safetensors') &&
    !/[/\\\u0000]/.test(name) &&
    !name.startsWith('.')
  );
}

function readIndex(indexFile: string): Map<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(indexFile, 'utf8'));
  } catch (e) {
    throw new NativeModelError(
      'model_corrupt',
      `The shard index ${indexFile} is not valid JSON (${(e as Error).message}). Download the model again.`,
      { file: indexFile },
    );
  }
  const wm = (json as { weight_map?: unknown })?.weight_map;
  if (!wm || typeof wm !== 'object') {
    throw new NativeModelError('model_corrupt', `The shard index ${indexFile} has no weight_map. Download the model again.`, {
      file: indexFile,
    });
  }
  const map = new Map<string, string>();
  for (const [name, file] of Object.entries(wm as Record<string, unknown>)) {
    if (!isShardFileName(file)) {
      throw new NativeModelError(
        'model_corrupt',
        `The shard index ${indexFile} names an invalid file for "${name}" (a shard is a .safetensors file in the index's own folder). Download the model again.`,
        { file: indexFile },
      );
    }
    map.set(name, file);
  }
  return map;
}
