/**
 * Parameter names and shapes of each GLM-Image component in its published (HF) layout, from the
 * component's config.json: what a random-weight checkpoint must hold for native-models to build it.
 * The AR decoder's list is native-models' own (expectedArWeights); the others follow the module
 * trees (GLM-IMAGE-NOTES.md section 8) and are checked by building them (test/integration/bench-models).
 */
import type { DitConfig } from '../../native-models/dit';
import type { VaeConfig } from '../../native-models/vae';

export type Shapes = Array<[string, number[]]>;

/** GlmImageTransformer2DModel (diffusers names). */
export function ditWeightShapes(c: DitConfig): Shapes {
  const D = c.innerDim;
  const t = c.timeEmbedDim;
  const s: Shapes = [];
  const lin = (name: string, out: number, inp: number) => {
    s.push([`${name}.weight`, [out, inp]], [`${name}.bias`, [out]]);
  };
  lin('image_projector.proj', D, c.inChannels * c.patchSize ** 2);
  lin('glyph_projector.net.0.proj', D, c.textEmbedDim);
  lin('glyph_projector.net.2', D, D);
  s.push(['prior_token_embedding.weight', [c.priorCodebookSize, D]]);
  lin('prior_projector.net.0.proj', D, D);
  lin('prior_projector.net.2', D, D);
  lin('time_condition_embed.timestep_embedder.linear_1', t, t);
  lin('time_condition_embed.timestep_embedder.linear_2', t, t);
  lin('time_condition_embed.condition_embedder.linear_1', t, 4 * c.conditionDim);
  lin('time_condition_embed.condition_embedder.linear_2', t, t);
  for (let l = 0; l < c.numLayers; l++) {
    const p = `transformer_blocks.${l}`;
    lin(`${p}.norm1.linear`, 12 * D, t);
    for (const n of ['to_q', 'to_k', 'to_v', 'to_out.0']) lin(`${p}.attn1.${n}`, D, D);
    lin(`${p}.ff.net.0.proj`, 4 * D, D);
    lin(`${p}.ff.net.2`, D, 4 * D);
  }
  lin('norm_out.linear', 2 * D, t);
  lin('proj_out', c.patchSize ** 2 * c.outChannels, D);
  return s;
}

/** diffusers AutoencoderKL (encoder + decoder, optional mid attention and quant convs). */
export function vaeWeightShapes(c: VaeConfig): Shapes {
  const s: Shapes = [];
  const conv = (name: string, o: number, i: number, k: number) => s.push([`${name}.weight`, [o, i, k, k]], [`${name}.bias`, [o]]);
  const norm = (name: string, ch: number) => s.push([`${name}.weight`, [ch]], [`${name}.bias`, [ch]]);
  const resnet = (name: string, i: number, o: number) => {
    norm(`${name}.norm1`, i);
    conv(`${name}.conv1`, o, i, 3);
    norm(`${name}.norm2`, o);
    conv(`${name}.conv2`, o, o, 3);
    if (i !== o) conv(`${name}.conv_shortcut`, o, i, 1);
  };
  const mid = (prefix: string, ch: number) => {
    resnet(`${prefix}.mid_block.resnets.0`, ch, ch);
    if (c.midBlockAddAttention) {
      norm(`${prefix}.mid_block.attentions.0.group_norm`, ch);
      for (const p of ['to_q', 'to_k', 'to_v', 'to_out.0']) s.push([`${prefix}.mid_block.attentions.0.${p}.weight`, [ch, ch]], [`${prefix}.mid_block.attentions.0.${p}.bias`, [ch]]);
    }
    resnet(`${prefix}.mid_block.resnets.1`, ch, ch);
  };
  const b = c.blockOutChannels;
  const n = b.length;
  const L = c.latentChannels;
  conv('encoder.conv_in', b[0], c.inChannels, 3);
  let prev = b[0];
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < c.layersPerBlock; r++) resnet(`encoder.down_blocks.${i}.resnets.${r}`, r === 0 ? prev : b[i], b[i]);
    if (i < n - 1) conv(`encoder.down_blocks.${i}.downsamplers.0.conv`, b[i], b[i], 3);
    prev = b[i];
  }
  mid('encoder', b[n - 1]);
  norm('encoder.conv_norm_out', b[n - 1]);
  conv('encoder.conv_out', 2 * L, b[n - 1], 3);
  if (c.useQuantConv) conv('quant_conv', 2 * L, 2 * L, 1);
  if (c.usePostQuantConv) conv('post_quant_conv', L, L, 1);
  const rev = [...b].reverse();
  conv('decoder.conv_in', rev[0], L, 3);
  mid('decoder', rev[0]);
  prev = rev[0];
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < c.layersPerBlock + 1; r++) resnet(`decoder.up_blocks.${i}.resnets.${r}`, r === 0 ? prev : rev[i], rev[i]);
    if (i < n - 1) conv(`decoder.up_blocks.${i}.upsamplers.0.conv`, rev[i], rev[i], 3);
    prev = rev[i];
  }
  norm('decoder.conv_norm_out', b[0]);
  conv('decoder.conv_out', c.outChannels, b[0], 3);
  return s;
}

export interface RawVisionConfig {
  depth: number;
  hidden_size: number;
  intermediate_size: number;
  patch_size: number;
  image_size: number;
  in_channels: number;
}

export interface RawVqConfig {
  embed_dim: number;
  num_embeddings: number;
  latent_channels: number;
}

/** The ViT + VQ tokenizer inside vision_language_encoder (transformers >= 5 names, "model." prefix). */
export function visionWeightShapes(v: RawVisionConfig, q: RawVqConfig): Shapes {
  const s: Shapes = [];
  const H = v.hidden_size;
  const lin = (name: string, out: number, inp: number) => s.push([`${name}.weight`, [out, inp]], [`${name}.bias`, [out]]);
  s.push(['model.visual.patch_embed.proj.weight', [H, v.in_channels, v.patch_size, v.patch_size]], ['model.visual.patch_embed.proj.bias', [H]]);
  s.push(['model.visual.embeddings.position_embedding.weight', [(v.image_size / v.patch_size) ** 2, H]]);
  for (let l = 0; l < v.depth; l++) {
    const p = `model.visual.blocks.${l}`;
    s.push([`${p}.norm1.weight`, [H]], [`${p}.norm1.bias`, [H]], [`${p}.norm2.weight`, [H]], [`${p}.norm2.bias`, [H]]);
    lin(`${p}.attn.qkv`, 3 * H, H);
    lin(`${p}.attn.proj`, H, H);
    lin(`${p}.mlp.fc1`, v.intermediate_size, H);
    lin(`${p}.mlp.fc2`, H, v.intermediate_size);
  }
  s.push(['model.vqmodel.quantize.embedding.weight', [q.num_embeddings, q.embed_dim]]);
  s.push(['model.vqmodel.quant_conv.weight', [q.embed_dim, q.latent_channels, 1, 1]], ['model.vqmodel.quant_conv.bias', [q.embed_dim]]);
  s.push(['model.vqmodel.post_quant_conv.weight', [q.latent_channels, q.embed_dim, 1, 1]], ['model.vqmodel.post_quant_conv.bias', [q.latent_channels]]);
  return s;
}

export interface RawT5Config {
  vocab_size: number;
  d_model: number;
  d_kv: number;
  d_ff: number;
  num_layers: number;
  num_heads: number;
  relative_attention_num_buckets: number;
}

/** T5EncoderModel with a gated feed-forward (ByT5 geometry). */
export function t5WeightShapes(c: RawT5Config): Shapes {
  const s: Shapes = [['shared.weight', [c.vocab_size, c.d_model]]];
  const inner = c.num_heads * c.d_kv;
  for (let l = 0; l < c.num_layers; l++) {
    const p = `encoder.block.${l}.layer`;
    for (const n of ['q', 'k', 'v']) s.push([`${p}.0.SelfAttention.${n}.weight`, [inner, c.d_model]]);
    s.push([`${p}.0.SelfAttention.o.weight`, [c.d_model, inner]]);
    if (l === 0) s.push([`${p}.0.SelfAttention.relative_attention_bias.weight`, [c.relative_attention_num_buckets, c.num_heads]]);
    s.push([`${p}.0.layer_norm.weight`, [c.d_model]]);
    s.push([`${p}.1.DenseReluDense.wi_0.weight`, [c.d_ff, c.d_model]], [`${p}.1.DenseReluDense.wi_1.weight`, [c.d_ff, c.d_model]]);
    s.push([`${p}.1.DenseReluDense.wo.weight`, [c.d_model, c.d_ff]], [`${p}.1.layer_norm.weight`, [c.d_model]]);
  }
  s.push(['encoder.final_layer_norm.weight', [c.d_model]]);
  return s;
}

export function paramCount(shapes: Shapes): number {
  return shapes.reduce((a, [, d]) => a + d.reduce((x, y) => x * y, 1), 0);
}
