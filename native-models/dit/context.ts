/** What every DiT graph builder function needs: the graph, the config, the weights and precisions. */
import type { GraphBuilder, WeightPrecision } from '../onnx';
import type { DitConfig } from './config';
import type { DitWeights } from './weights';

export interface DitGraphContext {
  g: GraphBuilder;
  cfg: DitConfig;
  weights: DitWeights;
  /** Precision of the large linears (projectors, attention, feed-forward, modulation). */
  precision: WeightPrecision;
  /** Precision of the small layers (timestep/size embedding, patch projection, proj_out): always fp32, as the reference keeps them. */
  smallPrecision: WeightPrecision;
  /** A [innerDim] tensor of ones (for LayerNormalization without affine parameters). */
  onesInner: string;
  /** A [headDim] tensor of ones (per-head q/k norm). */
  onesHead: string;
}
