/**
 * The fp16-compute DiT (GPU presets: fp16 activations, fp32 islands) on every recorded call of every
 * golden case and through whole denoising loops, on each provider that runs here (CPU; WebGPU on a
 * GPU or on lavapipe). Errors are printed per call kind and bounded.
 *
 * Tolerance (relative to max |reference|, per call): 1e-2. Measured with onnxruntime-node 1.30:
 * fp16 weights, worst call 2.2e-4 on the CPU (which widens fp16 chains to fp32: only weight and
 * boundary rounding shows there) and 4.2e-3 on WebGPU/lavapipe (real fp16 arithmetic); fp16's unit
 * roundoff is 2^-11 = 4.9e-4, so 1e-2 is ~20 roundoffs through two blocks and 2.4x the worst seen.
 * int8 / int4 weights under fp16 compute keep the weight-only bounds of dit-precision.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { WeightPrecision } from '../../native-models/onnx';
import { listCases } from '../helpers/fixtures';
import { CaseGoldens, relativeError } from '../helpers/dit-goldens';
import { buildFixtureDit, type BuiltDit } from '../helpers/dit-build';
import { replayCalls, runCaseLoop } from '../helpers/dit-passes';
import { denormaliseLatents, scheduleFor } from '../helpers/dit-latents';
import { testProviders } from '../helpers/providers';

const TOL: Record<Exclude<WeightPrecision, 'fp32'> | 'mixed', number> = { fp16: 1e-2, mixed: 2e-2, int8: 2e-2, int4: 2e-1 };

interface Measured {
  calls: number;
  worst: number;
  byKind: Record<string, number>;
  loop: number;
}

async function measure(b: BuiltDit): Promise<Measured> {
  const m: Measured = { calls: 0, worst: 0, byKind: {}, loop: 0 };
  for (const name of listCases()) {
    const g = await CaseGoldens.open(name);
    try {
      for await (const r of replayCalls(b.model, g)) {
        const err = relativeError(r.output, r.call.out.data);
        m.worst = Math.max(m.worst, err);
        m.byKind[r.kind] = Math.max(m.byKind[r.kind] ?? 0, err);
        m.calls++;
      }
      const loop = await runCaseLoop(b.model, g, scheduleFor(g.request, b.model.config.patchSize));
      m.loop = Math.max(m.loop, relativeError(denormaliseLatents(loop.latents, loop.channels), (await g.float('vae.decode.in')).data));
    } finally {
      await g.close();
    }
  }
  return m;
}

const fmt = (m: Measured) =>
  `${m.calls} calls, worst ${m.worst.toExponential(2)} (${Object.entries(m.byKind)
    .map(([k, v]) => `${k} ${v.toExponential(1)}`)
    .join(', ')}); whole loops' final latents ${m.loop.toExponential(2)}`;

for (const provider of testProviders()) {
  describe(`fp16-compute DiT on ${provider.name}`, { skip: provider.skip ?? false }, () => {
    const built = new Map<string, BuiltDit>();
    before(async () => {
      for (const p of ['fp16', 'int8', 'int4'] as const) built.set(p, await buildFixtureDit(p, { compute: 'fp16', provider: provider.name }));
      // the gpu-16 tier's DiT: fp16 attention and modulation, int8 feed-forward
      built.set('mixed', await buildFixtureDit('fp16', { compute: 'fp16', ffPrecision: 'int8', provider: provider.name }));
    });
    after(async () => {
      for (const b of built.values()) await b.dispose();
    });

    for (const precision of ['fp16', 'mixed', 'int8', 'int4'] as const) {
      test(`${precision} weights: every golden call and whole loops within ${TOL[precision]}`, async () => {
        const b = built.get(precision)!;
        assert.equal(b.description.compute, 'fp16');
        if (precision === 'mixed') assert.equal(b.description.ffPrecision, 'int8');
        const m = await measure(b);
        console.log(`  ${provider.name} ${precision} weights, fp16 compute: ${fmt(m)}`);
        assert.ok(m.calls > 0);
        assert.ok(m.worst > 0, 'fp16 compute should differ from the fp32 reference somewhere');
        assert.ok(m.worst <= TOL[precision], `${precision}: worst call ${m.worst} > ${TOL[precision]}`);
        assert.ok(m.loop <= TOL[precision], `${precision}: whole loop ${m.loop} > ${TOL[precision]}`);
      });
    }

    test('each fp32 island switched: errors printed (what each island buys), all within the fp16 tolerance', async () => {
      const base = built.get('fp16')!;
      const baseline = await measure(base);
      console.log(`  ${provider.name} all islands: ${fmt(baseline)}`);
      for (const islands of [{ rope: false }, { residual: false }, { rope: false, residual: false }, { attention: true }]) {
        const b = await buildFixtureDit('fp16', { compute: 'fp16', provider: provider.name, islands });
        try {
          assert.deepEqual(b.description.islands, { ...base.description.islands, ...islands });
          const m = await measure(b);
          console.log(`  ${provider.name} islands ${JSON.stringify(islands)}: ${fmt(m)}`);
          assert.ok(m.worst <= TOL.fp16, `without ${JSON.stringify(islands)}: ${m.worst} > ${TOL.fp16}`);
        } finally {
          await b.dispose();
        }
      }
    });
  });
}
