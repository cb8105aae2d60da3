/**
 * End to end against every golden case, on every test provider: with the recorded AR tokens (from
 * ar.sequences) and the recorded initial noise injected, the engine's generate() — the entry point
 * the app's queue uses — gives the DiT the recorded prior ids and a final image within 2/255 of
 * image.float.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { GenerateRequest } from '../../main/contract';
import type { Engine } from '../../main/engine/pipeline';
import { compiledTinyModel, testEngine } from '../helpers/engine';
import { goldenDir, listCases } from '../helpers/fixtures';
import { goldenTensor, loadGolden } from '../helpers/golden';
import { describeEachProvider } from '../helpers/providers';

const TOL = 2 / 255;

describeEachProvider('pipeline: every golden case end to end (injected AR tokens + noise)', (provider) => {
  let engine: Engine;
  before(async () => {
    engine = testEngine(await compiledTinyModel(), { provider });
  });
  after(async () => {
    await engine.dispose();
  });

  for (const name of listCases()) {
    test(name, async () => {
      const g = await loadGolden(name);
      const meta = g.meta as { prompt: string; height: number; width: number; steps: number; seed: number; guidance_scale: number };
      const refFile = path.join(goldenDir(), `${name}_ref.png`);
      const i2i = existsSync(refFile);

      // target-grid ids: the last height/32 × width/32 generated tokens before the end token
      const seq = goldenTensor(g, 'ar.sequences').data as BigInt64Array;
      const promptLen = goldenTensor(g, 'ar.in.input_ids').shape[1]!;
      const cells = (meta.height / 32) * (meta.width / 32);
      const generated = Array.from(seq.subarray(promptLen), Number);
      const targetIds = generated.length > cells ? generated.slice(generated.length - 1 - cells, generated.length - 1) : generated;
      assert.equal(targetIds.length, cells);

      // the initial noise: the first DiT call that is not a reference pass (text length > 0)
      let k = 0;
      while (goldenTensor(g, `dit.${k}.encoder_hidden_states`).shape[1] === 0) k++;
      const noise = goldenTensor(g, `dit.${k}.hidden_states`).data as Float32Array;

      const common = { prompt: meta.prompt, width: meta.width, height: meta.height, steps: meta.steps, guidance: meta.guidance_scale, seed: meta.seed, count: 1 };
      const request: GenerateRequest = i2i
        ? { mode: 'edit', ...common, images: [{ dataBase64: readFileSync(refFile).toString('base64'), name: `${name}_ref.png` }] }
        : { mode: 'text', ...common };
      const [out] = await engine.generate(request, { inject: { priorTokens: targetIds, noise } });
      assert.ok(out);

      const recordedPrior = goldenTensor(g, `dit.${k}.prior_token_id`).data as BigInt64Array;
      assert.deepEqual(Array.from(out.ditPrior, Number), Array.from(recordedPrior, Number), 'DiT prior ids');

      const expected = goldenTensor(g, 'image.float').data as Float32Array;
      assert.equal(out.pixels.float.length, expected.length);
      let worst = 0;
      for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(out.pixels.float[i]! - expected[i]!));
      assert.ok(worst <= TOL, `${name}: final image max abs error ${worst} > ${TOL}`);
      assert.equal(out.recipe.provider, provider);
      assert.equal(out.recipe.providerFallbacks, undefined, 'every module ran on the provider');
      console.log(`# ${provider} ${name}: image max abs err ${worst.toExponential(2)} (tolerance ${TOL.toExponential(2)}); timings ${JSON.stringify(out.timings)}`);

      assert.equal(out.recipe.tokensFrom, 'injected');
      assert.equal(out.recipe.noiseFrom, 'injected');
      assert.equal(out.recipe.width, meta.width);
    });
  }
});
