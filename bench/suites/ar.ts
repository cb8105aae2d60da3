/**
 * AR benchmark: prefill and decode tokens/s and peak memory of the compiled AR graph per precision.
 *   tiny  — the fixture checkpoint (2 layers, hidden 64)
 *   small — a random-weight GLM-Image-shaped decoder of about 0.5 B parameters (head_dim 128, 2 KV
 *           heads, mrope [8,12,12], lm_head 16512)
 *   full  — the real 9 B shape with random weights (GPU machines only; 18 GB of fp16 weights)
 * Random checkpoints come from bench/models (generated once, cached in .cache/bench-models).
 * Beside each figure: the bound the machine allows (decode: weight bytes per token over the measured
 * weight-streaming bandwidth; prefill: 2 x decoder-layer params FLOP per token, lm_head once, over the
 * measured matmul rate). Per decode token also: the bytes crossing between host and device (the
 * session layer's transfer counter; first and last token, to show whether they grow with the KV
 * cache), the host time outside onnxruntime's run(), and the sampling time (the app's processor
 * chain — codebook mask, temperature, top-p — and the draw, on the token's real logits).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ArModel, defaultProcessors, sampleToken } from '../../main/engine/ar';
import { createRng } from '../../main/engine/random';
import { setSessionTimingHook } from '../../main/engine/session';
import { transfers } from '../../main/engine/transfers';
import { Positions3D } from '../../main/engine/processor';
import { buildAr, expectedArWeights, readArConfig, type ArConfig } from '../../native-models/ar';
import type { WeightPrecision } from '../../native-models/onnx';
import { benchComponentDir } from '../models';
import { figure, peakRss, timeMs, type Figure } from '../harness';
import type { SuiteContext } from './index';

function nonEmbeddingParams(c: ArConfig): number {
  let n = 0;
  for (const [name, dims] of expectedArWeights(c)) if (!name.endsWith('embed_tokens.weight')) n += dims.reduce((a, b) => a * b, 1);
  return n;
}

/**
 * The share of the AR weight bytes a decode token streams: all but the embedding table (one row is
 * gathered). Taken as a share of the parameters, so it holds at every precision (the int4/int8
 * graphs quantise the table too).
 */
export function arStreamedShare(c: ArConfig): number {
  let all = 0;
  for (const dims of expectedArWeights(c).values()) all += dims.reduce((a, b) => a * b, 1);
  return nonEmbeddingParams(c) / all;
}

export async function runArBench(ctx: SuiteContext): Promise<Figure[]> {
  if (ctx.config === 'full' && ctx.provider === 'cpu') {
    console.log('ar (full) skipped: the 9 B shape needs a GPU provider (about 18 GB of weights even at fp16)');
    return [];
  }
  const work = mkdtempSync(path.join(os.tmpdir(), 'glimmer-bench-ar-'));
  const figures: Figure[] = [];
  try {
    const componentDir = await benchComponentDir(ctx.config, 'ar');
    const c = readArConfig(componentDir);
    const params = nonEmbeddingParams(c);
    const headParams = c.visionVocabSize * c.hiddenSize; // lm_head: the graph applies it to the last position only
    const prompt = ctx.config === 'tiny' ? 32 : 256;
    const decodeTokens = ctx.config === 'tiny' ? 64 : 32;
    const precisions = (ctx.precisions ?? ['fp32', 'fp16', 'int4']) as WeightPrecision[];
    const common = { provider: ctx.provider, config: ctx.config };
    console.log(`ar: ${(params / 1e9).toFixed(3)} B non-embedding parameters, prompt ${prompt} tokens, ${decodeTokens} decode tokens`);
    for (const precision of precisions) {
      const out = path.join(work, precision);
      const tb = performance.now();
      const built = await buildAr(componentDir, out, { precision, blockSize: 32 });
      const buildS = (performance.now() - tb) / 1000;
      const weightBytes = statSync(built.dataPath).size;
      const streamed = weightBytes * arStreamedShare(c); // a decode token reads every weight but the embedding table once
      const ids = Array.from({ length: prompt }, (_, i) => 16512 + (i % 1000));
      const pos = new Positions3D(
        ids.map((_, i) => i),
        ids.map((_, i) => i),
        ids.map((_, i) => i),
      );
      const { result, peakBytes } = await peakRss(async () => {
        // the timing hook wraps the sessions made while it is set: time inside run() per token
        let runMs = 0;
        const previousHook = setSessionTimingHook({ ran: (_label, ms) => (runMs += ms) });
        const model = await ArModel.load(built.manifestPath, { provider: ctx.provider }).finally(() => setSessionTimingHook(previousHook));
        try {
          const prefillMs = await timeMs(
            async () => {
              model.reset();
              await model.forward(ids, pos);
            },
            { warmup: 1, repeats: Math.min(ctx.repeats, 3) },
          );
          model.reset();
          await model.forward(ids, pos);
          const decodeMs: number[] = [];
          const hostMs: number[] = [];
          const sampleMs: number[] = [];
          const bytes: number[] = [];
          const processors = defaultProcessors({ rng: createRng(1, 'ar'), codebookSize: Math.min(c.codebookSize, c.visionVocabSize), endTokenId: c.eosTokenId });
          const rng = createRng(1, 'ar');
          const cell = { step: 0, cell: { grid: { role: 'target' }, cell: 0, row: 0, col: 0 } } as unknown as Parameters<typeof processors.apply>[1];
          for (let k = 0; k < decodeTokens; k++) {
            const p = prompt + k;
            runMs = 0;
            const t0 = performance.now();
            const logits = await model.forward([k % 128], new Positions3D([p], [p], [p]));
            const t1 = performance.now();
            processors.apply(logits, cell);
            sampleToken(logits, rng);
            const t2 = performance.now();
            decodeMs.push(t1 - t0);
            hostMs.push(t1 - t0 - runMs);
            sampleMs.push(t2 - t1);
            bytes.push(transfers.last.sent + transfers.last.read);
          }
          return { prefillMs, decodeMs: decodeMs.slice(2), hostMs: hostMs.slice(2), sampleMs: sampleMs.slice(2), bytes };
        } finally {
          await model.release();
        }
      });
      const extra = { ...common, precision };
      figures.push(
        figure('ar', `prefill ${prompt} tokens`, 'tokens/s', result.prefillMs.map((ms) => (prompt * 1000) / ms), 'higher', {
          ...extra,
          limit: {
            value: ctx.limits.matmulFlops / (2 * (params - headParams) + (2 * headParams) / prompt),
            basis: '2 x decoder-layer params FLOP per token (+ lm_head once, on the last position; attention products left out) at the measured fp32 matmul rate',
          },
        }),
        figure('ar', 'decode', 'tokens/s', result.decodeMs.map((ms) => 1000 / ms), 'higher', {
          ...extra,
          limit: { value: ctx.limits.weightBytesPerSecond / streamed, basis: `${(streamed / 1e6).toPrecision(3)} MB of weights read per token at the measured streaming bandwidth` },
        }),
        figure('ar', 'decode: bytes to and from the device per token', 'bytes', result.bytes.slice(1), 'lower', {
          ...extra,
          note: `first decode token ${result.bytes[0]} B, last ${result.bytes[result.bytes.length - 1]} B (cache ${prompt + 1} → ${prompt + decodeTokens} tokens)`,
        }),
        figure('ar', 'decode: host time per token outside run()', 'ms', result.hostMs, 'lower', extra),
        figure('ar', 'sampling per token (mask, temperature, top-p, draw)', 'ms', result.sampleMs, 'lower', { ...extra, note: `vocabulary ${c.visionVocabSize}` }),
        figure('ar', 'peak memory (load + prefill + decode)', 'MB', [peakBytes / 1e6], 'lower', extra),
        figure('ar', 'compile', 's', [buildS], 'lower', { ...extra, note: `${(built.bytes / 1e6).toFixed(0)} MB on disk` }),
      );
      rmSync(out, { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return figures;
}
