/**
 * Bad DiT inputs are refused with a clear bad_request before any session runs. The model is released
 * first: had a session been asked to run, the error would be 'internal' ("was released"), so a
 * bad_request proves validation came first.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isCodedError } from '../../main/contract';
import { denoise, latentSizeFor, ReferenceKvCache, type DitPass } from '../../main/engine/dit';
import { buildSchedule, parseFlowMatchConfig } from '../../main/engine/scheduler';
import { buildFixtureDit, type BuiltDit } from '../helpers/dit-build';

let dit: BuiltDit;
before(async () => {
  dit = await buildFixtureDit('fp32');
  await dit.model.release();
});
after(async () => {
  await dit?.dispose();
});

function rejectsWith(code: string, pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(isCodedError(e), `expected an error with one of our codes, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return true;
  };
}

/** A well-formed pass for a 64x64 image (8x8 latent). */
function goodPass(): DitPass {
  const c = dit.model.config;
  const h = 8;
  const w = 8;
  const tokens = (h / c.patchSize) * (w / c.patchSize);
  return {
    latentHeight: h,
    latentWidth: w,
    latents: new Float32Array(c.inChannels * h * w),
    glyphs: new Float32Array(3 * c.textEmbedDim),
    glyphTokens: 3,
    priorTokenIds: new BigInt64Array(tokens),
    dropPrior: false,
    timestep: 999,
    targetSize: [64, 64],
  };
}

describe('DiT bad input', () => {
  test('the well-formed pass reaches the (released) session', async () => {
    await assert.rejects(dit.model.predict(goodPass()), rejectsWith('internal', /released/));
  });

  test('image sizes that are not multiples of 32 are refused with a suggestion', () => {
    const cfg = dit.model.config;
    assert.deepEqual(latentSizeFor(96, 128, 8, cfg), { latentHeight: 12, latentWidth: 16 });
    assert.throws(() => latentSizeFor(100, 64, 8, cfg), rejectsWith('bad_request', /multiple of 32.*Use 96 or 128/));
    assert.throws(() => latentSizeFor(64, 48, 8, cfg), rejectsWith('bad_request', /width must be a multiple of 32/));
    assert.throws(() => latentSizeFor(0, 64, 8, cfg), rejectsWith('bad_request', /positive whole number/));
    assert.throws(() => latentSizeFor(64.5, 64, 8, cfg), rejectsWith('bad_request', /positive whole number/));
  });

  test('wrong latent shapes are refused', async () => {
    const p = goodPass();
    await assert.rejects(dit.model.predict({ ...p, latents: new Float32Array(10) }), rejectsWith('bad_request', /latents hold 10 values/));
    await assert.rejects(dit.model.predict({ ...p, latentHeight: 9 }), rejectsWith('bad_request', /multiples of the DiT patch size/));
    await assert.rejects(
      dit.model.predict({ ...p, latentWidth: 16 }),
      rejectsWith('bad_request', /latents hold \d+ values; a 8x16 latent/),
    );
    const nan = new Float32Array(p.latents.length);
    nan[5] = Number.NaN;
    await assert.rejects(dit.model.predict({ ...p, latents: nan }), rejectsWith('bad_request', /NaN/));
  });

  test('glyph embeddings and prior tokens must fit the latent and the model', async () => {
    const p = goodPass();
    await assert.rejects(dit.model.predict({ ...p, glyphs: new Float32Array(7) }), rejectsWith('bad_request', /glyph embeddings hold 7 values/));
    await assert.rejects(dit.model.predict({ ...p, priorTokenIds: new BigInt64Array(5) }), rejectsWith('bad_request', /5 prior tokens/));
    const ids = new BigInt64Array(p.priorTokenIds.length);
    ids[3] = BigInt(dit.model.config.priorCodebookSize);
    await assert.rejects(dit.model.predict({ ...p, priorTokenIds: ids }), rejectsWith('bad_request', /outside the codebook/));
    await assert.rejects(dit.model.predict({ ...p, timestep: Number.NaN }), rejectsWith('bad_request', /timestep/));
  });

  test('a reference cache from another model shape is refused', async () => {
    const c = dit.model.config;
    const other = ReferenceKvCache.empty(c.numLayers + 1, c.numHeads, c.headDim);
    await assert.rejects(dit.model.predict({ ...goodPass(), reference: other }), rejectsWith('bad_request', /different DiT/));
  });

  test('the loop checks both branches before its first pass', async () => {
    const p = goodPass();
    const schedule = buildSchedule(2, 16, parseFlowMatchConfig({ use_dynamic_shifting: true, time_shift_type: 'linear' }));
    await assert.rejects(
      denoise(dit.model, {
        schedule,
        guidanceScale: 1.5,
        latentHeight: p.latentHeight,
        latentWidth: p.latentWidth,
        latents: p.latents,
        cond: { glyphs: p.glyphs, glyphTokens: p.glyphTokens },
        uncond: { glyphs: new Float32Array(5), glyphTokens: 1 },
        priorTokenIds: p.priorTokenIds,
        targetSize: [64, 64],
      }),
      rejectsWith('bad_request', /glyph embeddings/),
    );
  });
});
