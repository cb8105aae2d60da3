import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { extractGlyphTexts } from '../../main/engine/glyph';
import { ASPECTS, describeProgress, formatEta, isValidSide, MAX_SIDE, MIN_SIDE, promptSegments, quotedRanges, sizeFor, sizeLike, snapSide, TIERS } from '../../renderer/src/generate';

const PROMPTS = [
  'A poster that says "GRAND OPENING" in gold',
  'a sign reading \u201cCafé\u201d and \u300c東京\u300d and "two" and \'one\'',
  "the girl's cat, it's 'quoted' \"x\" \u201cy\u201d",
  'unbalanced "quote and \u201chalf',
  'empty "" and \'\' and \u300c\u300d',
  'no quotes at all',
  'line\n"spans\nlines" ok',
  '\u2018curly single\u2019 \u300eother\u300f \u00abguillemets\u00bb are not quotes',
  '"a" "b" "c"',
];

describe('prompt editor: quoted text', () => {
  test('the highlighted ranges hold exactly the texts the engine draws, in its order', () => {
    for (const p of PROMPTS) {
      const ranges = quotedRanges(p);
      assert.deepEqual(
        ranges.map((r) => r.text),
        extractGlyphTexts(p),
        p,
      );
      for (const r of ranges) assert.equal(p.slice(r.start + 1, r.end - 1), r.text, 'range covers the marks and the text');
    }
  });

  test('segments rebuild the prompt and mark every quoted character', () => {
    for (const p of PROMPTS) {
      const segs = promptSegments(p);
      assert.equal(segs.map((s) => s.text).join(''), p);
      const quoted = new Set<number>();
      for (const r of quotedRanges(p)) for (let i = r.start; i < r.end; i++) quoted.add(i);
      let at = 0;
      for (const s of segs) {
        for (let i = 0; i < s.text.length; i++) assert.equal(quoted.has(at + i), s.quoted, `${JSON.stringify(p)} @${at + i}`);
        at += s.text.length;
      }
      for (let i = 1; i < segs.length; i++) assert.notEqual(segs[i]!.quoted, segs[i - 1]!.quoted, 'runs alternate');
    }
  });
});

describe('sizes', () => {
  test('every preset is a valid size with its aspect ratio', () => {
    for (const a of ASPECTS) {
      for (const t of TIERS) {
        const { width, height } = sizeFor(a.w, a.h, t.side);
        assert.ok(isValidSide(width) && isValidSide(height), `${a.id} ${t.id}: ${width}x${height}`);
        const want = a.w / a.h;
        // snapping to 32 (and the 512..2048 range) bends the ratio a little, never the orientation
        assert.equal(Math.sign(width - height), Math.sign(a.w - a.h), `${a.id} ${t.id}`);
        if (width > MIN_SIDE && height > MIN_SIDE && width < MAX_SIDE && height < MAX_SIDE) {
          assert.ok(Math.abs(width / height / want - 1) < 0.1, `${a.id} ${t.id}: ${width}x${height}`);
        }
      }
    }
    assert.deepEqual(sizeFor(1, 1, 1024), { width: 1024, height: 1024 });
  });

  test('snapSide rounds to 32 inside 512..2048', () => {
    assert.equal(snapSide(1000), 992);
    assert.equal(snapSide(1008), 1024);
    assert.equal(snapSide(100), 512);
    assert.equal(snapSide(5000), 2048);
    assert.equal(snapSide(Number.NaN), 512);
  });

  test('sizeLike keeps an image\'s aspect and caps its area', () => {
    const s = sizeLike(4000, 3000, 1024);
    assert.ok(isValidSide(s.width) && isValidSide(s.height));
    assert.ok(Math.abs(s.width / s.height - 4 / 3) < 0.05);
    assert.ok(s.width * s.height <= 1024 * 1024 * 1.07);
    assert.deepEqual(sizeLike(0, 10), { width: 1024, height: 1024 });
  });
});

describe('progress wording', () => {
  test('two phases: tokens fill first, then diffusion steps', () => {
    const ar = describeProgress({ phase: 'ar', step: 64, total: 256, image: 0, etaMs: 3000 });
    assert.equal(ar.tokens, 25);
    assert.equal(ar.diffusion, 0);
    assert.equal(ar.count, '64 / 256 tokens');
    assert.equal(ar.eta, 'about 3 s left');
    const dit = describeProgress({ phase: 'dit', step: 10, total: 50, image: 0, etaMs: null });
    assert.deepEqual([dit.tokens, dit.diffusion, dit.count, dit.eta], [100, 20, '10 / 50 steps', null]);
    const load = describeProgress({ phase: 'load', step: 0, total: 0, image: 0, etaMs: null });
    assert.deepEqual([load.tokens, load.diffusion, load.count], [0, 0, null]);
    const vae = describeProgress({ phase: 'vae', step: 0, total: 1, image: 0, etaMs: null });
    assert.deepEqual([vae.tokens, vae.diffusion], [100, 100]);
  });

  test('ETA reads in seconds, minutes, hours', () => {
    assert.equal(formatEta(59_400), 'about 59 s left');
    assert.equal(formatEta(130_000), 'about 2 min 10 s left');
    assert.equal(formatEta(3_720_000), 'about 1 h 2 min left');
  });
});
