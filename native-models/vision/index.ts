/**
 * buildVision: GLM-Image's reference-image tokenizer (ViT + VQ) from vision_language_encoder/ to
 * <outDir>/vision.onnx (+ .onnx.data). See graph.ts for the graph and its inputs/outputs.
 */
import { NativeModelError } from '../errors';
import { GraphBuilder, parseComputePrecision, type ComputePrecision, type WeightPrecision } from '../onnx';
import { SafetensorsCheckpoint } from '../safetensors';
import { readVisionConfig, type VisionConfig, type VqConfig } from './config';
import { buildVisionGraph, VISION_INPUTS, VISION_OUTPUTS } from './graph';
import { WeightReader } from './weights';

export { readVisionConfig, VISION_INPUTS, VISION_OUTPUTS, WeightReader };
export type { VisionConfig, VqConfig };

export interface BuildVisionOptions {
  /** Weights of the ViT's linear layers (the VQ is always fp32). Default fp32. */
  precision?: WeightPrecision;
  /** Compute precision of the ViT blocks (default fp32; fp16 needs fp16, int8 or int4 weights). */
  compute?: ComputePrecision;
  /** Base file name (default "vision"). */
  baseName?: string;
}

export interface VisionModelDescription {
  module: 'vision';
  modelFile: string;
  dataFile: string;
  bytes: number;
  precision: WeightPrecision;
  compute: ComputePrecision;
  inputs: { name: string; type: string; dims: (number | string)[] }[];
  outputs: { name: string; type: string; dims: (number | string)[] }[];
  vision: VisionConfig;
  vq: VqConfig;
}

/** The weight-name prefixes of the ViT and the VQ in this checkpoint ("model." in transformers >= 5). */
function findPrefixes(ckpt: SafetensorsCheckpoint, where: string): { visual: string; vq: string } {
  for (const base of ['model.', '']) {
    if (ckpt.has(`${base}visual.patch_embed.proj.weight`) && ckpt.has(`${base}vqmodel.quant_conv.weight`)) {
      return { visual: `${base}visual.`, vq: `${base}vqmodel.` };
    }
  }
  throw new NativeModelError('model_corrupt', `${where} has no vision encoder / VQ weights (visual.*, vqmodel.*); it is not a GLM-Image AR checkpoint.`, {
    file: where,
  });
}

export async function buildVision(componentDir: string, outDir: string, opts: BuildVisionOptions = {}): Promise<VisionModelDescription> {
  const precision = opts.precision ?? 'fp32';
  let compute: ComputePrecision;
  try {
    compute = parseComputePrecision(opts.compute, 'vision compute precision');
  } catch (e) {
    throw new NativeModelError('bad_request', `${(e as Error).message}.`);
  }
  if (compute === 'fp16' && precision === 'fp32') {
    throw new NativeModelError('bad_request', 'An fp16-compute vision encoder needs fp16, int8 or int4 weights (fp32 weights compute in fp32).');
  }
  const baseName = opts.baseName ?? 'vision';
  const { vision, vq } = readVisionConfig(componentDir);
  const ckpt = await SafetensorsCheckpoint.open(componentDir);
  try {
    const pre = findPrefixes(ckpt, componentDir);
    const g = new GraphBuilder('glm_image_vision', {
      metadata: { module: 'vision', precision, compute },
      docString: 'GLM-Image reference-image tokenizer: ViT + VQ (features and codebook ids)',
    });
    await buildVisionGraph(g, new WeightReader(ckpt, pre.visual, componentDir), new WeightReader(ckpt, pre.vq, componentDir), vision, vq, precision, compute);
    const saved = await g.save(outDir, baseName);
    const patchDim = vision.inChannels * vision.patchSize * vision.patchSize;
    return {
      module: 'vision',
      modelFile: saved.modelPath,
      dataFile: saved.dataPath,
      bytes: saved.bytes,
      precision,
      compute,
      inputs: [
        { name: VISION_INPUTS.pixelValues, type: 'float32', dims: ['num_patches', patchDim] },
        { name: VISION_INPUTS.posGrid, type: 'float32', dims: [1, 'num_patches', 1, 2] },
      ],
      outputs: [
        { name: VISION_OUTPUTS.features, type: 'float32', dims: ['num_patches', vision.hiddenSize] },
        { name: VISION_OUTPUTS.tokenIds, type: 'int64', dims: ['num_patches'] },
      ],
      vision,
      vq,
    };
  } finally {
    await ckpt.close();
  }
}
