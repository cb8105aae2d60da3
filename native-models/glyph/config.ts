/**
 * The glyph encoder's configuration, from text_encoder/config.json (transformers T5Config of a
 * T5EncoderModel). Every size of the graph comes from here.
 */
import { NativeModelError } from '../errors';
import { readConfig } from '../safetensors';

export type T5Activation = 'relu' | 'gelu_tanh' | 'gelu' | 'silu';

export interface T5EncoderConfig {
  vocabSize: number;
  dModel: number;
  dKv: number;
  dFf: number;
  numLayers: number;
  numHeads: number;
  relativeAttentionNumBuckets: number;
  relativeAttentionMaxDistance: number;
  layerNormEpsilon: number;
  /** Gated feed-forward (wi_0, wi_1: act(wi_0 x) * wi_1 x) or plain (wi: act(wi x)). */
  gated: boolean;
  activation: T5Activation;
}

interface RawT5Config {
  model_type?: string;
  vocab_size?: number;
  d_model?: number;
  d_kv?: number;
  d_ff?: number;
  num_layers?: number;
  num_heads?: number;
  relative_attention_num_buckets?: number;
  relative_attention_max_distance?: number;
  layer_norm_epsilon?: number;
  feed_forward_proj?: string;
  dense_act_fn?: string;
  is_gated_act?: boolean;
}

/** transformers' ACT2FN names → our activation. gelu_new, gelu_pytorch_tanh, gelu_fast are the tanh form. */
function activationOf(name: string, file: string): T5Activation {
  switch (name) {
    case 'relu':
      return 'relu';
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
    case 'gelu_fast':
      return 'gelu_tanh';
    case 'gelu':
      return 'gelu';
    case 'silu':
    case 'swish':
      return 'silu';
    default:
      throw new NativeModelError('model_corrupt', `${file}: the glyph encoder's activation "${name}" is not supported (relu, gelu, gelu_new, silu are).`);
  }
}

function positiveInt(v: unknown, key: string, file: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new NativeModelError('model_corrupt', `${file}: "${key}" must be a positive integer, found ${JSON.stringify(v)}. Re-download the model.`);
  }
  return v;
}

export function readT5EncoderConfig(componentDir: string): T5EncoderConfig {
  const raw = readConfig<RawT5Config>(componentDir);
  const file = `${componentDir}/config.json`;
  if (raw.model_type !== undefined && raw.model_type !== 't5' && raw.model_type !== 'umt5') {
    throw new NativeModelError('model_corrupt', `${file}: model_type "${raw.model_type}" is not a T5 encoder; the glyph encoder needs text_encoder/ of GLM-Image.`);
  }
  // transformers: feed_forward_proj "gated-gelu" → gated, act "gelu_new"; "X" → act X; "gated-X" → gated, act X
  const proj = raw.feed_forward_proj ?? 'relu';
  const parts = proj.split('-');
  const gated = raw.is_gated_act ?? (parts.length > 1 && parts[0] === 'gated');
  let act = raw.dense_act_fn ?? parts[parts.length - 1]!;
  if (proj === 'gated-gelu' && raw.dense_act_fn === undefined) act = 'gelu_new';
  return {
    vocabSize: positiveInt(raw.vocab_size, 'vocab_size', file),
    dModel: positiveInt(raw.d_model, 'd_model', file),
    dKv: positiveInt(raw.d_kv, 'd_kv', file),
    dFf: positiveInt(raw.d_ff, 'd_ff', file),
    numLayers: positiveInt(raw.num_layers, 'num_layers', file),
    numHeads: positiveInt(raw.num_heads, 'num_heads', file),
    relativeAttentionNumBuckets: positiveInt(raw.relative_attention_num_buckets ?? 32, 'relative_attention_num_buckets', file),
    relativeAttentionMaxDistance: positiveInt(raw.relative_attention_max_distance ?? 128, 'relative_attention_max_distance', file),
    layerNormEpsilon: raw.layer_norm_epsilon ?? 1e-6,
    gated,
    activation: activationOf(act, file),
  };
}
