/**
 * DiT step time: one denoising step (conditional + unconditional pass) of the compiled DiT, at
 * 512x512 and 1024x1024:
 *   tiny   the fixture checkpoint
 *   small  a random-weight DiT of about 0.5 B parameters (8 blocks, 16 heads x 128)
 *   full   the real GLM-Image shape (30 blocks, 32 heads x 128, 6.9 B) with random weights, or
 *          GLIMMER_DIT_CHECKPOINT=<transformer folder> (e.g. the published weights)
 * for each precision (default fp32 and fp16). Random checkpoints come from bench/models. Beside each
 * figure, the time the machine's measured matmul throughput allows for the pass's FLOPs (linears +
 * attention). A size whose predicted time does not fit the run budget (--budget) is skipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDit, loadDitConfig, type DitConfig } from '../../native-models/dit';
import type { WeightPrecision } from '../../native-models/onnx';
import { DitModel, type DitPass } from '../../main/engine/dit';
import { benchComponentDir } from '../models';
import { figure, peakRss, planRuns, timeMs, type Figure } from '../harness';
import type { SuiteContext } from './index';

/** FLOPs of one pass: every linear (2·rows·in·out) and the attention products (4·S²·D per layer). */
export function passFlops(c: DitConfig, imageTokens: number, textTokens: number): number {
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
    const component = ctx.config === 'full' && process.env.GLIMMER_DIT_CHECKPOINT ? process.env.GLIMMER_DIT_CHECKPOINT : await benchComponentDir(ctx.config, 'dit');
    const cfg = loadDitConfig(component);
    const textTokens = 16;
    const precisions = (ctx.precisions ?? ['fp32', 'fp16']) as WeightPrecision[];
    for (const precision of precisions) {
      const out = path.join(work, precision);
      const buildMs = await timeMs(() => buildDit(component, out, { precision }), { warmup: 0, repeats: 1 });
      const extra = { provider: ctx.provider, precision, config: ctx.config };
      figures.push(figure('dit', 'compile (checkpoint → onnx)', 's', buildMs.map((ms) => ms / 1000), 'lower', extra));
      const { result: model, peakBytes: loadPeak } = await peakRss(() => DitModel.load(out, { precision, provider: ctx.provider }));
      try {
        for (const size of [512, 1024]) {
          const imageTokens = (size / 8 / cfg.patchSize) ** 2;
          const flops = passFlops(cfg, imageTokens, textTokens) + passFlops(cfg, imageTokens, 1);
          const limitMs = (flops / ctx.limits.matmulFlops) * 1000;
          const plan = planRuns(2 * limitMs, ctx.repeats, ctx.budgetMs);
          if (!plan) {
            console.log(`dit ${size}x${size} ${precision} skipped: about ${(2 * limitMs / 1000).toFixed(0)} s per step predicted, over the ${(ctx.budgetMs / 1000).toFixed(0)} s budget (--budget)`);
            continue;
          }
          const cond = passAt(cfg, size, size, textTokens, false);
          const uncond = passAt(cfg, size, size, 1, true);
          const step = async () => {
            await model.predict(cond);
            await model.predict(uncond);
          };
          const { result: samples, peakBytes } = await peakRss(() => timeMs(step, plan));
          figures.push(
            figure('dit', `step (cond + uncond) ${size}x${size}`, 's', samples.map((ms) => ms / 1000), 'lower', {
              ...extra,
              limit: { value: limitMs / 1000, basis: `${(flops / 1e9).toPrecision(3)} GFLOP at the measured matmul rate` },
              note: `${cfg.numLayers} blocks x ${cfg.innerDim}, ${imageTokens} image tokens, peak RSS ${(peakBytes / 2 ** 30).toFixed(2)} GiB, after load ${(loadPeak / 2 ** 30).toFixed(2)} GiB${plan.note ? `; ${plan.note}` : ''}`,
            }),
          );
        }
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
