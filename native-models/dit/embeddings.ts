/**
 * Conditioning inputs of the DiT (GlmImageCombinedTimestepSizeEmbeddings):
 *   temb = SiLU( TimestepEmbedding(sinusoid(timestep)) + PixArtAlphaTextProjection([sin(crop_h), sin(crop_w), sin(H), sin(W)]) )
 * Sinusoids are diffusers' `Timesteps(flip_sin_to_cos=True, downscale_freq_shift=0)`: [cos | sin] of
 * value · exp(−ln(10000) · i / half), i < half; a zero column is appended for an odd width.
 */
import { silu, type GraphBuilder } from '../onnx';
import type { DitGraphContext } from './context';
import { reshapeTo, dimOf, unsqueeze } from './ops';

const f32 = Math.fround;

/** exp(−ln(10000)·i/half) for i < half, rounded to float32 at each step as torch computes it. */
export function sinusoidFrequencies(dim: number, maxPeriod = 10000): Float32Array {
  const half = Math.floor(dim / 2);
  const negLog = f32(-Math.log(maxPeriod));
  const out = new Float32Array(half);
  for (let i = 0; i < half; i++) out[i] = f32(Math.exp(f32(f32(negLog * i) / half)));
  return out;
}

/** [..., dim] sinusoid of every element of x ([...] float32). */
export function sinusoid(g: GraphBuilder, x: string, dim: number, name: string): string {
  const freqs = sinusoidFrequencies(dim);
  const arg = g.op('Mul', [unsqueeze(g, x, [-1]), g.constFloat([...freqs])], {}, { name: `${name}.arg` });
  const parts = [g.op('Cos', [arg], {}, { name: `${name}.cos` }), g.op('Sin', [arg], {}, { name: `${name}.sin` })];
  if (dim % 2 === 1) {
    // a zero column: Cos(arg)[..., :1] · 0
    const first = g.op('Slice', [parts[0], g.constInt64([0]), g.constInt64([1]), g.constInt64([-1])]);
    parts.push(g.op('Mul', [first, g.constFloat([0], [])]));
  }
  return g.op('Concat', parts, { axis: -1 }, { name });
}

/** temb [B, timeEmbedDim] from timestep [B], target_size [B, 2], crop_coords [B, 2]. */
export async function timeConditionEmbedding(
  ctx: DitGraphContext,
  timestep: string,
  targetSize: string,
  cropCoords: string,
): Promise<string> {
  const { g, cfg, weights } = ctx;
  const p = 'time_condition_embed';
  const ted = cfg.timeEmbedDim;
  const small = ctx.smallPrecision;

  const tProj = sinusoid(g, timestep, ted, `${p}.time_proj`);
  let te = await weights.linear(g, tProj, `${p}.timestep_embedder.linear_1`, ted, ted, small);
  te = await weights.linear(g, silu(g, te), `${p}.timestep_embedder.linear_2`, ted, ted, small);

  const batch = dimOf(g, cropCoords, 0);
  const cd = cfg.conditionDim;
  const crop = reshapeTo(g, sinusoid(g, cropCoords, cd, `${p}.crop_proj`), [batch, 2 * cd]);
  const size = reshapeTo(g, sinusoid(g, targetSize, cd, `${p}.size_proj`), [batch, 2 * cd]);
  const cProj = g.op('Concat', [crop, size], { axis: 1 }, { name: `${p}.condition_proj` });
  let ce = await weights.linear(g, cProj, `${p}.condition_embedder.linear_1`, 4 * cd, ted, small);
  ce = await weights.linear(g, silu(g, ce), `${p}.condition_embedder.linear_2`, ted, ted, small);

  return silu(g, g.op('Add', [te, ce]), { name: 'temb' });
}
