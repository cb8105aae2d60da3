/**
 * The AR (GlmImageForConditionalGeneration text decoder) sizes, all from vision_language_encoder/
 * config.json, and the check that the weights in the checkpoint have the shapes the config implies.
 */
import path from 'node:path';
import { NativeModelError } from '../errors';
import { readConfig, type SafetensorsCheckpoint } from '../safetensors';

export interface ArConfig {
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  intermediateSize: number;
  /** Full embedding table rows (vision + text ids). */
  vocabSize: number;
  /** lm_head rows: the vision vocabulary the AR can emit. */
  visionVocabSize: number;
  /** VQ codebook entries: the ids a grid cell can hold. */
  codebookSize: number;
  rmsNormEps: number;
  ropeTheta: number;
  /** Rotary dims per head (head_dim * partial_rotary_factor). */
  rotaryDim: number;
  /** [t, h, w] frequency counts; sums to rotaryDim / 2. */
  mropeSection: [number, number, number];
  attentionBias: boolean;
  imageStartId: number;
  imageEndId: number;
  imageTokenId: number;
  eosTokenId: number;
}

interface RawTextConfig {
  hidden_size?: number;
  num_hidden_layers?: number;
  num_attention_heads?: number;
  num_key_value_heads?: number;
  head_dim?: number;
  intermediate_size?: number;
  vocab_size?: number;
  vision_vocab_size?: number;
  rms_norm_eps?: number;
  attention_bias?: boolean;
  hidden_act?: string;
  eos_token_id?: number | number[];
  rope_parameters?: { rope_type?: string; rope_theta?: number; partial_rotary_factor?: number; mrope_section?: number[] };
  rope_scaling?: { rope_type?: string; type?: string; mrope_section?: number[] };
  rope_theta?: number;
  partial_rotary_factor?: number;
}

interface RawConfig {
  text_config?: RawTextConfig;
  vq_config?: { num_embeddings?: number };
  image_start_token_id?: number;
  image_end_token_id?: number;
  image_token_id?: number;
}

export const AR_WEIGHT_PREFIX = 'model.language_model.';

export function readArConfig(componentDir: string): ArConfig {
  const file = path.join(componentDir, 'config.json');
  const raw = readConfig<RawConfig>(componentDir);
  const tc = raw.text_config;
  const bad = (what: string): never => {
    throw new NativeModelError('model_corrupt', `The AR configuration ${file} ${what}. Download or import the model again.`, { file });
  };
  if (!tc || typeof tc !== 'object') bad('has no text_config');
  const t = tc as RawTextConfig;
  const int = (v: unknown, name: string): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) bad(`has no valid ${name} (got ${JSON.stringify(v)})`);
    return v as number;
  };
  const hiddenSize = int(t.hidden_size, 'text_config.hidden_size');
  const numHeads = int(t.num_attention_heads, 'text_config.num_attention_heads');
  const numKvHeads = int(t.num_key_value_heads ?? numHeads, 'text_config.num_key_value_heads');
  if (numHeads % numKvHeads !== 0) bad(`has num_attention_heads ${numHeads} not divisible by num_key_value_heads ${numKvHeads}`);
  const headDim = t.head_dim ? int(t.head_dim, 'text_config.head_dim') : hiddenSize / numHeads;
  if (!Number.isInteger(headDim)) bad(`has hidden_size ${hiddenSize} not divisible by num_attention_heads ${numHeads}`);
  const rope = t.rope_parameters ?? {};
  const ropeType = rope.rope_type ?? t.rope_scaling?.rope_type ?? t.rope_scaling?.type ?? 'default';
  if (ropeType !== 'default') bad(`uses rope_type "${ropeType}", which this build does not support`);
  const partial = rope.partial_rotary_factor ?? t.partial_rotary_factor ?? 1.0;
  const rotaryDim = Math.trunc(headDim * partial);
  if (rotaryDim % 2 !== 0 || rotaryDim <= 0) bad(`gives an odd or empty rotary dimension ${rotaryDim}`);
  const section = rope.mrope_section ?? t.rope_scaling?.mrope_section ?? [8, 12, 12];
  if (section.length !== 3 || section.some((s) => !Number.isInteger(s) || s < 0)) bad(`has an invalid mrope_section ${JSON.stringify(section)}`);
  if (section[0] + section[1] + section[2] !== rotaryDim / 2) {
    bad(`has mrope_section ${JSON.stringify(section)} that does not sum to rotary_dim/2 = ${rotaryDim / 2}`);
  }
  if ((t.hidden_act ?? 'silu') !== 'silu') bad(`uses hidden_act "${t.hidden_act}", expected silu`);
  const eos = Array.isArray(t.eos_token_id) ? t.eos_token_id[0] : t.eos_token_id;
  return {
    hiddenSize,
    numLayers: int(t.num_hidden_layers, 'text_config.num_hidden_layers'),
    numHeads,
    numKvHeads,
    headDim,
    intermediateSize: int(t.intermediate_size, 'text_config.intermediate_size'),
    vocabSize: int(t.vocab_size, 'text_config.vocab_size'),
    visionVocabSize: int(t.vision_vocab_size, 'text_config.vision_vocab_size'),
    codebookSize: int(raw.vq_config?.num_embeddings ?? 16384, 'vq_config.num_embeddings'),
    rmsNormEps: typeof t.rms_norm_eps === 'number' ? t.rms_norm_eps : 1e-5,
    ropeTheta: rope.rope_theta ?? t.rope_theta ?? 10000,
    rotaryDim,
    mropeSection: [section[0], section[1], section[2]],
    attentionBias: t.attention_bias ?? true,
    imageStartId: raw.image_start_token_id ?? 16384,
    imageEndId: raw.image_end_token_id ?? 16385,
    imageTokenId: raw.image_token_id ?? 167855,
    eosTokenId: eos ?? raw.image_end_token_id ?? 16385,
  };
}

/** Every tensor the AR graph reads, with the shape the config implies. */
export function expectedArWeights(c: ArConfig): Map<string, number[]> {
  const m = new Map<string, number[]>();
  const P = AR_WEIGHT_PREFIX;
  const H = c.hiddenSize;
  m.set(`${P}embed_tokens.weight`, [c.vocabSize, H]);
  for (let l = 0; l < c.numLayers; l++) {
    const L = `${P}layers.${l}.`;
    for (const n of ['input_layernorm', 'post_self_attn_layernorm', 'post_attention_layernorm', 'post_mlp_layernorm']) {
      m.set(`${L}${n}.weight`, [H]);
    }
    m.set(`${L}self_attn.q_proj.weight`, [c.numHeads * c.headDim, H]);
    m.set(`${L}self_attn.k_proj.weight`, [c.numKvHeads * c.headDim, H]);
    m.set(`${L}self_attn.v_proj.weight`, [c.numKvHeads * c.headDim, H]);
    if (c.attentionBias) {
      m.set(`${L}self_attn.q_proj.bias`, [c.numHeads * c.headDim]);
      m.set(`${L}self_attn.k_proj.bias`, [c.numKvHeads * c.headDim]);
      m.set(`${L}self_attn.v_proj.bias`, [c.numKvHeads * c.headDim]);
    }
    m.set(`${L}self_attn.o_proj.weight`, [H, c.numHeads * c.headDim]);
    m.set(`${L}mlp.gate_up_proj.weight`, [2 * c.intermediateSize, H]);
    m.set(`${L}mlp.down_proj.weight`, [H, c.intermediateSize]);
  }
  m.set(`${P}norm.weight`, [H]);
  m.set('lm_head.weight', [c.visionVocabSize, H]);
  return m;
}

/** Throws model_corrupt naming the config and the tensor when a weight is missing or has another shape. */
export function checkArWeights(c: ArConfig, ckpt: SafetensorsCheckpoint, componentDir: string): void {
  const file = path.join(componentDir, 'config.json');
  for (const [name, shape] of expectedArWeights(c)) {
    if (!ckpt.has(name)) {
      throw new NativeModelError(
        'model_corrupt',
        `The AR weights in ${ckpt.source} have no tensor "${name}", which ${file} requires. The checkpoint and its config do not match; download or import the model again.`,
        { file: ckpt.source, config: file, tensor: name },
      );
    }
    const e = ckpt.entry(name);
    if (e.shape.length !== shape.length || e.shape.some((d, i) => d !== shape[i])) {
      throw new NativeModelError(
        'model_corrupt',
        `The AR tensor "${name}" in ${e.file} has shape [${e.shape.join(', ')}], but ${file} implies [${shape.join(', ')}]. The checkpoint and its config do not match; download or import the model again.`,
        { file: e.file, config: file, tensor: name, shape: e.shape, expected: shape },
      );
    }
  }
}
