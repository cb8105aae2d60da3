/**
 * Sampling defaults of a GLM-Image checkpoint: vision_language_encoder/generation_config.json when it
 * sets them (the published file: temperature 0.9, top_p 0.75, top_k 16512, eos 16385), otherwise the
 * published values. (transformers' generic defaults, temperature 1 / top_k 50, are not GLM-Image's.)
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { GlimmerError } from '../../contract';
import { AR_SAMPLING_DEFAULTS } from './generate';

export interface ArSamplingDefaults {
  temperature: number;
  topP: number;
  /** undefined when absent or not smaller than the vocabulary (a no-op). */
  topK?: number;
  eosTokenId?: number;
}

export function readGenerationDefaults(componentDir: string, visionVocabSize?: number): ArSamplingDefaults {
  const file = path.join(componentDir, 'generation_config.json');
  const out: ArSamplingDefaults = { ...AR_SAMPLING_DEFAULTS };
  if (!existsSync(file)) return out;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    throw new GlimmerError('model_corrupt', `${file} is not valid JSON. Download or import the model again.`, { file });
  }
  if (typeof raw.temperature === 'number' && raw.temperature > 0) out.temperature = raw.temperature;
  if (typeof raw.top_p === 'number' && raw.top_p > 0 && raw.top_p <= 1) out.topP = raw.top_p;
  if (typeof raw.top_k === 'number' && Number.isInteger(raw.top_k) && raw.top_k > 0) {
    if (visionVocabSize === undefined || raw.top_k < visionVocabSize) out.topK = raw.top_k;
  }
  const eos = Array.isArray(raw.eos_token_id) ? raw.eos_token_id[0] : raw.eos_token_id;
  if (typeof eos === 'number') out.eosTokenId = eos;
  return out;
}
