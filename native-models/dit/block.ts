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
 *
 * Fused attention keeps q, k, v as [B, S, H·D] (heads contiguous) from the projections to the
 * fused kernel: the per-head norm and the rotation work on the [B, S, H, D] view, so no transposes
 * are needed; the cache is read and written in its [layers, heads, R, D] layout at the edges.
 *
 * Precision: the streams x, c are of ctx.residualType (fp32 under the residual island), everything
 * between a norm and the residual add is of the compute type. See context.ts for the islands.
 */
import { attention, gelu, layerNorm, multiHeadAttention } from '../onnx';
import type { DitGraphContext } from './context';
import { chunk, reshapeTo, transpose, unsqueeze } from './ops';
import { applyRope, type RopeTables } from './rope';

export interface BlockInputs {
  x: string;
  c: string;
  /** temb in the compute type (the modulation linear's input). */
  temb: string;
  rope: RopeTables;
  /** Text length T, int64 [1]. */
  textLen: string;
  /** This layer's cached reference keys/values, [H, R, D] float32 (R may be 0). */
  refKey: string;
  refValue: string;
  /** Batch size, int64 [1]. */
  batch: string;
  /** Number of image tokens whose K/V this pass writes (0 or N), int64 [1]. */
  writeLen: string;
}

export interface BlockOutputs {
  x: string;
  c: string;
  /** [B, H, writeLen, D] float32 */
  writtenKey: string;
  writtenValue: string;
}

const EPS = 1e-5;

/** LN(v)(1 + scale) + shift, in the compute type (v may be an fp32 residual stream). */
function modulate(ctx: DitGraphContext, v: string, scale: string, shift: string, name: string): string {
  const { g, c, cfg } = ctx;
  const type = ctx.residualType;
  const n = layerNorm(g, v, ctx.ones(cfg.innerDim, type), undefined, EPS, -1, { name: `${name}.norm`, type });
  const nc = type === c.type ? n : c.fromFloat32(n, `${name}.norm_cast`);
  const s = g.op('Add', [scale, c.constant([1], [])]);
  return g.op('Add', [g.op('Mul', [nc, s]), shift], {}, { name });
}

/** stream += delta (compute type) · gate, in the stream's type. */
function residual(ctx: DitGraphContext, stream: string, delta: string, gate: string, name: string): string {
  const { g, c } = ctx;
  let d = g.op('Mul', [delta, gate]);
  if (ctx.residualType !== c.type) d = c.toFloat32(d, `${name}.cast`);
  return g.op('Add', [stream, d], {}, { name });
}

/** [B, S, H·D] → per-head LayerNorm (no affine) on the [B, S, H, D] view, then rotary on the image rows: [B, S, H, D]. */
function normRotate(ctx: DitGraphContext, v: string, rope: RopeTables, name: string): string {
  const { g, c, cfg } = ctx;
  const h = reshapeTo(g, v, [0, 0, cfg.numHeads, cfg.headDim]);
  const n = layerNorm(g, h, ctx.ones(cfg.headDim, c.type), undefined, EPS, -1, { name: `${name}.norm`, type: c.type });
  // fp32 island (context.ts): diffusers rotates in float32, x.float()·cos + rotate_half(x).float()·sin
  if (c.half && ctx.islands.rope) return c.fromFloat32(applyRope(g, c.toFloat32(n, `${name}.rope_in`), rope, `${name}.rot`), `${name}.rope_out`);
  return applyRope(g, n, rope, `${name}.rot`);
}

async function fusedAttention(ctx: DitGraphContext, layer: number, s: string, inp: BlockInputs): Promise<{ out: string; writtenKey: string; writtenValue: string }> {
  const { g, c, cfg, weights } = ctx;
  const p = `transformer_blocks.${layer}.attn1`;
  const D = cfg.innerDim;
  const q0 = await weights.linear(g, s, `${p}.to_q`, D, D, ctx.precision, c.precision);
  const k0 = await weights.linear(g, s, `${p}.to_k`, D, D, ctx.precision, c.precision);
  const v0 = await weights.linear(g, s, `${p}.to_v`, D, D, ctx.precision, c.precision);
  const q = normRotate(ctx, q0, inp.rope, `${p}.q`); // [B, S, H, Dh]
  const k = normRotate(ctx, k0, inp.rope, `${p}.k`);

  // the reference cache's layout [B, H, R, Dh] float32 at the edges: written slice out, cached rows in
  const start = inp.textLen;
  const end = g.op('Add', [inp.textLen, inp.writeLen]);
  const axis1 = g.constInt64([1]);
  const toCache = (t: string, what: string) =>
    c.toFloat32(transpose(g, g.op('Slice', [t, start, end, axis1], {}, { name: `${p}.kv_write.${what}_rows` }), [0, 2, 1, 3]), `${p}.kv_write.${what}`);
  const v4 = reshapeTo(g, v0, [0, 0, cfg.numHeads, cfg.headDim]);
  const writtenKey = toCache(k, 'key');
  const writtenValue = toCache(v4, 'value');
  // cached [H, R, Dh] → [B, R, H·Dh], placed before this pass's keys (plain concatenation keeps the
  // CPU kernel's flash path, which past_key/past_value would leave)
  const fromCache = (t: string, what: string) => {
    const rows = reshapeTo(g, transpose(g, t, [1, 0, 2]), [1, -1, D]);
    const batched = g.op('Expand', [rows, g.op('Concat', [inp.batch, g.constInt64([1, 1])], { axis: 0 })]);
    return c.fromFloat32(batched, `${p}.ref_${what}`);
  };
  const flat = g.constInt64([0, 0, D]);
  const kAll = g.op('Concat', [fromCache(inp.refKey, 'key'), g.op('Reshape', [k, flat])], { axis: 1 }, { name: `${p}.keys` });
  const vAll = g.op('Concat', [fromCache(inp.refValue, 'value'), v0], { axis: 1 }, { name: `${p}.values` });
  const q3 = g.op('Reshape', [q, flat]);
  const mha = { numHeads: cfg.numHeads, scale: 1 / Math.sqrt(cfg.headDim), name: `${p}.mha` };
  const o =
    c.half && ctx.islands.attention
      ? c.fromFloat32(multiHeadAttention(g, c.toFloat32(q3), c.toFloat32(kAll), c.toFloat32(vAll), mha), `${p}.mha_out`)
      : multiHeadAttention(g, q3, kAll, vAll, mha);
  const out = await weights.linear(g, o, `${p}.to_out.0`, D, D, ctx.precision, c.precision);
  return { out, writtenKey, writtenValue };
}

/** The MatMul + Softmax + MatMul form on [B, H, S, D] (fp32 only): what the fused kernel replaced, kept for measurements. */
async function plainAttention(ctx: DitGraphContext, layer: number, s: string, inp: BlockInputs): Promise<{ out: string; writtenKey: string; writtenValue: string }> {
  const { g, c, cfg, weights } = ctx;
  if (c.half) throw new Error('plain (unfused) DiT attention is float32 only');
  const p = `transformer_blocks.${layer}.attn1`;
  const D = cfg.innerDim;
  const q0 = await weights.linear(g, s, `${p}.to_q`, D, D, ctx.precision);
  const k0 = await weights.linear(g, s, `${p}.to_k`, D, D, ctx.precision);
  const v0 = await weights.linear(g, s, `${p}.to_v`, D, D, ctx.precision);
  const bhsd = (t: string) => transpose(g, t, [0, 2, 1, 3]);
  const q = bhsd(normRotate(ctx, q0, inp.rope, `${p}.q`));
  const k = bhsd(normRotate(ctx, k0, inp.rope, `${p}.k`));
  const v = bhsd(reshapeTo(g, v0, [0, 0, cfg.numHeads, cfg.headDim]));
  const end = g.op('Add', [inp.textLen, inp.writeLen]);
  const axis2 = g.constInt64([2]);
  const writtenKey = g.op('Slice', [k, inp.textLen, end, axis2], {}, { name: `${p}.kv_write.key` });
  const writtenValue = g.op('Slice', [v, inp.textLen, end, axis2], {}, { name: `${p}.kv_write.value` });
  const cacheBatch = g.op('Concat', [inp.batch, g.constInt64([1, 1, 1])], { axis: 0 });
  const fromCache = (t: string) => g.op('Expand', [unsqueeze(g, t, [0]), cacheBatch]);
  const kAll = g.op('Concat', [fromCache(inp.refKey), k], { axis: 2 });
  const vAll = g.op('Concat', [fromCache(inp.refValue), v], { axis: 2 });
  const o = attention(g, q, kAll, vAll, { headDim: cfg.headDim, name: `${p}.sdpa` });
  const merged = reshapeTo(g, transpose(g, o, [0, 2, 1, 3]), [0, 0, D]);
  const out = await weights.linear(g, merged, `${p}.to_out.0`, D, D, ctx.precision);
  return { out, writtenKey, writtenValue };
}

export async function transformerBlock(ctx: DitGraphContext, layer: number, inp: BlockInputs): Promise<BlockOutputs> {
  const { g, c, cfg, weights } = ctx;
  const p = `transformer_blocks.${layer}`;
  const D = cfg.innerDim;

  const emb = await weights.linear(g, inp.temb, `${p}.norm1.linear`, cfg.timeEmbedDim, 12 * D, ctx.precision, c.precision);
  const [shMsa, cShMsa, scMsa, cScMsa, gMsa, cGMsa, shMlp, cShMlp, scMlp, cScMlp, gMlp, cGMlp] = chunk(g, emb, 12, 1).map((t) =>
    unsqueeze(g, t, [1]),
  );

  // attention over the joint [text; image] sequence
  const xn = modulate(ctx, inp.x, scMsa, shMsa, `${p}.norm1.x`);
  const cn = modulate(ctx, inp.c, cScMsa, cShMsa, `${p}.norm1.c`);
  const s = g.op('Concat', [cn, xn], { axis: 1 });
  const { out, writtenKey, writtenValue } = ctx.attention === 'fused' ? await fusedAttention(ctx, layer, s, inp) : await plainAttention(ctx, layer, s, inp);
  const axis1 = g.constInt64([1]);
  const big = g.constInt64([Number.MAX_SAFE_INTEGER]);
  const oc = g.op('Slice', [out, g.constInt64([0]), inp.textLen, axis1]);
  const ox = g.op('Slice', [out, inp.textLen, big, axis1]);
  let x = residual(ctx, inp.x, ox, gMsa, `${p}.x_attn`);
  let cs = residual(ctx, inp.c, oc, cGMsa, `${p}.c_attn`);

  // feed-forward: one pass over both streams (same weights), then split back
  const xf = modulate(ctx, x, scMlp, shMlp, `${p}.norm2.x`);
  const cf = modulate(ctx, cs, cScMlp, cShMlp, `${p}.norm2.c`);
  const ffIn = g.op('Concat', [cf, xf], { axis: 1 });
  const inner = 4 * D; // diffusers FeedForward(mult=4); the weight shapes are checked against it
  const h = await weights.linear(g, ffIn, `${p}.ff.net.0.proj`, D, inner, ctx.ffPrecision, c.precision);
  const ff = await weights.linear(g, gelu(g, h, 'tanh'), `${p}.ff.net.2`, inner, D, ctx.ffPrecision, c.precision);
  const ffc = g.op('Slice', [ff, g.constInt64([0]), inp.textLen, axis1]);
  const ffx = g.op('Slice', [ff, inp.textLen, big, axis1]);
  x = residual(ctx, x, ffx, gMlp, `${p}.x_out`);
  cs = residual(ctx, cs, ffc, cGMlp, `${p}.c_out`);
  return { x, c: cs, writtenKey, writtenValue };
}
