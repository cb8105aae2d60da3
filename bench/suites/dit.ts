/**
 * DiT step time: one denoising step (conditional + unconditional pass) of the compiled DiT.
 *   tiny   the fixture checkpoint at 64x64
 *   small  a random-weight DiT of about 0.5 B parameters (8 blocks, 16 heads x 128) at 512x512
 *   full   GLIMMER_DIT_CHECKPOINT=<transformer folder> (e.g. the real 7 B one) at 1024x1024
 * for each precision (default fp32 and fp16). Beside each figure, the time the machine's measured
 * matmul throughput allows for the pass's FLOPs (linears + attention).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDit, loadDitConfig, type DitConfig } from '../../native-models/dit';
import { toFloat16, type WeightPrecision } from '../../native-models/onnx';
import { writeSafetensors, type TensorToWrite } from '../../native-models/safetensors';
import { DitModel, type DitPass } from '../../main/engine/dit';
import { checkpointDir } from '../../test/helpers/fixtures';
import { figure, peakRss, timeMs, type Figure } from '../harness';
import type { SuiteContext } from './index';

const SMALL_CONFIG = {
  _class_name: 'GlmImageTransformer2DModel',
  patch_size: 2,
  in_channels: 16,
  out_channels: 16,
  num_layers: 8,
  attention_head_dim: 128,
  num_attention_heads: 16,
  text_embed_dim: 1472,
  time_embed_dim: 512,
  condition_dim: 256,
  prior_vq_quantizer_codebook_size: 16384,
};

/** Parameter names and shapes of a GlmImageTransformer2DModel (diffusers layout). */
function ditTensorShapes(c: DitConfig): Record<string, number[]> {
  const D = c.innerDim;
  const t = c.timeEmbedDim;
  const s: Record<string, number[]> = {};
  const lin = (name: string, out: number, inp: number) => {
    s[`${name}.weight`] = [out, inp];
    s[`${name}.bias`] = [out];
  };
  lin('image_projector.proj', D, c.inChannels * c.patchSize ** 2);
  lin('glyph_projector.net.0.proj', D, c.textEmbedDim);
  lin('glyph_projector.net.2', D, D);
  s['prior_token_embedding.weight'] = [c.priorCodebookSize, D];
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

/** A random-weight checkpoint folder (fp16 safetensors, small uniform weights). */
async function randomCheckpoint(dir: string, raw: Record<string, unknown>): Promise<string> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(raw, null, 1));
  const cfg = loadDitConfig(dir);
  let seed = 12345;
  const tensors: Record<string, TensorToWrite> = {};
  for (const [name, shape] of Object.entries(ditTensorShapes(cfg))) {
    const n = shape.reduce((a, b) => a * b, 1);
    const scale = name.endsWith('.bias') ? 0.01 : 1 / Math.sqrt(shape[shape.length - 1]);
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      v[i] = ((seed / 2 ** 32) * 2 - 1) * scale;
    }
    tensors[name] = { dtype: 'F16', shape, data: toFloat16(v) };
  }
  await writeSafetensors(path.join(dir, 'diffusion_pytorch_model.safetensors'), tensors);
  return dir;
}

/** FLOPs of one pass: every linear (2·rows·in·out) and the attention products (4·S²·D per layer). */
function passFlops(c: DitConfig, imageTokens: number, textTokens: number): number {
  const D = c.innerDim;
  const S = imageTokens + textTokens;
  const perBlock = 2 * S * (4 * D * D + 2 * 4 * D * D) + 4 * S * S * D;
  const inputs = 2 * imageTokens * (c.inChannels * c.patchSize ** 2 * D + 2 * D * D) + 2 * textTokens * (c.textEmbedDim * D + D * D);
  return c.numLayers * perBlock + inputs + 2 * imageTokens * D * c.patchSize ** 2 * c.outChannels;
}

function passAt(c: DitConfig, height: number, width: number, textTokens: number, drop: boolean): DitPass {
  const h = height / 8;
  const w = width / 8;
  const tokens = (h / c.patchSize) * (w / c.patchSize);
  const latents = new Float32Array(c.inChannels * h * w);
  for (let i = 0; i < latents.length; i++) latents[i] = Math.sin(i * 0.37);
  const ids = new BigInt64Array(tokens);
  for (let i = 0; i < tokens; i++) ids[i] = BigInt((i * 7919) % c.priorCodebookSize);
  return {
    latentHeight: h,
    latentWidth: w,
    latents,
    glyphs: new Float32Array(textTokens * c.textEmbedDim).fill(0.1),
    glyphTokens: textTokens,
    priorTokenIds: ids,
    dropPrior: drop,
    timestep: 999,
    targetSize: [height, width],
  };
}

export async function runDit(ctx: SuiteContext): Promise<Figure[]> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'glimmer-bench-dit-'));
  const figures: Figure[] = [];
  try {
    let component: string;
    let size: number;
    if (ctx.config === 'tiny') {
      component = path.join(checkpointDir(), 'transformer');
      size = 64;
    } else if (ctx.config === 'small') {
      component = await randomCheckpoint(path.join(work, 'transformer'), SMALL_CONFIG);
      size = 512;
    } else {
      const dir = process.env.GLIMMER_DIT_CHECKPOINT;
      if (!dir) {
        console.log('dit (full) skipped: set GLIMMER_DIT_CHECKPOINT to a GLM-Image transformer/ folder');
        return [];
      }
      component = dir;
      size = 1024;
    }
    const cfg = loadDitConfig(component);
    const textTokens = 16;
    const imageTokens = (size / 8 / cfg.patchSize) ** 2;
    const flops = passFlops(cfg, imageTokens, textTokens) + passFlops(cfg, imageTokens, 1);
    const limitMs = (flops / ctx.limits.matmulFlops) * 1000;
    const precisions = (ctx.precisions ?? ['fp32', 'fp16']) as WeightPrecision[];
    for (const precision of precisions) {
      const out = path.join(work, precision);
      const buildMs = await timeMs(() => buildDit(component, out, { precision }), { warmup: 0, repeats: 1 });
      const { result: model, peakBytes: loadPeak } = await peakRss(() => DitModel.load(out, { precision, provider: ctx.provider }));
      try {
        const cond = passAt(cfg, size, size, textTokens, false);
        const uncond = passAt(cfg, size, size, 1, true);
        const step = async () => {
          await model.predict(cond);
          await model.predict(uncond);
        };
        const { result: samples, peakBytes } = await peakRss(() => timeMs(step, { warmup: 1, repeats: ctx.repeats }));
        const extra = { provider: ctx.provider, precision, config: ctx.config };
        figures.push(
          figure('dit', `step (cond + uncond) ${size}x${size}`, 'ms', samples, 'lower', {
            ...extra,
            limit: { value: limitMs, basis: `${(flops / 1e9).toPrecision(3)} GFLOP at the measured matmul rate` },
            note: `${cfg.numLayers} blocks x ${cfg.innerDim}, peak RSS ${(peakBytes / 2 ** 30).toFixed(2)} GiB, after load ${(loadPeak / 2 ** 30).toFixed(2)} GiB`,
          }),
          figure('dit', 'compile (checkpoint → onnx)', 'ms', buildMs, 'lower', extra),
        );
      } finally {
        await model.release();
        rmSync(out, { recursive: true, force: true });
      }
    }
    return figures;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
