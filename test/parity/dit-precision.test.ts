/**
 * The DiT's weight-precision variants (fp16, int8, int4 via native-models/onnx/precision) on every
 * recorded call of every case: error against the fp32 graph and against the goldens, printed and
 * bounded. Bounds are loose multiples of what the quantisation step allows, to catch a broken
 * variant (wrong layout, wrong scale), not to grade quality.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { WeightPrecision } from '../../native-models/onnx';
import { listCases } from '../helpers/fixtures';
import { CaseGoldens, relativeError } from '../helpers/dit-goldens';
import { buildFixtureDit, type BuiltDit } from '../helpers/dit-build';
import { replayCalls, runCaseLoop } from '../helpers/dit-passes';
import { denormaliseLatents, scheduleFor } from '../helpers/dit-latents';

/** Largest allowed error / max|fp32 output| per variant, for single calls and for whole loops' final latents. */
const BOUNDS: Record<Exclude<WeightPrecision, 'fp32'>, number> = { fp16: 2e-3, int8: 2e-2, int4: 2e-1 };
const LOOP_BOUNDS: Record<Exclude<WeightPrecision, 'fp32'>, number> = { fp16: 2e-3, int8: 2e-2, int4: 2e-1 };

const built = new Map<WeightPrecision, BuiltDit>();
before(async () => {
  for (const p of ['fp32', 'fp16', 'int8', 'int4'] as const) built.set(p, await buildFixtureDit(p));
});
after(async () => {
  for (const b of built.values()) await b.dispose();
});

describe('DiT precision variants', () => {
  for (const precision of ['fp16', 'int8', 'int4'] as const) {
    test(precision, async () => {
      const fp32 = built.get('fp32')!;
      const variant = built.get(precision)!;
      let worstVsFp32 = 0;
      let worstVsGolden = 0;
      let calls = 0;
      let worstLoop = 0;
      const perCall: string[] = [];
      for (const name of listCases()) {
        const g = await CaseGoldens.open(name);
        try {
          const schedule = scheduleFor(g.request, fp32.model.config.patchSize);
          const loop = await runCaseLoop(variant.model, g, schedule);
          const decodeIn = await g.float('vae.decode.in');
          worstLoop = Math.max(worstLoop, relativeError(denormaliseLatents(loop.latents, loop.channels), decodeIn.data));
          const reference = replayCalls(fp32.model, g);
          for await (const r of replayCalls(variant.model, g)) {
            const base = (await reference.next()).value!;
            const e = relativeError(r.output, base.output);
            perCall.push(`${name}#${r.call.index} ${r.kind} ${e.toExponential(1)}`);
            worstVsFp32 = Math.max(worstVsFp32, e);
            worstVsGolden = Math.max(worstVsGolden, relativeError(r.output, r.call.out.data));
            calls++;
          }
        } finally {
          await g.close();
        }
      }
      const ratio = variant.description.bytes / fp32.description.bytes;
      console.log(
        `  ${precision}: ${calls} calls, max err / max|out| vs fp32 ${worstVsFp32.toExponential(2)}, vs golden ${worstVsGolden.toExponential(2)}; final latents of whole loops vs vae.decode.in ${worstLoop.toExponential(2)}; files ${(100 * ratio).toFixed(0)}% of fp32`,
      );
      console.log(`    per call vs fp32: ${perCall.join(', ')}`);
      assert.ok(calls > 0);
      assert.ok(worstVsFp32 > 0, 'a reduced-precision variant should differ from fp32 somewhere');
      assert.ok(worstVsFp32 <= BOUNDS[precision], `${precision}: ${worstVsFp32} > ${BOUNDS[precision]}`);
      assert.ok(worstLoop <= LOOP_BOUNDS[precision], `${precision} loop: ${worstLoop} > ${LOOP_BOUNDS[precision]}`);
    });
  }
});
