/**
 * Every recorded DiT call of every golden case, from its recorded inputs, through the compiled fp32
 * graph (fused attention: com.microsoft MultiHeadAttention): the reference-image pass that writes the
 * KV cache, conditional passes that read it and unconditional passes that skip it. The unfused form
 * (MatMul + Softmax + MatMul, kept for the benchmark's before/after) must agree as well.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { listCases } from '../helpers/fixtures';
import { CaseGoldens, relativeError } from '../helpers/dit-goldens';
import { buildFixtureDit, type BuiltDit } from '../helpers/dit-build';
import { denoisePassOf, replayCalls, referencePassOf } from '../helpers/dit-passes';

const TOL = 1e-4;
let dit: BuiltDit;

before(async () => {
  dit = await buildFixtureDit('fp32');
});
after(async () => {
  await dit?.dispose();
});

describe('DiT calls (fp32) against the goldens', () => {
  for (const name of listCases()) {
    test(name, async () => {
      const g = await CaseGoldens.open(name);
      try {
        const kinds: string[] = [];
        let worst = 0;
        for await (const r of replayCalls(dit.model, g)) {
          const err = relativeError(r.output, r.call.out.data);
          worst = Math.max(worst, err);
          kinds.push(r.kind);
          assert.ok(err <= TOL, `dit.${r.call.index} (${r.kind}): rel err ${err.toExponential(3)} > ${TOL}`);
        }
        assert.equal(kinds.length, g.ditCallCount());
        console.log(`  ${name}: ${kinds.length} calls [${kinds.join(' ')}], worst rel err ${worst.toExponential(2)}`);
      } finally {
        await g.close();
      }
    });
  }

  test('the unfused attention form agrees with the goldens and with the fused one', async () => {
    const plain = await buildFixtureDit('fp32', { attention: 'plain' });
    try {
      assert.equal(plain.description.attention, 'plain');
      assert.equal(dit.description.attention, 'fused');
      let worstPlain = 0;
      let worstBetween = 0;
      for (const name of listCases()) {
        const g = await CaseGoldens.open(name);
        try {
          const fused = replayCalls(dit.model, g);
          for await (const r of replayCalls(plain.model, g)) {
            const f = (await fused.next()).value!;
            worstPlain = Math.max(worstPlain, relativeError(r.output, r.call.out.data));
            worstBetween = Math.max(worstBetween, relativeError(f.output, r.output));
          }
        } finally {
          await g.close();
        }
      }
      console.log(`  unfused: worst rel err vs goldens ${worstPlain.toExponential(2)}; fused vs unfused ${worstBetween.toExponential(2)}`);
      assert.ok(worstPlain <= TOL);
      assert.ok(worstBetween <= TOL);
    } finally {
      await plain.dispose();
    }
  });

  test('the reference cache is what makes the conditional image-to-image passes match', async (t) => {
    let checked = 0;
    for (const name of listCases()) {
      const g = await CaseGoldens.open(name);
      try {
        const refs = g.referencePassCount();
        if (refs === 0) continue;
        const caches = [];
        for (let i = 0; i < refs; i++) caches.push((await dit.model.encodeReference(referencePassOf(await g.ditCall(i)))).cache);
        const length = caches.reduce((s, c) => s + c.length, 0);
        assert.equal(caches[0].layers, dit.model.config.numLayers);
        const firstCond = await g.ditCall(refs);
        const without = await dit.model.predict(denoisePassOf(firstCond, undefined));
        const err = relativeError(without, firstCond.out.data);
        console.log(`  ${name}: ${length} cached reference tokens; the first cond pass without them is off by ${err.toExponential(2)}`);
        assert.ok(err > 100 * TOL, 'skipping the cache should change the conditional output');
        checked++;
      } finally {
        await g.close();
      }
    }
    if (checked === 0) t.skip('no case with a reference image');
  });
});
