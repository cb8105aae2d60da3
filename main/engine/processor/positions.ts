/**
 * 3-D (t, h, w) rotary position ids of GLM-Image (transformers GlmImageModel.get_rope_index,
 * re-derived; checked against the goldens):
 *
 *   - text tokens: t = h = w = a running position p, one per token;
 *   - the tokens of a complete reference image (between image-start and image-end in the prompt),
 *     grid gh x gw, starting at p: token (r, c) gets (p, p + r, p + c), row-major; afterwards
 *     p += max(gh, gw); the image-end token and the text after it continue from p;
 *   - generation: the grids not yet in the prompt are generated in REVERSE order of image_grid_thw
 *     (t2i: [target, preview] -> preview first). A grid starting at D gets (D, D + r, D + c) and the
 *     next starts at D + max(gh, gw); one final (D', D', D') entry for the end-of-image step.
 *     D for the first generated grid is the running position after the prompt.
 *   - generated token k is FED to the model with decode entry k (the first sampled token comes from
 *     the prefill logits at the prompt's last position).
 */
import type { GridShape } from './grids';

/** Position ids laid out axis-major: t[0..n), h[0..n), w[0..n). */
export class Positions3D {
  readonly t: number[];
  readonly h: number[];
  readonly w: number[];
  constructor(t: number[] = [], h: number[] = [], w: number[] = []) {
    if (t.length !== h.length || t.length !== w.length) throw new Error('Positions3D: axis lengths differ');
    this.t = t;
    this.h = h;
    this.w = w;
  }
  get length(): number {
    return this.t.length;
  }
  push(t: number, h: number, w: number): void {
    this.t.push(t);
    this.h.push(h);
    this.w.push(w);
  }
  slice(start: number, end?: number): Positions3D {
    return new Positions3D(this.t.slice(start, end), this.h.slice(start, end), this.w.slice(start, end));
  }
  /** [3, n] int32, the layout of the AR graph's position_ids input (batch 1: [3, 1, n]). */
  toInt32(): Int32Array {
    const n = this.length;
    const out = new Int32Array(3 * n);
    out.set(this.t, 0);
    out.set(this.h, n);
    out.set(this.w, 2 * n);
    return out;
  }
  /** [3, n] int64 (the layout of the transformers reference's position_ids). */
  toBigInt64(): BigInt64Array {
    const n = this.length;
    const out = new BigInt64Array(3 * n);
    for (let i = 0; i < n; i++) {
      out[i] = BigInt(this.t[i]);
      out[n + i] = BigInt(this.h[i]);
      out[2 * n + i] = BigInt(this.w[i]);
    }
    return out;
  }
}

export interface RopeIndexInput {
  inputIds: ArrayLike<number>;
  /** [source grids..., target grid, (preview grid for t2i)] as the processor returns them. */
  grids: GridShape[];
  imageStartId: number;
  imageEndId: number;
}

export interface RopeIndex {
  /** One entry per prompt token. */
  prefill: Positions3D;
  /** One entry per generated token fed back (all generated grids + the final end step). */
  decode: Positions3D;
  /** The generated grids in generation order (t2i: preview, target; i2i: target). */
  generationGrids: GridShape[];
}

export function ropeIndex(input: RopeIndexInput): RopeIndex {
  const { inputIds, grids, imageStartId, imageEndId } = input;
  const n = inputIds.length;
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < n; i++) {
    if (inputIds[i] === imageStartId) starts.push(i + 1);
    if (inputIds[i] === imageEndId) ends.push(i);
  }
  const prefill = new Positions3D();
  let pos = 0;
  let tokenIndex = 0;
  let completeImages = 0;
  for (let k = 0; k < Math.min(starts.length, ends.length) && k < grids.length; k++) {
    const start = starts[k];
    const end = ends[k];
    // text (and the image-start token) before the image
    for (; tokenIndex < start; tokenIndex++, pos++) prefill.push(pos, pos, pos);
    const { h, w } = grids[k];
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) prefill.push(pos, pos + r, pos + c);
    tokenIndex += h * w;
    if (tokenIndex !== end) {
      throw new Error(`ropeIndex: image ${k} has ${end - start} tokens in the prompt but its grid is ${h}x${w}`);
    }
    pos += Math.max(h, w);
    completeImages++;
  }
  for (; tokenIndex < n; tokenIndex++, pos++) prefill.push(pos, pos, pos);

  const decode = new Positions3D();
  const generationGrids: GridShape[] = [];
  const numDecode = Math.max(0, grids.length - completeImages);
  let d = pos;
  for (let i = 1; i <= numDecode; i++) {
    const g = grids[grids.length - i];
    generationGrids.push(g);
    for (let r = 0; r < g.h; r++) for (let c = 0; c < g.w; c++) decode.push(d, d + r, d + c);
    d += Math.max(g.h, g.w);
  }
  decode.push(d, d, d);
  return { prefill, decode, generationGrids };
}
