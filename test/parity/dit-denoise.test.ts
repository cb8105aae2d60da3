/**
 * The whole denoising loop (DiT passes, guidance, Euler steps over the scheduler's sigmas) from the
 * recorded initial noise, glyph embeddings and prior ids: every step's latents must match the next
 * recorded DiT input, and the final latents, de-normalised with the VAE's per-channel mean/std as
 * the pipeline does, must match `vae.decode.in`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readConfig } from '../../native-models/safetensors';
import { denoise, ReferenceKvCache } from '../../main/engine/dit';
import { buildSchedule, guidanceCombine, imageSeqLen, loadFlowMatchConfig, scheduleStep } from '../../main/engine/scheduler';
import { checkpointDir, listCases } from '../helpers/fixtures';
import { CaseGoldens, relativeError } from '../helpers/dit-goldens';
import { buildFixtureDit, type BuiltDit } from '../helpers/dit-build';
import { referencePassOf } from '../helpers/dit-passes';

const TOL = 1e-4;
const ckpt = checkpointDir();
const vaeCfg = readConfig<{ block_out_channels: number[]; latents_mean: number[]; latents_std: number[] }>(path.join(ckpt, 'vae'));
const vaeScale = 2 ** (vaeCfg.block_out_channels.length - 1);
const schedCfg = loadFlowMatchConfig(path.join(ckpt, 'scheduler'));

/** z · std + mean per channel, in float32 like the pipeline. */
function denormalise(z: Float32Array, channels: number): Float32Array {
  const hw = z.length / channels;
  const out = new Float32Array(z.length);
  for (let c = 0; c < channels; c++) {
    const s = Math.fround(vaeCfg.latents_std[c]);
    const m = Math.fround(vaeCfg.latents_mean[c]);
    for (let i = c * hw; i < (c + 1) * hw; i++) out[i] = Math.fround(Math.fround(z[i] * s) + m);
  }
  return out;
}

let dit: BuiltDit;
before(async () => {
  dit = await buildFixtureDit('fp32');
});
after(async () => {
  await dit?.dispose();
});

describe('DiT denoising loop against the goldens', () => {
  for (const name of listCases()) {
    test(name, async () => {
      const g = await CaseGoldens.open(name);
      try {
        const { height, width, steps, guidanceScale } = g.request;
        const refs = g.referencePassCount();
        const caches: ReferenceKvCache[] = [];
        for (let i = 0; i < refs; i++) caches.push((await dit.model.encodeReference(referencePassOf(await g.ditCall(i)))).cache);

        const cond = await g.ditCall(refs);
        const uncond = await g.ditCall(refs + 1);
        const [, channels, h, w] = cond.hiddenStates.dims;
        assert.equal(h * vaeScale, height);
        assert.equal(w * vaeScale, width);
        const schedule = buildSchedule(steps, imageSeqLen(height, width, vaeScale, dit.model.config.patchSize), schedCfg);

        const progress: number[] = [];
        const final = await denoise(dit.model, {
          schedule,
          guidanceScale,
          latentHeight: h,
          latentWidth: w,
          latents: cond.hiddenStates.data,
          cond: { glyphs: cond.encoderHiddenStates.data, glyphTokens: cond.encoderHiddenStates.dims[1] },
          uncond: { glyphs: uncond.encoderHiddenStates.data, glyphTokens: uncond.encoderHiddenStates.dims[1] },
          priorTokenIds: cond.priorTokenId.data,
          targetSize: [height, width],
          reference: caches.length > 0 ? ReferenceKvCache.concat(caches) : undefined,
          onStep: (step) => progress.push(step),
        });
        assert.deepEqual(progress, Array.from({ length: steps }, (_, i) => i + 1));

        const ref = await g.float('vae.decode.in');
        assert.deepEqual(ref.dims, [1, channels, h, w]);
        const err = relativeError(denormalise(final, channels), ref.data);
        console.log(`  ${name}: ${steps} steps, final latents rel err ${err.toExponential(2)}`);
        assert.ok(err <= TOL, `final latents rel err ${err}`);
      } finally {
        await g.close();
      }
    });
  }

  test('each step of the loop hands the recorded latents to the next DiT call', async () => {
    for (const name of listCases()) {
      const g = await CaseGoldens.open(name);
      try {
        const { height, width, steps } = g.request;
        const refs = g.referencePassCount();
        const schedule = buildSchedule(steps, imageSeqLen(height, width, vaeScale, dit.model.config.patchSize), schedCfg);
        // one step at a time from the recorded outputs: x_{i+1} = x_i + (σ_{i+1} − σ_i)·(u + g(c − u))
        for (let i = 0; i + 1 < steps; i++) {
          const c = await g.ditCall(refs + 2 * i);
          const u = await g.ditCall(refs + 2 * i + 1);
          const next = await g.ditCall(refs + 2 * i + 2);
          const x = scheduleStep(schedule, i, c.hiddenStates.data, guidanceCombine(c.out.data, u.out.data, g.request.guidanceScale));
          const err = relativeError(x, next.hiddenStates.data);
          assert.ok(err <= 1e-6, `${name} step ${i}: rel err ${err}`);
        }
      } finally {
        await g.close();
      }
    }
  });
});
