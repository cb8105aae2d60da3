/**
 * onnxruntime's fused contrib ops (com.microsoft) as the AR graph uses them. Each exists on the CPU,
 * CUDA and WebGPU providers, so one graph serves every provider with one kernel launch where the
 * plain-op form took several:
 *
 *   SkipSimplifiedLayerNormalization  residual add + RMS norm (output 3 is the sum, the new residual)
 *   RotaryEmbedding                   rotate_half rotary on the first `rotaryDim` dims of each head,
 *                                     reading a cos/sin table of one row per token (the mRoPE angles,
 *                                     computed once per run by rope.ts)
 *   GroupQueryAttention               causal attention of num_heads query heads over kv_num_heads
 *                                     key/value heads, appending to the KV cache (past → present)
 */
import type { GraphBuilder } from '../onnx';

const MS = { domain: 'com.microsoft' } as const;

/**
 * x + skip, then RMS norm with `gamma` (computed in fp32). Returns [normed, sum]: the sum is the
 * residual stream that continues past the norm.
 */
export function skipRmsNorm(g: GraphBuilder, x: string, skip: string, gamma: string, eps: number, name: string): { normed: string; sum: string } {
  const [normed, , , sum] = g.opMulti('SkipSimplifiedLayerNormalization', [x, skip, gamma], { epsilon: eps }, { ...MS, outputs: 4, name });
  return { normed, sum };
}

export interface RotaryTables {
  /** [tokens, rotaryDim / 2]: cos / sin of each token's angles (one row per token of the run). */
  cos: string;
  sin: string;
  /** int64 [1] = 0: token s of the run reads row s. */
  rowOffset: string;
}

/**
 * Rotates x [1, S, heads * headDim] in place of each head's first rotaryDim dims with the
 * half-split rotate_half (interleaved = 0), the rest passing through.
 */
export function rotary(g: GraphBuilder, x: string, t: RotaryTables, heads: number, rotaryDim: number, name: string): string {
  return g.op('RotaryEmbedding', [x, t.rowOffset, t.cos, t.sin], { interleaved: 0, num_heads: heads, rotary_embedding_dim: rotaryDim }, { ...MS, name });
}

export interface GqaInputs {
  /** [1, S, numHeads * headDim], [1, S, kvHeads * headDim] ×2 (rotary already applied to q and k). */
  q: string;
  k: string;
  v: string;
  /** [1, kvHeads, past, headDim] */
  pastKey: string;
  pastValue: string;
  /** int32 [1]: tokens in the cache after this run − 1. */
  seqlensK: string;
  /** int32 scalar: tokens in the cache after this run. */
  totalLength: string;
}

/** Returns the attention output [1, S, numHeads * headDim] and the present key/value [1, kvHeads, past + S, headDim]. */
export function groupQueryAttention(
  g: GraphBuilder,
  inp: GqaInputs,
  numHeads: number,
  kvHeads: number,
  name: string,
): { out: string; presentKey: string; presentValue: string } {
  const [out, presentKey, presentValue] = g.opMulti(
    'GroupQueryAttention',
    [inp.q, inp.k, inp.v, inp.pastKey, inp.pastValue, inp.seqlensK, inp.totalLength],
    { num_heads: numHeads, kv_num_heads: kvHeads },
    { ...MS, outputs: 3, name },
  );
  return { out, presentKey, presentValue };
}
