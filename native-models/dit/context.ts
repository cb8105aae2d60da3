/** What every DiT graph builder function needs: the graph, the config, the weights, precisions and choices. */
import type { Compute, GraphBuilder, WeightPrecision } from '../onnx';
import type { DitConfig } from './config';
import type { DitWeights } from './weights';

/** How attention is written: the fused com.microsoft MultiHeadAttention, or MatMul + Softmax + MatMul (the old form, kept to measure against). */
export type DitAttention = 'fused' | 'plain';

/**
 * fp32 islands of an fp16-compute DiT that can be switched (to measure what each one buys). Always
 * fp32 and not listed: norm statistics (LayerNormalization stash_type 1), the timestep/size
 * sinusoids and their small linears (timesteps up to 999 keep 3 significant digits in fp16), the
 * patch projection and the output head (small layers with fp32 weights), the rotary tables.
 *
 * Measured on the golden calls (test/parity/dit-compute.test.ts, worst error / max|reference|, fp16
 * weights): all islands 2.15e-4 on the CPU, 4.15e-3 on WebGPU (lavapipe, real fp16 arithmetic);
 * without rope 4.16e-3, without residual 4.13e-3 (the cond passes' worst rises 6.9e-4 → 9.3e-4),
 * with the attention island 4.13e-3. The fixture's random weights keep activations small, so these
 * goldens cannot show overflow: the islands that guard against it are kept on by design.
 */
export interface DitIslands {
  /**
   * The rotation of q and k in fp32 (diffusers' apply_rotary_emb computes x.float()·cos +
   * rotate_half(x).float()·sin and casts back). Costs four casts per layer; no measurable change on
   * the goldens.
   */
  rope: boolean;
  /**
   * The two residual streams (image and text tokens) in fp32 between blocks, and their norms fed
   * fp32: the gated sums of 30 blocks are where a DiT's activations grow (a known fp16 overflow site
   * in large DiTs) and WebGPU's fp16 LayerNormalization loses about 2 ulps on inputs with a large
   * mean (4.3e-3 vs 1e-3 on the CPU, mean 30). Costs one [S, inner] fp32 add per residual.
   */
  residual: boolean;
  /** The fused attention on float32 q, k, v. Off: the kernels accumulate the softmax in fp32 already (measured no gain). */
  attention: boolean;
}

export const DEFAULT_DIT_ISLANDS: DitIslands = { rope: true, residual: true, attention: false };

export interface DitGraphContext {
  g: GraphBuilder;
  cfg: DitConfig;
  weights: DitWeights;
  /** Precision of the large linears (projectors, attention, modulation; the feed-forward too unless ffPrecision says otherwise). */
  precision: WeightPrecision;
  /** Precision of the feed-forward linears (58% of the DiT's parameters). */
  ffPrecision: WeightPrecision;
  /** Precision of the small layers (timestep/size embedding, patch projection, proj_out): always fp32, as the reference keeps them. */
  smallPrecision: WeightPrecision;
  /** Compute precision of the graph, bound to g. */
  c: Compute;
  attention: DitAttention;
  islands: DitIslands;
  /** Element type of the residual streams: float32 when the residual island is on, else the compute type. */
  residualType: 'float32' | 'float16';
  /** A [width] tensor of ones of a type (LayerNormalization without affine parameters), made once. */
  ones(width: number, type: 'float32' | 'float16'): string;
}
