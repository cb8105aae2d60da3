/**
 * buildDit: transformer/ (config.json + safetensors) → <outDir>/<base>.onnx + .onnx.data + <base>.json
 * (a manifest: precision, config, the graph's inputs and outputs). Weights stream from the checkpoint
 * into a spill file in outDir, so a multi-GB DiT never sits in memory whole.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NativeModelError } from '../errors';
import { GraphBuilder, WEIGHT_PRECISIONS, type WeightPrecision } from '../onnx';
import { SafetensorsCheckpoint } from '../safetensors';
import { loadDitConfig, type DitConfig } from './config';
import type { DitGraphContext } from './context';
import { buildDitGraph } from './graph';
import { ditInputSpecs, ditOutputSpecs, type TensorSpec } from './io';
import { DitWeights } from './weights';

export interface DitBuildOptions {
  /** Weight precision of the large linears (default fp32). */
  precision?: WeightPrecision;
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
  const base = opts.baseName ?? `dit-${precision}`;
  const cfg = loadDitConfig(componentDir);
  const ckpt = await SafetensorsCheckpoint.open(componentDir);
  const g = new GraphBuilder('glm_image_dit', {
    spillDir: outDir,
    metadata: { 'glimmer.kind': 'glm-image-dit', 'glimmer.precision': precision },
    docString: 'GLM-Image diffusion transformer (GlmImageTransformer2DModel), built by Glimmer Studio native-models/dit',
  });
  try {
    const ctx: DitGraphContext = {
      g,
      cfg,
      weights: new DitWeights(ckpt),
      precision,
      smallPrecision: 'fp32',
      onesInner: g.initializer('ones_inner', new Float32Array(cfg.innerDim).fill(1), [cfg.innerDim]),
      onesHead: g.initializer('ones_head', new Float32Array(cfg.headDim).fill(1), [cfg.headDim]),
    };
    await buildDitGraph(ctx);
    const saved = await g.save(outDir, base);
    const desc: DitModelDescription = {
      kind: 'glm-image-dit',
      model: path.basename(saved.modelPath),
      data: path.basename(saved.dataPath),
      manifest: `${base}.json`,
      precision,
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
