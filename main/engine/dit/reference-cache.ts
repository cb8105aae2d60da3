/**
 * Keys and values of reference images for image-to-image: written once per reference by the DiT's
 * t=0 pass, read by every conditional pass, skipped by unconditional ones. Layout
 * [layers, heads, length, headDim] float32 (native-models/dit/io.ts); several references are
 * concatenated along `length`, as the reference pipeline does for multi-image edits.
 *
 * Where the provider keeps outputs in device memory (WebGPU), the cache is the reference pass's own
 * output tensors, fed to every conditional pass without ever coming to the host (at 1024² it is
 * about 4 GB, which would otherwise cross twice per step); elsewhere it is a pair of host arrays.
 */
import { GlimmerError } from '../../contract';
import type { ort } from '../session';

export class ReferenceKvCache {
  private device: { keys: ort.Tensor; values: ort.Tensor } | null = null;
  private readonly host: { keys: Float32Array; values: Float32Array };

  /**
   * Host arrays, or device tensors (a reference pass's outputs kept in device memory, or their
   * concatenation), of [layers, heads, length, headDim] each.
   */
  constructor(
    readonly layers: number,
    readonly heads: number,
    readonly length: number,
    readonly headDim: number,
    keys: Float32Array | ort.Tensor,
    values: Float32Array | ort.Tensor,
  ) {
    const dims = [layers, heads, length, headDim];
    const n = layers * heads * length * headDim;
    if (keys instanceof Float32Array && values instanceof Float32Array) {
      if (keys.length !== n || values.length !== n) {
        throw new GlimmerError('internal', `Reference KV cache of ${keys.length}/${values.length} values does not fit [${dims.join(', ')}].`);
      }
      this.host = { keys, values };
      return;
    }
    if (keys instanceof Float32Array || values instanceof Float32Array) throw new GlimmerError('internal', 'Reference keys and values must both be on the host or both on the device.');
    for (const t of [keys, values]) {
      if (t.dims.length !== 4 || t.dims.some((d, i) => d !== dims[i])) {
        throw new GlimmerError('internal', `Reference KV tensor [${t.dims.join(', ')}] does not fit [${dims.join(', ')}].`);
      }
    }
    this.host = { keys: new Float32Array(0), values: new Float32Array(0) };
    this.device = { keys, values };
  }

  static empty(layers: number, heads: number, headDim: number): ReferenceKvCache {
    return new ReferenceKvCache(layers, heads, 0, headDim, new Float32Array(0), new Float32Array(0));
  }

  get dims(): [number, number, number, number] {
    return [this.layers, this.heads, this.length, this.headDim];
  }

  /** Whether keys and values live in device memory (they cannot be read on the host). */
  get onDevice(): boolean {
    return this.device !== null;
  }

  /** Host keys (throws for a device cache). */
  get keys(): Float32Array {
    if (this.device) throw new GlimmerError('internal', 'The reference cache is in device memory; it cannot be read on the host.');
    return this.host.keys;
  }

  get values(): Float32Array {
    if (this.device) throw new GlimmerError('internal', 'The reference cache is in device memory; it cannot be read on the host.');
    return this.host.values;
  }

  /** The tensors a pass is fed: the device ones as they are, or tensors over the host arrays. */
  tensors(make: (data: Float32Array, dims: number[]) => ort.Tensor): { keys: ort.Tensor; values: ort.Tensor } {
    if (this.device) return this.device;
    return { keys: make(this.host.keys, this.dims), values: make(this.host.values, this.dims) };
  }

  /** Bytes held (keys and values). */
  get bytes(): number {
    return 2 * this.layers * this.heads * this.length * this.headDim * 4;
  }

  /** Frees device memory now (a host cache has nothing to free). */
  dispose(): void {
    this.device?.keys.dispose();
    this.device?.values.dispose();
    this.device = null;
  }

  /** Host caches one after the other along the length axis (references in order). Device caches: DitModel.combineReferences. */
  static concat(caches: readonly ReferenceKvCache[]): ReferenceKvCache {
    if (caches.length === 0) throw new GlimmerError('internal', 'No reference caches to combine.');
    const [first] = caches;
    for (const c of caches) {
      if (c.layers !== first.layers || c.heads !== first.heads || c.headDim !== first.headDim) {
        throw new GlimmerError('internal', 'Reference caches from different models cannot be combined.');
      }
    }
    if (caches.length === 1) return first;
    const total = caches.reduce((s, c) => s + c.length, 0);
    const D = first.headDim;
    const keys = new Float32Array(first.layers * first.heads * total * D);
    const values = new Float32Array(keys.length);
    for (let lh = 0; lh < first.layers * first.heads; lh++) {
      let at = lh * total * D;
      for (const c of caches) {
        const from = lh * c.length * D;
        keys.set(c.keys.subarray(from, from + c.length * D), at);
        values.set(c.values.subarray(from, from + c.length * D), at);
        at += c.length * D;
      }
    }
    return new ReferenceKvCache(first.layers, first.heads, total, D, keys, values);
  }
}
