/**
 * DiT step time: one denoising step (conditional + unconditional pass) of the compiled DiT, at
 * 512x512 and 1024x1024:
 *   tiny   the fixture checkpoint
 *   small  a random-weight DiT of about 0.5 B parameters (8 blocks, 16 heads x 128)
 *   full   the real GLM-Image shape (30 blocks, 32 heads x 128, 6.9 B) with random weights, or
 *          GLIMMER_DIT_CHECKPOINT=<transformer folder> (e.g. the published weights)
 * for each precision (default fp32 and fp16). fp32 runs twice: with the fused attention
 * (com.microsoft MultiHeadAttention, the default) and with the unfused MatMul + Softmax + MatMul form
 * it replaced, so the two are compared on the same machine. Random checkpoints come from bench/models.
 * Beside each figure, the time the machine's measured matmul throughput allows for the pass's FLOPs
 * (linears + attention). A size whose predicted time does not fit the run budget (--budget) is skipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDit, loadDitConfig, type DitAttention, type DitConfig } from '../../native-models/dit';
import type { WeightPrecision } from '../../native-models/onnx';
import { CPU_INT8_ACCURACY_LEVEL } from '../../native-models/presets';
import { DIT_INPUTS, DIT_OUTPUTS } from '../../native-models/dit';
import { DitModel, type DitPass } from '../../main/engine/dit';
import { createSession, ort } from '../../main/engine/session';
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

/**
 * Feeds of one batch-2 pass: cond and uncond side by side with the same text length (uncond's text
 * padded to cond's, without a mask). Not CFG-exact (the DiT has no text mask): it bounds from above
 * what batching the two passes could gain, before paying for a mask.
 */
function batchFeeds(c: DitConfig, size: number, textTokens: number): Record<string, ort.Tensor> {
  const one = passAt(c, size, size, textTokens, false);
  const h = size / 8;
  const n = one.priorTokenIds.length;
  const two = <T extends Float32Array | BigInt64Array>(a: T): T => {
    const out = new (a.constructor as new (n: number) => T)(2 * a.length);
    out.set(a as never, 0);
    out.set(a as never, a.length);
    return out;
  };
  const empty = new Float32Array(0);
  return {
    [DIT_INPUTS.hiddenStates]: new ort.Tensor('float32', two(one.latents), [2, c.inChannels, h, h]),
    [DIT_INPUTS.encoderHiddenStates]: new ort.Tensor('float32', two(one.glyphs), [2, textTokens, c.textEmbedDim]),
    [DIT_INPUTS.priorTokenId]: new ort.Tensor('int64', two(one.priorTokenIds), [2, n]),
    [DIT_INPUTS.priorTokenDrop]: new ort.Tensor('bool', Uint8Array.from({ length: 2 * n }, (_, i) => (i >= n ? 1 : 0)), [2, n]),
    [DIT_INPUTS.timestep]: new ort.Tensor('float32', Float32Array.of(999, 999), [2]),
    [DIT_INPUTS.targetSize]: new ort.Tensor('float32', Float32Array.of(size, size, size, size), [2, 2]),
    [DIT_INPUTS.cropCoords]: new ort.Tensor('float32', new Float32Array(4), [2, 2]),
    [DIT_INPUTS.refKeys]: new ort.Tensor('float32', empty, [c.numLayers, c.numHeads, 0, c.headDim]),
    [DIT_INPUTS.refValues]: new ort.Tensor('float32', empty, [c.numLayers, c.numHeads, 0, c.headDim]),
    [DIT_INPUTS.writeRefKv]: new ort.Tensor('bool', Uint8Array.of(0), [1]),
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
    type Variant = { precision: WeightPrecision; attention: DitAttention };
    const variants = precisions.flatMap((precision): Variant[] =>
      precision === 'fp32' ? [{ precision, attention: 'plain' }, { precision, attention: 'fused' }] : [{ precision, attention: 'fused' }],
    );
    for (const { precision, attention } of variants) {
      const out = path.join(work, `${precision}-${attention}`);
      // as the CPU presets build it: int8 linears at MatMulNBits accuracy level 4 (native-models/presets.ts)
      const accuracy = precision === 'int8' ? { accuracyLevel: CPU_INT8_ACCURACY_LEVEL } : {};
      const buildMs = await timeMs(() => buildDit(component, out, { precision, attention, ...accuracy }), { warmup: 0, repeats: 1 });
      const extra = {
        provider: ctx.provider,
        precision: attention === 'plain' ? `${precision} unfused attention` : precision === 'int8' ? `int8 (accuracy level ${CPU_INT8_ACCURACY_LEVEL})` : precision,
        config: ctx.config,
      };
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
          if (precision === 'fp32' && attention === 'fused') {
            // CFG batching, measured before it is kept: one batch-2 pass instead of two batch-1 passes
            const session = await createSession(path.join(out, model.manifest.model), { provider: ctx.provider });
            try {
              const feeds = batchFeeds(cfg, size, textTokens);
              const batched = await timeMs(() => session.run(feeds, [DIT_OUTPUTS.sample]), plan);
              figures.push(
                figure('dit', `step as one batch-2 pass ${size}x${size} (CFG batching, upper bound)`, 's', batched.map((ms) => ms / 1000), 'lower', {
                  ...extra,
                  note: `cond + uncond in one run, uncond's text padded to ${textTokens} tokens without a mask: what batching could gain at most, before a mask (which also leaves the CPU's flash attention path)`,
                }),
              );
            } finally {
              await session.release();
            }
          }
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
