/**
 * The DiT graph's interface, in one place for the builder and the runtime.
 *
 * One graph serves every call of GLM-Image's denoising loop:
 *   text-to-image cond/uncond   ref_keys/ref_values empty (R = 0), write_ref_kv = false
 *   image-to-image, reference   the t=0 pass over a reference latent: encoder_hidden_states empty (T = 0),
 *                               write_ref_kv = true → ref_keys_out/ref_values_out hold every layer's rotated
 *                               keys and values of the reference's image tokens (batch must be 1)
 *   image-to-image, cond        ref_keys/ref_values = the cache (several references concatenated along R)
 *   image-to-image, uncond      the cache is skipped: R = 0
 * The cache outputs are Slices of length 0 unless write_ref_kv is set, so ordinary passes cost nothing
 * for them. Cache layout: [num_layers, num_heads, R, head_dim], float32.
 */
import type { Dim, ElemType } from '../onnx';
import type { DitConfig } from './config';

export const DIT_INPUTS = {
  hiddenStates: 'hidden_states',
  encoderHiddenStates: 'encoder_hidden_states',
  priorTokenId: 'prior_token_id',
  priorTokenDrop: 'prior_token_drop',
  timestep: 'timestep',
  targetSize: 'target_size',
  cropCoords: 'crop_coords',
  refKeys: 'ref_keys',
  refValues: 'ref_values',
  writeRefKv: 'write_ref_kv',
} as const;

export const DIT_OUTPUTS = {
  sample: 'sample',
  refKeys: 'ref_keys_out',
  refValues: 'ref_values_out',
} as const;

export interface TensorSpec {
  name: string;
  type: ElemType;
  dims: Dim[];
}

export function ditInputSpecs(cfg: DitConfig): TensorSpec[] {
  const cache: Dim[] = [cfg.numLayers, cfg.numHeads, 'ref_len', cfg.headDim];
  return [
    { name: DIT_INPUTS.hiddenStates, type: 'float32', dims: ['batch', cfg.inChannels, 'latent_h', 'latent_w'] },
    { name: DIT_INPUTS.encoderHiddenStates, type: 'float32', dims: ['batch', 'text_len', cfg.textEmbedDim] },
    { name: DIT_INPUTS.priorTokenId, type: 'int64', dims: ['batch', 'image_len'] },
    { name: DIT_INPUTS.priorTokenDrop, type: 'bool', dims: ['batch', 'image_len'] },
    { name: DIT_INPUTS.timestep, type: 'float32', dims: ['batch'] },
    { name: DIT_INPUTS.targetSize, type: 'float32', dims: ['batch', 2] },
    { name: DIT_INPUTS.cropCoords, type: 'float32', dims: ['batch', 2] },
    { name: DIT_INPUTS.refKeys, type: 'float32', dims: cache },
    { name: DIT_INPUTS.refValues, type: 'float32', dims: cache },
    { name: DIT_INPUTS.writeRefKv, type: 'bool', dims: [1] },
  ];
}

export function ditOutputSpecs(cfg: DitConfig): TensorSpec[] {
  const cache: Dim[] = [cfg.numLayers, cfg.numHeads, 'written_len', cfg.headDim];
  return [
    { name: DIT_OUTPUTS.sample, type: 'float32', dims: ['batch', cfg.outChannels, 'latent_h', 'latent_w'] },
    { name: DIT_OUTPUTS.refKeys, type: 'float32', dims: cache },
    { name: DIT_OUTPUTS.refValues, type: 'float32', dims: cache },
  ];
}
