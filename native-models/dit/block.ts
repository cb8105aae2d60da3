/**
 * One GlmImageTransformerBlock. Text (c) and image (x) streams share every weight but are modulated
 * separately (AdaLN-Zero, 12 chunks of norm1.linear(temb)):
 *   xn = LN(x)(1 + scale_msa) + shift_msa,  cn = LN(c)(1 + c_scale_msa) + c_shift_msa
 *   q, k, v = to_q/k/v([cn; xn]) per head, LayerNorm per head (no affine), rotary on image rows
 *   keys/values of reference images (from the cache, possibly none) are prepended to k, v
 *   [o_c; o_x] = to_out(softmax(q kᵀ/√D) v);  x += o_x·gate_msa,  c += o_c·c_gate_msa
 *   x += FF(LN(x)(1 + scale_mlp) + shift_mlp)·gate_mlp   (same for c with the c_ chunks)
 *   FF = Linear → GELU(tanh) → Linear
 * The block also returns its image tokens' rotated keys and values, sliced to `writeLen` tokens
 * (0 unless this is a reference-image pass), for the reference-image KV cache.
 */
import { attention, gelu, layerNorm } from '../onnx';
import type { DitGraphContext } from './context';
import { chunk, reshapeTo, transpose, unsqueeze } from './ops';
import { applyRope, type RopeTables } from './rope';

export interface BlockInputs {
  x: string;
  c: string;
  temb: string;
  rope: RopeTables;
  /** Text length T, int64 [1]. */
  textLen: string;
  /** Cached reference keys/values for this layer, [B, H, R, D] (R may be 0). */
  refKey: string;
  refValue: string;
  /** Number of image tokens whose K/V this pass writes (0 or N), int64 [1]. */
  writeLen: string;
}

export interface BlockOutputs {
  x: string;
  c: string;
  /** [B, H, writeLen, D] */
  writtenKey: string;
  writtenValue: string;
}

const EPS = 1e-5;

function modulate(ctx: DitGraphContext, v: string, scale: string, shift: string, name: string): string {
  const { g } = ctx;
  const n = layerNorm(g, v, ctx.onesInner, undefined, EPS, -1, { name: `${name}.norm` });
  const s = g.op('Add', [scale, g.constFloat([1], [])]);
  return g.op('Add', [g.op('Mul', [n, s]), shift], {}, { name });
}

/** [B, S, inner] → per-head [B, H, S, D], optionally LayerNorm-ed per head. */
function heads(ctx: DitGraphContext, v: string, norm: boolean, name: string): string {
  const { g, cfg } = ctx;
  let h = reshapeTo(g, v, [0, 0, cfg.numHeads, cfg.headDim]);
  if (norm) h = layerNorm(g, h, ctx.onesHead, undefined, EPS, -1, { name: `${name}.norm` });
  return transpose(g, h, [0, 2, 1, 3]);
}

export async function transformerBlock(ctx: DitGraphContext, layer: number, inp: BlockInputs): Promise<BlockOutputs> {
  const { g, cfg, weights } = ctx;
  const p = `transformer_blocks.${layer}`;
  const D = cfg.innerDim;

  const emb = await weights.linear(g, inp.temb, `${p}.norm1.linear`, cfg.timeEmbedDim, 12 * D, ctx.precision);
  const [shMsa, cShMsa, scMsa, cScMsa, gMsa, cGMsa, shMlp, cShMlp, scMlp, cScMlp, gMlp, cGMlp] = chunk(g, emb, 12, 1).map((t) =>
    unsqueeze(g, t, [1]),
  );

  // attention over the joint [text; image] sequence
  const xn = modulate(ctx, inp.x, scMsa, shMsa, `${p}.norm1.x`);
  const cn = modulate(ctx, inp.c, cScMsa, cShMsa, `${p}.norm1.c`);
  const s = g.op('Concat', [cn, xn], { axis: 1 });
  const q0 = await weights.linear(g, s, `${p}.attn1.to_q`, D, D, ctx.precision);
  const k0 = await weights.linear(g, s, `${p}.attn1.to_k`, D, D, ctx.precision);
  const v0 = await weights.linear(g, s, `${p}.attn1.to_v`, D, D, ctx.precision);
  const q = applyRope(g, heads(ctx, q0, true, `${p}.attn1.q`), inp.rope, `${p}.attn1.q_rot`);
  const k = applyRope(g, heads(ctx, k0, true, `${p}.attn1.k`), inp.rope, `${p}.attn1.k_rot`);
  const v = heads(ctx, v0, false, `${p}.attn1.v`);

  const start = inp.textLen;
  const end = g.op('Add', [inp.textLen, inp.writeLen]);
  const axis2 = g.constInt64([2]);
  const writtenKey = g.op('Slice', [k, start, end, axis2], {}, { name: `${p}.kv_write.key` });
  const writtenValue = g.op('Slice', [v, start, end, axis2], {}, { name: `${p}.kv_write.value` });

  const kAll = g.op('Concat', [inp.refKey, k], { axis: 2 });
  const vAll = g.op('Concat', [inp.refValue, v], { axis: 2 });
  const o = attention(g, q, kAll, vAll, { headDim: cfg.headDim, name: `${p}.attn1.sdpa` });
  const merged = reshapeTo(g, transpose(g, o, [0, 2, 1, 3]), [0, 0, D]);
  const out = await weights.linear(g, merged, `${p}.attn1.to_out.0`, D, D, ctx.precision);
  const axis1 = g.constInt64([1]);
  const big = g.constInt64([Number.MAX_SAFE_INTEGER]);
  const oc = g.op('Slice', [out, g.constInt64([0]), inp.textLen, axis1]);
  const ox = g.op('Slice', [out, inp.textLen, big, axis1]);
  let x = g.op('Add', [inp.x, g.op('Mul', [ox, gMsa])], {}, { name: `${p}.x_attn` });
  let c = g.op('Add', [inp.c, g.op('Mul', [oc, cGMsa])], {}, { name: `${p}.c_attn` });

  // feed-forward: one pass over both streams (same weights), then split back
  const xf = modulate(ctx, x, scMlp, shMlp, `${p}.norm2.x`);
  const cf = modulate(ctx, c, cScMlp, cShMlp, `${p}.norm2.c`);
  const ffIn = g.op('Concat', [cf, xf], { axis: 1 });
  const inner = 4 * D; // diffusers FeedForward(mult=4); the weight shapes are checked against it
  const h = await weights.linear(g, ffIn, `${p}.ff.net.0.proj`, D, inner, ctx.precision);
  const ff = await weights.linear(g, gelu(g, h, 'tanh'), `${p}.ff.net.2`, inner, D, ctx.precision);
  const ffc = g.op('Slice', [ff, g.constInt64([0]), inp.textLen, axis1]);
  const ffx = g.op('Slice', [ff, inp.textLen, big, axis1]);
  x = g.op('Add', [x, g.op('Mul', [ffx, gMlp])], {}, { name: `${p}.x_out` });
  c = g.op('Add', [c, g.op('Mul', [ffc, cGMlp])], {}, { name: `${p}.c_out` });
  return { x, c, writtenKey, writtenValue };
}
