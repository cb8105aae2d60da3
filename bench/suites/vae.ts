/**
 * VAE decode: DiT latents → RGB pixels (denormalise, decoder graph, clamp + uint8), at 512x512 and
 * 1024x1024, always fp32 (an fp16 VAE decoder overflows).
 *   tiny   the fixture VAE (block_out [8,16,32,32])
 *   small  a random-weight VAE of the published GLM-Image shape (block_out [128,512,1024,1024],
 *          3 resnets per level, 16 latent channels: about 406 M parameters with the encoder)
 *   full   the same (the published VAE is that size)
 * Beside each figure, the time the measured matmul throughput allows for the decoder's convolution
 * FLOPs (GroupNorm/SiLU/upsampling are memory-bound and left out, so the limit is a lower bound).
 * A size whose predicted time does not fit the run budget (--budget) is skipped or run fewer times.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildVae, readVaeConfig, type VaeConfig } from '../../native-models/vae';
import { Vae, vaeRuntimeConfig } from '../../main/engine/vae';
import { benchComponentDir } from '../models';
import { figure, peakRss, planRuns, timeMs, type Figure } from '../harness';
import type { SuiteContext } from './index';

/** FLOPs of the decoder's convolutions for latents of h x w (2 per multiply-add). */
export function vaeDecodeFlops(c: VaeConfig, h: number, w: number): number {
  let flops = 0;
  const conv = (o: number, i: number, k: number, hh: number, ww: number) => {
    flops += 2 * o * i * k * k * hh * ww;
  };
  const resnet = (i: number, o: number, hh: number, ww: number) => {
    conv(o, i, 3, hh, ww);
    conv(o, o, 3, hh, ww);
    if (i !== o) conv(o, i, 1, hh, ww);
  };
  const rev = [...c.blockOutChannels].reverse();
  const n = rev.length;
  let hh = h;
  let ww = w;
  conv(rev[0], c.latentChannels, 3, hh, ww);
  resnet(rev[0], rev[0], hh, ww);
  resnet(rev[0], rev[0], hh, ww);
  if (c.midBlockAddAttention) flops += 4 * 2 * rev[0] * rev[0] * hh * ww + 2 * 2 * (hh * ww) ** 2 * rev[0];
  let prev = rev[0];
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < c.layersPerBlock + 1; r++) resnet(r === 0 ? prev : rev[i], rev[i], hh, ww);
    if (i < n - 1) {
      hh *= 2;
      ww *= 2;
      conv(rev[i], rev[i], 3, hh, ww);
    }
    prev = rev[i];
  }
  conv(c.outChannels, c.blockOutChannels[0], 3, hh, ww);
  return flops;
}

export async function runVae(ctx: SuiteContext): Promise<Figure[]> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'glimmer-bench-vae-'));
  const figures: Figure[] = [];
  try {
    const component = await benchComponentDir(ctx.config, 'vae');
    const cfg = readVaeConfig(component);
    const extra = { provider: ctx.provider, precision: 'fp32', config: ctx.config };
    const buildMs = await timeMs(() => buildVae(component, work, { parts: ['decoder'] }), { warmup: 0, repeats: 1 });
    figures.push(figure('vae', 'compile decoder (checkpoint → onnx)', 's', buildMs.map((ms) => ms / 1000), 'lower', extra));
    const t0 = performance.now();
    const { result: vae, peakBytes: loadPeak } = await peakRss(() => Vae.load({ decoder: path.join(work, 'vae_decoder.onnx') }, vaeRuntimeConfig(cfg), { provider: ctx.provider }));
    figures.push(figure('vae', 'load decoder session', 's', [(performance.now() - t0) / 1000], 'lower', extra));
    try {
      for (const size of [512, 1024]) {
        const h = size / cfg.scaleFactor;
        const flops = vaeDecodeFlops(cfg, h, h);
        const limitMs = (flops / ctx.limits.matmulFlops) * 1000;
        const plan = planRuns(2 * limitMs, ctx.repeats, ctx.budgetMs);
        if (!plan) {
          console.log(`vae ${size}x${size} skipped: about ${((2 * limitMs) / 1000).toFixed(0)} s per decode predicted, over the ${(ctx.budgetMs / 1000).toFixed(0)} s budget (--budget)`);
          continue;
        }
        const shape = [1, cfg.latentChannels, h, h];
        const latents = new Float32Array(shape.reduce((a, b) => a * b, 1));
        for (let i = 0; i < latents.length; i++) latents[i] = Math.sin(i * 0.37) * 1.3;
        const { result: samples, peakBytes } = await peakRss(() => timeMs(() => vae.decode(latents, shape), plan));
        figures.push(
          figure('vae', `decode ${size}x${size}`, 's', samples.map((ms) => ms / 1000), 'lower', {
            ...extra,
            limit: { value: limitMs / 1000, basis: `${(flops / 1e9).toPrecision(3)} GFLOP of convolutions at the measured matmul rate` },
            note: `block_out [${cfg.blockOutChannels.join(',')}], peak RSS ${(peakBytes / 2 ** 30).toFixed(2)} GiB, after load ${(loadPeak / 2 ** 30).toFixed(2)} GiB${plan.note ? `; ${plan.note}` : ''}`,
          }),
        );
      }
    } finally {
      await vae.release();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return figures;
}
