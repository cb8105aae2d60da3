/**
 * GLM-Image's 3-D rotary embedding (mRoPE) as graph blocks.
 *
 * inv_freq[i] = 1 / theta^(2i / rotaryDim), i < rotaryDim/2. Frequency i reads one position axis:
 * t for the first mrope_section[0] frequencies, h for the next mrope_section[1], w for the rest
 * (chunked sections, transformers GlmImageTextRotaryEmbedding.apply_mrope; NOT the interleaved
 * Qwen3-VL layout, which the goldens rule out). emb = [freqs, freqs]; applied to the first
 * rotaryDim dims of each head with the half-split rotate_half: x' = x cos + cat(-x2, x1) sin;
 * the remaining head dims pass through.
 */
import type { GraphBuilder } from '../onnx';
import type { ArConfig } from './config';

/** inv_freq as float32 (theta ** (2i/d) in float64, rounded once). */
export function inverseFrequencies(c: ArConfig): Float32Array {
  const half = c.rotaryDim / 2;
  return Float32Array.from({ length: half }, (_, i) => 1 / Math.pow(c.ropeTheta, (2 * i) / c.rotaryDim));
}

/** Which position axis (0 t, 1 h, 2 w) each frequency reads. */
export function mropeAxisMap(c: ArConfig): number[] {
  const [st, sh] = c.mropeSection;
  return Array.from({ length: c.rotaryDim / 2 }, (_, i) => (i < st ? 0 : i < st + sh ? 1 : 2));
}

export interface RopeTables {
  /** [B, 1, S, rotaryDim] */
  cos: string;
  sin: string;
}

/** cos/sin tables from position_ids [3, B, S] (int64). */
export function mropeTables(g: GraphBuilder, positionIds: string, c: ArConfig): RopeTables {
  const pos = g.op('Cast', [positionIds], { to: 1 }, { name: 'rope.pos_float' }); // [3, B, S]
  const posT = g.op('Transpose', [pos], { perm: [1, 2, 0] }, { name: 'rope.pos_bs3' }); // [B, S, 3]
  const axis = g.constInt64(mropeAxisMap(c));
  const sel = g.op('Gather', [posT, axis], { axis: 2 }, { name: 'rope.pos_per_freq' }); // [B, S, rd/2]
  const inv = g.initializer('rope.inv_freq', inverseFrequencies(c), [c.rotaryDim / 2]);
  const freqs = g.op('Mul', [sel, inv], {}, { name: 'rope.freqs' });
  const emb = g.op('Concat', [freqs, freqs], { axis: -1 }, { name: 'rope.emb' }); // [B, S, rd]
  const unsq = g.constInt64([1]);
  const cos = g.op('Unsqueeze', [g.op('Cos', [emb], {}, { name: 'rope.cos_bs' }), unsq], {}, { name: 'rope.cos' });
  const sin = g.op('Unsqueeze', [g.op('Sin', [emb], {}, { name: 'rope.sin_bs' }), unsq], {}, { name: 'rope.sin' });
  return { cos, sin };
}

/** Rotates the first rotaryDim dims of x [B, heads, S, headDim]. */
export function applyRope(g: GraphBuilder, x: string, t: RopeTables, c: ArConfig, name: string): string {
  const rd = c.rotaryDim;
  const ax = g.constInt64([3]);
  const sl = (v: string, a: number, b: number, n: string) => g.op('Slice', [v, g.constInt64([a]), g.constInt64([b]), ax], {}, { name: n });
  const xr = rd < c.headDim ? sl(x, 0, rd, `${name}.rot_part`) : x;
  const x1 = sl(xr, 0, rd / 2, `${name}.x1`);
  const x2 = sl(xr, rd / 2, rd, `${name}.x2`);
  const rot = g.op('Concat', [g.op('Neg', [x2], {}, { name: `${name}.neg_x2` }), x1], { axis: 3 }, { name: `${name}.rotate_half` });
  const y = g.op(
    'Add',
    [g.op('Mul', [xr, t.cos], {}, { name: `${name}.xcos` }), g.op('Mul', [rot, t.sin], {}, { name: `${name}.rsin` })],
    {},
    { name: `${name}.rotated` },
  );
  if (rd >= c.headDim) return y;
  const xp = sl(x, rd, c.headDim, `${name}.pass_part`);
  return g.op('Concat', [y, xp], { axis: 3 }, { name });
}
