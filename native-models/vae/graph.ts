/**
 * diffusers AutoencoderKL (DownEncoderBlock2D / UpDecoderBlock2D) as two fp32 ONNX graphs:
 *
 *   decoder: latents [B, L, h, w] (already de-normalised: z*std + mean) → sample [B, 3, 8h, 8w] in ~[-1, 1]
 *            post_quant_conv (if any) → conv_in → mid (resnet, [attention], resnet) → up blocks
 *            (layers_per_block+1 resnets, nearest x2 + conv3x3 except the last) → GroupNorm → SiLU → conv_out
 *   encoder: sample [B, 3, H, W] in [-1, 1] → latent_mode [B, L, H/8, W/8] (the posterior's mean = mode)
 *            conv_in → down blocks (layers_per_block resnets, pad (0,1,0,1) + conv3x3/2 except the last)
 *            → mid → GroupNorm → SiLU → conv_out (2L channels) → quant_conv (if any) → first L channels
 *
 * ResnetBlock2D: x + conv2(silu(norm2(conv1(silu(norm1(x)))))) with a 1x1 conv shortcut when channels
 * change. GroupNorm eps 1e-6 as diffusers builds these blocks. Mid attention (when the config asks for
 * it): one head over all channels, GroupNorm first, residual added.
 */
import { silu, type GraphBuilder } from '../onnx';import type { WeightReader } from '../vision/weights';
import type { VaeConfig } from './config';

export const VAE_DECODER_IO = { input: 'latents', output: 'sample' } as const;
export const VAE_ENCODER_IO = { input: 'sample', output: 'latent_mode' } as const;

const EPS = 1e-6;

class VaeOps {
  constructor(
    readonly g: GraphBuilder,
    readonly w: WeightReader,
    readonly groups: number,
  ) {}

  async conv(x: string, name: string, outC: number, inC: number, k: number, stride = 1, pads?: number[]): Promise<string> {
    const weight = this.g.initializer(`${name}.weight`, await this.w.read(`${name}.weight`, [outC, inC, k, k]), [outC, inC, k, k]);
    const bias = this.g.initializer(`${name}.bias`, await this.w.read(`${name}.bias`, [outC]), [outC]);
    const p = pads ?? Array(4).fill((k - 1) / 2);
    return this.g.op('Conv', [x, weight, bias], { kernel_shape: [k, k], strides: [stride, stride], pads: p }, { name });
  }

  /** GroupNorm as the torch exporter writes it: InstanceNormalization over [B, G, C/G*H*W], then the per-channel affine. */
  async groupNorm(x: string, name: string, channels: number): Promise<string> {
    const g = this.g;
    const G = this.groups;
    const grouped = g.op('Reshape', [x, g.constInt64([0, G, -1])], {}, { name: `${name}.group` });
    const ones = g.constFloat(Array(G).fill(1));
    const zeros = g.constFloat(Array(G).fill(0));
    const normed = g.op('InstanceNormalization', [grouped, ones, zeros], { epsilon: EPS }, { name: `${name}.instnorm` });
    const back = g.op('Reshape', [normed, g.op('Shape', [x])], {}, { name: `${name}.ungroup` });
    const scale = g.initializer(`${name}.weight`, await this.w.read(`${name}.weight`, [channels]), [channels, 1, 1]);
    const bias = g.initializer(`${name}.bias`, await this.w.read(`${name}.bias`, [channels]), [channels, 1, 1]);
    return g.op('Add', [g.op('Mul', [back, scale]), bias], {}, { name });
  }

  async resnet(x: string, name: string, inC: number, outC: number): Promise<string> {
    let h = silu(this.g, await this.groupNorm(x, `${name}.norm1`, inC), { name: `${name}.act1` });
    h = await this.conv(h, `${name}.conv1`, outC, inC, 3);
    h = silu(this.g, await this.groupNorm(h, `${name}.norm2`, outC), { name: `${name}.act2` });
    h = await this.conv(h, `${name}.conv2`, outC, outC, 3);
    const shortcut = inC !== outC ? await this.conv(x, `${name}.conv_shortcut`, outC, inC, 1) : x;
    return this.g.op('Add', [shortcut, h], {}, { name: `${name}.out` });
  }

  async linear(x: string, name: string, c: number): Promise<string> {
    const g = this.g;
    const w = await this.w.read(`${name}.weight`, [c, c]);
    const t = new Float32Array(c * c);
    for (let o = 0; o < c; o++) for (let i = 0; i < c; i++) t[i * c + o] = w[o * c + i]!;
    const y = g.op('MatMul', [x, g.initializer(`${name}.weight_t`, t, [c, c])]);
    return g.op('Add', [y, g.initializer(`${name}.bias`, await this.w.read(`${name}.bias`, [c]), [c])], {}, { name });
  }

  /** diffusers Attention in the VAE mid block: 1 head of width C, residual connection. */
  async midAttention(x: string, name: string, c: number): Promise<string> {
    const g = this.g;
    const h = await this.groupNorm(x, `${name}.group_norm`, c);
    // [B, C, H, W] → [B, HW, C]
    const seq = g.op('Transpose', [g.op('Reshape', [h, g.constInt64([0, c, -1])])], { perm: [0, 2, 1] });
    const q = await this.linear(seq, `${name}.to_q`, c);
    const k = await this.linear(seq, `${name}.to_k`, c);
    const v = await this.linear(seq, `${name}.to_v`, c);
    const a = g.op('MultiHeadAttention', [q, k, v], { num_heads: 1, scale: 1 / Math.sqrt(c) }, { domain: 'com.microsoft', name: `${name}.mha` });
    const o = await this.linear(a, `${name}.to_out.0`, c);
    const back = g.op('Reshape', [g.op('Transpose', [o], { perm: [0, 2, 1] }), g.op('Shape', [x])]);
    return g.op('Add', [back, x], {}, { name: `${name}.out` });
  }

  async midBlock(x: string, prefix: string, c: number, attention: boolean): Promise<string> {
    let h = await this.resnet(x, `${prefix}.mid_block.resnets.0`, c, c);
    if (attention) h = await this.midAttention(h, `${prefix}.mid_block.attentions.0`, c);
    return this.resnet(h, `${prefix}.mid_block.resnets.1`, c, c);
  }
}

export async function buildDecoderGraph(g: GraphBuilder, w: WeightReader, cfg: VaeConfig): Promise<void> {
  const ops = new VaeOps(g, w, cfg.normNumGroups);
  const L = cfg.latentChannels;
  const ch = cfg.blockOutChannels;
  const top = ch[ch.length - 1]!;
  let x = g.input(VAE_DECODER_IO.input, 'float32', ['batch', L, 'latent_height', 'latent_width']);
  if (cfg.usePostQuantConv) x = await ops.conv(x, 'post_quant_conv', L, L, 1);
  x = await ops.conv(x, 'decoder.conv_in', top, L, 3);
  x = await ops.midBlock(x, 'decoder', top, cfg.midBlockAddAttention);
  const reversed = [...ch].reverse();
  let prev = top;
  for (let i = 0; i < reversed.length; i++) {
    const out = reversed[i]!;
    for (let j = 0; j < cfg.layersPerBlock + 1; j++) {
      x = await ops.resnet(x, `decoder.up_blocks.${i}.resnets.${j}`, j === 0 ? prev : out, out);
    }
    if (i < reversed.length - 1) {
      const up = g.op('Resize', [x, '', g.constFloat([1, 1, 2, 2])], {
        mode: 'nearest',
        coordinate_transformation_mode: 'asymmetric',
        nearest_mode: 'floor',
      });
      x = await ops.conv(up, `decoder.up_blocks.${i}.upsamplers.0.conv`, out, out, 3);
    }
    prev = out;
  }
  x = silu(g, await ops.groupNorm(x, 'decoder.conv_norm_out', ch[0]!), { name: 'decoder.conv_act' });
  x = await ops.conv(x, 'decoder.conv_out', cfg.outChannels, ch[0]!, 3);
  g.output(x, 'float32', ['batch', cfg.outChannels, 'height', 'width'], VAE_DECODER_IO.output);
}

export async function buildEncoderGraph(g: GraphBuilder, w: WeightReader, cfg: VaeConfig): Promise<void> {
  const ops = new VaeOps(g, w, cfg.normNumGroups);
  const L = cfg.latentChannels;
  const ch = cfg.blockOutChannels;
  const top = ch[ch.length - 1]!;
  let x = g.input(VAE_ENCODER_IO.input, 'float32', ['batch', cfg.inChannels, 'height', 'width']);
  x = await ops.conv(x, 'encoder.conv_in', ch[0]!, cfg.inChannels, 3);
  let prev = ch[0]!;
  for (let i = 0; i < ch.length; i++) {
    const out = ch[i]!;
    for (let j = 0; j < cfg.layersPerBlock; j++) {
      x = await ops.resnet(x, `encoder.down_blocks.${i}.resnets.${j}`, j === 0 ? prev : out, out);
    }
    if (i < ch.length - 1) {
      // diffusers pads (0, 1, 0, 1) with zeros, then a 3x3 stride-2 conv without padding
      x = await ops.conv(x, `encoder.down_blocks.${i}.downsamplers.0.conv`, out, out, 3, 2, [0, 0, 1, 1]);
    }
    prev = out;
  }
  x = await ops.midBlock(x, 'encoder', top, cfg.midBlockAddAttention);
  x = silu(g, await ops.groupNorm(x, 'encoder.conv_norm_out', top), { name: 'encoder.conv_act' });
  x = await ops.conv(x, 'encoder.conv_out', 2 * L, top, 3);
  if (cfg.useQuantConv) x = await ops.conv(x, 'quant_conv', 2 * L, 2 * L, 1);
  const mode = g.op('Slice', [x, g.constInt64([0]), g.constInt64([L]), g.constInt64([1])], {}, { name: 'posterior_mode' });
  g.output(mode, 'float32', ['batch', L, 'latent_height', 'latent_width'], VAE_ENCODER_IO.output);
}
