/**
 * Memory of a compiled GLM-Image at run time: what each module's weights take once loaded, what its
 * largest working set takes at an image size, and which modules are in memory in each phase of a
 * generation under a memory profile and a budget. One place for it: the model manager's tier
 * estimates (main/models) and the engine's session budget (main/engine/pipeline/sessions.ts) both use
 * these functions, and `npm run bench -- memory` compares them with what was measured.
 *
 * The estimate (bytes) for an image of H x W pixels:
 *
 *   peak = max over phases p of  Σ_{m in memory during p} weights(m) + activations(p) + overhead
 *
 *   weights(m)      = params(m) x bytesPerParam(weight precision, compute, device)
 *                     fp32 4 · fp16 2 (4 where onnxruntime widens it: fp32 compute, or any fp16 graph
 *                     on the CPU provider) · int8 1 + 5/32 (per block of 32: a 4-byte scale and a
 *                     1-byte zero point; 1 + 3/32 with fp16 scales) · int4 0.5 + 4.5/32 (0.5 + 2.5/32)
 *                     The DiT's prior-token table is fp16 in every quantised preset (counted so).
 *   activations(p)  the largest set of tensors alive at once in the phase's graph (below), x 1.25
 *                   for what onnxruntime's allocator keeps around them
 *     dit       S = N + T tokens (N = H·W/256 image, T = 128 glyph tokens assumed), D inner width,
 *               a = activation bytes (2 fp16 on a GPU, else 4): S·D·(10a + 16)
 *               (FF input, 4D hidden, its GELU, FF output in the compute type; both fp32 residual
 *               streams old and new); fused attention keeps no S x S scores; the unfused form adds
 *               heads·S²·4·2. Image-to-image adds the reference keys/values fed to every cond pass:
 *               2 x layers x R x D x 4 (fp32 at the graph's interface).
 *     vae       decoder: 3.5 x max over levels of (channels x pixels) x 4 (fp32; a resnet's input, its
 *               GroupNorm and SiLU outputs at the widest level), at the tile's size when tiled
 *     ar        KV cache (layers x 2 x kv heads x head dim x tokens x 4) + prefill (L x 2·intermediate x 4)
 *     glyph     rows x L x (3·d_ff + 6·d_model) x 4 + heads x L² x 4 (the bias), L = 512 bytes of text
 *     vision    N patches x (3·hidden + 2·intermediate) x 4 (fused attention)
 *   overhead        0.05 x the weights in memory + 0.3 GB per phase (the provider's context, kernels)
 *
 * Phases, in order: vision (image-to-image), ar, vaeEncoder (image-to-image), glyph, dit, vaeDecoder.
 * What stays in memory between them follows `planEviction`: a module stays until loading another
 * would pass the budget; then the least recently used ones not needed by the current phase go first.
 * `resident` without a budget keeps everything; `sequential` without a budget keeps only the phase's own.
 */
import type { DitConfig } from './dit';
import type { ComputePrecision, WeightPrecision } from './onnx';
import type { ModuleChoice } from './presets';
import type { T5EncoderConfig } from './glyph';
import type { VaeConfig } from './vae';
import type { VisionConfig } from './vision';

/** The runtime modules (the VAE's two graphs separately). */
export const RUNTIME_MODULES = ['vision', 'ar', 'vaeEncoder', 'glyph', 'dit', 'vaeDecoder'] as const;
export type RuntimeModule = (typeof RUNTIME_MODULES)[number];

/** The sizes an estimate needs from each component's config (the manifest keeps them). */
export interface ModelShapes {
  ar: { hiddenSize: number; numLayers: number; numKvHeads: number; headDim: number; intermediateSize: number };
  vision: Pick<VisionConfig, 'hiddenSize' | 'depth' | 'intermediateSize' | 'patchSize'>;
  glyph: Pick<T5EncoderConfig, 'dModel' | 'dFf' | 'numHeads'>;
  dit: Pick<DitConfig, 'innerDim' | 'numLayers' | 'numHeads' | 'patchSize' | 'priorCodebookSize'>;
  vae: Pick<VaeConfig, 'blockOutChannels' | 'latentChannels' | 'scaleFactor'>;
}

export type ModuleParams = Record<RuntimeModule, number>;

/** Where the graphs run: a GPU keeps fp16 as fp16; the CPU provider widens fp16 graphs to fp32. */
export type DeviceKind = 'gpu' | 'cpu';

const GB = 1e9;
const ALLOCATOR_MARGIN = 1.25;
/** Working memory of a provider beside any tensor: its context, kernels, workspaces (per phase). */
export const PHASE_OVERHEAD_BYTES = 0.3 * GB;
/** What onnxruntime holds beside a module's weights (prepacked copies, arena slack), as a fraction of them. */
export const WEIGHT_OVERHEAD = 0.05;

/** A module's weights as they are held in memory, overhead included. */
export function heldBytes(weightBytes: number): number {
  return weightBytes * (1 + WEIGHT_OVERHEAD);
}
/** Glyph tokens the DiT estimate assumes (a long quoted text; the empty text is 1). */
export const ESTIMATE_TEXT_TOKENS = 128;

/** Bytes one parameter takes in memory once onnxruntime has loaded it. */
export function bytesPerParam(weights: WeightPrecision, compute: ComputePrecision, device: DeviceKind): number {
  const halfScales = compute === 'fp16' && device === 'gpu';
  switch (weights) {
    case 'fp32':
      return 4;
    case 'fp16':
      return compute === 'fp16' && device === 'gpu' ? 2 : 4;
    case 'int8':
      return 1 + (halfScales ? 3 : 5) / 32;
    case 'int4':
      return 0.5 + (halfScales ? 2.5 : 4.5) / 32;
  }
}

/**
 * Weights in memory of one module. The DiT's prior table is fp16 when its linears are quantised, and
 * its feed-forward (layers x (2 x 4D x D + 5D) parameters) may have its own precision.
 */
export function moduleWeightBytes(module: RuntimeModule, params: number, choice: ModuleChoice, shapes: ModelShapes, device: DeviceKind): number {
  const per = (w: WeightPrecision) => bytesPerParam(w, choice.compute, device);
  if (module !== 'dit') return params * per(choice.weights);
  const D = shapes.dit.innerDim;
  const ff = choice.ffWeights ? shapes.dit.numLayers * (8 * D * D + 5 * D) : 0;
  const table = choice.weights === 'int8' || choice.weights === 'int4' ? shapes.dit.priorCodebookSize * D : 0;
  return (params - ff - table) * per(choice.weights) + ff * per(choice.ffWeights ?? choice.weights) + table * per('fp16');
}

export interface ActivationOptions {
  width: number;
  height: number;
  compute: ComputePrecision;
  device: DeviceKind;
  /** Image-to-image: reference image pixels (their keys/values join every cond pass). */
  referencePixels?: number;
  /** The VAE decodes tiles of this many pixels per side (undefined: the whole image). */
  vaeTilePixels?: number;
  /** The unfused attention form (MatMul + Softmax + MatMul). */
  plainAttention?: boolean;
  /** AR tokens held in the KV cache (default: prompt 1024 + the grids of this size). */
  arTokens?: number;
}

/** Channels x pixels of the widest level of the VAE decoder, for an image of `pixels` pixels. */
function vaeWidestLevel(vae: ModelShapes['vae'], pixels: number): number {
  const rev = [...vae.blockOutChannels].reverse();
  const levels = rev.length;
  let widest = 0;
  for (let i = 0; i < levels; i++) {
    // level i runs at pixels / 4^(levels-1-i); its upsampler output (i < last) is at the next level's size
    const atLevel = pixels / 4 ** (levels - 1 - i);
    widest = Math.max(widest, rev[i]! * atLevel);
    if (i < levels - 1) widest = Math.max(widest, rev[i]! * atLevel * 4);
  }
  return widest;
}

/** The largest working set of a module's graph at an image size (bytes, allocator margin included). */
export function moduleActivationBytes(module: RuntimeModule, shapes: ModelShapes, o: ActivationOptions): number {
  const a = o.compute === 'fp16' && o.device === 'gpu' ? 2 : 4;
  const pixels = o.width * o.height;
  let bytes: number;
  switch (module) {
    case 'dit': {
      const { innerDim: D, numLayers, numHeads } = shapes.dit;
      const N = pixels / (shapes.vae.scaleFactor * shapes.dit.patchSize) ** 2;
      const S = N + ESTIMATE_TEXT_TOKENS;
      const R = (o.referencePixels ?? 0) / (shapes.vae.scaleFactor * shapes.dit.patchSize) ** 2;
      bytes = S * D * (10 * a + 16) + 2 * numLayers * R * D * 4 + (o.plainAttention ? numHeads * S * (S + R) * 4 * 2 : 0);
      break;
    }
    case 'vaeDecoder':
    case 'vaeEncoder': {
      const p = module === 'vaeEncoder' ? (o.referencePixels ?? 0) : o.vaeTilePixels ? Math.min(pixels, o.vaeTilePixels ** 2) : pixels;
      bytes = 3.5 * vaeWidestLevel(shapes.vae, p) * 4;
      break;
    }
    case 'ar': {
      const { numLayers, numKvHeads, headDim, intermediateSize } = shapes.ar;
      const grid = pixels / 32 ** 2;
      const tokens = o.arTokens ?? 1024 + grid + 256;
      bytes = numLayers * 2 * numKvHeads * headDim * tokens * 4 + 1024 * 2 * intermediateSize * 4;
      break;
    }
    case 'glyph': {
      const L = 512;
      const { dModel, dFf, numHeads } = shapes.glyph;
      bytes = L * (3 * dFf + 6 * dModel) * 4 + numHeads * L * L * 4;
      break;
    }
    case 'vision': {
      const n = (o.referencePixels ?? 0) / 4 / shapes.vision.patchSize ** 2; // references are tokenized at half size
      bytes = n * (3 * shapes.vision.hiddenSize + 2 * shapes.vision.intermediateSize) * a;
      break;
    }
  }
  return bytes * ALLOCATOR_MARGIN;
}

export interface LoadedModule {
  key: string;
  bytes: number;
  /** Larger = used more recently. */
  lastUsed: number;
}

/**
 * Which loaded modules to release before loading `incoming` (bytes): none while everything fits in
 * `budget` (with `reserve` kept free for the phase's activations); otherwise the least recently used
 * ones that the current phase does not need (`keep`), until it fits or nothing is left to release.
 * budget null = no limit (release nothing).
 */
export function planEviction(loaded: readonly LoadedModule[], incoming: number, keep: readonly string[], budget: number | null, reserve = 0): string[] {
  if (budget === null) return [];
  let total = loaded.reduce((s, m) => s + m.bytes, 0) + incoming + reserve;
  const out: string[] = [];
  for (const m of [...loaded].sort((x, y) => x.lastUsed - y.lastUsed)) {
    if (total <= budget) break;
    if (keep.includes(m.key)) continue;
    out.push(m.key);
    total -= m.bytes;
  }
  return out;
}

export interface PhaseEstimate {
  phase: RuntimeModule;
  /** Modules in memory during the phase. */
  modules: RuntimeModule[];
  bytes: number;
}

export interface MemoryEstimate {
  peakBytes: number;
  phases: PhaseEstimate[];
  modules: { module: RuntimeModule; weightsBytes: number; activationBytes: number }[];
}

export interface EstimateInput {
  shapes: ModelShapes;
  /** Weights in memory per module (moduleWeightBytes, or measured sizes). */
  weights: Record<RuntimeModule, number>;
  /** Activation options (size, compute, device, tiles). */
  activations: ActivationOptions;
  /** Budget for the eviction plan (bytes; null: none). */
  budget: number | null;
  /** Without a budget: resident keeps every module, sequential only the phase's own. */
  profile: 'resident' | 'sequential';
  imageToImage?: boolean;
}

/** Phase by phase, what is in memory and the peak (the formula in the header). */
export function estimateMemory(input: EstimateInput): MemoryEstimate {
  const phases: RuntimeModule[] = input.imageToImage ? ['vision', 'ar', 'vaeEncoder', 'glyph', 'dit', 'vaeDecoder'] : ['ar', 'glyph', 'dit', 'vaeDecoder'];
  const budget = input.budget ?? (input.profile === 'sequential' ? 0 : null);
  const act = (m: RuntimeModule) => moduleActivationBytes(m, input.shapes, input.activations);
  const held = (m: RuntimeModule) => heldBytes(input.weights[m]);
  const loaded: LoadedModule[] = [];
  const out: PhaseEstimate[] = [];
  phases.forEach((phase, t) => {
    const reserve = act(phase) + PHASE_OVERHEAD_BYTES;
    for (const key of planEviction(loaded, held(phase), [phase], budget, reserve)) loaded.splice(loaded.findIndex((m) => m.key === key), 1);
    loaded.push({ key: phase, bytes: held(phase), lastUsed: t });
    const weights = loaded.reduce((s, m) => s + m.bytes, 0);
    out.push({ phase, modules: loaded.map((m) => m.key as RuntimeModule), bytes: weights + reserve });
  });
  return {
    peakBytes: Math.max(...out.map((p) => p.bytes)),
    phases: out,
    modules: RUNTIME_MODULES.filter((m) => phases.includes(m)).map((m) => ({ module: m, weightsBytes: input.weights[m], activationBytes: act(m) })),
  };
}
