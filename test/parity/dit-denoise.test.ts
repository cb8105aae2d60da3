/**
 * The whole denoising loop (DiT passes, guidance, Euler steps over the scheduler's sigmas) from the
 * recorded initial noise, glyph embeddings and prior ids: the final latents, de-normalised with the
 * VAE's per-channel mean/std as the pipeline does, must match `vae.decode.in`; and one step from the
 * recorded velocities must give the next recorded DiT input.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { guidanceCombine, scheduleStep } from '../../main/engine/scheduler';
import { listCases } from '../helpers/fixtures';
import { CaseGoldens, relativeError } from '../helpers/dit-goldens';
import { buildFixtureDit, type BuiltDit } from '../helpers/dit-build';
import { runCaseLoop } from '../helpers/dit-passes';
import { denormaliseLatents, scheduleFor, vaeScaleFactor } from '../helpers/dit-latents';

const TOL = 1e-4;
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
        const { height, width, steps } = g.request;
        const schedule = scheduleFor(g.request, dit.model.config.patchSize);
        const run = await runCaseLoop(dit.model, g, schedule);
        assert.deepEqual(run.progress, Array.from({ length: steps }, (_, i) => i + 1));
        // the latents after step i are what the reference fed to the DiT at step i + 1
        for (let i = 0; i + 1 < steps; i++) {
          const next = await g.float(`dit.${g.condCall(i + 1)}.hidden_states`);
          const e = relativeError(run.stepLatents[i], next.data);
          assert.ok(e <= TOL, `${name}: latents after step ${i + 1} rel err ${e}`);
        }
        assert.equal(run.stepLatents[steps - 1], run.latents);
        const ref = await g.float('vae.decode.in');
        assert.deepEqual(ref.dims, [1, run.channels, height / vaeScaleFactor, width / vaeScaleFactor]);
        const err = relativeError(denormaliseLatents(run.latents, run.channels), ref.data);
        console.log(`  ${name}: ${steps} steps, final latents rel err ${err.toExponential(2)}`);
        assert.ok(err <= TOL, `final latents rel err ${err}`);
      } finally {
        await g.close();
      }
    });
  }

  test('one Euler step from recorded velocities gives the next recorded DiT input', async () => {
    for (const name of listCases()) {
      const g = await CaseGoldens.open(name);
      try {
        const schedule = scheduleFor(g.request, dit.model.config.patchSize);
        for (let i = 0; i + 1 < g.request.steps; i++) {
          const c = await g.ditCall(g.condCall(i));
          const v = g.passesPerStep() > 1 ? guidanceCombine(c.out.data, (await g.ditCall(g.condCall(i) + 1)).out.data, g.request.guidanceScale) : c.out.data;
          const next = await g.ditCall(g.condCall(i + 1));
          const x = scheduleStep(schedule, i, c.hiddenStates.data, v);
          const err = relativeError(x, next.hiddenStates.data);
          assert.ok(err <= 1e-6, `${name} step ${i}: rel err ${err}`);
        }
      } finally {
        await g.close();
      }
    }
  });
});
