/**
 * One GLM-Image decoder layer (GLM-4 "sandwich" norms):
 *   x = x + post_self_attn_norm(attn(input_norm(x)))
 *   x = x + post_mlp_norm(down(up * silu(gate)))   with [gate, up] = split(gate_up(post_attention_norm(x)))
 *
 * As a GPU wants it, one launch where one will do:
 *   - q, k and v are one projection (their weights stacked: one MatMul / MatMulNBits + bias), split once;
 *   - mRoPE is onnxruntime's RotaryEmbedding on q and k, reading the per-token tables of rope.ts;
 *   - attention is GroupQueryAttention over the KV cache (past ++ new = present, causal, the query
 *     heads of a KV head sharing it without copies);
 *   - each residual add is fused with the RMS norm that follows it (SkipSimplifiedLayerNormalization):
 *     the layer takes input_norm(x) already computed and hands back its MLP branch for the caller to
 *     fuse with the next layer's input norm (or the final norm).
 * With kv 'fp16' the attention (rotary, GroupQueryAttention, the cache) runs in fp16: q/k/v are cast
 * once after the projection and the output once before o_proj.
 *
 * With fp16 compute (onnx/compute.ts; implies the fp16 cache) every linear, the attention, the
 * post-attention / post-MLP norms and the MLP activation run in float16. fp32 islands, and why:
 *   - the residual stream and the fused skip + norm on it: it is the sum of 80 branches at the real
 *     depth (40 layers), and the GLM-4 sandwich norms leave its magnitude unbounded by any norm;
 *   - the statistics of every RMS norm (stash_type 1: mean of squares in float32);
 *   - the mRoPE angles (rope.ts): positions up to several thousand times inverse frequencies would
 *     lose the fraction in fp16; they are rounded to fp16 only as cos/sin values.
 * So a layer casts four times: the two normed inputs to fp16, the two normed branches back to fp32.
 */
import { Compute, linear, rmsNorm, silu, type ComputePrecision, type GraphBuilder, type WeightPrecision } from '../onnx';
import type { SafetensorsCheckpoint } from '../safetensors';
import { AR_WEIGHT_PREFIX, type ArConfig } from './config';
import { groupQueryAttention, rotary, skipRmsNorm, type RotaryTables } from './fused';

export type KvPrecision = 'fp32' | 'fp16';

export interface LayerInputs {
  /** The residual stream entering the layer [1, S, H]. */
  residual: string;
  /** input_layernorm(residual). */
  normed: string;
  /** In the KV cache's precision. */
  rope: RotaryTables;
  pastKey: string;
  pastValue: string;
  seqlensK: string;
  totalLength: string;
}

export interface LayerOutputs {
  /** The residual stream after attention (x + attention branch). */
  residual: string;
  /** post_mlp_layernorm(mlp(...)): added to `residual` by the caller's fused skip norm. */
  branch: string;
  presentKey: string;
  presentValue: string;
}

export interface LinearSettings {
  precision: WeightPrecision;
  blockSize?: number;
  accuracyLevel?: number;
  /** Activation precision of the linears (default fp32). */
  compute?: ComputePrecision;
}

export async function buildLinear(
  g: GraphBuilder,
  ckpt: SafetensorsCheckpoint,
  x: string,
  tensor: string,
  outF: number,
  inF: number,
  withBias: boolean,
  s: LinearSettings,
  name: string,
): Promise<string> {
  const w = await ckpt.readFloat32(`${tensor}.weight`);
  const b = withBias ? await ckpt.readFloat32(`${tensor}.bias`) : undefined;
  return linear(g, x, name, w, outF, inF, b, s.precision, { blockSize: s.blockSize, accuracyLevel: s.accuracyLevel, compute: s.compute });
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** q, k and v as one linear: their [out, in] weights stacked along out (and their biases). */
async function qkvProjection(g: GraphBuilder, ckpt: SafetensorsCheckpoint, c: ArConfig, l: number, x: string, s: LinearSettings): Promise<string> {
  const W = `${AR_WEIGHT_PREFIX}layers.${l}.self_attn.`;
  const parts = ['q_proj', 'k_proj', 'v_proj'];
  const weight = concat(await Promise.all(parts.map((p) => ckpt.readFloat32(`${W}${p}.weight`))));
  const bias = c.attentionBias ? concat(await Promise.all(parts.map((p) => ckpt.readFloat32(`${W}${p}.bias`)))) : undefined;
  const out = (c.numHeads + 2 * c.numKvHeads) * c.headDim;
  return linear(g, x, `layer${l}.qkv_proj`, weight, out, c.hiddenSize, bias, s.precision, { blockSize: s.blockSize, accuracyLevel: s.accuracyLevel, compute: s.compute });
}

export async function decoderLayer(
  g: GraphBuilder,
  ckpt: SafetensorsCheckpoint,
  c: ArConfig,
  l: number,
  inp: LayerInputs,
  s: LinearSettings,
  kv: KvPrecision,
): Promise<LayerOutputs> {
  const W = `${AR_WEIGHT_PREFIX}layers.${l}.`;
  const n = `layer${l}`;
  const H = c.hiddenSize;
  const D = c.headDim;
  const qDim = c.numHeads * D;
  const kvDim = c.numKvHeads * D;
  const cp = new Compute(g, s.compute ?? 'fp32');
  const gamma = async (which: string) => g.initializer(`${n}.${which}.weight`, await ckpt.readFloat32(`${W}${which}.weight`), [H]);
  // the branch norms run in the compute type (fp32 statistics); their outputs rejoin the fp32 residual
  const branchNorm = async (x: string, which: string) =>
    cp.toFloat32(rmsNorm(g, x, cp.tensor(`${n}.${which}.weight`, await ckpt.readFloat32(`${W}${which}.weight`), [H]), c.rmsNormEps, { name: `${n}.${which}` }), `${n}.${which}_fp32`);

  // --- attention ---
  let qkv = await qkvProjection(g, ckpt, c, l, cp.fromFloat32(inp.normed, `${n}.input_layernorm_half`), s);
  if (kv === 'fp16' && !cp.half) qkv = g.op('Cast', [qkv], { to: 10 }, { name: `${n}.qkv_fp16` });
  const [q, k, v] = g.opMulti('Split', [qkv, g.constInt64([qDim, kvDim, kvDim])], { axis: -1 }, { outputs: 3, name: `${n}.qkv_split` });
  const attn = groupQueryAttention(
    g,
    {
      q: rotary(g, q, inp.rope, c.numHeads, c.rotaryDim, `${n}.q_rope`),
      k: rotary(g, k, inp.rope, c.numKvHeads, c.rotaryDim, `${n}.k_rope`),
      v,
      pastKey: inp.pastKey,
      pastValue: inp.pastValue,
      seqlensK: inp.seqlensK,
      totalLength: inp.totalLength,
    },
    c.numHeads,
    c.numKvHeads,
    `${n}.attention`,
  );
  const ctx = kv === 'fp16' && !cp.half ? g.op('Cast', [attn.out], { to: 1 }, { name: `${n}.attn_fp32` }) : attn.out;
  const attnOut = await buildLinear(g, ckpt, ctx, `${W}self_attn.o_proj`, H, qDim, false, s, `${n}.o_proj`);
  const attnBranch = await branchNorm(attnOut, 'post_self_attn_layernorm');
  const mid = skipRmsNorm(g, attnBranch, inp.residual, await gamma('post_attention_layernorm'), c.rmsNormEps, `${n}.post_attention_layernorm`);

  // --- MLP ---
  const I = c.intermediateSize;
  const gu = await buildLinear(g, ckpt, cp.fromFloat32(mid.normed, `${n}.post_attention_layernorm_half`), `${W}mlp.gate_up_proj`, 2 * I, H, false, s, `${n}.gate_up_proj`);
  const [gate, up] = g.opMulti('Split', [gu, g.constInt64([I, I])], { axis: -1 }, { outputs: 2, name: `${n}.gate_up_split` });
  const act = g.op('Mul', [up, silu(g, gate, { name: `${n}.silu` })], {}, { name: `${n}.mlp_act` });
  const down = await buildLinear(g, ckpt, act, `${W}mlp.down_proj`, H, I, false, s, `${n}.down_proj`);
  const branch = await branchNorm(down, 'post_mlp_layernorm');
  return { residual: mid.sum, branch, presentKey: attn.presentKey, presentValue: attn.presentValue };
}
