/** The denoise loop's control flow through the compiled fixture DiT: cancellation, and guidance ≤ 1 (one pass per step). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GlimmerError } from '../../main/contract';
import { denoise, type DenoiseRequest } from '../../main/engine/dit';
import { buildSchedule, parseFlowMatchConfig, scheduleStep } from '../../main/engine/scheduler';
import { buildFixtureDit, type BuiltDit } from '../helpers/dit-build';

let dit: BuiltDit;
before(async () => {
  dit = await buildFixtureDit('fp32');
});
after(async () => {
  await dit?.dispose();
});

function request(steps: number, guidanceScale: number): DenoiseRequest {
  const c = dit.model.config;
  const h = 8;
  const w = 8;
  const latents = new Float32Array(c.inChannels * h * w).map((_, i) => Math.sin(i * 0.7));
  const glyphs = new Float32Array(2 * c.textEmbedDim).map((_, i) => Math.cos(i * 0.3));
  const priorTokenIds = BigInt64Array.from({ length: (h / c.patchSize) * (w / c.patchSize) }, (_, i) => BigInt(i % c.priorCodebookSize));
  const schedule = buildSchedule(steps, 16, parseFlowMatchConfig({ use_dynamic_shifting: true, time_shift_type: 'linear' }));
  return {
    schedule,
    guidanceScale,
    latentHeight: h,
    latentWidth: w,
    latents,
    cond: { glyphs, glyphTokens: 2 },
    uncond: { glyphs: new Float32Array(c.textEmbedDim), glyphTokens: 1 },
    priorTokenIds,
    targetSize: [64, 64],
  };
}

describe('denoise loop', () => {
  test('an abort between steps stops the loop with a cancelled error', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const req = request(5, 1.5);
    await assert.rejects(
      denoise(dit.model, {
        ...req,
        signal: controller.signal,
        onStep: (step) => {
          seen.push(step);
          if (step === 2) controller.abort();
        },
      }),
      (e: unknown) => e instanceof GlimmerError && e.code === 'cancelled',
    );
    assert.deepEqual(seen, [1, 2]);
  });

  test('guidance 1 runs only the conditional pass, equal to a hand-made loop', async () => {
    const req = request(3, 1);
    const got = await denoise(dit.model, req);
    let x = req.latents;
    for (let i = 0; i < 3; i++) {
      const v = await dit.model.predict({
        latentHeight: 8,
        latentWidth: 8,
        latents: x,
        ...req.cond,
        priorTokenIds: req.priorTokenIds,
        dropPrior: false,
        timestep: req.schedule.modelTimesteps[i],
        targetSize: [64, 64],
      });
      x = scheduleStep(req.schedule, i, x, v);
    }
    assert.deepEqual(got, x);
    const guided = await denoise(dit.model, request(3, 1.5));
    assert.notDeepEqual(guided, got, 'guidance 1.5 adds the unconditional branch');
  });
});
