/**
 * buildVae: the AutoencoderKL in vae/ → <outDir>/vae_decoder.onnx and vae_encoder.onnx (+ .onnx.data),
 * fp32 (an fp16 VAE decoder overflows). See graph.ts.
 */
import { NativeModelError } from '../errors';
import { GraphBuilder } from '../onnx';
import { SafetensorsCheckpoint } from '../safetensors';
import { WeightReader } from '../vision/weights';
import { readVaeConfig, type VaeConfig } from './config';
import { buildDecoderGraph, buildEncoderGraph, VAE_DECODER_IO, VAE_ENCODER_IO } from './graph';

export { readVaeConfig, VAE_DECODER_IO, VAE_ENCODER_IO };
export type { VaeConfig };

export interface BuildVaeOptions {
  /** Which graphs to write (default both). */
  parts?: ('decoder' | 'encoder')[];
}

export interface VaeModelDescription {
  module: 'vae';
  precision: 'fp32';
  decoder?: { modelFile: string; dataFile: string; bytes: number; input: string; output: string };
  encoder?: { modelFile: string; dataFile: string; bytes: number; input: string; output: string };
  config: VaeConfig;
}

export async function buildVae(componentDir: string, outDir: string, opts: BuildVaeOptions = {}): Promise<VaeModelDescription> {
  const parts = opts.parts ?? ['decoder', 'encoder'];
  const config = readVaeConfig(componentDir);
  const ckpt = await SafetensorsCheckpoint.open(componentDir);
  try {
    if (!ckpt.has('decoder.conv_in.weight') || !ckpt.has('encoder.conv_in.weight')) {
      throw new NativeModelError('model_corrupt', `${componentDir} has no AutoencoderKL encoder/decoder weights; it is not a VAE checkpoint.`, {
        file: componentDir,
      });
    }
    const weights = new WeightReader(ckpt, '', componentDir);
    const desc: VaeModelDescription = { module: 'vae', precision: 'fp32', config };
    if (parts.includes('decoder')) {
      const g = new GraphBuilder('glm_image_vae_decoder', { metadata: { module: 'vae_decoder', precision: 'fp32' } });
      await buildDecoderGraph(g, weights, config);
      const s = await g.save(outDir, 'vae_decoder');
      desc.decoder = { modelFile: s.modelPath, dataFile: s.dataPath, bytes: s.bytes, ...VAE_DECODER_IO };
    }
    if (parts.includes('encoder')) {
      const g = new GraphBuilder('glm_image_vae_encoder', { metadata: { module: 'vae_encoder', precision: 'fp32' } });
      await buildEncoderGraph(g, weights, config);
      const s = await g.save(outDir, 'vae_encoder');
      desc.encoder = { modelFile: s.modelPath, dataFile: s.dataPath, bytes: s.bytes, ...VAE_ENCODER_IO };
    }
    return desc;
  } finally {
    await ckpt.close();
  }
}
