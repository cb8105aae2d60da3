/**
 * buildDit: transformer/ (config.json + safetensors) → <outDir>/<base>.onnx + .onnx.data + <base>.json
 * (a manifest: precision, config, the graph's inputs and outputs). Weights stream from the checkpoint
 * into a spill file in outDir, so a multi-GB DiT never sits in memory whole.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NativeModelError } from '../errors';
import { Compute, GraphBuilder, parseComputePrecision, WEIGHT_PRECISIONS, type ComputePrecision, type WeightPrecision } from '../onnx';
import { SafetensorsCheckpoint } from '../safetensors';
import { loadDitConfig, type DitConfig } from './config';
import { DEFAULT_DIT_ISLANDS, type DitAttention, type DitGraphContext, type DitIslands } from './context';
import { buildDitGraph } from './graph';
import { ditInputSpecs, ditOutputSpecs, type TensorSpec } from './io';
import { DitWeights } from './weights';

export interface DitBuildOptions {
  /** Weight precision of the large linears (default fp32). */
  precision?: WeightPrecision;
  /** Weight precision of the feed-forward linears (default: `precision`), e.g. int8 beside fp16 attention. */
  ffPrecision?: WeightPrecision;
  /** Compute precision (default fp32). fp16 needs fp16, int8 or int4 weights. */
  compute?: ComputePrecision;
  /** Attention form (default fused: com.microsoft MultiHeadAttention). 'plain' is fp32 only, kept to measure against. */
  attention?: DitAttention;
  /** MatMulNBits accuracy_level of int8/int4 linears (precision.ts; 4 = int8 activations, fastest on the CPU). Default unset. */
  accuracyLevel?: number;
  /** fp32 islands of an fp16 graph to switch off (measurements only; default all on). */
  islands?: Partial<DitIslands>;
  /** File base name (default `dit-<precision>`). */
  baseName?: string;
}

export interface DitModelDescription {
  kind: 'glm-image-dit';
  /** File names relative to the output folder. */
  model: string;
  data: string;
  manifest: string;
  precision: WeightPrecision;
  /** Feed-forward weight precision, when it differs from `precision`. */
  ffPrecision?: WeightPrecision;
  /** Activation precision of the graph (absent in folders compiled before it existed: fp32). */
  compute: ComputePrecision;
  attention: DitAttention;
  islands: DitIslands;
  /** MatMulNBits accuracy_level, when set. */
  accuracyLevel?: number;
  config: DitConfig;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  bytes: number;
}

export async function buildDit(componentDir: string, outDir: string, opts: DitBuildOptions = {}): Promise<DitModelDescription> {
  const precision = opts.precision ?? 'fp32';
  if (!WEIGHT_PRECISIONS.includes(precision)) {
    throw new NativeModelError('bad_request', `Unknown DiT precision "${precision}". Choose one of ${WEIGHT_PRECISIONS.join(', ')}.`);
  }
  let compute: ComputePrecision;
  try {
    compute = parseComputePrecision(opts.compute, 'DiT compute precision');
  } catch (e) {
    throw new NativeModelError('bad_request', `${(e as Error).message}.`);
  }
  const attention = opts.attention ?? 'fused';
  const ffPrecision = opts.ffPrecision ?? precision;
  if (!WEIGHT_PRECISIONS.includes(ffPrecision)) {
    throw new NativeModelError('bad_request', `Unknown DiT feed-forward precision "${ffPrecision}". Choose one of ${WEIGHT_PRECISIONS.join(', ')}.`);
  }
  if (compute === 'fp16' && (precision === 'fp32' || ffPrecision === 'fp32')) {
    throw new NativeModelError('bad_request', 'An fp16-compute DiT needs fp16, int8 or int4 weights (fp32 weights compute in fp32).');
  }
  if (compute === 'fp16' && attention === 'plain') throw new NativeModelError('bad_request', 'The plain (unfused) DiT attention is float32 only.');
  const islands: DitIslands = { ...DEFAULT_DIT_ISLANDS, ...opts.islands };
  const base = opts.baseName ?? `dit-${precision}`;
  const cfg = loadDitConfig(componentDir);
  const ckpt = await SafetensorsCheckpoint.open(componentDir);
  const g = new GraphBuilder('glm_image_dit', {
    spillDir: outDir,
    metadata: { 'glimmer.kind': 'glm-image-dit', 'glimmer.precision': precision, 'glimmer.ff_precision': ffPrecision, 'glimmer.compute': compute, 'glimmer.attention': attention },
    docString: 'GLM-Image diffusion transformer (GlmImageTransformer2DModel), built by Glimmer Studio native-models/dit',
  });
  try {
    const c = new Compute(g, compute);
    const ones = new Map<string, string>();
    const ctx: DitGraphContext = {
      g,
      cfg,
      weights: new DitWeights(ckpt, opts.accuracyLevel),
      precision,
      ffPrecision,
      smallPrecision: 'fp32',
      c,
      attention,
      islands,
      residualType: compute === 'fp16' && !islands.residual ? 'float16' : 'float32',
      ones(width, type) {
        const key = `${type}:${width}`;
        let v = ones.get(key);
        if (!v) {
          const data = new Float32Array(width).fill(1);
          v = type === 'float16' ? new Compute(g, 'fp16').tensor(`ones_${width}_fp16`, data, [width]) : g.initializer(`ones_${width}`, data, [width]);
          ones.set(key, v);
        }
        return v;
      },
    };
    await buildDitGraph(ctx);
    const saved = await g.save(outDir, base);
    const desc: DitModelDescription = {
      kind: 'glm-image-dit',
      model: path.basename(saved.modelPath),
      data: path.basename(saved.dataPath),
      manifest: `${base}.json`,
      precision,
      ...(ffPrecision !== precision ? { ffPrecision } : {}),
      compute,
      attention,
      islands,
      ...(opts.accuracyLevel !== undefined ? { accuracyLevel: opts.accuracyLevel } : {}),
      config: cfg,
      inputs: ditInputSpecs(cfg),
      outputs: ditOutputSpecs(cfg),
      bytes: saved.bytes,
    };
    await writeFile(path.join(outDir, desc.manifest), JSON.stringify(desc, null, 1));
    return desc;
  } catch (e) {
    g.discard();
    throw e;
  } finally {
    await ckpt.close();
  }
}
