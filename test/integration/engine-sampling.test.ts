/**
 * AR sampling set by a request (the generate form's "advanced sampling"): the tiny model's tokens
 * follow the temperature and top-p asked for, the recipe records what was used, and leaving them out
 * is the model's own defaults (generation_config.json), token for token.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { type GenerateRequest, StudioGenerateRequest } from '../../main/contract';
import { compiledTinyModel, testEngine } from '../helpers/engine';

const t2i = (over: Partial<GenerateRequest> = {}): GenerateRequest =>
  ({ mode: 'text', prompt: 'a lighthouse at dusk', width: 64, height: 64, steps: 1, guidance: 1.5, seed: 11, count: 1, ...over }) as GenerateRequest;

describe('AR sampling from the request', () => {
  let modelDir: string;
  before(async () => {
    modelDir = await compiledTinyModel();
  });

  test('temperature and top-p reach the sampler and the recipe; absent means the model defaults', async () => {
    const engine = testEngine(modelDir, { memoryProfile: 'resident' });
    try {
      const [plain] = await engine.generate(t2i());
      const defaults = plain!.recipe.sampling;
      const [same] = await engine.generate(t2i({ temperature: defaults.temperature, topP: defaults.topP }));
      assert.equal(same!.recipe.arTokensHash, plain!.recipe.arTokensHash, 'the defaults given explicitly change nothing');
      const [hot] = await engine.generate(t2i({ temperature: 1.9, topP: 1 }));
      assert.deepEqual(hot!.recipe.sampling, { temperature: 1.9, topP: 1 });
      assert.notEqual(hot!.recipe.arTokensHash, plain!.recipe.arTokensHash, 'another temperature and top-p sample other tokens');
      // one of the two alone is taken, the other stays the model's
      const [narrow] = await engine.generate(t2i({ topP: 0.05 }));
      assert.deepEqual(narrow!.recipe.sampling, { temperature: defaults.temperature, topP: 0.05 });
      assert.notEqual(narrow!.recipe.arTokensHash, plain!.recipe.arTokensHash);
    } finally {
      await engine.dispose();
    }
  });

  test('the API schema bounds them and the studio size rule', () => {
    const base = { mode: 'text', prompt: 'x', width: 512, height: 512 };
    assert.equal(StudioGenerateRequest.safeParse({ ...base, temperature: 0.9, topP: 0.75 }).success, true);
    assert.equal(StudioGenerateRequest.safeParse({ ...base, temperature: 0 }).success, false);
    assert.equal(StudioGenerateRequest.safeParse({ ...base, topP: 1.5 }).success, false);
    assert.equal(StudioGenerateRequest.safeParse({ ...base, width: 256 }).success, false);
    assert.equal(StudioGenerateRequest.safeParse({ ...base, width: 2080 }).success, false);
    assert.equal(StudioGenerateRequest.safeParse({ ...base, width: 520 }).success, false);
  });
});
