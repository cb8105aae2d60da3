/** The parts of vision_language_encoder/config.json that the image tokenizer (ViT + VQ) needs. */
import { NativeModelError } from '../errors';
import { readConfig } from '../safetensors';

export interface VisionConfig {
  depth: number;
  hiddenSize: number;
  numHeads: number;
  intermediateSize: number;
  patchSize: number;
  /** image_size: the position table is (image_size/patch_size)^2 rows. */
  imageSize: number;
  inChannels: number;
  layerNormEps: number;
  hiddenAct: string;
  spatialMergeSize: number;
  attentionBias: boolean;
}

export interface VqConfig {
  embedDim: number;
  numEmbeddings: number;
  latentChannels: number;
}

interface RawConfig {
  vision_config?: {
    depth?: number;
    hidden_size?: number;
    num_heads?: number;
    intermediate_size?: number;
    patch_size?: number;
    image_size?: number;
    in_channels?: number;
    layer_norm_eps?: number;
    hidden_act?: string;
    spatial_merge_size?: number;
    attention_bias?: boolean;
  };
  vq_config?: { embed_dim?: number; num_embeddings?: number; latent_channels?: number };
}

export function readVisionConfig(componentDir: string): { vision: VisionConfig; vq: VqConfig } {
  const raw = readConfig<RawConfig>(componentDir);
  const v = raw.vision_config;
  const q = raw.vq_config;
  const file = `${componentDir}/config.json`;
  if (!v || !q) {
    throw new NativeModelError('model_corrupt', `${file} has no vision_config/vq_config; it is not a GLM-Image AR checkpoint.`, { file });
  }
  const vision: VisionConfig = {
    depth: v.depth ?? 40,
    hiddenSize: v.hidden_size ?? 1536,
    numHeads: v.num_heads ?? 16,
    intermediateSize: v.intermediate_size ?? 6144,
    patchSize: v.patch_size ?? 16,
    imageSize: v.image_size ?? 2048,
    inChannels: v.in_channels ?? 3,
    layerNormEps: v.layer_norm_eps ?? 1e-6,
    hiddenAct: v.hidden_act ?? 'gelu',
    spatialMergeSize: v.spatial_merge_size ?? 1,
    attentionBias: v.attention_bias ?? true,
  };
  const vq: VqConfig = {
    embedDim: q.embed_dim ?? 2048,
    numEmbeddings: q.num_embeddings ?? 16384,
    latentChannels: q.latent_channels ?? 1536,
  };
  if (vision.hiddenSize % vision.numHeads !== 0) {
    throw new NativeModelError('model_corrupt', `${file}: vision hidden_size ${vision.hiddenSize} is not divisible by num_heads ${vision.numHeads}.`, { file });
  }
  if (vision.imageSize % vision.patchSize !== 0) {
    throw new NativeModelError('model_corrupt', `${file}: vision image_size ${vision.imageSize} is not a multiple of patch_size ${vision.patchSize}.`, { file });
  }
  if (vq.latentChannels !== vision.hiddenSize) {
    throw new NativeModelError('model_corrupt', `${file}: vq latent_channels ${vq.latentChannels} differs from the vision hidden_size ${vision.hiddenSize}.`, { file });
  }
  if (vision.spatialMergeSize !== 1) {
    throw new NativeModelError('model_corrupt', `${file}: vision spatial_merge_size ${vision.spatialMergeSize} is not supported (GLM-Image uses 1).`, { file });
  }
  if (!['gelu', 'gelu_pytorch_tanh', 'gelu_new'].includes(vision.hiddenAct)) {
    throw new NativeModelError('model_corrupt', `${file}: vision hidden_act "${vision.hiddenAct}" is not supported.`, { file });
  }
  return { vision, vq };
}
