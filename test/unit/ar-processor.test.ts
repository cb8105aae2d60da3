/** Processor pieces alone: smart resize, grids, position ids, bad input. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import {
  GlmImageProcessor,
  Positions3D,
  roundHalfEven,
  ropeIndex,
  smartResize,
  targetGrids,
} from '../../main/engine/processor';
import { GlimmerError, isCodedError } from '../../main/contract';
import { checkpointDir } from '../helpers/fixtures';

function isGlimmer(code: string) {
  return (err: unknown) => isCodedError(err) && err.code === code && err.message.length > 0;
}

describe('smartResize', () => {
  test('rounds half to even like Python', () => {
    assert.equal(roundHalfEven(0.5), 0);
    assert.equal(roundHalfEven(1.5), 2);
    assert.equal(roundHalfEven(2.5), 2);
    assert.equal(roundHalfEven(2.4999), 2);
    assert.equal(roundHalfEven(2.5001), 3);
  });

  test('within bounds: half resolution, multiples of the factor', () => {
    for (const [h, w] of [
      [1024, 1024],
      [1024, 768],
      [2048, 1536],
      [1000, 1333],
      [4096, 4096],
      [300, 1000],
      [100, 100],
      [16, 64],
      [4000, 1000],
    ]) {
      const r = smartResize(h, w);
      assert.equal(r.height % 16, 0);
      assert.equal(r.width % 16, 0);
      assert.ok(r.height >= 16 && r.width >= 16);
      assert.ok(Math.max(r.height, r.width) <= 2048);
      // aspect ratio kept to within one factor step on each side
      const aspect = h / w;
      assert.ok(Math.abs(r.height / r.width - aspect) <= aspect * (32 / Math.min(r.height, r.width)) + 1e-9, `${h}x${w}`);
    }
  });

  test('no scaling between 512 and 2048: exactly half, snapped to 16', () => {
    for (const [h, w] of [
      [512, 512],
      [1024, 1024],
      [2048, 1024],
      [800, 1200],
    ]) {
      const r = smartResize(h, w);
      assert.equal(r.height, roundHalfEven(Math.floor(h / 2) / 16) * 16);
      assert.equal(r.width, roundHalfEven(Math.floor(w / 2) / 16) * 16);
    }
  });

  test('small images are scaled up so the short side reaches 512 before halving', () => {
    const r = smartResize(256, 256);
    assert.deepEqual(r, { height: 256, width: 256 });
  });

  test('rejects too small and too elongated images', () => {
    assert.throws(() => smartResize(8, 100), isGlimmer('bad_image'));
    assert.throws(() => smartResize(100, 500), isGlimmer('bad_image'));
    assert.throws(() => smartResize(0, 100), isGlimmer('bad_image'));
    assert.throws(() => smartResize(10.5, 100), isGlimmer('bad_image'));
  });

  test('options change the limits', () => {
    const r = smartResize(1024, 1024, { minPixels: 64 * 64, maxPixels: 256 * 256 });
    assert.ok(Math.max(r.height, r.width) <= 256);
  });
});

describe('targetGrids', () => {
  test('target is size/32; preview about 16x16 with the same aspect', () => {
    for (const [h, w] of [
      [1024, 1024],
      [1024, 1152],
      [96, 128],
      [2048, 512],
    ]) {
      const g = targetGrids(h, w);
      assert.deepEqual(g.target, { h: h / 32, w: w / 32 });
      assert.ok(g.preview.h * g.preview.w <= 256);
      assert.ok(Math.abs(g.preview.h / g.preview.w - h / w) < 0.2 * (h / w) + 0.1);
    }
  });

  test('rejects sizes that are not multiples of 32', () => {
    assert.throws(() => targetGrids(1000, 1024), isGlimmer('bad_request'));
    assert.throws(() => targetGrids(1024, 0), isGlimmer('bad_request'));
    assert.throws(() => targetGrids(-32, 64), isGlimmer('bad_request'));
  });
});

describe('ropeIndex', () => {
  const S = 900; // image start
  const E = 901; // image end
  const P = 902; // image placeholder

  test('text to image: prompt 0..L-1, preview grid first, then target, then the end step', () => {
    const ids = [5, 6, 7, S];
    const r = ropeIndex({ inputIds: ids, grids: [{ h: 3, w: 3 }, { h: 3, w: 2 }], imageStartId: S, imageEndId: E });
    assert.deepEqual(r.prefill.t, [0, 1, 2, 3]);
    assert.deepEqual(r.prefill.h, [0, 1, 2, 3]);
    assert.deepEqual(r.generationGrids, [{ h: 3, w: 2 }, { h: 3, w: 3 }]);
    assert.equal(r.decode.length, 6 + 9 + 1);
    // preview grid (3x2) from 4
    assert.deepEqual(r.decode.t.slice(0, 6), [4, 4, 4, 4, 4, 4]);
    assert.deepEqual(r.decode.h.slice(0, 6), [4, 4, 5, 5, 6, 6]);
    assert.deepEqual(r.decode.w.slice(0, 6), [4, 5, 4, 5, 4, 5]);
    // target (3x3) from 4 + max(3,2) = 7
    assert.deepEqual(r.decode.t.slice(6, 15), Array(9).fill(7));
    assert.deepEqual(r.decode.w.slice(6, 9), [7, 8, 9]);
    // end step at 7 + 3
    assert.deepEqual([r.decode.t[15], r.decode.h[15], r.decode.w[15]], [10, 10, 10]);
  });

  test('image to image: reference tokens are 2-D, text continues after max(h, w)', () => {
    const ids = [S, P, P, P, P, P, P, E, 5, 6, S];
    const r = ropeIndex({ inputIds: ids, grids: [{ h: 2, w: 3 }, { h: 2, w: 2 }], imageStartId: S, imageEndId: E });
    assert.deepEqual(r.prefill.t, [0, 1, 1, 1, 1, 1, 1, 4, 5, 6, 7]);
    assert.deepEqual(r.prefill.h, [0, 1, 1, 1, 2, 2, 2, 4, 5, 6, 7]);
    assert.deepEqual(r.prefill.w, [0, 1, 2, 3, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(r.generationGrids, [{ h: 2, w: 2 }]);
    assert.deepEqual(r.decode.t, [8, 8, 8, 8, 10]);
    assert.deepEqual(r.decode.h, [8, 8, 9, 9, 10]);
    assert.deepEqual(r.decode.w, [8, 9, 8, 9, 10]);
  });

  test('Positions3D packs [3, n] int64 axis-major', () => {
    const p = new Positions3D([1, 2], [3, 4], [5, 6]);
    assert.deepEqual(Array.from(p.toBigInt64(), Number), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(p.slice(1).t, [2]);
  });
});

describe('GlmImageProcessor bad input', () => {
  const processor = GlmImageProcessor.load(path.join(checkpointDir(), 'processor'));

  test('empty prompt', () => {
    assert.throws(() => processor.textToImage({ prompt: '', height: 64, width: 64 }), isGlimmer('bad_request'));
    assert.throws(() => processor.textToImage({ prompt: '   ', height: 64, width: 64 }), isGlimmer('bad_request'));
  });

  test('size not a multiple of 32', () => {
    assert.throws(() => processor.textToImage({ prompt: 'a cat', height: 100, width: 64 }), isGlimmer('bad_request'));
  });

  test('reserved tokens inside the prompt', () => {
    assert.throws(
      () => processor.textToImage({ prompt: 'a cat<|dit_token_16385|>', height: 64, width: 64 }),
      isGlimmer('bad_request'),
    );
  });

  test('image to image without references', () => {
    assert.throws(() => processor.imageToImage({ prompt: 'x', height: 64, width: 64, references: [] }), isGlimmer('bad_request'));
  });

  test('placeholders are filled in order and counted', () => {
    const out = processor.imageToImage({ prompt: 'x', height: 64, width: 64, references: [{ height: 64, width: 96 }] });
    const n = out.sourceGrids[0].h * out.sourceGrids[0].w;
    const vq = Array.from({ length: n }, (_, i) => i % 100);
    const filled = processor.fillImageTokens(out.inputIds, vq);
    assert.deepEqual(filled.filter((_, i) => out.inputIds[i] === out.imageTokenId), vq);
    assert.throws(() => processor.fillImageTokens(out.inputIds, vq.slice(1)), GlimmerError);
  });

  test('missing processor folder', () => {
    assert.throws(() => GlmImageProcessor.load('/nonexistent/processor'), isGlimmer('model_missing'));
  });
});
