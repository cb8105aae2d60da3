/**
 * Small shared graph blocks: normalisations, activations, attention. Each takes the builder and a
 * value name and returns the output value name. All run on the CPU EP (fp32).
 */
import type { GraphBuilder } from './builder';

export interface BlockOptions {
  /** Node name prefix (made unique). */
  name?: string;
}

function weightValue(g: GraphBuilder, w: Float32Array | string, name: string): string {
  return typeof w === 'string' ? w : g.initializer(name, w, [w.length]);
}

/**
 * RMS norm over the last axis: x / sqrt(mean(x^2) + eps) * weight (weight omitted = 1).
 * With a weight it is one SimplifiedLayerNormalization node (ORT's CPU kernel, computed in fp32);
 * without one it is plain ops.
 */
export function rmsNorm(g: GraphBuilder, x: string, weight: Float32Array | string | undefined, eps: number, opts: BlockOptions = {}): string {
  const name = opts.name ?? 'rms_norm';
  if (weight !== undefined) {
    const w = weightValue(g, weight, `${name}.weight`);
    return g.op('SimplifiedLayerNormalization', [x, w], { axis: -1, epsilon: eps, stash_type: 1 }, { name });
  }
  const sq = g.op('Mul', [x, x], {}, { name: `${name}.sq` });
  const ms = g.op('ReduceMean', [sq, g.constInt64([-1])], { keepdims: 1 }, { name: `${name}.mean` });
  const rs = g.op('Sqrt', [g.op('Add', [ms, g.constFloat([eps], [])], {}, { name: `${name}.eps` })], {}, { name: `${name}.sqrt` });
  return g.op('Div', [x, rs], {}, { name });
}

/**
 * Layer norm over the axes from `axis` on: (x - mean) / sqrt(var + eps) * weight + bias.
 * With a weight it is one LayerNormalization node; without (elementwise_affine=False) plain ops.
 */
export function layerNorm(
  g: GraphBuilder,
  x: string,
  weight: Float32Array | string | undefined,
  bias: Float32Array | string | undefined,
  eps: number,
  axis = -1,
  opts: BlockOptions = {},
): string {
  const name = opts.name ?? 'layer_norm';
  if (weight !== undefined) {
    const inputs = [x, weightValue(g, weight, `${name}.weight`)];
    if (bias !== undefined) inputs.push(weightValue(g, bias, `${name}.bias`));
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
