/**
 * Keys and values of reference images for image-to-image: written once per reference by the DiT's
 * t=0 pass, read by every conditional pass, skipped by unconditional ones. Layout
 * [layers, heads, length, headDim] float32 (native-models/dit/io.ts); several references are
 * concatenated along `length`, as the reference pipeline does for multi-image edits.
 */
import { GlimmerError } from '../../contract';

export class ReferenceKvCache {
  constructor(
    readonly layers: number,
    readonly heads: number,
    readonly length: number,
    readonly headDim: number,
    readonly keys: Float32Array,
    readonly values: Float32Array,
  ) {
    const n = layers * heads * length * headDim;
    if (keys.length !== n || values.length !== n) {
      throw new GlimmerError('internal', `Reference KV cache of ${keys.length}/${values.length} values does not fit [${layers}, ${heads}, ${length}, ${headDim}].`);
    }
  }

  static empty(layers: number, heads: number, headDim: number): ReferenceKvCache {
    return new ReferenceKvCache(layers, heads, 0, headDim, new Float32Array(0), new Float32Array(0));
  }

  get dims(): [number, number, number, number] {
    return [this.layers, this.heads, this.length, this.headDim];
  }

  /** Bytes held (keys and values). */
  get bytes(): number {
    return this.keys.byteLength + this.values.byteLength;
  }

  /** All caches one after the other along the length axis (references in order). */
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
