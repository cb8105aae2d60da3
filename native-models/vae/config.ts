/** vae/config.json (diffusers AutoencoderKL) as the VAE graphs and runtime need it. */
import path from 'node:path';
import { NativeModelError } from '../errors';
import { readConfig } from '../safetensors';

export interface VaeConfig {
  inChannels: number;
  outChannels: number;
  latentChannels: number;
  blockOutChannels: number[];
  layersPerBlock: number;
  normNumGroups: number;
  act: 'silu';
  midBlockAddAttention: boolean;
  useQuantConv: boolean;
  usePostQuantConv: boolean;
  /** Per-channel latent statistics the pipeline normalises with (null when absent). */
  latentsMean: number[] | null;
  latentsStd: number[] | null;
  /** 2^(levels-1). */
  scaleFactor: number;
}

interface RawVaeConfig {
  _class_name?: string;
  in_channels?: number;
  out_channels?: number;
  latent_channels?: number;
  block_out_channels?: number[];
  layers_per_block?: number;
  norm_num_groups?: number;
  act_fn?: string;
  down_block_types?: string[];
  up_block_types?: string[];
  mid_block_add_attention?: boolean;
  use_quant_conv?: boolean;
  use_post_quant_conv?: boolean;
  latents_mean?: number[] | null;
  latents_std?: number[] | null;
}

export function readVaeConfig(componentDir: string): VaeConfig {
  const raw = readConfig<RawVaeConfig>(componentDir);
  const file = path.join(componentDir, 'config.json');
  const bad = (why: string): NativeModelError => new NativeModelError('model_corrupt', `${file}: ${why}`, { file });
  if (raw._class_name && raw._class_name !== 'AutoencoderKL') throw bad(`class ${raw._class_name} is not AutoencoderKL.`);
  const blockOut = raw.block_out_channels ?? [64];
  const cfg: VaeConfig = {
    inChannels: raw.in_channels ?? 3,
    outChannels: raw.out_channels ?? 3,
    latentChannels: raw.latent_channels ?? 4,
    blockOutChannels: blockOut,
    layersPerBlock: raw.layers_per_block ?? 1,
    normNumGroups: raw.norm_num_groups ?? 32,
    act: 'silu',
    midBlockAddAttention: raw.mid_block_add_attention ?? true,
    useQuantConv: raw.use_quant_conv ?? true,
    usePostQuantConv: raw.use_post_quant_conv ?? true,
    latentsMean: raw.latents_mean ?? null,
    latentsStd: raw.latents_std ?? null,
    scaleFactor: 2 ** (blockOut.length - 1),
  };
  if ((raw.act_fn ?? 'silu') !== 'silu') throw bad(`act_fn "${raw.act_fn}" is not supported (only silu).`);
  const down = raw.down_block_types ?? blockOut.map(() => 'DownEncoderBlock2D');
  const up = raw.up_block_types ?? blockOut.map(() => 'UpDecoderBlock2D');
  if (down.length !== blockOut.length || down.some((t) => t !== 'DownEncoderBlock2D')) {
    throw bad(`down_block_types must be ${blockOut.length} x DownEncoderBlock2D.`);
  }
  if (up.length !== blockOut.length || up.some((t) => t !== 'UpDecoderBlock2D')) {
    throw bad(`up_block_types must be ${blockOut.length} x UpDecoderBlock2D.`);
  }
  if (blockOut.some((c) => c % cfg.normNumGroups !== 0)) throw bad(`block_out_channels must be multiples of norm_num_groups ${cfg.normNumGroups}.`);
  for (const [k, v] of [['latents_mean', cfg.latentsMean], ['latents_std', cfg.latentsStd]] as const) {
    if (v && v.length !== cfg.latentChannels) throw bad(`${k} has ${v.length} values, latent_channels is ${cfg.latentChannels}.`);
  }
  if (cfg.latentsStd?.some((s) => !(s > 0))) throw bad('latents_std must be positive.');
  return cfg;
}
