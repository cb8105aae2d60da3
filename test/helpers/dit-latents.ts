/** The fixture's scheduler and VAE latent conventions, for DiT tests that run whole loops. */
import path from 'node:path';
import { readConfig } from '../../native-models/safetensors';
import { buildSchedule, imageSeqLen, loadFlowMatchConfig, type Schedule } from '../../main/engine/scheduler';
import { checkpointDir } from './fixtures';
import type { CaseRequest } from './dit-goldens';

interface VaeLatentConfig {
  block_out_channels: number[];
  latents_mean: number[];
  latents_std: number[];
}

const ckpt = checkpointDir();
export const vaeConfig = readConfig<VaeLatentConfig>(path.join(ckpt, 'vae'));
export const vaeScaleFactor = 2 ** (vaeConfig.block_out_channels.length - 1);
export const schedulerConfig = loadFlowMatchConfig(path.join(ckpt, 'scheduler'));

export function scheduleFor(req: CaseRequest, patchSize: number): Schedule {
  return buildSchedule(req.steps, imageSeqLen(req.height, req.width, vaeScaleFactor, patchSize), schedulerConfig);
}

/** z · std + mean per channel, in float32 like the pipeline before vae.decode. */
export function denormaliseLatents(z: Float32Array, channels: number): Float32Array {
  const hw = z.length / channels;
  const out = new Float32Array(z.length);
  for (let c = 0; c < channels; c++) {
    const s = Math.fround(vaeConfig.latents_std[c]);
    const m = Math.fround(vaeConfig.latents_mean[c]);
    for (let i = c * hw; i < (c + 1) * hw; i++) out[i] = Math.fround(Math.fround(z[i] * s) + m);
  }
  return out;
}
