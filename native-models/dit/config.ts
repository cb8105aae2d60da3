/**
 * The DiT's shape, from transformer/config.json (diffusers GlmImageTransformer2DModel). Class
 * defaults are not used: every value the graph depends on must be in the file.
 */
import { NativeModelError } from '../errors';
import { readConfig } from '../safetensors';

export interface DitConfig {
  patchSize: number;
  inChannels: number;
  outChannels: number;
  numLayers: number;
  numHeads: number;
  headDim: number;
  /** numHeads · headDim: the width of both streams. */
  innerDim: number;
  /** Width of the glyph (T5) embeddings fed as encoder_hidden_states. */
  textEmbedDim: number;
  /** Width of the timestep sinusoid and of temb. */
  timeEmbedDim: number;
  /** Width of each size/crop sinusoid (4 of them are concatenated). */
  conditionDim: number;
  /** Rows of the prior-token embedding table (the AR's visual codebook). */
  priorCodebookSize: number;
}

const KEYS: [keyof Omit<DitConfig, 'innerDim'>, string][] = [
  ['patchSize', 'patch_size'],
  ['inChannels', 'in_channels'],
  ['outChannels', 'out_channels'],
  ['numLayers', 'num_layers'],
  ['numHeads', 'num_attention_heads'],
  ['headDim', 'attention_head_dim'],
  ['textEmbedDim', 'text_embed_dim'],
  ['timeEmbedDim', 'time_embed_dim'],
  ['conditionDim', 'condition_dim'],
  ['priorCodebookSize', 'prior_vq_quantizer_codebook_size'],
];

export function parseDitConfig(raw: Record<string, unknown>, where: string): DitConfig {
  const out: Partial<DitConfig> = {};
  for (const [key, json] of KEYS) {
    const v = raw[json];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new NativeModelError('model_corrupt', `${where}: "${json}" must be a positive integer, not ${JSON.stringify(v)}. Re-download the model.`);
    }
    out[key] = v;
  }
  const cfg = out as DitConfig;
  cfg.innerDim = cfg.numHeads * cfg.headDim;
  if (cfg.headDim % 4 !== 0) {
    throw new NativeModelError('model_corrupt', `${where}: "attention_head_dim" (${cfg.headDim}) must be a multiple of 4 for the 2-D rotary embedding.`);
  }
  return cfg;
}

/** transformer/config.json of a component folder. */
export function loadDitConfig(componentDir: string): DitConfig {
  return parseDitConfig(readConfig<Record<string, unknown>>(componentDir), `${componentDir}/config.json`);
}
