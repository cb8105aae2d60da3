/**
 * Sampled AR generation through the real path (checkpoint → ONNX → onnxruntime-node CPU → loop):
 * reproducible for a seed, every cell a codebook id, progress per token, cancellation between tokens.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GlimmerError } from '../../main/contract';
import { ArModel, generateImageTokens, prefillPrompt, readGenerationDefaults, type GenerateOptions, upsampleNearest2x } from '../../main/engine/ar';
import { GlmImageProcessor } from '../../main/engine/processor';
import { createRng } from '../../main/engine/random';
import { buildAr } from '../../native-models/ar';
import { checkpointDir } from '../helpers/fixtures';

const componentDir = path.join(checkpointDir(), 'vision_language_encoder');
const processor = GlmImageProcessor.load(path.join(checkpointDir(), 'processor'));
const out = mkdtempSync(path.join(os.tmpdir(), 'glimmer-ar-gen-'));
let model: ArModel;

before(async () => {
  const built = await buildAr(componentDir, out, { precision: 'fp32' });
  model = await ArModel.load(built.manifestPath);
});
after(async () => {
  await model?.release();
  rmSync(out, { recursive: true, force: true });
});

function options(seed: number): GenerateOptions {
  const d = readGenerationDefaults(componentDir, model.vocabSize);
  return {
    rng: createRng(seed, 'ar'),
    temperature: d.temperature,
    topP: d.topP,
    topK: d.topK,
    codebookSize: model.manifest.config.codebookSize,
    endTokenId: model.manifest.config.eosTokenId,
  };
}

describe('AR generation on the compiled tiny model', () => {
  const prompt = processor.textToImage({ prompt: 'A red kite over a green hill', height: 64, width: 96 });

  test('the same seed gives the same grids; another seed other grids', async () => {
    const a = await generateImageTokens(model, prompt, options(1));
    const b = await generateImageTokens(model, prompt, options(1));
    const c = await generateImageTokens(model, prompt, options(2));
    assert.deepEqual(a.tokens, b.tokens);
    assert.notDeepEqual(a.tokens, c.tokens);
    assert.deepEqual(a.target.shape, { h: 2, w: 3 });
    assert.deepEqual(a.preview?.shape, prompt.preview);
    assert.equal(a.tokens.length, prompt.rope.decode.length - 1);
    assert.ok(a.tokens.every((t) => Number.isInteger(t) && t >= 0 && t < model.manifest.config.codebookSize));
    assert.deepEqual(upsampleNearest2x(a.target.ids, a.target.shape).shape, { h: 4, w: 6 });
  });

  test('best of N: one prompt prefill, then each seed from its KV cache gives exactly the grids of a full run', async () => {
    const full = await Promise.all([1, 2, 3].map(async (seed) => (await generateImageTokens(model, prompt, options(seed))).tokens));
    const forward = model.forward.bind(model);
    let promptRuns = 0;
    model.forward = (ids, positions) => {
      if (ids.length > 1) promptRuns++;
      return forward(ids, positions);
    };
    try {
      const prefill = await prefillPrompt(model, prompt);
      const logits = Float32Array.from(prefill.logits);
      const fromPrefill: number[][] = [];
      // seeds out of order, the cache rolled on by each run in between: every run starts from the snapshot
      for (const seed of [3, 1, 2]) fromPrefill[seed - 1] = (await generateImageTokens(model, prompt, { ...options(seed), prefill })).tokens;
      assert.deepEqual(fromPrefill, full);
      assert.equal(promptRuns, 1, 'the prompt went through the model once');
      assert.deepEqual(prefill.logits, logits, 'the shared first logits are not consumed by a run');
    } finally {
      model.forward = forward;
    }
    const other = processor.textToImage({ prompt: 'A blue kite', height: 64, width: 96 });
    await assert.rejects(generateImageTokens(model, other, { ...options(1), prefill: await prefillPrompt(model, prompt) }), /not of this prompt/);
  });

  test('image to image writes the target grid only', async () => {
    const p = processor.imageToImage({ prompt: 'in watercolour', height: 64, width: 64, references: [{ height: 512, width: 512 }] });
    const n = p.sourceGrids[0].h * p.sourceGrids[0].w;
    const vq = Array.from({ length: n }, (_, i) => (i * 7) % model.manifest.config.codebookSize);
    const r = await generateImageTokens(model, { inputIds: processor.fillImageTokens(p.inputIds, vq), rope: p.rope }, options(3));
    assert.equal(r.preview, undefined);
    assert.equal(r.tokens.length, 4);
  });

  test('progress per token and cancellation between tokens', async () => {
    const ac = new AbortController();
    const seen: number[] = [];
    await assert.rejects(
      generateImageTokens(model, prompt, {
        ...options(4),
        signal: ac.signal,
        streamer: {
          put: (e) => {
            seen.push(e.step);
            if (e.step === 9) ac.abort();
          },
          end() {},
        },
      }),
      (e: unknown) => e instanceof GlimmerError && e.code === 'cancelled',
    );
    assert.deepEqual(seen, Array.from({ length: 10 }, (_, i) => i));
    // the model is usable again after a cancelled run
    const r = await generateImageTokens(model, prompt, options(4));
    assert.equal(r.tokens.length, prompt.rope.decode.length - 1);
  });
});

