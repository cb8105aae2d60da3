/**
 * Benchmark model configurations, as the config.json files of a GLM-Image checkpoint:
 *   small  about 0.5 B parameters per large module (AR decoder, DiT), the real VAE and ByT5 shapes
 *   full   the real GLM-Image shapes (GLM-IMAGE-NOTES.md sections 3.1, 4, 5.1, 6)
 * Token ids follow the fixture's processor (ids 0..16511 are <|dit_token_i|>, <|image|> is 16516),
 * whose tokenizer every bench checkpoint reuses; vocab sizes stay the published ones where they exist.
 */
export type BenchScale = 'small' | 'full';

interface DecoderShape {
  hidden: number;
  layers: number;
  heads: number;
  kv: number;
  inter: number;
  vocab: number;
}

interface VisionShape {
  depth: number;
  hidden: number;
  heads: number;
  inter: number;
}

const DECODER: Record<BenchScale, DecoderShape> = {
  small: { hidden: 1536, layers: 16, heads: 12, kv: 2, inter: 4096, vocab: 16512 + 16384 },
  full: { hidden: 4096, layers: 40, heads: 32, kv: 2, inter: 13696, vocab: 168064 },
};

const VISION: Record<BenchScale, VisionShape> = {
  small: { depth: 8, hidden: 1024, heads: 16, inter: 4096 },
  full: { depth: 40, hidden: 1536, heads: 16, inter: 6144 },
};

/** vision_language_encoder/config.json (AR decoder + ViT + VQ). */
export function arConfigJson(scale: BenchScale): Record<string, unknown> {
  const d = DECODER[scale];
  const v = VISION[scale];
  return {
    architectures: ['GlmImageForConditionalGeneration'],
    model_type: 'glm_image',
    dtype: 'float16',
    image_start_token_id: 16384,
    image_end_token_id: 16385,
    image_token_id: 16516,
    text_config: {
      model_type: 'glm_image_text',
      hidden_size: d.hidden,
      num_hidden_layers: d.layers,
      num_attention_heads: d.heads,
      num_key_value_heads: d.kv,
      intermediate_size: d.inter,
      vocab_size: d.vocab,
      vision_vocab_size: 16512,
      rms_norm_eps: 1e-5,
      attention_bias: true,
      hidden_act: 'silu',
      max_position_embeddings: 131072,
      eos_token_id: 16385,
      pad_token_id: 16512,
      rope_parameters: { rope_type: 'default', rope_theta: 10000, partial_rotary_factor: 0.5, mrope_section: [8, 12, 12] },
    },
    vision_config: {
      model_type: 'glm_image_vision',
      depth: v.depth,
      hidden_size: v.hidden,
      num_heads: v.heads,
      intermediate_size: v.inter,
      hidden_act: 'gelu',
      patch_size: 16,
      image_size: 2048,
      in_channels: 3,
      layer_norm_eps: 1e-6,
      attention_bias: true,
      spatial_merge_size: 1,
    },
    vq_config: { model_type: 'glm_image_vqmodel', embed_dim: 2048, num_embeddings: 16384, latent_channels: v.hidden, in_channels: 3 },
    tie_word_embeddings: false,
  };
}

/** transformer/config.json. */
export function ditConfigJson(scale: BenchScale): Record<string, unknown> {
  const common = {
    _class_name: 'GlmImageTransformer2DModel',
    patch_size: 2,
    in_channels: 16,
    out_channels: 16,
    attention_head_dim: 128,
    text_embed_dim: 1472,
    time_embed_dim: 512,
    condition_dim: 256,
    prior_vq_quantizer_codebook_size: 16384,
  };
  return scale === 'small' ? { ...common, num_layers: 8, num_attention_heads: 16 } : { ...common, num_layers: 30, num_attention_heads: 32 };
}

/** vae/config.json: the published AutoencoderKL shape at both scales (about 406 M parameters). */
export function vaeConfigJson(): Record<string, unknown> {
  return {
    _class_name: 'AutoencoderKL',
    act_fn: 'silu',
    block_out_channels: [128, 512, 1024, 1024],
    down_block_types: Array(4).fill('DownEncoderBlock2D'),
    up_block_types: Array(4).fill('UpDecoderBlock2D'),
    in_channels: 3,
    out_channels: 3,
    latent_channels: 16,
    layers_per_block: 3,
    norm_num_groups: 32,
    mid_block_add_attention: false,
    use_quant_conv: false,
    use_post_quant_conv: false,
    force_upcast: true,
    sample_size: 1024,
    scaling_factor: 0.18215,
    shift_factor: null,
    latents_mean: [-0.2080078125, 1.875, -0.470703125, -1.265625, -1.421875, 0.77734375, -0.3671875, -0.9453125, 0.318359375, 0.7734375, -0.1884765625, -0.022216796875, -0.220703125, -1.59375, -0.81640625, -0.255859375],
    latents_std: [3.0625, 2.203125, 2.265625, 4.84375, 2.5, 3.9375, 2.203125, 3.03125, 2.1875, 2.046875, 2.71875, 2.390625, 2.390625, 2.453125, 2.25, 2.15625],
  };
}

/** text_encoder/config.json: ByT5-small encoder geometry (217 M) at both scales. */
export function t5ConfigJson(): Record<string, unknown> {
  return {
    architectures: ['T5EncoderModel'],
    model_type: 't5',
    vocab_size: 384,
    d_model: 1472,
    d_kv: 64,
    d_ff: 3584,
    num_layers: 12,
    num_heads: 6,
    relative_attention_num_buckets: 32,
    relative_attention_max_distance: 128,
    layer_norm_epsilon: 1e-6,
    feed_forward_proj: 'gated-gelu',
    dense_act_fn: 'gelu_new',
    is_gated_act: true,
    tie_word_embeddings: true,
    pad_token_id: 0,
    eos_token_id: 1,
  };
}
