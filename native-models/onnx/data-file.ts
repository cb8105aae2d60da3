/**
 * The external-data layout of one model: tensors appended at aligned offsets. Bytes are kept in
 * memory, or, when a spill folder is given, written straight to a file there as they arrive (so a
 * multi-GB model never sits in memory); save() then moves that file into place.
 */
import { closeSync, openSync, writeSync, unlinkSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** Every tensor starts at a multiple of this (64: SIMD-friendly loads). */
export const DATA_ALIGN = 64;
/** Large tensors start at a multiple of this instead, so a runtime may memory-map them. */
export const LARGE_ALIGN = 65536;
export const LARGE_TENSOR_BYTES = 1 << 20;

export class ExternalData {
  private chunks: Buffer[] = [];
  private size = 0;
  private fd: number | undefined;
  readonly spillPath: string | undefined;

  constructor(spillDir?: string) {
    if (spillDir) {
      mkdirSync(spillDir, { recursive: true });
      this.spillPath = path.join(spillDir, `.glimmer-spill-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
      this.fd = openSync(this.spillPath, 'w');
    }
  }

  get length(): number {
    return this.size;
  }

  get spilled(): boolean {
    return this.spillPath !== undefined;
  }

  /** Append bytes at the next aligned offset; returns that offset. The bytes are copied (or written). */
  append(bytes: Uint8Array): number {
    const align = bytes.byteLength >= LARGE_TENSOR_BYTES ? LARGE_ALIGN : DATA_ALIGN;
    const pad = (align - (this.size % align)) % align;
    if (pad > 0) this.write(Buffer.alloc(pad));
    const offset = this.size;
    this.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return offset;
  }

  private write(b: Buffer): void {
    if (this.fd !== undefined) {
      let done = 0;
      while (done < b.byteLength) done += writeSync(this.fd, b, done, b.byteLength - done);
    } else {
      this.chunks.push(Buffer.from(b)); // copy: the caller may reuse its array
    }
    this.size += b.byteLength;
  }

  /** In-memory chunks, in order (when not spilled). */
  memoryChunks(): Buffer[] {
    return this.chunks;
  }

  /** Close the spill file (it stays on disk for save to move). */
  closeSpill(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }

  /** Drop the spill file, e.g. when the build failed. */
  discard(): void {
    this.closeSpill();
    if (this.spillPath) {
      try {
        unlinkSync(this.spillPath);
      } catch {
        /* already moved or gone */
      }
    }
    this.chunks = [];
  }
}
