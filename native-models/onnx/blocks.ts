/**
 * Small shared graph blocks: normalisations, activations, attention. Each takes the builder and a
 * value name and returns the output value name. They work on float32 values, and the norms and the
 * fused attention also on float16 ones (`type: 'float16'`, see compute.ts): the norms then keep
 * their statistics in float32 (stash_type 1) and attention its softmax accumulation (in the kernel).
 */
import type { GraphBuilder } from './builder';
import { toFloat16 } from './precision';

export interface BlockOptions {
  /** Node name prefix (made unique). */
  name?: string;
}

export interface NormOptions extends BlockOptions {
  /**
   * Element type of x and of the result (default float32); weights given as arrays are stored in it.
   * A float16 norm is always one fused node (float32 statistics), so without a weight it needs `width`.
   */
  type?: 'float32' | 'float16';
  /** Size of the normalised axis (needed for a float16 norm without a weight: a weight of ones is made). */
  width?: number;
}

function weightValue(g: GraphBuilder, w: Float32Array | string, name: string, type: 'float32' | 'float16' = 'float32'): string {
  if (typeof w === 'string') return w;
  return type === 'float16' ? g.initializer(name, toFloat16(w), [w.length], 'float16') : g.initializer(name, w, [w.length]);
}

/** float16 norms without a weight use the fused op with a weight of ones, so their statistics stay float32. */
function halfOnes(opts: NormOptions, name: string): Float32Array | undefined {
  if (opts.type !== 'float16') return undefined;
  if (!opts.width) throw new Error(`${name}: a float16 norm without a weight needs its width`);
  return new Float32Array(opts.width).fill(1);
}

/**
 * RMS norm over the last axis: x / sqrt(mean(x^2) + eps) * weight (weight omitted = 1).
 * With a weight (or in float16) it is one SimplifiedLayerNormalization node (statistics in float32);
 * a float32 norm without one is plain ops.
 */
export function rmsNorm(g: GraphBuilder, x: string, weight: Float32Array | string | undefined, eps: number, opts: NormOptions = {}): string {
  const name = opts.name ?? 'rms_norm';
  weight ??= halfOnes(opts, name);
  if (weight !== undefined) {
    const w = weightValue(g, weight, `${name}.weight`, opts.type);
    return g.op('SimplifiedLayerNormalization', [x, w], { axis: -1, epsilon: eps, stash_type: 1 }, { name });
  }
  const sq = g.op('Mul', [x, x], {}, { name: `${name}.sq` });
  const ms = g.op('ReduceMean', [sq, g.constInt64([-1])], { keepdims: 1 }, { name: `${name}.mean` });
  const rs = g.op('Sqrt', [g.op('Add', [ms, g.constFloat([eps], [])], {}, { name: `${name}.eps` })], {}, { name: `${name}.sqrt` });
  return g.op('Div', [x, rs], {}, { name });
}

/**
 * Layer norm over the axes from `axis` on: (x - mean) / sqrt(var + eps) * weight + bias.
 * With a weight (or in float16) it is one LayerNormalization node (statistics in float32); a float32
 * norm without one (elementwise_affine=False) is plain ops.
 */
export function layerNorm(
  g: GraphBuilder,
  x: string,
  weight: Float32Array | string | undefined,
  bias: Float32Array | string | undefined,
  eps: number,
  axis = -1,
  opts: NormOptions = {},
): string {
  const name = opts.name ?? 'layer_norm';
  weight ??= halfOnes(opts, name);
  if (weight !== undefined) {
    const inputs = [x, weightValue(g, weight, `${name}.weight`, opts.type)];
    if (bias !== undefined) inputs.push(weightValue(g, bias, `${name}.bias`, opts.type));
    return g.op('LayerNormalization', inputs, { axis, epsilon: eps, stash_type: 1 }, { name });
  }
  if (axis !== -1) throw new Error(`layerNorm ${name}: without a weight only axis -1 is supported`);
  const axes = g.constInt64([-1]);
  const mean = g.op('ReduceMean', [x, axes], { keepdims: 1 }, { name: `${name}.mean` });
  const d = g.op('Sub', [x, mean], {}, { name: `${name}.center` });
  const v = g.op('ReduceMean', [g.op('Mul', [d, d], {}, { name: `${name}.sq` }), axes], { keepdims: 1 }, { name: `${name}.var` });
  const sd = g.op('Sqrt', [g.op('Add', [v, g.constFloat([eps], [])], {}, { name: `${name}.eps` })], {}, { name: `${name}.sqrt` });
  let y = g.op('Div', [d, sd], {}, { name });
  if (bias !== undefined) y = g.op('Add', [y, weightValue(g, bias, `${name}.bias`)], {}, { name: `${name}.bias_add` });
  return y;
}

/** GELU: 'none' = exact (erf), 'tanh' = the tanh approximation (PyTorch approximate='tanh'). ONNX Gelu-20. */
export function gelu(g: GraphBuilder, x: string, approximate: 'tanh' | 'none' = 'none', opts: BlockOptions = {}): string {
  return g.op('Gelu', [x], { approximate }, { name: opts.name ?? 'gelu' });
}

/** SiLU / swish: x * sigmoid(x). */
export function silu(g: GraphBuilder, x: string, opts: BlockOptions = {}): string {
  const name = opts.name ?? 'silu';
  return g.op('Mul', [x, g.op('Sigmoid', [x], {}, { name: `${name}.sigmoid` })], {}, { name });
}

export interface AttentionOptions extends BlockOptions {
  /** Multiplier of q·k (default 1/sqrt(head_dim), which must then be given as headDim). */
  scale?: number;
  headDim?: number;
  /** Additive mask (0 / -inf or a large negative), broadcastable to [B, H, S, T]. */
  mask?: string;
}

/**
 * Scaled dot-product attention. q [B, H, S, D], k and v [B, H, T, D] (same H: repeat KV heads
 * first for grouped-query attention) → [B, H, S, D]. softmax(q k^T * scale + mask) v, in fp32.
 */
export function attention(g: GraphBuilder, q: string, k: string, v: string, opts: AttentionOptions = {}): string {
  const name = opts.name ?? 'attention';
  const scale = opts.scale ?? (opts.headDim ? 1 / Math.sqrt(opts.headDim) : undefined);
  if (scale === undefined) throw new Error(`attention ${name}: give scale or headDim`);
  const kt = g.op('Transpose', [k], { perm: [0, 1, 3, 2] }, { name: `${name}.kt` });
  let s = g.op('MatMul', [q, kt], {}, { name: `${name}.qk` });
  s = g.op('Mul', [s, g.constFloat([scale], [])], {}, { name: `${name}.scale` });
  if (opts.mask) s = g.op('Add', [s, opts.mask], {}, { name: `${name}.mask` });
  const p = g.op('Softmax', [s], { axis: -1 }, { name: `${name}.softmax` });
  return g.op('MatMul', [p, v], {}, { name });
}

export interface MultiHeadAttentionOptions extends BlockOptions {
  numHeads: number;
  /** Multiplier of q·k (default 1/sqrt(head size)). */
  scale?: number;
  /** Added to the scores: [B or 1, H or 1, S, T], of the inputs' type (T5's position bias, a padding mask). */
  bias?: string;
  /**
   * Keys/values placed before k and v: [B, H, P, D] (P may be 0). The kernel then writes the joined
   * keys/values as well and leaves the CPU flash path; concatenating into k and v yourself keeps it.
   */
  pastKey?: string;
  pastValue?: string;
}

/**
 * Fused attention: com.microsoft MultiHeadAttention, softmax(q kᵀ · scale + bias) v per head, with
 * q [B, S, H·D], k and v [B, T, H·D] (heads contiguous in the last axis) → [B, S, H·D]. float32 or
 * float16 (all inputs the same type). onnxruntime's kernels never materialise the scores where they
 * can avoid it: flash / memory-efficient attention on CUDA and WebGPU; on the CPU the flash path
 * when there is no bias, mask or past key/value (otherwise one [S, T] score block per head).
 * Non-causal; a padding mask is given as part of `bias` (WebGPU has no key_padding_mask).
 */
export function multiHeadAttention(g: GraphBuilder, q: string, k: string, v: string, opts: MultiHeadAttentionOptions): string {
  const name = opts.name ?? 'mha';
  if (!Number.isInteger(opts.numHeads) || opts.numHeads < 1) throw new Error(`multiHeadAttention ${name}: numHeads must be a positive integer`);
  if ((opts.pastKey === undefined) !== (opts.pastValue === undefined)) throw new Error(`multiHeadAttention ${name}: give both pastKey and pastValue, or neither`);
  const inputs = [q, k, v, '', '', opts.bias ?? ''];
  if (opts.pastKey !== undefined) inputs.push(opts.pastKey, opts.pastValue!);
  while (inputs[inputs.length - 1] === '') inputs.pop();
  const attrs: Record<string, number> = { num_heads: opts.numHeads };
  if (opts.scale !== undefined) attrs.scale = opts.scale;
  // With past key/value the present outputs are asked for too: onnxruntime 1.30's CPU kernel
  // attends to the past only when it writes the present (without them it silently drops the past).
  const outputs = opts.pastKey !== undefined ? 3 : 1;
  return g.opMulti('MultiHeadAttention', inputs, attrs, { domain: 'com.microsoft', name, outputs })[0];
}

/**
 * Repeat each KV head `n` times along axis 1: [B, Hkv, T, D] → [B, Hkv * n, T, D]
 * (grouped-query attention, as transformers' repeat_kv). Needs the static sizes Hkv and D.
 */
export function repeatKv(g: GraphBuilder, x: string, n: number, kvHeads: number, headDim: number, opts: BlockOptions = {}): string {
  if (n === 1) return x;
  const name = opts.name ?? 'repeat_kv';
  const u = g.op('Unsqueeze', [x, g.constInt64([2])], {}, { name: `${name}.unsqueeze` }); // [B, Hkv, 1, T, D]
  const e = g.op('Tile', [u, g.constInt64([1, 1, n, 1, 1])], {}, { name: `${name}.tile` }); // [B, Hkv, n, T, D]
  return g.op('Reshape', [e, g.constInt64([0, kvHeads * n, -1, headDim])], {}, { name });
}
